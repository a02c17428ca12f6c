//! Measures the relation rules on Emergent headlines without a database, as
//! `../shared/eval/relations.py` scores them, with 5-fold cross-validation split by story.
//!
//!     cargo run --release --example relate_eval -- ../shared/eval/emergent/train.csv
//!         [--folds 5] [--seed 7] [--dump pairs.tsv] [--examples N] [--at CONFLICT,CORROBORATE]
//!
//! Each headline becomes one article as the scorer builds it (header with URL, outlet and title,
//! the headline as its one sentence), and goes through the library's own reader and extractor.
//! All headlines compete together: two claims are compared only when they share a candidate
//! key held by at most `relate::MAX_KEY_HOLDERS` claims ([`claims::relate::candidate_pairs`],
//! the store's definition). Claims with the same speaker, cue, stance and content are one claim
//! in several articles.
//!
//! Gold per pair of articles (as the scorer): the same story, `for` against `against` is a
//! conflict; the same side is an agreement (a corroboration); any pair with `observing` is
//! neutral; pairs of different stories are cross-story false positives. Figures are printed
//! for the default thresholds ([`claims::relate::DEFAULT_MIN_SCORE`], and
//! [`claims::relate::DEFAULT_MIN_CORROBORATION_SCORE`] for corroborations) and cross-validated:
//! stories are split into folds; for each fold, the thresholds are chosen on the other folds
//! (best F-beta with beta 0.5: precision counts double) and measured on it. A predicted pair belongs to the fold of its first article.
//! `--dump FILE` writes every article pair found (score, kind, gold, reason, headlines);
//! with `RELATE_EVAL_COMPARED=FILE` set, every compared pair of claims with its similarity,
//! stances and what the rules found of it (kind, score, reason) goes to FILE, and each article's label and claims to FILE.articles (for analysis in
//! a temporary directory: never commit them, they hold the evaluation texts). With
//! `RELATE_EVAL_CLAIMS=FILE`, every claim with its terms, names, side and candidate keys goes
//! to FILE as JSON lines, and every finding to FILE.judged (`tools/cv_match.py` reads them).
//! `RELATE_EVAL_NOISE=DIR` adds the claims of the articles in DIR to the pool, scored by nobody:
//! they hold keys as a larger database's other claims would (a key they make common pairs
//! nothing), and `tools/cv_match.py` counts their conflicts (PolNeAR dev).

use claims::extract::Extractor;
use claims::ingest;
use claims::model::plan::plan_article;
use claims::model::{Body, RelationKind};
use claims::relate::{self, Facts};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

/// Minimal RFC 4180 reader: fields separated by commas, quoted with `"`, `""` inside quotes.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

