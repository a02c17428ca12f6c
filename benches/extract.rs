//! Extraction throughput: `cargo bench --bench extract`.
//!
//! Runs the extractor over the PolNeAR dev texts when they sit at `../shared/eval/polnear/dev`
//! next to the crate, and always over deterministic synthetic news text written for this bench.
//! Prints MB/s on one core.

use claims::extract::Extractor;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Sentence templates written for this bench; `{P}` is a person, `{O}` an organisation.
const TEMPLATES: &[&str] = &[
    "{P} said the council would vote on the budget next week.",
    "The new rules take effect in March, {O} said in a statement.",
    "“We will not accept this,” {P} told reporters on Tuesday. “It is a matter of principle.”",
    "According to {O}, about 1.5 million people were affected by the outage.",
    "{O} denied that it had been warned about the risk.",
    "It is believed that the talks could resume after the holiday.",
    "Prices rose by 3.2 percent in the year to June, the highest rate since 2008.",
    "{P} linked the delays to a shortage of engineers.",
    "Critics, including Mr. Hale of the U.S. branch, argued that the plan was unfair.",
    "The station aired footage on Monday showing crowds near the station.",
    "Read more about the story in our daily briefing.",
    "She added that the report, which runs to 300 pages, may be published in Sept. 2025.",
];
const PEOPLE: &[&str] = &[
    "Anna Berg",
    "Mr. Okafor",
    "the mayor",
    "Gen. Mark Hale",
    "she",
];
const ORGS: &[&str] = &[
    "the ministry",
    "Northwind Ltd.",
    "the union",
    "the city council",
];

/// A deterministic pseudo-random article of about `bytes` bytes.
fn synthetic(bytes: usize) -> String {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut out = String::with_capacity(bytes + 256);
    while out.len() < bytes {
        for _ in 0..1 + next(3) {
            let t = TEMPLATES[next(TEMPLATES.len())];
            let s = t
                .replace("{P}", PEOPLE[next(PEOPLE.len())])
                .replace("{O}", ORGS[next(ORGS.len())]);
            let mut c = s.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
            out.push(' ');
        }
        out.push_str("\n\n");
    }
    out
}

fn measure(name: &str, texts: &[String], ex: &Extractor) {
    let total: usize = texts.iter().map(String::len).sum();
    // Warm up once, then time enough rounds for about 0.5 s.
    let mut claims = 0usize;
    for t in texts {
        claims += ex.extract(t).claims.len();
    }
    let rounds = (200_000_000 / total.max(1)).clamp(1, 200);
    let start = Instant::now();
    for _ in 0..rounds {
        for t in texts {
            black_box(ex.extract(black_box(t)));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (total * rounds) as f64 / 1e6;
    println!(
        "{name}: {} texts, {:.2} MB, {claims} claims per round; {rounds} rounds in {secs:.2} s: {:.1} MB/s, {:.0} texts/s",
        texts.len(),
        total as f64 / 1e6,
        mb / secs,
        (texts.len() * rounds) as f64 / secs
    );
}

fn main() {
    let ex = Extractor::new().expect("embedded lexicon");
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/polnear/dev/text");
    match std::fs::read_dir(&dev) {
        Ok(dir) => {
            let mut paths: Vec<_> = dir.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            let texts: Vec<String> = paths
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            measure("polnear dev", &texts, &ex);
        }
        Err(_) => println!("polnear dev: not found at {}, skipped", dev.display()),
    }
    let texts: Vec<String> = (0..400).map(|i| synthetic(3_000 + (i % 7) * 500)).collect();
    measure("synthetic", &texts, &ex);
}
