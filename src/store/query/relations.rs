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
    /// Corroborations only with at least this score, where it is above `min_score` (the
    /// command line's default, [`crate::relate::DEFAULT_MIN_CORROBORATION_SCORE`]): conflicts
    /// are still carried over the corroborations between the two.
    pub min_corroboration_score: Option<f64>,
    /// Only relations where one claim appears in this document.
    pub document: Option<ObjectId>,
    /// Only relations where one speaker contains this text (case-insensitive).
    pub speaker: Option<String>,
    /// Also relations of a retracted claim (`claims retract`).
    pub include_retracted: bool,
    /// Only relations of this claim (either side).
    pub claim: Option<ObjectId>,
}

impl RelationFilter {
    /// Whether a row of the list passes [`RelationFilter::min_corroboration_score`].
    fn shows(&self, row: &RelationRow) -> bool {
        match self.min_corroboration_score {
            Some(min) => row.kind != "corroborates" || row.score >= min,
            None => true,
        }
    }

    /// The same minimum score and retracted claims, without the filters that narrow the list to
    /// a kind, a document, a speaker or a claim: what carried relations are computed over.
    fn unfiltered(&self) -> RelationFilter {
        RelationFilter {
            min_score: self.min_score,
            include_retracted: self.include_retracted,
            ..RelationFilter::default()
        }
    }
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

/// The `found` and `judged` CTEs of every relation, for [`RELATED`]: the rows of the
/// `claim_relations` view (schema/0009_indexed_views.sql) from its own sources, read so that
/// the whole list costs less than the view: `found_relations` scanned in its own order (the
/// view reads it through `found_relations_kind`, a second descent per row), and the
/// same-content pairs of `same_content_relations` from the content keys held by more than one
/// claim (one pass over the keys in index order), the claims joined after the partner key
/// (the view's plan reads both claims of every content key, most of which no other claim
/// holds). `tests/relations.rs` checks the list against the one collected from the view.
const EVERY: &str = "same AS (
    SELECT
        lo.seq AS a_seq, lo.id AS a_id, hi.seq AS b_seq, hi.id AS b_id,
        CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
             THEN 'conflicts' ELSE 'corroborates' END AS kind,
        1.0 AS score,
        CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
             THEN 'opposite-cue/1' ELSE 'same-content/1' END AS basis,
        CASE WHEN (lo.stance = 'denying') <> (hi.stance = 'denying')
             THEN 'cue: ' || (CASE lo.cue WHEN '' THEN 'asserts' ELSE lo.cue END) || ' vs '
                          || (CASE hi.cue WHEN '' THEN 'asserts' ELSE hi.cue END)
             ELSE 'same content from ' || lo.speaker || ' and ' || hi.speaker END AS reason
    FROM (SELECT key, detail FROM claim_keys WHERE key >= 'n:' AND key < 'n;'
          GROUP BY key, detail HAVING count(*) > 1) shared
    CROSS JOIN claim_keys k1 ON k1.key = shared.key AND k1.detail = shared.detail
    CROSS JOIN claim_keys k2
      ON k2.key = k1.key AND k2.detail = k1.detail AND k2.claim_seq <> k1.claim_seq
    CROSS JOIN claims lo ON lo.seq = k1.claim_seq
    CROSS JOIN claims hi ON hi.seq = k2.claim_seq
    WHERE lo.id < hi.id
      AND NOT EXISTS (SELECT 1 FROM common_keys c WHERE c.key = k1.key)
      AND lo.cue NOT LIKE 'not %' AND hi.cue NOT LIKE 'not %'
      AND ((lo.stance = 'denying') <> (hi.stance = 'denying')
           OR lower(lo.speaker) <> lower(hi.speaker))
),
found AS (
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM found_relations f
    WHERE NOT EXISTS (SELECT 1 FROM found_relations g
                      WHERE g.a_seq = f.a_seq AND g.b_seq = f.b_seq AND g.kind = f.kind
                        AND g.version_seq < f.version_seq AND g.score = f.score
                        AND g.basis = f.basis AND g.reason = f.reason)
    UNION ALL
    SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason
    FROM same s
    WHERE NOT EXISTS (SELECT 1 FROM found_relations g
                      WHERE g.a_seq = s.a_seq AND g.b_seq = s.b_seq AND g.kind = s.kind
                        AND g.score = s.score AND g.basis = s.basis AND g.reason = s.reason)
),
judged AS (
    SELECT r.seq FROM relations r WHERE r.manual = 1
),
";