struct ArticleRow {
    id: String,
    story: String,
    label: String,
    norm: String,
    headline: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gold {
    Conflict,
    Agree,
    Neutral,
    Cross,
    Duplicate,
}

fn gold(a: &ArticleRow, b: &ArticleRow) -> Gold {
    if a.story != b.story {
        return if a.norm == b.norm {
            Gold::Duplicate
        } else {
            Gold::Cross
        };
    }
    match (a.label.as_str(), b.label.as_str()) {
        ("for", "against") | ("against", "for") => Gold::Conflict,
        (x, y) if x == y && (x == "for" || x == "against") => Gold::Agree,
        _ => Gold::Neutral,
    }
}

struct ClaimObj {
    facts: Facts,
    docs: BTreeSet<usize>,
}

/// The distinct claims of the scored articles (and of the noise pool), in arrival order.
#[derive(Default)]
struct Pool {
    claims: Vec<ClaimObj>,
    by_key: HashMap<(String, String, String, Vec<String>, String), usize>,
    arrival: Vec<usize>,
}

impl Pool {
    /// Adds the claims of one planned article; returns the index of each, new or known.
    fn add(&mut self, planned: &[claims::model::Typed]) -> Vec<usize> {
        let mut out = Vec::new();
        for claim in planned {
            let Body::Claim(c) = &claim.body else {
                continue;
            };
            let k = (
                c.speaker.clone(),
                c.cue.clone(),
                c.stance.clone(),
                c.hedges.clone(),
                c.content.clone(),
            );
            let idx = *self.by_key.entry(k).or_insert_with(|| {
                self.claims.push(ClaimObj {
                    facts: Facts::new(&c.speaker, &c.cue, &c.stance, &c.content),
                    docs: BTreeSet::new(),
                });
                self.arrival.push(self.claims.len() - 1);
                self.claims.len() - 1
            });
            out.push(idx);
        }
        out
    }
}

/// One judged pair of claims.
struct Judged {
    a: usize,
    b: usize,
    kind: RelationKind,
    score: f64,
    basis: &'static str,
    reason: String,
}

#[derive(Default, Clone, Copy)]
struct Count {
    pred: usize,
    tp: usize,
    cross: usize,
    neutral: usize,
    opposite: usize,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut csv_path = None;
    let mut folds = 5usize;
    let mut seed = 7u64;
    let mut dump: Option<String> = None;
    let mut examples = 0usize;
    let mut at: Option<(f64, f64)> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--folds" => folds = it.next().map_or(Ok(5), |s| s.parse())?,
            "--seed" => seed = it.next().map_or(Ok(7), |s| s.parse())?,
            "--dump" => dump = it.next().cloned(),
            "--examples" => examples = it.next().map_or(Ok(0), |s| s.parse())?,
            "--at" => {
                let s = it.next().cloned().unwrap_or_default();
                let (c, r) = s.split_once(',').unwrap_or((&s, &s));
                at = Some((c.parse()?, r.parse()?));
            }
            _ => csv_path = Some(a.clone()),
        }
    }
    let csv_path = csv_path.ok_or_else(|| anyhow::anyhow!("usage: relate_eval EMERGENT_CSV"))?;
    let text = std::fs::read_to_string(&csv_path)?;
    let rows = csv_rows(&text);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (ch, cs, ca, cc) = (
        col("articleHeadline"),
        col("articleHeadlineStance"),
        col("articleId"),
        col("claimId"),
    );
    // Articles by id (the scorer keys its dict by article id: a later row wins).
    let mut by_id: BTreeMap<String, ArticleRow> = BTreeMap::new();
    for r in &rows[1..] {
        if r.len() <= ch.max(cs).max(ca).max(cc) {
            continue;
        }
        let h = r[ch].split_whitespace().collect::<Vec<_>>().join(" ");
        if h.is_empty() {
            continue;
        }
        by_id.insert(
            r[ca].clone(),
            ArticleRow {
                id: r[ca].clone(),
                story: r[cc].clone(),
                label: r[cs].clone(),
                norm: h.to_lowercase(),
                headline: h,
            },
        );
    }
    let articles: Vec<ArticleRow> = by_id.into_values().collect();
    // Extract, as an import in file-name order would.
    let extractor = Extractor::new()?;
    let mut pool = Pool::default();
    for (i, a) in articles.iter().enumerate() {
        let sentence = if a.headline.ends_with(['.', '!', '?']) {
            a.headline.clone()
        } else {
            format!("{}.", a.headline)
        };
        let file = format!(
            "URL: https://emergent.example/article/{}\nSource: outlet-{}\nTitle: {}\n\n{}\n",
            a.id,
            &a.id[..8.min(a.id.len())],
            a.headline,
            sentence
        );
        let path = format!("{}.txt", a.id);
        let parsed = ingest::parse(Path::new(&path), file.as_bytes())?;
        for article in parsed {
            let planned = plan_article(&article, &extractor)?;
            for idx in pool.add(&planned.claims) {
                pool.claims[idx].docs.insert(i);
            }
        }
    }
    // RELATE_EVAL_NOISE=DIR adds the claims of the articles in DIR to the pool, with no
    // document of the scored set: they hold keys as a larger database's claims would (a key
    // common among them pairs nothing), and their own pairs are not scored.
    if let Ok(dir) = std::env::var("RELATE_EVAL_NOISE") {
        let mut files: Vec<_> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for path in files {
            for article in ingest::read(&path)? {
                let planned = plan_article(&article, &extractor)?;
                pool.add(&planned.claims);
            }
        }
    }
    let Pool {
        claims, arrival, ..
    } = pool;
    // Candidates as the store finds them (relate::candidate_pairs): pairs sharing a key held
    // by at most `relate::MAX_KEY_HOLDERS` claims; same contents are paired below, as the views
    // pair them.
    let keys: Vec<Vec<(String, String)>> = claims
        .iter()
        .map(|c| relate::candidate_keys(&c.facts.content))
        .collect();
    let mut judged: Vec<Judged> = Vec::new();
    let mut compared = 0usize;
    let mut compared_pairs: Vec<(usize, usize)> = Vec::new();
    // RELATE_EVAL_BOUND=N measures another bound on a key's holders than the store's.
    let bound = std::env::var("RELATE_EVAL_BOUND")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(relate::MAX_KEY_HOLDERS);
    for ((x, y), same) in relate::candidate_pairs_within(&keys, bound) {
        if same {
            continue;
        }
        compared += 1;
        compared_pairs.push((x, y));
        if let Some(f) = relate::judge(&claims[x].facts, &claims[y].facts) {
            judged.push(Judged {
                a: x,
                b: y,
                kind: f.kind,
                score: f.score,
                basis: f.basis,
                reason: f.reason,
            });
        }
    }
    // Same content (same `n:` key and detail), different claims: what the views pair.
    let mut same: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for &x in &arrival {
        for (k, d) in relate::keys(&claims[x].facts.content) {
            if k.starts_with("n:") {
                same.entry((k, d)).or_default().push(x);
            }
        }
    }
    for group in same.values() {
        for (i, &x) in group.iter().enumerate() {
            for &y in &group[i + 1..] {
                compared += 1;
                if let Some(f) = relate::judge(&claims[x].facts, &claims[y].facts) {
                    judged.push(Judged {
                        a: x,
                        b: y,
                        kind: f.kind,
                        score: f.score,
                        basis: f.basis,
                        reason: f.reason,
                    });
                }
            }
        }
    }
    // Article pairs with their best score per kind.
    let mut pairs: BTreeMap<(usize, usize, bool), (f64, usize)> = BTreeMap::new();
    for (n, j) in judged.iter().enumerate() {
        let conflict = j.kind == RelationKind::Conflicts;
        for &p in &claims[j.a].docs {
            for &q in &claims[j.b].docs {
                if p == q {
                    continue;
                }
                let k = (p.min(q), p.max(q), conflict);
                let e = pairs.entry(k).or_insert((j.score, n));
                if j.score > e.0 {
                    *e = (j.score, n);
                }
            }
        }
    }
    // Folds by story.
    let mut stories: Vec<&str> = articles.iter().map(|a| a.story.as_str()).collect();
    stories.sort();
    stories.dedup();
    let mut order: Vec<(u64, &str)> = stories
        .iter()
        .map(|s| {
            use sha2::Digest;
            let h = sha2::Sha256::digest(format!("{seed}:{s}").as_bytes());
            (
                u64::from_be_bytes(h[..8].try_into().unwrap_or_default()),
                *s,
            )
        })
        .collect();
    order.sort();
    let fold_of_story: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (*s, i % folds))
        .collect();
    let fold_of = |a: usize| fold_of_story[articles[a].story.as_str()];
    // Gold counts per fold.
    let mut gold_conf = vec![0usize; folds];
    let mut gold_agree = vec![0usize; folds];
    let mut by_story: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        by_story.entry(a.story.as_str()).or_default().push(i);
    }
    for members in by_story.values() {
        for (i, &x) in members.iter().enumerate() {
            for &y in &members[i + 1..] {
                match gold(&articles[x], &articles[y]) {
                    Gold::Conflict => gold_conf[fold_of(x)] += 1,
                    Gold::Agree => gold_agree[fold_of(x)] += 1,
                    _ => {}
                }
            }
        }
    }
    if let Ok(path) = std::env::var("RELATE_EVAL_COMPARED") {
        // Every compared pair of claims with its features, per pair of articles.
        use claims::relate::similar::{similarity, terms};
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "p\tq\tfold\tgold\tcosine\tshared\tside_a\tstr_a\tev_a\tside_b\tstr_b\tev_b\tsame_speaker\tla\tlb\tkind\tscore\treason")?;
        for &(x, y) in &compared_pairs {
            let (fa, fb) = (&claims[x].facts, &claims[y].facts);
            let sim = similarity(&terms(&fa.content), &terms(&fb.content));
            let (sa, sb) = (fa.side(), fb.side());
            let found = relate::judge(fa, fb);
            let (kind, score, reason) = found.as_ref().map_or(("none", 0.0, ""), |f| {
                (f.kind.as_str(), f.score, f.reason.as_str())
            });
            for &p in &claims[x].docs {
                for &q in &claims[y].docs {
                    if p == q {
                        continue;
                    }
                    writeln!(
                        out,
                        "{p}\t{q}\t{}\t{:?}\t{:.4}\t{:.4}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.3}\t{}",
                        fold_of(p.min(q)),
                        gold(&articles[p], &articles[q]),
                        sim.cosine,
                        sim.shared_weight,
                        sa.side.as_str(),
                        sa.strength,
                        sa.evidence,
                        sb.side.as_str(),
                        sb.strength,
                        sb.evidence,
                        fa.speaker == fb.speaker,
                        articles[p].label,
                        articles[q].label,
                        kind,
                        score,
                        reason,
                    )?;
                }
            }
        }
        // Per article: its label and the sides of its claims.
        let mut out = std::io::BufWriter::new(std::fs::File::create(format!(
            "{}.articles",
            std::env::var("RELATE_EVAL_COMPARED")?
        ))?);
        for (i, a) in articles.iter().enumerate() {
            let sides: Vec<String> = claims
                .iter()
                .filter(|c| c.docs.contains(&i))
                .map(|c| {
                    format!(
                        "{}|{}|{}|{}|{}",
                        c.facts.side().side.as_str(),
                        c.facts.side().evidence,
                        c.facts.cue,
                        c.facts.stance,
                        c.facts.content
                    )
                })
                .collect();
            writeln!(
                out,
                "{i}\t{}\t{}\t{}\t{}",
                a.story,
                a.label,
                a.headline,
                sides.join(" ## ")
            )?;
        }
    }
    if let Ok(path) = std::env::var("RELATE_EVAL_CLAIMS") {
        // Every claim with what the rules read of it, one JSON object a line: for simulating
        // other keys and rules in a temporary directory (it holds evaluation texts).
        use claims::relate::similar::{names, terms};
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for (n, c) in claims.iter().enumerate() {
            let f = &c.facts;
            let s = f.side();
            let docs: Vec<serde_json::Value> = c
                .docs
                .iter()
                .map(|&d| {
                    serde_json::json!({"doc": d, "story": articles[d].story,
                        "label": articles[d].label, "fold": fold_of(d)})
                })
                .collect();
            let line = serde_json::json!({
                "n": n, "docs": docs, "speaker": f.speaker, "cue": f.cue, "class": f.stance,
                "content": f.content, "terms": terms(&f.content),
                "speaker_terms": terms(&f.speaker), "names": names(&f.content),
                "side": s.side.as_str(), "strength": s.strength, "evidence": s.evidence,
                "keys": keys[n],
            });
            writeln!(out, "{line}")?;
        }
        let mut out = std::io::BufWriter::new(std::fs::File::create(format!("{path}.judged"))?);
        for j in &judged {
            let line = serde_json::json!({"a": j.a, "b": j.b, "kind": format!("{:?}", j.kind),
                "score": j.score, "basis": j.basis, "reason": j.reason});
            writeln!(out, "{line}")?;
        }
    }
    if let Some(path) = &dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(
            out,
            "a\tb\tfold\tkind\tscore\tgold\tbasis\treason\theadline_a\theadline_b"
        )?;
        for (&(p, q, conflict), &(score, n)) in &pairs {
            let g = gold(&articles[p], &articles[q]);
            writeln!(
                out,
                "{p}\t{q}\t{}\t{}\t{score}\t{g:?}\t{}\t{}\t{}\t{}",
                fold_of(p),
                if conflict { "conflict" } else { "corroborate" },
                judged[n].basis,
                judged[n].reason,
                articles[p].headline,
                articles[q].headline
            )?;
        }
    }
    let count = |conflict: bool, thr: f64, in_fold: &dyn Fn(usize) -> bool| -> Count {
        let mut c = Count::default();
        for (&(p, q, k), &(score, _)) in &pairs {
            if k != conflict || score < thr || !in_fold(fold_of(p)) {
                continue;
            }
            let g = gold(&articles[p], &articles[q]);
            if g == Gold::Duplicate {
                continue;
            }
            c.pred += 1;
            match (g, conflict) {
                (Gold::Conflict, true) | (Gold::Agree, false) => c.tp += 1,
                (Gold::Cross, _) => c.cross += 1,
                (Gold::Neutral, _) => c.neutral += 1,
                _ => c.opposite += 1,
            }
        }
        c
    };
    let show = |name: &str, c: Count, gold_n: usize| {
        let p = if c.pred > 0 {
            c.tp as f64 / c.pred as f64
        } else {
            0.0
        };
        let r = c.tp as f64 / gold_n.max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        println!(
            "  {name:14} pred {:5} TP {:4}/{:<5} P {p:.3} R {r:.3} F1 {f1:.3}  FP: opposite {}, neutral {}, cross {}",
            c.pred, c.tp, gold_n, c.opposite, c.neutral, c.cross
        );
    };
    let total_conf: usize = gold_conf.iter().sum();
    let total_agree: usize = gold_agree.iter().sum();
    println!(
        "{} articles, {} stories, {} claims, {} pairs judged, {} findings; gold conflict {}, agree {}",
        articles.len(),
        stories.len(),
        claims.len(),
        compared,
        judged.len(),
        total_conf,
        total_agree
    );
    let (tc, tr) = at.unwrap_or((
        relate::DEFAULT_MIN_SCORE,
        relate::DEFAULT_MIN_CORROBORATION_SCORE,
    ));
    println!("at thresholds conflict {tc}, corroborate {tr} (all data):");
    let all = |_: usize| true;
    show("conflicts", count(true, tc, &all), total_conf);
    show("corroborations", count(false, tr, &all), total_agree);
    // Cross-validation: per fold, thresholds tuned on the others.
    let grid: Vec<f64> = (0..=60).map(|i| 0.25 + f64::from(i) * 0.0125).collect();
    let tune = |conflict: bool, held: usize, min_p: f64| -> f64 {
        let train = |f: usize| f != held;
        let gold_n: usize = if conflict { &gold_conf } else { &gold_agree }
            .iter()
            .enumerate()
            .filter(|(f, _)| *f != held)
            .map(|(_, n)| n)
            .sum();
        let mut best = (f64::MIN, relate::DEFAULT_MIN_SCORE);
        for &t in &grid {
            let c = count(conflict, t, &train);
            let p = if c.pred > 0 {
                c.tp as f64 / c.pred as f64
            } else {
                0.0
            };
            let r = c.tp as f64 / gold_n.max(1) as f64;
            // F1, with precision weighted `min_p` (an F-beta with beta = 1 / (2 min_p)).
            let beta2 = (0.5 / min_p).powi(2);
            let obj = (1.0 + beta2) * p * r / (beta2 * p + r).max(1e-9);
            if obj > best.0 {
                best = (obj, t);
            }
        }
        best.1
    };
    let mut cv_conf = Count::default();
    let mut cv_cor = Count::default();
    println!("cross-validated ({folds} folds by story, seed {seed}):");
    for f in 0..folds {
        let t1 = tune(true, f, 1.0);
        let t2 = tune(false, f, 1.0);
        let held = |g: usize| g == f;
        let c1 = count(true, t1, &held);
        let c2 = count(false, t2, &held);
        println!(
            "  fold {f}: thresholds {t1:.3} / {t2:.3}; conflicts TP {}/{} of {} pred, corroborations TP {}/{} of {} pred",
            c1.tp, gold_conf[f], c1.pred, c2.tp, gold_agree[f], c2.pred
        );
        for (acc, c) in [(&mut cv_conf, c1), (&mut cv_cor, c2)] {
            acc.pred += c.pred;
            acc.tp += c.tp;
            acc.cross += c.cross;
            acc.neutral += c.neutral;
            acc.opposite += c.opposite;
        }
    }
    show("conflicts", cv_conf, total_conf);
    show("corroborations", cv_cor, total_agree);
    if examples > 0 {
        let mut shown = 0;
        println!("-- false conflicts at {tc}:");
        for (&(p, q, k), &(score, n)) in &pairs {
            if !k || score < tc || shown >= examples {
                continue;
            }
            let g = gold(&articles[p], &articles[q]);
            if g == Gold::Conflict || g == Gold::Duplicate {
                continue;
            }
            shown += 1;
            println!(
                "  [{g:?} {score:.2} {}] {}\n     A ({}): {}\n     B ({}): {}",
                judged[n].basis,
                judged[n].reason,
                articles[p].label,
                articles[p].headline,
                articles[q].label,
                articles[q].headline
            );
        }
    }
    Ok(())
}
