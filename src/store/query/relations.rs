//! Relations in force: `claims relations` and `claims conflicts`.

use super::super::{Result, Store};
use crate::model::RelationKind;
use crate::objects::ObjectId;
use crate::relate::{self, carry::Edge};
use rusqlite::{params_from_iter, types::Value as SqlValue};
use serde::Serialize;
use std::collections::HashMap;

/// How many document keys a side of a relation lists at most ([`Side::documents`]); the count
/// of all is [`Side::documents_total`].
pub const DOCUMENTS_SHOWN: usize = 20;

/// One side of a relation as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub id: ObjectId,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub content: String,
    /// The keys of the documents the claim appears in (the URL when the article had one),
    /// sorted: the first [`DOCUMENTS_SHOWN`] of them, so that a claim repeated in thousands of
    /// articles does not make each of its relations that long.
    pub documents: Vec<String>,
    /// How many documents the claim appears in (all of them, also those past
    /// [`DOCUMENTS_SHOWN`]).
    pub documents_total: usize,
    /// Where it appeared first (by published time, then version id): the outlet, title and
    /// published time of that version.
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
}

/// One relation in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationRow {
    pub kind: String,
    pub score: f64,
    pub reason: String,
    pub basis: String,
    pub a: Side,
    pub b: Side,
    /// The relation object's id for a person's judgement; `None` for a relation the rules
    /// found.
    pub relation: Option<String>,
}

/// Filters of `claims relations` and `claims conflicts`.
#[derive(Debug, Clone, Default)]
pub struct RelationFilter {
    /// Only this kind (`conflicts`, `corroborates`, `updates`).
    pub kind: Option<String>,
    /// Only relations with at least this score.
    pub min_score: f64,
    /// Only relations where one claim appears in this document.
    pub document: Option<ObjectId>,
    /// Only relations where one speaker contains this text (case-insensitive).
    pub speaker: Option<String>,
    /// Also relations of a retracted claim (`claims retract`).
    pub include_retracted: bool,
    /// Only relations of this claim (either side).
    pub claim: Option<ObjectId>,
}

/// The rows of `claim_relations` (schema/0009_indexed_views.sql) with a claim in `me(seq)`
/// (a CTE put before this one) on either side: the same definition with each source narrowed
/// to those claims first (found rows by `a_seq` and the `found_relations_b` index, same
/// content by each claim's own content key and `claim_keys_content`, judgements by
/// `relations_from` / `relations_to`), so that the relations of one claim, speaker or
/// document cost what they return. `tests/relations.rs` checks it gives the view's rows for
/// every claim; `tests/query_plans.rs` that it reads no table whole.
const NARROWED: &str = "found AS (
    SELECT DISTINCT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM found_relations WHERE a_seq IN (SELECT seq FROM me)
    UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM found_relations WHERE b_seq IN (SELECT seq FROM me)
    UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations WHERE a_seq IN (SELECT seq FROM me)
    UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations WHERE b_seq IN (SELECT seq FROM me)
),
judged AS (
    SELECT r.seq FROM relations r WHERE r.manual = 1 AND r.from_seq IN (SELECT seq FROM me)
    UNION
    SELECT r.seq FROM relations r WHERE r.manual = 1 AND r.to_seq IN (SELECT seq FROM me)
),
";

/// The rest of [`NARROWED`] and [`of_kind`]: `claim_relations`' rows built from the `found`
/// and `judged` CTEs before it.
const RELATED: &str = "rel AS (
    SELECT r.id AS relation_id, r.kind, 1.0 AS score, r.basis, r.note, 1 AS manual,
           EXISTS (SELECT 1 FROM current_relations c WHERE c.seq = r.seq) AS current,
           r.from_seq, r.to_seq
    FROM judged j JOIN relations r ON r.seq = j.seq
    UNION ALL
    SELECT NULL, f.kind, f.score, f.basis, f.reason, 0,
           NOT EXISTS (SELECT 1 FROM relations m
                       WHERE m.manual = 1
                         AND m.pair_lo = min(f.a_id, f.b_id) AND m.pair_hi = max(f.a_id, f.b_id)),
           f.a_seq, f.b_seq
    FROM found f
),
narrowed AS (
    SELECT rel.relation_id, rel.kind, rel.score, rel.basis, rel.note, rel.manual, rel.current,
           a.id AS from_id, a.speaker AS from_speaker, a.cue AS from_cue,
           a.stance AS from_stance, a.content AS from_content,
           b.id AS to_id, b.speaker AS to_speaker, b.cue AS to_cue,
           b.stance AS to_stance, b.content AS to_content,
           rel.from_seq, rel.to_seq
    FROM rel
    JOIN claims a ON a.seq = rel.from_seq
    JOIN claims b ON b.seq = rel.to_seq
)
";