/// The rest of [`NARROWED`] and [`of_kind`]: `claim_relations`' rows built from the `found`
/// and `judged` CTEs before it.
const RELATED: &str = "rel AS (
    SELECT r.id AS relation_id, r.kind, 1.0 AS score, r.basis, r.note, 1 AS manual,
           EXISTS (SELECT 1 FROM current_relations c WHERE c.seq = r.seq) AS current,
           r.from_seq, r.to_seq, r.from_claim AS from_ref, r.to_claim AS to_ref
    FROM judged j JOIN relations r ON r.seq = j.seq
    UNION ALL
    SELECT NULL, f.kind, f.score, f.basis, f.reason, 0,
           NOT EXISTS (SELECT 1 FROM relations m
                       WHERE m.manual = 1
                         AND m.pair_lo = min(f.a_id, f.b_id) AND m.pair_hi = max(f.a_id, f.b_id)),
           f.a_seq, f.b_seq, f.a_id, f.b_id
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
/// claim ids. A function of the stored objects alone. [`each_relation`] gives the same rows
/// one at a time.
pub fn relations(store: &Store, f: &RelationFilter) -> Result<Vec<RelationRow>> {
    let mut rows = Vec::new();
    each_relation(store, f, |r| {
        rows.push(r);
        Ok::<(), super::super::StoreError>(())
    })?;
    Ok(rows)
}

/// The order of [`relations`]: kind, score (highest first), the two claim ids, the basis, then
/// the judgement's id (none first).
fn order(x: &RelationRow, y: &RelationRow) -> std::cmp::Ordering {
    x.kind
        .cmp(&y.kind)
        .then(y.score.total_cmp(&x.score))
        .then(x.a.id.cmp(&y.a.id))
        .then(x.b.id.cmp(&y.b.id))
        .then(x.basis.cmp(&y.basis))
        .then(x.relation.cmp(&y.relation))
}

/// Calls `emit` with each row of [`relations`], in the same order, as it is read; returns how
/// many. Without a claim, a document or a speaker (the whole list, or one kind), nothing is
/// collected: the found and judged rows are read from SQL in the order of the list, the
/// carried ones ([`carried_compact`]) computed from a compact graph of the relations (claim
/// indexes and scores; for one kind, of its claims' relations) and kept as compact rows until
/// written, the two merged, and each claim's places read as its rows come (the last few
/// thousand claims' kept), so memory does not grow with the number of relations (SQLite's
/// sorts spill to temporary files, not memory, while it runs). With a claim, a document or a
/// speaker, the rows are collected and sorted first, their carried ones computed from the
/// relations of their own claims (`tests/query_plans.rs`: no such filter, nor one kind, reads
/// every relation).
pub fn each_relation<E: From<super::super::StoreError>>(
    store: &Store,
    f: &RelationFilter,
    mut emit: impl FnMut(RelationRow) -> std::result::Result<(), E>,
) -> std::result::Result<usize, E> {
    let mut places = PlaceCache::new(store)?;
    // With a claim, a document or a speaker, the carried rows are computed from the relations
    // of the claims listed (and their partners), not from every relation: those lists are
    // collected.
    if f.claim.is_some() || f.document.is_some() || f.speaker.is_some() {
        let mut n = 0;
        for (mut row, a, b) in collected(store, f, false)? {
            if !f.shows(&row) {
                continue;
            }
            places.fill(&mut row, a, b)?;
            emit(row)?;
            n += 1;
        }
        return Ok(n);
    }
    let conn = store.conn();
    // Sorts and temporary tables on disk while the list is read (the connection keeps them in
    // memory otherwise), and every statement in one read transaction: the same snapshot.
    let _spill = Spill::begin(store)?;
    let (sql, args) = listed_sql(store, f, None, false, false)?;
    let mut found_stmt = conn.prepare(&sql).map_err(E::from_sql)?;
    let mut found_rows = found_stmt
        .query(params_from_iter(args))
        .map_err(E::from_sql)?;
    let list = if carries(f) {
        carried_compact(store, f)?
    } else {
        CarriedList {
            ids: Vec::new(),
            seqs: Vec::new(),
            rows: Vec::new(),
        }
    };
    let mut claim = conn
        .prepare_cached("SELECT id, speaker, cue, stance, content FROM claims WHERE seq = ?1")
        .map_err(E::from_sql)?;
    let mut next_carried = 0;
    let mut a: Option<Row3> = match found_rows.next().map_err(E::from_sql)? {
        Some(r) => Some(found_row(r).map_err(E::from_sql)?),
        None => None,
    };
    let mut b: Option<Row3> = match list.rows.is_empty() {
        true => None,
        false => Some(list.row(&mut claim, 0)?),
    };
    let mut n = 0;
    loop {
        let take_a = match (&a, &b) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(x), Some(y)) => order(&x.0, &y.0).is_le(),
        };
        let (mut row, sa, sb) = if take_a {
            let row = a.take().expect("a row");
            a = match found_rows.next().map_err(E::from_sql)? {
                Some(r) => Some(found_row(r).map_err(E::from_sql)?),
                None => None,
            };
            row
        } else {
            let row = b.take().expect("a row");
            next_carried += 1;
            if next_carried < list.rows.len() {
                b = Some(list.row(&mut claim, next_carried)?);
            }
            row
        };
        // Corroborations under their own minimum: read for the carry, not listed.
        if !f.shows(&row) {
            continue;
        }
        places.fill(&mut row, sa, sb)?;
        emit(row)?;
        n += 1;
    }
    Ok(n)
}

