//! Fact-checking: `claims review` (a verdict on a claim), `claims reviews` (the reviews, and the
//! speakers' counts by verdict), `claims retract`, `claims block`, `claims author` and
//! `claims export`.

use super::render::{or_dash, plural, print_csv, print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::model::claimreview::to_claim_review;
use claims::model::{Body, Verdict};
use claims::store::query::resolve;
use claims::store::query::reviews::{
    export_rows, review_objects, reviews as list_reviews, speaker_verdicts, ReviewFilter,
};
use claims::store::Store;
use claims::timeline::reviews::{self, Verdicts, AUTHOR_SETTING};
use std::io::Write;

/// The normalised verdicts, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerdictArg {
    True,
    MostlyTrue,
    Mixed,
    MostlyFalse,
    False,
    Unproven,
    Satire,
    Other,
}

impl From<VerdictArg> for Verdict {
    fn from(v: VerdictArg) -> Verdict {
        match v {
            VerdictArg::True => Verdict::True,
            VerdictArg::MostlyTrue => Verdict::MostlyTrue,
            VerdictArg::Mixed => Verdict::Mixed,
            VerdictArg::MostlyFalse => Verdict::MostlyFalse,
            VerdictArg::False => Verdict::False,
            VerdictArg::Unproven => Verdict::Unproven,
            VerdictArg::Satire => Verdict::Satire,
            VerdictArg::Other => Verdict::Other,
        }
    }
}

/// Record a verdict on a claim (a review)
///
/// Records a `review` object naming the claim, with the verdict on the scale of docs/reviews.md,
/// the author (--author, CLAIMS_AUTHOR or `claims author`) and the time. It syncs like every
/// object. Several people's reviews of one claim are all kept and shown, whatever they say.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// The claim (id or unique prefix).
    pub claim: String,
    /// The verdict. Without it, the verdict is read from --rating through the rating table.
    #[arg(long, value_enum)]
    pub verdict: Option<VerdictArg>,
    /// The rating as worded by the reviewer ("Pants on Fire!"); default: the verdict.
    #[arg(long)]
    pub rating: Option<String>,
    /// The URL of the published fact-check.
    #[arg(long)]
    pub url: Option<String>,
    /// Why, in a few words.
    #[arg(long)]
    pub note: Option<String>,
    /// The organisation the review is published by.
    #[arg(long)]
    pub publisher: Option<String>,
    /// The review's language (BCP 47: en, fr, pt-BR).
    #[arg(long)]
    pub language: Option<String>,
    #[command(flatten)]
    pub who: super::AuthorArg,
}

/// List reviews (verdicts on claims), or each speaker's counts by verdict
///
/// Each review with the stored claims it is about: the claim it names (`named`), or, for an
/// imported fact-check that states its claim in words, the stored claims that statement matches
/// (`matched`, with its score; see docs/reviews.md). A review imported before its claim matches
/// once the claim arrives. Reviews whose every claim is retracted are left out unless
/// --include-retracted.
#[derive(Debug, clap::Args)]
pub struct ReviewsArgs {
    /// Only reviews with this verdict.
    #[arg(long, value_enum)]
    pub verdict: Option<VerdictArg>,
    /// Only reviews of claims of the entities with a name containing this text, or whose
    /// claimant contains it.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Only reviews of this claim (id or unique prefix).
    #[arg(long)]
    pub claim: Option<String>,
    /// Each speaker entity with its reviewed claims counted by verdict, instead.
    #[arg(long)]
    pub speakers: bool,
    /// Also reviews of retracted claims.
    #[arg(long)]
    pub include_retracted: bool,
}

/// Retract a claim, a mention or a whole version
///
/// Records a `retraction` object with the reason, the author and the time; it syncs. Lists,
/// searches, reviews and exports then hide the claim (or the mention, or the version's
/// mentions; a claim whose every mention is withdrawn is hidden too) unless
/// --include-retracted. Nothing is deleted.
#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// The claim, mention or version (id or unique prefix).
    pub id: String,
    /// Why.
    #[arg(long, required = true)]
    pub reason: String,
    #[command(flatten)]
    pub who: super::AuthorArg,
}

