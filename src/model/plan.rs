//! How one article becomes objects: a document (its lineage), a version (its text), and a
//! claim and a mention for every attribution the extractor finds. Pure: no I/O, no database.

use super::{
    collapse_space, lineage, normalize_content, normalize_speaker, Body, Claim, ClaimRef, Mention,
    Span, Typed, Version, UNATTRIBUTED, UNKNOWN_OUTLET,
};
use crate::extract::{
    Attribution, CharIndex, Extractor, Speaker, EXTRACTOR_NAME, EXTRACTOR_VERSION,
};
use crate::ingest::Article;
use crate::objects::{ObjectError, ObjectId};
use serde::Serialize;
use std::collections::HashMap;

/// Values given on the command line; each overrides what the file says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The outlet (`--source` on the command line; `"source"` in the fingerprint).
    #[serde(rename = "source", skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl Overrides {
    /// A stable fingerprint of the options, part of the re-import cache key.
    pub fn fingerprint(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| crate::objects::canonical_json(&v).ok())
            .unwrap_or_default()
    }

    /// Applies the overrides to an article as read.
    pub fn apply(&self, mut article: Article) -> Article {
        let set = |field: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                field.clone_from(value);
            }
        };
        set(&mut article.url, &self.url);
        set(&mut article.key, &self.key);
        set(&mut article.source, &self.outlet);
        set(&mut article.title, &self.title);
        set(&mut article.author, &self.author);
        if let Some(p) = &self.published {
            article.published = Some(crate::time::normalize(p));
        }
        article
    }
}

/// Every object one article gives: its document and version, its distinct claims, and its
/// mentions, kept compact (a long text names a few claims in many mentions) and made into
/// objects one at a time ([`Mentions::object`]). They are stored in the order document,
/// version, then for each mention in text order its claim and the mention.
#[derive(Debug, Clone)]
pub struct Planned {
    pub document: Typed,
    pub version: Typed,
    /// The distinct claims, in the order of their first mention.
    pub claims: Vec<Typed>,
    /// The mentions in text order, each naming one of [`Planned::claims`].
    pub mentions: Mentions,
}

/// What the mentions of one version are made from, in text order: the index of each one's
/// claim, its sentence (a byte range of the version's text) and its spans (code points).
///
/// A long text has a mention for every 50 bytes or so: each is kept in 40 bytes and 8 bytes a
/// span (offsets as `u32`: texts are far below 4 GiB).
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    items: Vec<MentionPlan>,
    /// The spans of every mention, each one's source, cue and content spans in a row.
    spans: Vec<[u32; 2]>,
}

#[derive(Debug, Clone)]
struct MentionPlan {
    claim: u32,
    sentence: [u32; 2],
    /// Where its spans start in [`Mentions::spans`], and how many source, cue and content
    /// spans follow there.
    first_span: u32,
    counts: [u32; 3],
    direct: bool,
    /// Its [`Attribution::order`].
    order: [u32; 2],
}

/// An offset or index as kept in [`Mentions`].
fn small(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Mentions {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The claim (an index of [`Planned::claims`]) of each mention, in text order.
    pub fn claims(&self) -> impl Iterator<Item = usize> + '_ {
        self.items.iter().map(|m| m.claim as usize)
    }

    /// The object of mention `i` (in text order) of `claim` in the version `version` whose
    /// text is `text`; `None` past the last mention.
    pub fn object(
        &self,
        i: usize,
        claim: ObjectId,
        version: ObjectId,
        text: &str,
    ) -> Option<Result<Typed, ObjectError>> {
        let m = self.items.get(i)?;
        let [source, cue, content] = m.counts.map(|n| n as usize);
        let first = m.first_span as usize;
        let spans = |from: usize, n: usize| -> Vec<Span> {
            self.spans
                .get(first + from..first + from + n)
                .unwrap_or_default()
                .iter()
                .map(|&[a, b]| [u64::from(a), u64::from(b)])
                .collect()
        };
        Some(Typed::new(Body::Mention(Mention {
            v: 1,
            claim,
            version,
            sentence: text
                .get(m.sentence[0] as usize..m.sentence[1] as usize)
                .map(str::trim)
                .unwrap_or_default()
                .to_string(),
            source: spans(0, source),
            cue: spans(source, cue),
            content: spans(source + cue, content),
            direct: m.direct,
            extractor: EXTRACTOR_NAME.to_string(),
            extractor_version: EXTRACTOR_VERSION.to_string(),
        })))
    }

    /// Adds the mention of `attribution` (found in `text`) naming claim `claim`.
    fn push(&mut self, claim: usize, attribution: &Attribution, chars: &CharIndex<'_>) {
        let first_span = small(self.spans.len());
        let mut counts = [0u32; 3];
        for (n, ranges) in
            counts
                .iter_mut()
                .zip([&attribution.source, &attribution.cue, &attribution.content])
        {
            for r in ranges {
                self.spans
                    .push([small(chars.chars_at(r.start)), small(chars.chars_at(r.end))]);
            }
            *n = small(ranges.len());
        }
        let (a, b) = attribution.order();
        self.items.push(MentionPlan {
            claim: small(claim),
            sentence: [
                small(attribution.sentence.start),
                small(attribution.sentence.end),
            ],
            first_span,
            counts,
            direct: attribution.direct,
            order: [small(a), small(b)],
        });
    }

    /// Puts the mentions in the order of [`crate::extract::Extraction::claims`] (they are
    /// pushed in the order they are found).
    fn sort(&mut self) {
        self.items.sort_by_key(|m| m.order);
    }

    /// Puts `claims` (as found) in the order of their first mention, and renumbers the
    /// mentions to match.
    fn renumber(&mut self, claims: Vec<Typed>) -> Vec<Typed> {
        let mut new_index = vec![u32::MAX; claims.len()];
        let mut order = Vec::with_capacity(claims.len());
        for m in &mut self.items {
            if let Some(slot) = new_index.get_mut(m.claim as usize) {
                if *slot == u32::MAX {
                    *slot = small(order.len());
                    order.push(m.claim as usize);
                }
                m.claim = *slot;
            }
        }
        let mut claims: Vec<Option<Typed>> = claims.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|i| claims.get_mut(i).and_then(Option::take))
            .collect()
    }
}