/// The rows of [`relations`] (without their places) collected and sorted in memory: the
/// found and judged rows, and those `relate::carry::carried` carries over them. What
/// [`each_relation`] does with a claim, a document or a speaker; for the whole list, the
/// reference its streamed rows are checked against ([`relations_collected`]).
fn collected(store: &Store, f: &RelationFilter, view: bool) -> Result<Vec<Row3>> {
    let mut rows = listed(store, f, None, view)?;
    if carries(f) {
        let found: Vec<_> = carried(store, f, &rows)?
            .into_iter()
            .filter(|r| f.kind.as_ref().is_none_or(|k| *k == r.0.kind))
            .collect();
        if !found.is_empty() {
            rows.extend(found);
            rows.sort_by(|(x, _, _), (y, _, _)| order(x, y));
        }
    }
    Ok(rows)
}

/// [`relations`] computed as before it streamed (every row collected, the carried ones by
/// `relate::carry::carried` in memory, then sorted): for tests, which check that both give
/// the same rows in the same order.
#[doc(hidden)]
pub fn relations_collected(store: &Store, f: &RelationFilter) -> Result<Vec<RelationRow>> {
    let mut places = PlaceCache::new(store)?;
    let mut out = Vec::new();
    for (mut row, a, b) in collected(store, f, true)? {
        if !f.shows(&row) {
            continue;
        }
        places.fill(&mut row, a, b)?;
        out.push(row);
    }
    Ok(out)
}

/// A relation row with the seqs of its two claims.
type Row3 = (RelationRow, i64, i64);

/// Errors of SQLite as the caller's error type.
trait SqlErr: Sized {
    fn from_sql(e: rusqlite::Error) -> Self;
}

impl<E: From<super::super::StoreError>> SqlErr for E {
    fn from_sql(e: rusqlite::Error) -> E {
        E::from(super::super::StoreError::from(e))
    }
}

/// Whether the filter's list can hold carried relations (no kind, conflicts or
/// corroborations).
fn carries(f: &RelationFilter) -> bool {
    matches!(
        f.kind.as_deref(),
        None | Some("conflicts") | Some("corroborates")
    )
}

/// While it lives, the connection keeps temporary tables and sorts in files (`PRAGMA
/// temp_store = FILE`; SQLite spills a sort past the cache size to them) and reads in one
/// transaction. Nothing is changed when the connection is already in a transaction.
struct Spill<'a> {
    /// The connection and its `temp_store` before (restored when done).
    conn: Option<(&'a rusqlite::Connection, i64)>,
}

