//! Lists the relations the rules find among the claims of a directory of articles imported
//! together, without a database: for the hand check of `docs/relations.md` on PolNeAR dev.
//!
//!     cargo run --release --example relate_texts -- ../shared/eval/polnear/dev/text [MIN_SCORE]
//!
//! Each file is read and extracted by the library; the claims are compared through their
//! keys as the store does (at most `MAX_CANDIDATES_PER_KEY` stored claims per key with another
//! detail), and every conflict scored at least MIN_SCORE (default
//! [`claims::relate::DEFAULT_MIN_SCORE`]) is printed with both contents and the reason; then
//! the counts of conflicts and corroborations per article. Prints the texts' claims only to the
//! terminal: nothing is written.

use claims::extract::Extractor;
use claims::ingest;
use claims::model::plan::plan_article;
use claims::model::{Body, RelationKind};
use claims::relate::{self, Facts};
use std::collections::{BTreeSet, HashMap};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: relate_texts DIR [MIN_SCORE]"))?;
    let min: f64 = match args.get(1) {
        Some(s) => s.parse()?,
        None => relate::DEFAULT_MIN_SCORE,
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let extractor = Extractor::new()?;
    // (speaker, cue, stance, content) → (facts, documents)
    let mut claims: Vec<(Facts, BTreeSet<usize>)> = Vec::new();
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for (i, path) in files.iter().enumerate() {
        for article in ingest::read(path)? {
            let planned = plan_article(&article, &extractor)?;
            for claim in &planned.claims {
                let Body::Claim(c) = &claim.body else {
                    continue;
                };
                let k = (
                    c.speaker.clone(),
                    c.cue.clone(),
                    c.stance.clone(),
                    c.content.clone(),
                );
                let n = *seen.entry(k).or_insert_with(|| {
                    claims.push((
                        Facts::new(&c.speaker, &c.cue, &c.stance, &c.content),
                        BTreeSet::new(),
                    ));
                    claims.len() - 1
                });
                claims[n].1.insert(i);
            }
        }
    }
    let (mut conflicts, mut corroborations, mut below) = (0usize, 0usize, 0usize);
    // The pairs the store compares (same contents are the views', not judged).
    let keys: Vec<Vec<(String, String)>> = claims
        .iter()
        .map(|c| relate::candidate_keys(&c.0.content))
        .collect();
    // Rows of `claim_keys` per claim, by kind (what import writes for these claims).
    let mut by_kind: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for k in keys.iter().flatten() {
        let kind = match k.0.split(':').next().unwrap_or("") {
            "t" if k.0.contains('+') => "t-pair",
            "t" => "t-single",
            "n" => "n",
            "q" => "q",
            "p" => "p",
            _ => "e",
        };
        *by_kind.entry(kind).or_default() += 1;
    }
    let per = |n: usize| n as f64 / claims.len().max(1) as f64;
    let shown: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| format!("{k} {:.2}", per(*n)))
        .collect();
    println!(
        "candidate keys per claim: {:.2} ({})",
        per(keys.iter().map(Vec::len).sum()),
        shown.join(", ")
    );
    for ((x, y), same) in relate::candidate_pairs(&keys) {
        if same {
            continue;
        }
        let Some(f) = relate::judge(&claims[x].0, &claims[y].0) else {
            continue;
        };
        if f.score < min {
            below += 1;
            continue;
        }
        match f.kind {
            RelationKind::Conflicts => {
                conflicts += 1;
                let name = |n: usize| {
                    claims[n]
                        .1
                        .iter()
                        .map(|&d| {
                            files[d]
                                .file_stem()
                                .map(|s| s.to_string_lossy().to_string())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                println!(
                    "CONFLICT {:.3} [{}] {}\n  A {} | {} — {} ({}): {}\n  B {} | {} — {} ({}): {}",
                    f.score,
                    f.basis,
                    f.reason,
                    name(x),
                    claims[x].0.speaker,
                    claims[x].0.cue,
                    claims[x].0.stance,
                    claims[x].0.content,
                    name(y),
                    claims[y].0.speaker,
                    claims[y].0.cue,
                    claims[y].0.stance,
                    claims[y].0.content
                );
            }
            _ => corroborations += 1,
        }
    }
    println!(
        "{} articles, {} claims; at min score {min}: {conflicts} conflicts ({:.3} per article), {corroborations} corroborations; {below} findings below",
        files.len(),
        claims.len(),
        conflicts as f64 / files.len().max(1) as f64
    );
    Ok(())
}