/// The `found` and `judged` CTEs of the relations of one kind (parameter `?{n}`), for
/// [`RELATED`]: found rows by `found_relations_kind`, judgements by `relations_kind`, and the
/// same-content pairs that can be of that kind: for `conflicts` those of a denying claim
/// (`claims_denying`, then each one's content key), for `corroborates` all of them, for
/// `updates` none. So `claims relations --kind conflicts` reads what it returns, not every
/// same-content pair.
fn of_kind(kind: &str, n: usize) -> String {
    let same_content = match kind {
        "conflicts" => {
            "UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations
    WHERE a_seq IN (SELECT seq FROM claims WHERE stance = 'denying')
    UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations
    WHERE b_seq IN (SELECT seq FROM claims WHERE stance = 'denying')"
        }
        "corroborates" => {
            "UNION
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same_content_relations"
        }
        _ => "",
    };
    format!(
        "found AS (
    SELECT DISTINCT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM found_relations WHERE kind = ?{n}
    {same_content}
),
judged AS (
    SELECT r.seq FROM relations r WHERE r.manual = 1 AND r.kind = ?{n}
),
"
    )
}

/// The relations in force (`claim_relations` with `current`, not `unrelated`; a conflict
/// between a claim and its own later edit is an update, not a conflict), and the relations
/// carried over a corroboration ([`carried`]), by kind, score (highest first), then the two
/// claim ids. A function of the stored objects alone.
pub fn relations(store: &Store, f: &RelationFilter) -> Result<Vec<RelationRow>> {
    let mut rows = listed(store, f, None)?;
    if matches!(
        f.kind.as_deref(),
        None | Some("conflicts") | Some("corroborates")
    ) {
        let found: Vec<_> = carried(store, f, &rows)?
            .into_iter()
            .filter(|r| f.kind.as_ref().is_none_or(|k| *k == r.0.kind))
            .collect();
        if !found.is_empty() {
            rows.extend(found);
            rows.sort_by(|(x, _, _), (y, _, _)| {
                x.kind
                    .cmp(&y.kind)
                    .then(y.score.total_cmp(&x.score))
                    .then(x.a.id.cmp(&y.a.id))
                    .then(x.b.id.cmp(&y.b.id))
                    .then(x.basis.cmp(&y.basis))
                    .then(x.relation.cmp(&y.relation))
            });
        }
    }
    let mut seqs: Vec<i64> = Vec::new();
    for (_, a, b) in &rows {
        seqs.push(*a);
        seqs.push(*b);
    }
    seqs.sort_unstable();
    seqs.dedup();
    let places = appearances(store, &seqs)?;
    for (row, a, b) in &mut rows {
        for (side, seq) in [(&mut row.a, *a), (&mut row.b, *b)] {
            if let Some(p) = places.get(&seq) {
                side.documents = p.documents.clone();
                side.documents_total = p.documents_total;
                side.outlet = p.outlet.clone();
                side.title = p.title.clone();
                side.published = p.published.clone();
            }
        }
    }
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The claims a filter narrows to (`me(seq)` of [`NARROWED`]): the SQL of one claim, the
/// claims of a document or of a speaker, its parameter pushed on `args`; `None` for no such
/// filter.
fn me_sql(f: &RelationFilter, args: &mut Vec<SqlValue>) -> Option<String> {
    if let Some(c) = &f.claim {
        args.push(SqlValue::Text(c.to_hex()));
        Some(format!(
            "SELECT seq FROM objects WHERE id = ?{}",
            args.len()
        ))
    } else if let Some(d) = &f.document {
        args.push(SqlValue::Text(d.to_hex()));
        Some(format!(
            "SELECT DISTINCT m.claim_seq FROM versions v JOIN mentions m ON m.version_seq = v.seq
             WHERE v.document_seq = (SELECT seq FROM objects WHERE id = ?{})",
            args.len()
        ))
    } else if let Some(s) = &f.speaker {
        // `speaker_entities` holds every speaker name: the names are matched there, and the
        // claims found by `claims_speaker`.
        args.push(SqlValue::Text(like_pattern(s)));
        Some(format!(
            "SELECT c.seq FROM claims c WHERE c.speaker IN (
                 SELECT e.speaker FROM speaker_entities e WHERE e.speaker LIKE ?{} ESCAPE '\\')",
            args.len()
        ))
    } else {
        None
    }
}