impl Planned {
    /// The claims in text order (one for each mention), as a diff compares them.
    pub fn claim_refs(&self) -> Vec<ClaimRef> {
        self.mentions
            .claims()
            .filter_map(|i| self.claims.get(i))
            .filter_map(|claim| match &claim.body {
                Body::Claim(c) => Some(ClaimRef::new(claim.id(), c)),
                _ => None,
            })
            .collect()
    }

    /// Every object in the order they are stored (a claim again before each of its mentions),
    /// all made at once: for small articles and tests; import makes the mentions one at a
    /// time.
    pub fn into_objects(self) -> Result<Vec<Typed>, ObjectError> {
        let text = match &self.version.body {
            Body::Version(v) => v.text.as_str(),
            _ => "",
        };
        let mut out = Vec::with_capacity(2 + 2 * self.mentions.len());
        for (i, c) in self.mentions.claims().enumerate() {
            let Some(claim) = self.claims.get(c) else {
                continue;
            };
            if let Some(mention) = self.mentions.object(i, claim.id(), self.version.id(), text) {
                out.push(claim.clone());
                out.push(mention?);
            }
        }
        Ok([self.document, self.version]
            .into_iter()
            .chain(out)
            .collect())
    }
}

/// Turns one article into objects. Pure: no I/O.
pub fn plan_article(article: &Article, extractor: &Extractor) -> Result<Planned, ObjectError> {
    plan(article, crate::objects::to_nfc(&article.text), extractor)
}

/// [`plan_article`], taking the article: its text, when already in NFC (as most are), becomes
/// the version's text without a copy.
pub fn plan_article_owned(
    mut article: Article,
    extractor: &Extractor,
) -> Result<Planned, ObjectError> {
    let text = std::mem::take(&mut article.text);
    let text = if unicode_normalization::is_nfc(&text) {
        text
    } else {
        crate::objects::to_nfc(&text)
    };
    plan(&article, text, extractor)
}

/// Plans an article whose text, in NFC, is `text` (`article.text` is not read).
fn plan(article: &Article, text: String, extractor: &Extractor) -> Result<Planned, ObjectError> {
    let nfc = |s: &Option<String>| {
        s.as_deref()
            .map(collapse_space)
            .filter(|s| !s.is_empty())
            .map(|s| crate::objects::to_nfc(&s))
    };
    let title = nfc(&article.title);
    let outlet = nfc(&article.source);
    let byline = nfc(&article.author);
    let document = Typed::new(Body::Document(lineage(
        article.url.as_deref(),
        article.key.as_deref(),
        outlet.as_deref(),
        title.as_deref(),
    )))?;
    // Who speaks when the article speaks in its own voice.
    let speaker = outlet
        .clone()
        .or_else(|| byline.clone())
        .unwrap_or_else(|| UNKNOWN_OUTLET.to_string());
    let chars = CharIndex::new(&text);
    let mut claims = Vec::new();
    let mut mentions = Mentions::default();
    // Each distinct claim is made into an object once, however often it is mentioned.
    let mut seen: HashMap<Claim, usize> = HashMap::new();
    let mut failed = None;
    extractor.extract_each(&text, |attribution| {
        if failed.is_some() {
            return;
        }
        let claim = claim_of(&attribution, &text, &speaker);
        let index = match seen.get(&claim) {
            Some(&i) => i,
            None => match Typed::new(Body::Claim(claim.clone())) {
                Ok(typed) => {
                    claims.push(typed);
                    seen.insert(claim, claims.len() - 1);
                    claims.len() - 1
                }
                Err(e) => {
                    failed = Some(e);
                    return;
                }
            },
        };
        mentions.push(index, &attribution, &chars);
    });
    if let Some(e) = failed {
        return Err(e);
    }
    mentions.sort();
    let claims = mentions.renumber(claims);
    // Made after the extraction, whose tables are gone by now: the text moves into the
    // version, and its canonical form (as long again) is not held beside them.
    let version = Typed::new(Body::Version(Version {
        v: 1,
        document: document.id(),
        text,
        title,
        byline,
        source: outlet,
        published: nfc(&article.published),
        modified: nfc(&article.modified),
    }))?;
    Ok(Planned {
        document,
        version,
        claims,
        mentions,
    })
}

/// The claim of one attribution found in `text`; `outlet_speaker` speaks for the outlet.
fn claim_of(attribution: &Attribution, text: &str, outlet_speaker: &str) -> Claim {
    let speaker = match &attribution.speaker {
        Speaker::Named(name) => normalize_speaker(name),
        Speaker::Outlet => normalize_speaker(outlet_speaker),
        Speaker::Unknown => UNATTRIBUTED.to_string(),
    };
    let content_text: Vec<&str> = attribution
        .content
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .collect();
    Claim {
        v: 1,
        speaker,
        cue: attribution.cue_lemma.clone(),
        stance: attribution.stance.as_str().to_string(),
        hedges: attribution.hedges.clone(),
        content: normalize_content(&content_text.join(" ")),
    }
}
