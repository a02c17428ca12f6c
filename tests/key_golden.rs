//! The candidate keys ([`relate::candidate_keys`]) and what the relation step reads of a claim
//! ([`Facts`]) are a function of the content that must not change when their code is made
//! faster: a digest of their output for some thousands of varied contents (synthetic articles,
//! their extracted claims, random word salads with the tricky cases, hand-written edge cases) is
//! compared with the digest recorded from the code before (golden vectors). A change of the
//! rules themselves (not of their speed) records the new digests in the same commit.

use claims::extract::Extractor;
use claims::relate::{self, Facts};
use claims::synth::{article, Rng};
use sha2::{Digest, Sha256};

/// Hand-written contents: unicode, diacritics, numbers with commas, negations, quotes,
/// degenerate and very long contents.
const TRICKY: &[&str] = &[
    "",
    " ",
    "?",
    "No",
    "it",
    "42",
    "it is",
    "the end",
    "  .",
    "Kraken",
    "prices rose",
    "Prices  rose.",
    "that prices rose",
    "That the river rose overnight.",
    "the bridge was not damaged",
    "the bridge wasn\u{2019}t damaged",
    "the bridge won't reopen, can't reopen and shan't reopen",
    "nobody knows, nothing changed, neither side, nor the other; none cannot",
    "about 12,000 people were evacuated on Monday 24 May",
    "the toll rose to 1,234.5% by March",
    "Troops may march in March; they may not in May",
    "bridge 3 reopens on day 5 and bridge 4 on day 6",
    "one two three four five six seven numbers in a row then 7 8 9 10 11",
    "Russian troops push further south towards the Kremlin",
    "the Russian candidate comes to South Carolina and North Korea",
    "Kyiv\u{2019}s forces advanced westward while Moscow's retreated eastbound",
    "The Ukrainian army captured the town, Russia's army repelled the attack",
    "Café owners in Zürich say the crème brûlée prices fell",
    "Cafe\u{301} owners in Zu\u{308}rich say the cre\u{300}me bru\u{302}le\u{301}e prices fell",
    "\u{201C}We believe the harbour flooded,\u{201D} the mayor said",
    "\u{2018}It\u{2019}s a hoax\u{2019} \u{2014} says the \u{00AB}official\u{00BB} spokesman \u{2013} again",
    "ÉCOLE FERMÉE À PARIS APRÈS LA GRÈVE",
    "ΑΘΗΝΑ: οι τιμές αυξήθηκαν κατά 5%",
    "Москва заявила, что цены выросли",
    "東京の価格が上昇した 2024",
    "İstanbul'da fiyatlar düştü; ǅemal said so",
    "the leader's wife and the leaders\u{2019} wives",
    "al-Zubaydi's men and bin-Salman's aides met Kim Jong-un",
    "NASA, ISIS and the U.S. said ok",
    "THE MAYOR SAYS THE BRIDGE IS FINE",
    "Lighthouse Keeper In Tobermory Sees Kraken",
    "The lighthouse keeper saw a kraken off Tobermory",
    "Airline to seat passengers by gender on flights to Tel Aviv",
    "The airline will not separate passengers by gender",
    "the dead, the died, the dying and the killed were segregated; women sold pics",
    "parties partied, studies studied, glasses glassed, buses bused",
    "a\u{00A0}non\u{2009}breaking\u{202F}space and a\ttab\nand a newline",
    "-- -- -- ... !!! ???",
    "x y",
    "aa bb",
    "1,000 2,000",
    "the 1990s and 2000s: 3.5m and 4.2bn, 50% and 12 per cent",
    "water levels rise, rises, rose, risen, rising, fall, falls, fell, fallen",
    "the shop opened, closed, reopened and won, lost, was defeated",
    "\u{FEFF}zero-width\u{200B}joiner\u{200D}s and soft\u{00AD}hyphens",
    "emoji 🚀 launched from Cape Canaveral 🌍",
];

const VOCAB: &[&str] = &[
    "the",
    "a",
    "not",
    "never",
    "no",
    "didn't",
    "won\u{2019}t",
    "can't",
    "isn't",
    "nobody",
    "bridge",
    "harbour",
    "river",
    "prices",
    "level",
    "Kremlin",
    "Russian",
    "Russia",
    "Ukraine",
    "Kyiv",
    "Moscow",
    "Paris",
    "Zürich",
    "Café",
    "NATO",
    "U.S.",
    "mayor's",
    "leader\u{2019}s",
    "rose",
    "fell",
    "rise",
    "increased",
    "declined",
    "west",
    "east",
    "North",
    "South",
    "westward",
    "southbound",
    "further",
    "towards",
    "advanced",
    "retreated",
    "captured",
    "held",
    "opened",
    "closed",
    "won",
    "lost",
    "1",
    "3",
    "12,000",
    "2019",
    "50%",
    "4.5",
    "two",
    "hundred",
    "thousands",
    "dozens",
    "Monday",
    "today",
    "May",
    "March",
    "in",
    "on",
    "by",
    "to",
    "about",
    "nearly",
    "people",
    "percent",
    "km",
    "district",
    "day",
    "report",
    "hoax",
    "denied",
    "kraken",
    "lighthouse",
    "tobermory",
    "burgers",
    "parties",
    "studied",
    "dying",
    "women",
    "sold",
    "gender",
    "segregated",
    "x",
    "é",
    "ÉCOLE",
    "naïve",
    "œuvre",
    "straße",
    "İ",
    "ǅ",
    "ﬁnal",
    "—",
    "\u{201C}quoted\u{201D}",
    "(1/2)",
    "it's",
    "that",
    "That",
    "said",
    "officials",
    "zyxwvut",
    "quux",
    "Tel",
    "Aviv",
    "al-Baghdadi",
    "bin-Salman",
];