/// The claims (seqs) a filter narrows to, sorted; `None` for no claim, document or speaker.
fn me_seqs(store: &Store, f: &RelationFilter) -> Result<Option<Vec<i64>>> {
    let mut args = Vec::new();
    let Some(me) = me_sql(f, &mut args) else {
        return Ok(None);
    };
    let mut stmt = store.conn().prepare(&format!(
        "WITH me(seq) AS ({me}) SELECT DISTINCT seq FROM me ORDER BY 1"
    ))?;
    let seqs = stmt
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(Some(seqs))
}

/// The rows of [`relations`] found or judged (without the carried ones and the places), each
/// with its two claims' seqs. With `only`, the relations of those claims (by seq) instead of
/// those of the claim, document or speaker of the filter.
fn listed(
    store: &Store,
    f: &RelationFilter,
    only: Option<&[i64]>,
) -> Result<Vec<(RelationRow, i64, i64)>> {
    let mut args: Vec<SqlValue> = vec![SqlValue::Real(f.min_score)];
    // With a claim, a document or a speaker, the relations are read from [`NARROWED`]: the
    // view's rows of the claims that filter names (every other filter still applies below),
    // found with the indexes, rather than the whole `claim_relations` view.
    let me = match only {
        Some(seqs) => {
            let json = serde_json::to_string(seqs)
                .map_err(|e| super::super::StoreError::Corrupt(format!("claim seqs: {e}")))?;
            args.push(SqlValue::Text(json));
            Some(format!("SELECT value FROM json_each(?{})", args.len()))
        }
        None => me_sql(f, &mut args),
    };
    let (with, source) = match (&me, &f.kind) {
        (Some(me), _) => (
            format!("WITH me(seq) AS ({me}),\n{NARROWED}{RELATED}"),
            "narrowed",
        ),
        // One kind: its own sources (the kind is compared again below).
        (None, Some(kind)) => {
            args.push(SqlValue::Text(kind.clone()));
            (
                format!("WITH {}{RELATED}", of_kind(kind, args.len())),
                "narrowed",
            )
        }
        (None, None) => (String::new(), "claim_relations"),
    };
    let mut sql = format!(
        "{with}SELECT cr.kind, cr.score,
                coalesce(cr.note, CASE WHEN cr.manual THEN 'judged by a person' ELSE '' END),
                cr.basis, cr.relation_id, cr.from_seq, cr.to_seq,
                cr.from_id, cr.from_speaker, cr.from_cue, cr.from_stance, cr.from_content,
                cr.to_id, cr.to_speaker, cr.to_cue, cr.to_stance, cr.to_content
         FROM {source} cr
         WHERE cr.current AND cr.kind <> 'unrelated' AND cr.score >= ?1
           AND (cr.kind <> 'conflicts' OR NOT EXISTS (
                SELECT 1 FROM found_relations u
                WHERE u.kind = 'updates'
                  AND ((u.a_seq = cr.from_seq AND u.b_seq = cr.to_seq)
                       OR (u.a_seq = cr.to_seq AND u.b_seq = cr.from_seq))))"
    );
    if let Some(kind) = &f.kind {
        args.push(SqlValue::Text(kind.clone()));
        sql.push_str(&format!(" AND cr.kind = ?{}", args.len()));
    }
    if let Some(s) = &f.speaker {
        args.push(SqlValue::Text(like_pattern(s)));
        let n = args.len();
        sql.push_str(&format!(
            " AND (cr.from_speaker LIKE ?{n} ESCAPE '\\' OR cr.to_speaker LIKE ?{n} ESCAPE '\\')"
        ));
    }
    let any_retraction = || -> rusqlite::Result<bool> {
        store
            .conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM retractions)", [], |r| {
                r.get(0)
            })
    };
    if !f.include_retracted && any_retraction()? {
        sql.push_str(
            " AND NOT EXISTS (SELECT 1 FROM retracted_claims rc
                              WHERE rc.seq IN (cr.from_seq, cr.to_seq))",
        );
    }
    if let Some(d) = &f.document {
        args.push(SqlValue::Text(d.to_hex()));
        let n = args.len();
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM mentions m JOIN versions v ON v.seq = m.version_seq
                          WHERE m.claim_seq IN (cr.from_seq, cr.to_seq)
                            AND v.document_seq = (SELECT seq FROM objects WHERE id = ?{n}))"
        ));
    }
    sql.push_str(
        " ORDER BY cr.kind, cr.score DESC, cr.from_id, cr.to_id, cr.basis, cr.relation_id",
    );
    let conn = store.conn();
    let mut stmt = conn.prepare(&sql)?;
    let side = |r: &rusqlite::Row<'_>, at: usize| -> rusqlite::Result<Side> {
        Ok(Side {
            id: super::super::row_id(r, at)?,
            speaker: r.get(at + 1)?,
            cue: r.get(at + 2)?,
            stance: r.get(at + 3)?,
            content: r.get(at + 4)?,
            documents: Vec::new(),
            documents_total: 0,
            outlet: None,
            title: None,
            published: None,
        })
    };
    let rows: Vec<(RelationRow, i64, i64)> = stmt
        .query_map(params_from_iter(args), |r| {
            Ok((
                RelationRow {
                    kind: r.get(0)?,
                    score: r.get(1)?,
                    reason: r.get(2)?,
                    basis: r.get(3)?,
                    relation: r.get(4)?,
                    a: side(r, 7)?,
                    b: side(r, 12)?,
                },
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The relations carried over a corroboration (`relate::carry`, docs/relations.md) that the
/// filter shows, from the relations in force at its minimum score: `rows` when they are all of
/// them (no kind, no claim, document or speaker); for one kind, `rows` and the relations of
/// their claims; with a claim, a document or a speaker, the relations of those claims and of
/// the claims they relate to (every way to carry a relation to one of them passes there). So
/// no filter reads every relation, and each shows the rows the unfiltered list has. A pair with any finding of the
/// rules (at any score, of any kind) or a person's judgement is never carried.
fn carried(
    store: &Store,
    f: &RelationFilter,
    rows: &[(RelationRow, i64, i64)],
) -> Result<Vec<(RelationRow, i64, i64)>> {
    let all = RelationFilter {
        kind: None,
        min_score: f.min_score,
        document: None,
        speaker: None,
        include_retracted: f.include_retracted,
        claim: None,
    };
    let me = me_seqs(store, f)?;
    let read;
    let edges: &[(RelationRow, i64, i64)] = match (&me, &f.kind) {
        (None, None) => rows,
        // One kind: its rows, and every relation of their claims (a conflict is carried over
        // a corroboration of one of its claims; whether a pair of corroborating claims is
        // carried as a conflict depends on the conflicts of the claims between them).
        (None, Some(_)) => {
            let mut claims: Vec<i64> = rows.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
            claims.sort_unstable();
            claims.dedup();
            let mut both = rows.to_vec();
            both.extend(listed(store, &all, Some(&claims))?);
            read = both;
            &read
        }
        (Some(me), _) => {
            let mut first = listed(store, &all, Some(me))?;
            let mut partners: Vec<i64> = first.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
            partners.sort_unstable();
            partners.dedup();
            first.extend(listed(store, &all, Some(&partners))?);
            read = first;
            &read
        }
    };
    let mut sides: HashMap<ObjectId, (Side, i64)> = HashMap::new();
    let mut graph = Vec::new();
    for (row, a, b) in edges {
        let kind = match row.kind.as_str() {
            "conflicts" => RelationKind::Conflicts,
            "corroborates" => RelationKind::Corroborates,
            _ => continue,
        };
        graph.push(Edge {
            a: row.a.id,
            b: row.b.id,
            kind,
            score: row.score,
        });
        sides.entry(row.a.id).or_insert_with(|| (row.a.clone(), *a));
        sides.entry(row.b.id).or_insert_with(|| (row.b.clone(), *b));
    }
    let claim = |id: &ObjectId| {
        sides
            .get(id)
            .map(|(s, _)| (s.speaker.clone(), s.content.clone()))
    };
    let found: Vec<_> = relate::carry::carried(&graph, &claim, f.min_score)
        .into_iter()
        .filter(|c| {
            let (a, b) = (sides[&c.a].1, sides[&c.c].1);
            me.as_ref()
                .is_none_or(|me| me.binary_search(&a).is_ok() || me.binary_search(&b).is_ok())
        })
        .collect();
    if found.is_empty() {
        return Ok(Vec::new());
    }
    // The pairs the rules judged or a person did: not carried.
    let pairs: Vec<(i64, i64, String, String)> = found
        .iter()
        .map(|c| (sides[&c.a].1, sides[&c.c].1, c.a.to_hex(), c.c.to_hex()))
        .collect();
    let json = serde_json::to_string(&pairs)
        .map_err(|e| super::super::StoreError::Corrupt(format!("claim pairs: {e}")))?;
    let mut stmt = store.conn().prepare(
        "SELECT j.key FROM json_each(?1) j
         WHERE EXISTS (SELECT 1 FROM found_relations r
                       WHERE r.a_seq = json_extract(j.value, '$[0]') AND r.b_seq = json_extract(j.value, '$[1]'))
            OR EXISTS (SELECT 1 FROM found_relations r
                       WHERE r.a_seq = json_extract(j.value, '$[1]') AND r.b_seq = json_extract(j.value, '$[0]'))
            OR EXISTS (SELECT 1 FROM relations m
                       WHERE m.manual = 1
                         AND m.pair_lo = json_extract(j.value, '$[2]') AND m.pair_hi = json_extract(j.value, '$[3]'))",
    )?;
    let judged: std::collections::HashSet<usize> = stmt
        .query_map([json], |r| r.get::<_, i64>(0))?
        .map(|k| k.map(|k| k as usize))
        .collect::<rusqlite::Result<_>>()?;
    Ok(found
        .into_iter()
        .enumerate()
        .filter(|(n, _)| !judged.contains(n))
        .map(|(_, c)| {
            let (a, a_seq) = sides[&c.a].clone();
            let (b, b_seq) = sides[&c.c].clone();
            (
                RelationRow {
                    kind: c.kind.as_str().to_string(),
                    score: c.score,
                    reason: c.reason(),
                    basis: relate::carry::CARRIED_BASIS.to_string(),
                    a,
                    b,
                    relation: None,
                },
                a_seq,
                b_seq,
            )
        })
        .collect())
}

/// `%TEXT%` for `LIKE ... ESCAPE '\'`: TEXT anywhere, its `%` and `_` taken literally.
fn like_pattern(s: &str) -> String {
    format!(
        "%{}%",
        s.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

#[derive(Default)]
struct Places {
    /// The first [`DOCUMENTS_SHOWN`] document keys, sorted.
    documents: Vec<String>,
    /// How many distinct document keys.
    documents_total: usize,
    outlet: Option<String>,
    title: Option<String>,
    published: Option<String>,
    /// The order of the first appearance so far: no published time last, then the published
    /// time (Julian day), then the version id.
    first: Option<(bool, f64, String)>,
}

/// Where each claim (by seq) appears: one query for all, read in document key order so that
/// each claim keeps at most [`DOCUMENTS_SHOWN`] keys and a count, however many documents it
/// appears in.
fn appearances(store: &Store, seqs: &[i64]) -> Result<HashMap<i64, Places>> {
    let mut out: HashMap<i64, Places> = HashMap::new();
    if seqs.is_empty() {
        return Ok(out);
    }
    let json = serde_json::to_string(seqs)
        .map_err(|e| super::super::StoreError::Corrupt(format!("claim seqs: {e}")))?;
    let mut stmt = store.conn().prepare(
        "SELECT m.claim_seq, d.key, v.source, v.title, v.published, julianday(v.published), v.id
         FROM json_each(?1) j
         JOIN mentions m ON m.claim_seq = j.value
         JOIN versions v ON v.seq = m.version_seq
         JOIN documents d ON d.seq = v.document_seq
         ORDER BY m.claim_seq, d.key",
    )?;
    let mut rows = stmt.query([json])?;
    let mut last: Option<(i64, String)> = None;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let key: String = r.get(1)?;
        let day: Option<f64> = r.get(5)?;
        let order = (day.is_none(), day.unwrap_or(0.0), r.get::<_, String>(6)?);
        let p = out.entry(seq).or_default();
        if p.first.as_ref().is_none_or(|f| {
            f.0.cmp(&order.0)
                .then(f.1.total_cmp(&order.1))
                .then(f.2.cmp(&order.2))
                .is_gt()
        }) {
            p.outlet = r.get(2)?;
            p.title = r.get(3)?;
            p.published = r.get(4)?;
            p.first = Some(order);
        }
        if last.as_ref().is_some_and(|(s, k)| *s == seq && *k == key) {
            continue;
        }
        p.documents_total += 1;
        if p.documents.len() < DOCUMENTS_SHOWN {
            p.documents.push(key.clone());
        }
        last = Some((seq, key));
    }
    Ok(out)
}