/// Keep an object out of this database for good (a local block list)
///
/// Import, sync and `bundle apply` refuse the object, and every object that refers to it (a
/// blocked claim's mentions), with a message; the other objects they bring are stored. The
/// list is local: it is not an object and does not sync. An object already stored stays (use
/// `claims retract` to hide it). Without an id, lists the block list.
#[derive(Debug, clap::Args)]
pub struct BlockArgs {
    /// The object's full id (64 hex digits), or a unique prefix of a stored one.
    pub id: Option<String>,
    /// Why.
    #[arg(long, default_value = "")]
    pub reason: String,
}

/// Show or set who records in this database
///
/// The name is kept in the database's local settings (not synced) and recorded in the reviews,
/// links, retractions and aliases made here, unless --author or CLAIMS_AUTHOR says otherwise.
#[derive(Debug, clap::Args)]
pub struct AuthorArgs {
    /// The name to record as; without it, shows the current one.
    pub name: Option<String>,
    /// Forget the name.
    #[arg(long, conflicts_with = "name")]
    pub clear: bool,
}

/// Export claims or reviews: --format csv, jsonl, json or claimreview
///
/// csv, jsonl and json: one row per appearance of a claim (its speaker, cue, stance, content,
/// the article's outlet, title, URL, published time and version, and the claim's reviews);
/// retracted claims and mentions left out unless --include-retracted. claimreview: every review
/// as schema.org ClaimReview JSON-LD, one JSON array (or one object per line with --lines),
/// which `claims import` reads back.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// With --format claimreview: one ClaimReview per line instead of one array.
    #[arg(long)]
    pub lines: bool,
    /// Also retracted claims and mentions.
    #[arg(long)]
    pub include_retracted: bool,
}

pub fn review(cli: &Cli, args: &ReviewArgs) -> CliResult {
    let mut store = Store::open_existing(&cli.db)?;
    let by = args.who.resolve(&store)?;
    let verdicts = Verdicts {
        verdict: args.verdict.map(Verdict::from),
        rating: args.rating.clone(),
        url: args.url.clone(),
        note: args.note.clone(),
        publisher: args.publisher.clone(),
        language: args.language.clone(),
    };
    let (typed, new) = reviews::review(
        &mut store,
        &args.claim,
        &verdicts,
        by.as_deref(),
        &claims::time::now_precise(),
    )?;
    let Body::Review(r) = &typed.body else {
        return Err(super::error::fail("internal: a review is a review object"));
    };
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} review {}: {} on {}{}",
            if new { "recorded" } else { "already recorded" },
            short(&typed.id().to_hex()),
            r.verdict.as_str(),
            short(&r.claim.map(|c| c.to_hex()).unwrap_or_default()),
            r.by.as_deref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default()
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &serde_json::json!({"id": typed.id(), "new": new, "review": typed.body}),
        )?;
    }
    Ok(super::exit::OK)
}