impl<'a> Spill<'a> {
    fn begin(store: &'a Store) -> Result<Spill<'a>> {
        let conn = store.conn();
        if !conn.is_autocommit() {
            return Ok(Spill { conn: None });
        }
        let before: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA temp_store = FILE; BEGIN")?;
        Ok(Spill {
            conn: Some((conn, before)),
        })
    }
}

impl Drop for Spill<'_> {
    fn drop(&mut self) {
        if let Some((conn, before)) = self.conn {
            // Only read: nothing to keep; the connection goes back to where it kept its sorts.
            let _ = conn.execute_batch(&format!("ROLLBACK; PRAGMA temp_store = {before}"));
        }
    }
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
    view: bool,
) -> Result<Vec<Row3>> {
    let (sql, args) = listed_sql(store, f, only, false, view)?;
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), found_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The SQL of [`listed`] and its parameters: the rows in the order of [`relations`] (read as
/// [`found_row`]). With `edges`, instead, the conflicts and corroborations among them between
/// two claims as `(from_seq, to_seq, from_id, to_id, kind, score)`, in no order: what
/// relations are carried over ([`carried_compact`]).
fn listed_sql(
    store: &Store,
    f: &RelationFilter,
    only: Option<&[i64]>,
    edges: bool,
    view: bool,
) -> Result<(String, Vec<SqlValue>)> {
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
        // Everything: the view's rows from its sources ([`EVERY`]); the edges without the
        // claims' texts (`rel`: the ids as stored with each relation).
        (None, None) if view => (String::new(), "claim_relations"),
        (None, None) => (
            format!("WITH {EVERY}{RELATED}"),
            if edges { "rel" } else { "narrowed" },
        ),
    };
    let columns = if edges && source == "rel" {
        "cr.from_seq, cr.to_seq, cr.from_ref, cr.to_ref, cr.kind, cr.score"
    } else if edges {
        "cr.from_seq, cr.to_seq, cr.from_id, cr.to_id, cr.kind, cr.score"
    } else {
        "cr.kind, cr.score,
                coalesce(cr.note, CASE WHEN cr.manual THEN 'judged by a person' ELSE '' END),
                cr.basis, cr.relation_id, cr.from_seq, cr.to_seq,
                cr.from_id, cr.from_speaker, cr.from_cue, cr.from_stance, cr.from_content,
                cr.to_id, cr.to_speaker, cr.to_cue, cr.to_stance, cr.to_content"
    };
    let mut sql = format!(
        "{with}SELECT {columns}
         FROM {source} cr
         WHERE cr.current AND cr.kind <> 'unrelated' AND cr.score >= ?1
           AND (cr.kind <> 'conflicts' OR NOT EXISTS (
                SELECT 1 FROM found_relations u
                WHERE u.kind = 'updates' AND u.a_seq = cr.from_seq AND u.b_seq = cr.to_seq)
                AND NOT EXISTS (
                SELECT 1 FROM found_relations u
                WHERE u.kind = 'updates' AND u.a_seq = cr.to_seq AND u.b_seq = cr.from_seq))"
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
    if edges {
        sql.push_str(" AND cr.kind IN ('conflicts', 'corroborates') AND cr.from_seq <> cr.to_seq");
    } else {
        sql.push_str(
            " ORDER BY cr.kind, cr.score DESC, cr.from_id, cr.to_id, cr.basis, cr.relation_id",
        );
    }
    Ok((sql, args))
}

/// One row of [`listed_sql`]: the relation (without its places) and its two claims' seqs.
fn found_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row3> {
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
}

/// The side of a relation whose id, speaker, cue, stance and content are the columns from
/// `at` on (its places are filled in later: [`PlaceCache`]).
fn side(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Side> {
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
}

/// For a list of `kind`, the filter (`all`, of every kind) of every conflict, which the carried
/// rows also need: a corroboration is carried over two conflicts, between claims that may have
/// no corroboration at all. None for another kind.
fn every_conflict(kind: &str, all: &RelationFilter) -> Option<RelationFilter> {
    (kind == "corroborates").then(|| RelationFilter {
        kind: Some("conflicts".to_string()),
        ..all.clone()
    })
}

/// The relations carried over a corroboration (`relate::carry`, docs/relations.md) that the
/// filter shows, from the relations in force at its minimum score: `rows` when they are all of
/// them (no kind, no claim, document or speaker); for one kind, `rows` and the relations of
/// their claims (for corroborations, and every conflict: [`every_conflict`]); with a claim, a
/// document or a speaker, the relations of those claims and of the claims they relate to
/// (every way to carry a relation to one of them passes there). So no filter reads every
/// relation, and each shows the rows the unfiltered list has. A pair with any finding of the
/// rules (at any score, of any kind) or a person's judgement is never carried.
fn carried(
    store: &Store,
    f: &RelationFilter,
    rows: &[(RelationRow, i64, i64)],
) -> Result<Vec<(RelationRow, i64, i64)>> {
    let all = f.unfiltered();
    let me = me_seqs(store, f)?;
    let read;
    let edges: &[(RelationRow, i64, i64)] = match (&me, &f.kind) {
        (None, None) => rows,
        // One kind: its rows, and every relation of their claims (a conflict is carried over
        // a corroboration of one of its claims; whether a pair of corroborating claims is
        // carried as a conflict depends on the conflicts of the claims between them); for
        // corroborations, every conflict too.
        (None, Some(kind)) => {
            let mut claims: Vec<i64> = rows.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
            claims.sort_unstable();
            claims.dedup();
            let mut both = rows.to_vec();
            both.extend(listed(store, &all, Some(&claims), false)?);
            if let Some(conflicts) = every_conflict(kind, &all) {
                both.extend(listed(store, &conflicts, None, false)?);
            }
            read = both;
            &read
        }
        (Some(me), _) => {
            let mut first = listed(store, &all, Some(me), false)?;
            let mut partners: Vec<i64> = first.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
            partners.sort_unstable();
            partners.dedup();
            first.extend(listed(store, &all, Some(&partners), false)?);
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

/// A relation carried over a corroboration ([`carried_compact`]): its kind, score, the two
/// claims and the claim it was carried over (indexes of [`Graph::ids`]) and the two scores.
#[derive(Clone, Copy)]
struct Carry {
    conflict: bool,
    /// A corroboration carried over two conflicts, not over a corroboration.
    over_conflicts: bool,
    score: f64,
    a: u32,
    c: u32,
    through: u32,
    /// The path starts at `a` (else at `c`): the way `relate::carry::carried` meets first.
    from_a: bool,
    first: f64,
    second: f64,
}

impl Carry {
    /// Whether this way of carrying a pair stands over `other` (the order of
    /// `relate::carry::carried`: a conflict, the higher score, the smaller claim carried over,
    /// then the way it meets first: from the smaller id, the higher scores).
    fn better(&self, o: &Carry) -> bool {
        o.conflict
            .cmp(&self.conflict)
            .then(o.score.total_cmp(&self.score))
            .then(self.through.cmp(&o.through))
            .then(o.from_a.cmp(&self.from_a))
            .then(o.first.total_cmp(&self.first))
            .then(o.second.total_cmp(&self.second))
            .is_lt()
    }
}

/// The relations in force between two claims (conflicts and corroborations), as compact as
/// the rule needs: each claim an index in id order, each relation both ways with its kind and
/// score, sorted by the other claim.
struct Graph {
    ids: Vec<ObjectId>,
    seqs: Vec<i64>,
    start: Vec<usize>,
    /// `(other, conflict, score)`.
    edges: Vec<(u32, bool, f64)>,
}

impl Graph {
    fn of(&self, x: u32) -> &[(u32, bool, f64)] {
        &self.edges[self.start[x as usize]..self.start[x as usize + 1]]
    }

    fn related(&self, x: u32, y: u32) -> bool {
        self.of(x).binary_search_by(|e| e.0.cmp(&y)).is_ok()
    }
}

/// The relations carried over a corroboration of a list without a claim, document or speaker
/// ([`relations`]; `relate::carry::carried` at the filter's minimum score, of the filter's
/// kind), sorted in the list's order, each as its two claims' seqs and the relation without
/// places. Carried over every relation in force for the whole list; for one kind, over the
/// relations of the claims its rows name (for corroborations, and every conflict), as
/// [`carried`] reads them for the collected list, so that such a list reads no more. Those
/// relations are read as a compact graph (claim indexes and scores, about 30 bytes a relation,
/// no text); each claim's carried pairs are found from it alone (the pair's every way:
/// `x`-`t`-`y` with `t` corroborating `y`, and `y`-`t`-`x` with `x` corroborating `t`), only
/// the claims of a pair carried are read in full, and only the pairs shown are kept.
fn carried_compact(store: &Store, f: &RelationFilter) -> Result<CarriedList> {
    let all = f.unfiltered();
    let conn = store.conn();
    let mut queries = Vec::new();
    match f.kind.as_deref() {
        None => queries.push(listed_sql(store, &all, None, true, false)?),
        Some(kind) => {
            // The claims of the kind's rows (what the list shows before carrying).
            let (sql, args) = listed_sql(store, f, None, true, false)?;
            let mut stmt = conn.prepare(&sql)?;
            let mut named: Vec<i64> = Vec::new();
            let mut rows = stmt.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                named.push(r.get(0)?);
                named.push(r.get(1)?);
            }
            named.sort_unstable();
            named.dedup();
            queries.push(listed_sql(store, &all, Some(&named), true, false)?);
            if let Some(conflicts) = every_conflict(kind, &all) {
                queries.push(listed_sql(store, &conflicts, None, true, false)?);
            }
        }
    }
    let mut raw: Vec<(i64, i64, bool, f64)> = Vec::new();
    let mut claims: Vec<(ObjectId, i64)> = Vec::new();
    let mut limit = 1 << 16;
    for (sql, args) in queries {
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let (a, b): (i64, i64) = (r.get(0)?, r.get(1)?);
            claims.push((super::super::row_id(r, 2)?, a));
            claims.push((super::super::row_id(r, 3)?, b));
            raw.push((a, b, r.get::<_, String>(4)? == "conflicts", r.get(5)?));
            if claims.len() > limit {
                claims.sort_unstable();
                claims.dedup();
                limit = limit.max(2 * claims.len());
            }
        }
    }
    if f.kind.is_some() {
        // A relation read by two of the queries (a conflict of a claim named): once.
        raw.sort_unstable_by(|x, y| {
            (x.0, x.1, x.2)
                .cmp(&(y.0, y.1, y.2))
                .then(x.3.total_cmp(&y.3))
        });
        raw.dedup();
    }
    claims.sort_unstable();
    claims.dedup();
    let index: HashMap<i64, u32> = claims
        .iter()
        .enumerate()
        .map(|(n, (_, seq))| (*seq, n as u32))
        .collect();
    let mut start = vec![0usize; claims.len() + 1];
    for (a, b, _, _) in &raw {
        start[index[a] as usize + 1] += 1;
        start[index[b] as usize + 1] += 1;
    }
    for n in 1..start.len() {
        start[n] += start[n - 1];
    }
    let mut edges = vec![(0u32, false, 0.0f64); start[claims.len()]];
    let mut next = start.clone();
    for (a, b, conflict, score) in raw {
        let (a, b) = (index[&a], index[&b]);
        edges[next[a as usize]] = (b, conflict, score);
        next[a as usize] += 1;
        edges[next[b as usize]] = (a, conflict, score);
        next[b as usize] += 1;
    }
    drop(index);
    for x in 0..claims.len() {
        edges[start[x]..start[x + 1]].sort_by_key(|e| e.0);
    }
    let (ids, seqs) = claims.into_iter().unzip();
    let g = Graph {
        ids,
        seqs,
        start,
        edges,
    };
    let round = |s1: f64, s2: f64| (s1 * s2 * 1000.0).round() / 1000.0;
    let mut claim =
        conn.prepare_cached("SELECT id, speaker, cue, stance, content FROM claims WHERE seq = ?1")?;
    let mut judged = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM found_relations WHERE a_seq = ?1 AND b_seq = ?2)
             OR EXISTS (SELECT 1 FROM found_relations WHERE a_seq = ?2 AND b_seq = ?1)
             OR EXISTS (SELECT 1 FROM relations
                        WHERE manual = 1 AND pair_lo = ?3 AND pair_hi = ?4)",
    )?;
    let mut out: Vec<Carry> = Vec::new();
    let mut best: HashMap<u32, Carry> = HashMap::new();
    for x in 0..g.ids.len() as u32 {
        best.clear();
        let mut offer = |y: u32, c: Carry| {
            if y <= x || c.score < f.min_score || g.related(x, y) {
                return;
            }
            match best.get_mut(&y) {
                Some(b) if !c.better(b) => {}
                Some(b) => *b = c,
                None => {
                    best.insert(y, c);
                }
            }
        };
        for &(t, conflict, s1) in g.of(x) {
            for &(y, conflict2, s2) in g.of(t) {
                // One way from x to y through t: its kind, the scores of its first and second
                // relation and whether it starts at x.
                let way = |conflict, over_conflicts, score, from_a, first, second| Carry {
                    conflict,
                    over_conflicts,
                    score,
                    a: x,
                    c: y,
                    through: t,
                    from_a,
                    first,
                    second,
                };
                // x and y both conflict with t: a corroboration carried over the two (the
                // same way from either side: from the smaller id, as `relate::carry` meets
                // it first).
                if conflict && conflict2 {
                    let score = relate::carry::over_conflicts_score(s1, s2);
                    offer(y, way(false, true, score, true, s1, s2));
                }
                // x's relation with t carried over t's corroboration of y.
                if !conflict2 {
                    offer(y, way(conflict, false, round(s1, s2), true, s1, s2));
                }
                // y's relation with t carried over t's corroboration of x.
                if !conflict {
                    offer(y, way(conflict2, false, round(s2, s1), false, s2, s1));
                }
            }
        }
        if best.is_empty() {
            continue;
        }
        let mut found: Vec<Carry> = best
            .values()
            .copied()
            .filter(|c| {
                f.kind
                    .as_deref()
                    .is_none_or(|k| (k == "conflicts") == c.conflict)
            })
            .collect();
        found.sort_by_key(|c| c.c);
        let mut text = |seq: i64| -> rusqlite::Result<(String, String)> {
            claim.query_row([seq], |r| Ok((r.get(1)?, r.get(4)?)))
        };
        let (xs, xc) = text(g.seqs[x as usize])?;
        for c in found {
            let (ys, yc) = text(g.seqs[c.c as usize])?;
            let kind = if c.conflict {
                RelationKind::Conflicts
            } else {
                RelationKind::Corroborates
            };
            if !relate::carry::shown(kind, c.over_conflicts, (&xs, &xc), (&ys, &yc)) {
                continue;
            }
            let (a, b) = (c.a as usize, c.c as usize);
            let pair = (g.seqs[a], g.seqs[b], g.ids[a].to_hex(), g.ids[b].to_hex());
            if judged.query_row(rusqlite::params![pair.0, pair.1, pair.2, pair.3], |r| {
                r.get(0)
            })? {
                continue;
            }
            out.push(c);
        }
    }
    // `conflicts` before `corroborates`, the higher score, then the two ids.
    out.sort_by(|p, q| {
        q.conflict
            .cmp(&p.conflict)
            .then(q.score.total_cmp(&p.score))
            .then(p.a.cmp(&q.a))
            .then(p.c.cmp(&q.c))
    });
    Ok(CarriedList {
        ids: g.ids,
        seqs: g.seqs,
        rows: out,
    })
}

/// The carried relations of [`carried_compact`], sorted, and the claims they name.
struct CarriedList {
    ids: Vec<ObjectId>,
    seqs: Vec<i64>,
    rows: Vec<Carry>,
}

impl CarriedList {
    /// Carried relation `n` as a row of the list (without places), its claims read with
    /// `claim` (`SELECT id, speaker, cue, stance, content FROM claims WHERE seq = ?1`).
    fn row(&self, claim: &mut rusqlite::CachedStatement<'_>, n: usize) -> Result<Row3> {
        let c = self.rows[n];
        let mut side = |n: u32| claim.query_row([self.seqs[n as usize]], |r| side(r, 0));
        let (a, b) = (side(c.a)?, side(c.c)?);
        let carried = relate::carry::Carried {
            kind: if c.conflict {
                RelationKind::Conflicts
            } else {
                RelationKind::Corroborates
            },
            a: a.id,
            c: b.id,
            through: self.ids[c.through as usize],
            first: c.first,
            second: c.second,
            score: c.score,
            over_conflicts: c.over_conflicts,
        };
        Ok((
            RelationRow {
                kind: carried.kind.as_str().to_string(),
                score: carried.score,
                reason: carried.reason(),
                basis: relate::carry::CARRIED_BASIS.to_string(),
                a,
                b,
                relation: None,
            },
            self.seqs[c.a as usize],
            self.seqs[c.c as usize],
        ))
    }
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

#[derive(Default, Clone)]
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

/// How many claims' places [`PlaceCache`] keeps at most.
const PLACES_KEPT: usize = 4096;

/// Where claims appear, read one claim at a time (in document key order, so that a claim
/// keeps at most [`DOCUMENTS_SHOWN`] keys and a count, however many documents it appears
/// in), the last [`PLACES_KEPT`] claims' kept: a claim related to many others is read once
/// for many of its rows, and memory does not grow with the list.
struct PlaceCache<'a> {
    stmt: rusqlite::Statement<'a>,
    kept: HashMap<i64, Places>,
}

impl<'a> PlaceCache<'a> {
    fn new(store: &'a Store) -> Result<PlaceCache<'a>> {
        let stmt = store.conn().prepare(
            "SELECT d.key, v.source, v.title, v.published, julianday(v.published), v.id
             FROM mentions m
             JOIN versions v ON v.seq = m.version_seq
             JOIN documents d ON d.seq = v.document_seq
             WHERE m.claim_seq = ?1
             ORDER BY d.key",
        )?;
        Ok(PlaceCache {
            stmt,
            kept: HashMap::new(),
        })
    }

    /// Fills in the places of both sides of `row`, whose claims are `a` and `b` (seqs).
    fn fill(&mut self, row: &mut RelationRow, a: i64, b: i64) -> Result<()> {
        for (side, seq) in [(&mut row.a, a), (&mut row.b, b)] {
            let p = self.get(seq)?;
            side.documents = p.documents.clone();
            side.documents_total = p.documents_total;
            side.outlet = p.outlet.clone();
            side.title = p.title.clone();
            side.published = p.published.clone();
        }
        Ok(())
    }

    /// The places of claim `seq`, read unless kept.
    fn get(&mut self, seq: i64) -> Result<&Places> {
        if !self.kept.contains_key(&seq) {
            if self.kept.len() >= PLACES_KEPT {
                self.kept.clear();
            }
            let mut p = Places::default();
            let mut rows = self.stmt.query([seq])?;
            let mut last: Option<String> = None;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let day: Option<f64> = r.get(4)?;
                let order = (day.is_none(), day.unwrap_or(0.0), r.get::<_, String>(5)?);
                if p.first.as_ref().is_none_or(|f| {
                    f.0.cmp(&order.0)
                        .then(f.1.total_cmp(&order.1))
                        .then(f.2.cmp(&order.2))
                        .is_gt()
                }) {
                    p.outlet = r.get(1)?;
                    p.title = r.get(2)?;
                    p.published = r.get(3)?;
                    p.first = Some(order);
                }
                if last.as_deref() == Some(key.as_str()) {
                    continue;
                }
                p.documents_total += 1;
                if p.documents.len() < DOCUMENTS_SHOWN {
                    p.documents.push(key.clone());
                }
                last = Some(key);
            }
            self.kept.insert(seq, p);
        }
        Ok(&self.kept[&seq])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(store: &Store) -> i64 {
        store
            .conn()
            .query_row("PRAGMA temp_store", [], |r| r.get(0))
            .expect("pragma")
    }

    #[test]
    fn listing_leaves_the_connection_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("a.db")).expect("open");
        let before = temp_store(&store);
        assert_eq!(before, 2, "the store keeps its temporary tables in memory");
        let n = each_relation(&store, &RelationFilter::default(), |_| {
            Ok::<(), crate::store::StoreError>(())
        })
        .expect("list");
        assert_eq!(n, 0);
        assert_eq!(temp_store(&store), before);
        assert!(store.conn().is_autocommit(), "the read transaction is over");
    }
}
