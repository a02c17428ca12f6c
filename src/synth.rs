//! Deterministic synthetic news articles and objects, for benchmarks and tests (the one
//! generator both use).
//!
//! The same seed always gives the same article. Sentences mix the attribution patterns the
//! extractor handles (speech verbs before and after the content, "according to", evidential
//! and accusation cues, hedges) with plain statements in the outlet's own voice.
//! [`article_objects`] builds the objects of an article directly, without extraction: what sync
//! tests and benches move around.

use crate::model::{self, Body, Claim, Mention, Received, Typed, Version};
use crate::objects::{Object, ObjectError};

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SPEAKERS: &[&str] = &[
    "The mayor",
    "Police",
    "The health ministry",
    "Local officials",
    "The company",
    "Regional governor Ana Ortiz",
    "Witnesses",
    "The union",
    "Analysts",
    "The defence ministry",
    "A spokesperson for the council",
    "Residents",
];

const VERBS_AFTER: &[&str] = &["said", "told reporters", "added", "warned", "claimed"];
const VERBS_BEFORE: &[&str] = &[
    "said",
    "confirmed",
    "denied",
    "warned",
    "claimed",
    "insisted",
];

const SUBJECTS: &[&str] = &[
    "the bridge",
    "the northern district",
    "the water supply",
    "the new hospital wing",
    "the rail line",
    "the harbour",
    "the power plant",
    "the school budget",
    "the evacuation route",
    "the border crossing",
];

const PREDICATES: &[&str] = &[
    "would reopen within two weeks",
    "had been damaged by the storm",
    "was operating at half capacity",
    "will receive 40 million in new funding",
    "remained closed to traffic",
    "had been inspected on Tuesday",
    "was never at risk",
    "could be repaired before winter",
    "may need to be rebuilt",
    "is expected to cost more than planned",
];

const PLAIN: &[&str] = &[
    "Traffic was diverted through the eastern ring road for most of the day.",
    "The district has about 12,000 residents.",
    "Crews worked through the night under floodlights.",
    "The last major repair took place in 2019.",
    "Several shops on the main street stayed shut.",
    "Buses replaced trains between the two stations.",
];

/// One synthetic article: a title line, then about `sentences` sentences, one paragraph each.
pub fn article(seed: u64, sentences: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(sentences * 110);
    let subject = rng.pick(SUBJECTS);
    out.push_str(&format!(
        "Officials review {subject} after week of disruption (report {seed})\n"
    ));
    for _ in 0..sentences {
        let speaker = rng.pick(SPEAKERS);
        let s = rng.pick(SUBJECTS);
        let p = rng.pick(PREDICATES);
        let line = match rng.below(7) {
            0 => format!("{speaker} {} that {s} {p}.", rng.pick(VERBS_BEFORE)),
            1 => {
                let mut c = format!("{s} {p}");
                if let Some(first) = c.get(..1) {
                    c = first.to_uppercase() + &c[1..];
                }
                format!("{c}, {} {}.", speaker.to_lowercase(), rng.pick(VERBS_AFTER))
            }
            2 => format!("According to {}, {s} {p}.", speaker.to_lowercase()),
            3 => format!(
                "\u{201C}We believe {s} {p},\u{201D} {} said.",
                speaker.to_lowercase()
            ),
            4 => format!("{speaker} blamed the delays on {s}."),
            5 => format!(
                "Footage shared by {} shows that {s} {p}.",
                speaker.to_lowercase()
            ),
            _ => rng.pick(PLAIN).to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The objects of one synthetic article, without extraction: a document (URL
/// `https://news.example/SEED`), a version of [`article`]`(seed, sentences)`, and two claims
/// with their mentions; a chain of references that must arrive in order. Each claim's content is
/// a sentence of the text followed by `(SEED/K)`, so no two claims are alike and none relate.
pub fn article_objects(seed: u64, sentences: usize) -> Result<Vec<Object>, ObjectError> {
    let doc = Typed::new(Body::Document(model::lineage(
        Some(&format!("https://news.example/{seed}")),
        None,
        None,
        None,
    )))?;
    let text = article(seed, sentences);
    let version = Typed::new(Body::Version(Version {
        v: 1,
        document: doc.id(),
        text: text.clone(),
        title: Some(format!("Report {seed}")),
        byline: None,
        source: Some("Example News".into()),
        published: Some("2026-01-02T03:04:05Z".into()),
        modified: None,
    }))?;
    let mut out = vec![doc.object, version.object.clone()];
    let lines: Vec<&str> = text.lines().skip(1).collect();
    for k in 0..2u64 {
        let sentence = lines.get(k as usize).copied().unwrap_or("");
        let claim = Typed::new(Body::Claim(Claim {
            v: 1,
            speaker: "The mayor".into(),
            cue: "say".into(),
            stance: "neutral".into(),
            hedges: vec![],
            content: format!("{sentence} ({seed}/{k})"),
        }))?;
        let mention = Typed::new(Body::Mention(Mention {
            v: 1,
            claim: claim.id(),
            version: version.id(),
            sentence: sentence.to_string(),
            source: vec![[0, 3]],
            cue: vec![[4, 8]],
            content: vec![[k + 10, k + 40]],
            direct: false,
            extractor: "synth".into(),
            extractor_version: "0".into(),
        }))?;
        out.push(claim.object);
        out.push(mention.object);
    }
    Ok(out)
}

/// A claim object with no hedges, ready for the ledger: what tests of the relation step build
/// their claims from.
pub fn claim(speaker: &str, cue: &str, stance: &str, content: &str) -> Received {
    Typed::new(Body::Claim(Claim {
        v: 1,
        speaker: speaker.to_string(),
        cue: cue.to_string(),
        stance: stance.to_string(),
        hedges: vec![],
        content: content.to_string(),
    }))
    .expect("a claim body always encodes")
    .into()
}