pub fn reviews(cli: &Cli, args: &ReviewsArgs) -> CliResult {
    let store = open_existing(cli)?;
    if args.speakers {
        let rows = speaker_verdicts(&store, args.speaker.as_deref())?;
        match cli.format {
            Format::Text => {
                let mut out = std::io::stdout().lock();
                for s in &rows {
                    let counts: Vec<String> =
                        s.verdicts.iter().map(|(v, n)| format!("{v} {n}")).collect();
                    writeln!(out, "{} · {}", s.entity, counts.join(" · "))?;
                }
                out.flush()?;
            }
            Format::Csv => {
                let mut header = vec!["entity", "reviews"];
                header.extend(Verdict::ALL.iter().map(|v| v.as_str()));
                let table: Vec<Vec<String>> = rows
                    .iter()
                    .map(|s| {
                        let mut row = vec![s.entity.clone(), s.reviews.to_string()];
                        row.extend(Verdict::ALL.iter().map(|v| {
                            s.verdicts
                                .iter()
                                .find(|(x, _)| x == v.as_str())
                                .map_or(0, |(_, n)| *n)
                                .to_string()
                        }));
                        row
                    })
                    .collect();
                print_csv(&header, &table)?;
            }
            _ => print_json(cli.format, &rows)?,
        }
        return Ok(super::exit::OK);
    }
    let claim = match &args.claim {
        Some(c) => Some(resolve(&store, c, Some("claim"))?.0),
        None => None,
    };
    let rows = list_reviews(
        &store,
        &ReviewFilter {
            verdict: args.verdict.map(|v| Verdict::from(v).as_str().to_string()),
            speaker: args.speaker.clone(),
            claim,
            include_retracted: args.include_retracted,
        },
    )?;
    match cli.format {
        Format::Text => {
            let mut out = std::io::stdout().lock();
            for row in &rows {
                let r = &row.review;
                let who = r
                    .publisher
                    .as_deref()
                    .or(r.reviewer.as_deref())
                    .or(r.by.as_deref())
                    .unwrap_or("-");
                let when = r.date.as_deref().or(r.at.as_deref()).unwrap_or("-");
                writeln!(
                    out,
                    "{}  {} ({}) · {} · {}",
                    short(&row.id),
                    r.verdict.as_str(),
                    r.rating
                        .text
                        .as_deref()
                        .or(r.rating.alternate_name.as_deref())
                        .unwrap_or("-"),
                    who,
                    when
                )?;
                if let Some(b) = r.by.as_deref().filter(|b| Some(*b) != Some(who)) {
                    writeln!(out, "  recorded by {b}")?;
                }
                if let Some(t) = &r.claim_text {
                    writeln!(
                        out,
                        "  claim: \"{t}\"{}",
                        r.claimant
                            .as_deref()
                            .map(|c| format!(" — {c}"))
                            .unwrap_or_default()
                    )?;
                }
                if let Some(u) = &r.url {
                    writeln!(out, "  {u}")?;
                }
                if let Some(n) = &r.note {
                    writeln!(out, "  note: {n}")?;
                }
                if row.claims.is_empty() {
                    writeln!(out, "  no stored claim matches yet")?;
                }
                for c in &row.claims {
                    writeln!(
                        out,
                        "  -> {} {} {:.2}{}: {} — {}",
                        short(&c.id),
                        c.how,
                        c.score,
                        if c.retracted { " (retracted)" } else { "" },
                        c.speaker,
                        c.content
                    )?;
                }
            }
            writeln!(out, "{} review{}", rows.len(), plural(rows.len()))?;
            out.flush()?;
        }
        Format::Csv => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let r = &row.review;
                    let o = |s: &Option<String>| s.clone().unwrap_or_default();
                    vec![
                        row.id.clone(),
                        r.verdict.as_str().to_string(),
                        o(&r.rating.text),
                        o(&r.claim_text),
                        o(&r.claimant),
                        o(&r.publisher),
                        o(&r.reviewer),
                        o(&r.url),
                        o(&r.date),
                        o(&r.language),
                        o(&r.note),
                        o(&r.by),
                        o(&r.at),
                        row.claims
                            .iter()
                            .map(|c| c.id.clone())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ]
                })
                .collect();
            print_csv(
                &[
                    "id",
                    "verdict",
                    "rating",
                    "claim_text",
                    "claimant",
                    "publisher",
                    "reviewer",
                    "url",
                    "date",
                    "language",
                    "note",
                    "by",
                    "at",
                    "claims",
                ],
                &table,
            )?;
        }
        _ => print_json(cli.format, &rows)?,
    }
    Ok(super::exit::OK)
}

pub fn retract(cli: &Cli, args: &RetractArgs) -> CliResult {
    let mut store = Store::open_existing(&cli.db)?;
    let by = args.who.resolve(&store)?;
    let (typed, new) = reviews::retract(
        &mut store,
        &args.id,
        &args.reason,
        by.as_deref(),
        &claims::time::now_precise(),
    )?;
    let Body::Retraction(r) = &typed.body else {
        return Err(super::error::fail("internal: a retraction is a retraction"));
    };
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} retraction {}: {} {} ({}){}",
            if new { "recorded" } else { "already recorded" },
            short(&typed.id().to_hex()),
            r.target_type.as_str(),
            short(&r.target.to_hex()),
            r.reason,
            r.by.as_deref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default()
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &serde_json::json!({"id": typed.id(), "new": new, "retraction": typed.body}),
        )?;
    }
    Ok(super::exit::OK)
}