const GLUE: &[&str] = &[
    " ",
    " ",
    " ",
    " ",
    "  ",
    ", ",
    "-",
    "/",
    "; ",
    ". ",
    "\u{2014}",
    " \u{2019}",
    "\t",
];

fn contents() -> Vec<String> {
    let mut out: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    let extractor = Extractor::new().expect("extractor");
    for seed in 0..120u64 {
        let text = article(seed, 25);
        for line in text.lines() {
            out.push(line.to_string());
        }
        for a in extractor.extract(&text).claims {
            let parts: Vec<&str> = a.content.iter().map(|r| &text[r.clone()]).collect();
            out.push(parts.join(" "));
        }
    }
    let mut rng = Rng::new(20261201);
    for i in 0..3000usize {
        let n = match i % 10 {
            0 => 1 + rng.below(3),
            9 => 60 + rng.below(200),
            _ => 2 + rng.below(25),
        };
        let mut s = String::new();
        for k in 0..n {
            if k > 0 {
                s.push_str(rng.pick(GLUE));
            }
            s.push_str(rng.pick(VOCAB));
        }
        out.push(s);
    }
    // A very long content.
    out.push(
        (0..2000)
            .map(|i| VOCAB[i * 7 % VOCAB.len()])
            .collect::<Vec<_>>()
            .join(" "),
    );
    out
}

fn digest(label: &str, each: impl Fn(&str) -> String) -> String {
    let mut h = Sha256::new();
    let all = contents();
    for c in &all {
        h.update(c.as_bytes());
        h.update([0]);
        h.update(each(c).as_bytes());
        h.update([0xff]);
    }
    let d = hex::encode(h.finalize());
    eprintln!("{label}: {} contents, {d}", all.len());
    d
}

#[test]
fn candidate_keys_are_those_of_the_golden_vector() {
    let d = digest("candidate_keys", |c| {
        format!("{:?}", relate::candidate_keys(c))
    });
    assert_eq!(
        d,
        "e1d892fd87515bf8bac0c7cafdebea6c9b5362ca803470bed61309340555be65"
    );
}

#[test]
fn facts_are_those_of_the_golden_vector() {
    let d = digest("facts", |c| {
        let f = Facts::new("The mayor", "say", "neutral", c);
        let g = Facts::new("", "", "asserting", c);
        format!("{f:?}{:?}{g:?}{:?}", f.candidate_keys(), g.candidate_keys())
    });
    assert_eq!(
        d,
        "2135bc33ee5086b6cbd31fa731d12232ac4218550e18afcdc32bce5e11ab34b1"
    );
}

/// `normalize_content` as it was before its fast paths for plain ASCII text.
fn normalize_content_before(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' | '\u{2009}' | '\u{202F}' => ' ',
            c => c,
        })
        .collect();
    let mut out = collapse_space_before(&mapped);
    for prefix in ["that ", "That "] {
        if let Some(rest) = out.strip_prefix(prefix) {
            out = rest.to_string();
        }
    }
    let trimmed = out.trim_end_matches(['.', ',', ';', ':', ' ']);
    claims::objects::to_nfc(trimmed)
}

fn collapse_space_before(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn normalized_contents_are_those_of_before() {
    let mut all = contents();
    // Every kind of white space and mapped character, at either end and doubled.
    let odd = [
        " ", "  ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1c}", "\u{1f}", "\u{85}", "\u{a0}",
        "\u{2009}", "\u{202f}", "\u{3000}", "\u{2028}", "`", "\u{2019}", "\u{2014}", "\u{201c}",
        "é", "e\u{301}", ".", ",", "that ", "That ", "x",
    ];
    for a in odd {
        for b in odd {
            all.push(format!("{a}that word{b}"));
            all.push(format!("{a}{b}word word{a}{b}"));
            all.push(format!("word{a}{b}word"));
        }
    }
    for c in &all {
        assert_eq!(
            claims::model::normalize_content(c),
            normalize_content_before(c),
            "{c:?}"
        );
        assert_eq!(
            claims::model::collapse_space(c),
            collapse_space_before(c),
            "{c:?}"
        );
    }
}