pub fn block(cli: &Cli, args: &BlockArgs) -> CliResult {
    let store = Store::open(&cli.db)?;
    let Some(id) = &args.id else {
        let rows = store.blocked()?;
        if cli.format == Format::Text {
            let mut out = std::io::stdout().lock();
            for b in &rows {
                writeln!(out, "{}  {}  {}", b.id, b.at, or_dash(&b.reason))?;
            }
            writeln!(out, "{} blocked", rows.len())?;
            out.flush()?;
        } else {
            print_json(cli.format, &rows)?;
        }
        return Ok(super::exit::OK);
    };
    let outcome = reviews::block(&store, id, &args.reason, &claims::time::now_rfc3339())?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} {}",
            if outcome.new {
                "blocked"
            } else {
                "already blocked"
            },
            outcome.id
        )?;
        if let Some(kind) = &outcome.stored {
            writeln!(
                out,
                "note: this {kind} is already stored here and stays (objects are never \
                 deleted); `claims retract` hides it"
            )?;
        }
        out.flush()?;
    } else {
        print_json(cli.format, &outcome)?;
    }
    Ok(super::exit::OK)
}

pub fn author(cli: &Cli, args: &AuthorArgs) -> CliResult {
    let store = Store::open(&cli.db)?;
    if args.clear {
        store.set_setting(AUTHOR_SETTING, "")?;
    } else if let Some(name) = &args.name {
        let name = claims::model::collapse_space(name);
        if name.is_empty() {
            return Err(super::error::fail("an author needs a name (or --clear)"));
        }
        store.set_setting(AUTHOR_SETTING, &claims::objects::to_nfc(&name))?;
    }
    let current = store.setting(AUTHOR_SETTING)?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        match &current {
            Some(a) => writeln!(out, "author: {a}")?,
            None => writeln!(out, "no author set (claims author NAME)")?,
        }
        out.flush()?;
    } else {
        print_json(cli.format, &serde_json::json!({ "author": current }))?;
    }
    Ok(super::exit::OK)
}

/// The CSV columns of `claims export --format csv`.
const EXPORT_CSV: &[&str] = &[
    "claim",
    "speaker",
    "cue",
    "stance",
    "hedges",
    "content",
    "mention",
    "sentence",
    "direct",
    "document",
    "url",
    "outlet",
    "title",
    "published",
    "version",
    "version_number",
    "reviews",
];

pub fn export(cli: &Cli, args: &ExportArgs) -> CliResult {
    let store = open_existing(cli)?;
    match cli.format {
        Format::Claimreview => {
            let docs: Vec<serde_json::Value> = review_objects(&store)?
                .iter()
                .map(|(id, r)| to_claim_review(r, id))
                .collect();
            let format = if args.lines {
                Format::Jsonl
            } else {
                Format::Json
            };
            print_json(format, &docs)?;
        }
        Format::Text => {
            return Err(super::CliError {
                code: super::exit::USAGE,
                error: anyhow::anyhow!(
                    "`claims export` needs --format: csv, jsonl or json (claims), or claimreview \
                     (reviews)"
                ),
            })
        }
        Format::Csv => {
            let rows = export_rows(&store, args.include_retracted)?;
            let o = |s: &Option<String>| s.clone().unwrap_or_default();
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.claim.clone(),
                        r.speaker.clone(),
                        r.cue.clone(),
                        r.stance.clone(),
                        r.hedges.join("; "),
                        r.content.clone(),
                        r.mention.clone(),
                        r.sentence.clone(),
                        r.direct.to_string(),
                        r.document.clone(),
                        o(&r.url),
                        o(&r.outlet),
                        o(&r.title),
                        o(&r.published),
                        r.version.clone(),
                        r.version_number.to_string(),
                        r.reviews
                            .iter()
                            .map(|v| match &v.by {
                                Some(by) => format!("{} ({by})", v.verdict),
                                None => v.verdict.clone(),
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    ]
                })
                .collect();
            print_csv(EXPORT_CSV, &table)?;
        }
        Format::Json | Format::Jsonl => {
            print_json(cli.format, &export_rows(&store, args.include_retracted)?)?;
        }
    }
    Ok(super::exit::OK)
}
