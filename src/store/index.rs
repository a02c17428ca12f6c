//! Index rows for one object: the typed tables are a function of the objects, in arrival order.
//! The `claim_keys` rows of a claim are written by the ledger's relation step
//! ([`super::related`]), with the keys of `crate::relate::keys`.

use crate::model::{Body, Span};
use crate::objects::ObjectId;
use rusqlite::{OptionalExtension, Transaction};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("refers to {kind} {id}, which is not stored")]
    MissingReference { kind: &'static str, id: ObjectId },
    #[error("span [{start}, {end}) is outside the version's text ({len} characters)")]
    BadSpan { start: u64, end: u64, len: usize },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// The text of the version whose mentions are being indexed, with an index of its code points.
pub struct VersionText {
    id: ObjectId,
    seq: i64,
    text: String,
    /// The byte offset of every [`CODE_POINT_STEP`]th code point; empty when the text is
    /// ASCII, where code point `i` starts at byte `i`. A table of every code point would cost
    /// eight bytes a character: 500 MB for a 63 MiB text.
    marks: Vec<u32>,
    /// Number of code points.
    chars: usize,
}

/// Code points between two marks of [`VersionText`]: a lookup walks at most this many.
const CODE_POINT_STEP: usize = 32;

impl VersionText {
    fn new(id: ObjectId, seq: i64, text: String) -> VersionText {
        let mut marks = Vec::new();
        let mut chars = text.len();
        if !text.is_ascii() {
            chars = 0;
            marks.reserve(text.len() / CODE_POINT_STEP + 1);
            for (i, (byte, _)) in text.char_indices().enumerate() {
                if i % CODE_POINT_STEP == 0 {
                    // Texts are far below 4 GiB (files are refused over 64 MiB).
                    marks.push(u32::try_from(byte).unwrap_or(u32::MAX));
                }
                chars = i + 1;
            }
        }
        VersionText {
            id,
            seq,
            text,
            marks,
            chars,
        }
    }

    /// Number of code points.
    fn len(&self) -> usize {
        self.chars
    }

    /// Byte offset of code point `i` (at most [`VersionText::len`]).
    fn byte(&self, i: usize) -> usize {
        if self.marks.is_empty() {
            return i;
        }
        let Some(&mark) = self.marks.get(i / CODE_POINT_STEP) else {
            return self.text.len();
        };
        let from = mark as usize;
        self.text
            .get(from..)
            .and_then(|rest| rest.char_indices().nth(i % CODE_POINT_STEP))
            .map_or(self.text.len(), |(offset, _)| from + offset)
    }

    fn slice(&self, spans: &[Span]) -> Result<String, IndexError> {
        let mut out = String::new();
        for &[start, end] in spans {
            let len = self.len();
            let (s, e) = (start as usize, end as usize);
            if s > e || e > len {
                return Err(IndexError::BadSpan { start, end, len });
            }
            if !out.is_empty() {
                out.push_str(" … ");
            }
            out.push_str(&self.text[self.byte(s)..self.byte(e)]);
        }
        Ok(out)
    }
}

fn spans_json(spans: &[Span]) -> String {
    serde_json::to_string(spans).unwrap_or_else(|_| "[]".to_string())
}

/// What one writer remembers between objects: the version whose mentions are being indexed,
/// and the seqs of the documents and claims it indexed itself or looked up, which later objects
/// of the same transaction refer to. Reset whenever the writer undoes writes.
#[derive(Default)]
pub struct Cache {
    version: Option<VersionText>,
    /// Versions indexed by this writer whose mentions have not come yet, with their texts, up
    /// to [`WAITING_TEXT_BYTES`] of text (the oldest go first): a batch stored referenced
    /// types first (`ledger::rank`) brings its versions before all their mentions, which would
    /// otherwise read each text back from the database.
    waiting: HashMap<ObjectId, (i64, String)>,
    /// The order they came in (with some already taken), and the bytes of text kept.
    waiting_order: std::collections::VecDeque<ObjectId>,
    waiting_bytes: usize,
    indexed: HashMap<ObjectId, (&'static str, i64)>,
    /// Whether a review that names no claim is indexed (known once asked): only then does a
    /// new claim look for the reviews it matches.
    reviews_to_match: Option<bool>,
    /// The review lookup keys of claims read by a review's full-text lookup, by seq
    /// ([`text_holders`]): the same claims are candidates of many reviews. At most
    /// [`LOOKUP_KEYS_KEPT`] claims.
    lookup_keys: HashMap<i64, Vec<String>>,
}

/// At most this many claims' lookup keys are kept ([`Cache`]).
const LOOKUP_KEYS_KEPT: usize = 1 << 16;

/// At most this much text of versions waiting for their mentions is kept ([`Cache`]).
const WAITING_TEXT_BYTES: usize = 8 << 20;

impl Cache {
    /// Keeps the text of a version just indexed for its mentions.
    fn wait_for_mentions(&mut self, id: ObjectId, seq: i64, text: &str) {
        if text.len() > WAITING_TEXT_BYTES {
            return;
        }
        if self.waiting_order.len() > 2 * self.waiting.len() + 64 {
            let waiting = &self.waiting;
            self.waiting_order.retain(|v| waiting.contains_key(v));
        }
        if let Some((_, old)) = self.waiting.insert(id, (seq, text.to_string())) {
            self.waiting_bytes -= old.len();
        }
        self.waiting_bytes += text.len();
        self.waiting_order.push_back(id);
        while self.waiting_bytes > WAITING_TEXT_BYTES {
            let Some(oldest) = self.waiting_order.pop_front() else {
                break;
            };
            if let Some((_, old)) = self.waiting.remove(&oldest) {
                self.waiting_bytes -= old.len();
            }
        }
    }

    /// The seq and text of a version kept by [`Cache::wait_for_mentions`], taken out. The
    /// versions kept before it are dropped: mentions come in their versions' order (an
    /// import's right after their version, a batch's after all of them), so those wait for
    /// none (a mention that still comes reads its version's text from the database).
    fn waiting_version(&mut self, id: &ObjectId) -> Option<(i64, String)> {
        let (seq, text) = self.waiting.remove(id)?;
        self.waiting_bytes -= text.len();
        while let Some(older) = self.waiting_order.pop_front() {
            if older == *id {
                break;
            }
            if let Some((_, old)) = self.waiting.remove(&older) {
                self.waiting_bytes -= old.len();
            }
        }
        Some((seq, text))
    }

    /// Whether this writer indexed or looked up the object `id` (a document or a claim) since
    /// the cache was last reset: it is stored.
    pub fn indexed(&self, id: &ObjectId) -> bool {
        self.indexed.contains_key(id)
    }
}

/// The seq of a stored object of one type, if it is indexed. What is found in the database is
/// remembered in `cache` too: a claim stored by an earlier transaction is named again by each of
/// its mentions (and put again before each), which then ask nothing of SQLite.
fn seq_of(
    tx: &Transaction<'_>,
    cache: &mut Cache,
    table: &'static str,
    id: &ObjectId,
) -> Result<Option<i64>, IndexError> {
    if let Some(&(t, seq)) = cache.indexed.get(id) {
        if t == table {
            return Ok(Some(seq));
        }
    }
    let sql = match table {
        "documents" => {
            "SELECT t.seq FROM objects o JOIN documents t ON t.seq = o.seq WHERE o.id = ?1"
        }
        "versions" => {
            "SELECT t.seq FROM objects o JOIN versions t ON t.seq = o.seq WHERE o.id = ?1"
        }
        _ => "SELECT t.seq FROM objects o JOIN claims t ON t.seq = o.seq WHERE o.id = ?1",
    };
    let seq: Option<i64> = tx
        .prepare_cached(sql)?
        .query_row([id.to_hex()], |r| r.get(0))
        .optional()?;
    if let Some(seq) = seq {
        cache.indexed.insert(*id, (table, seq));
    }
    Ok(seq)
}

/// Indexes one stored object. `fts_from`: the claims from this seq on are not in `claims_fts`
/// yet (the writer fills it at commit, [`fill_fts`]).
pub(super) fn insert(
    tx: &Transaction<'_>,
    cache: &mut Cache,
    seq: i64,
    id: ObjectId,
    body: &Body,
    fts_from: i64,
) -> Result<(), IndexError> {
    let id_hex = id.to_hex();
    match body {
        Body::Document(d) => {
            tx.prepare_cached(
                "INSERT INTO documents(seq, id, key, key_kind) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute((seq, &id_hex, &d.key, d.key_kind.as_str()))?;
            cache.indexed.insert(id, ("documents", seq));
        }
        Body::Version(v) => {
            let Some(doc_seq) = seq_of(tx, cache, "documents", &v.document)? else {
                return Err(IndexError::MissingReference {
                    kind: "document",
                    id: v.document,
                });
            };
            let number: i64 = tx
                .prepare_cached(
                    "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE document_seq = ?1",
                )?
                .query_row([doc_seq], |r| r.get(0))?;
            tx.prepare_cached(
                "INSERT INTO versions(seq, id, document_seq, document_id, number, title, byline,
                                      source, published, modified, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                seq,
                id_hex,
                doc_seq,
                v.document.to_hex(),
                number,
                v.title,
                v.byline,
                v.source,
                v.published,
                v.modified,
                v.text
            ])?;
            if number > 1 {
                renumber(tx, doc_seq)?;
            }
            let mut notice = tx.prepare_cached(
                "INSERT OR IGNORE INTO version_corrections(version_seq, position, notice)
                 VALUES (?1, ?2, ?3)",
            )?;
            for n in crate::extract::corrections::correction_notices(&v.text) {
                notice.execute((seq, n.position as i64, &n.text))?;
            }
            cache.wait_for_mentions(id, seq, &v.text);
        }
        Body::Claim(c) => {
            tx.prepare_cached(
                "INSERT INTO claims(seq, id, speaker, cue, stance, hedges, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute((
                seq,
                &id_hex,
                &c.speaker,
                &c.cue,
                &c.stance,
                serde_json::to_string(&c.hedges).unwrap_or_else(|_| "[]".to_string()),
                &c.content,
            ))?;
            match_claim_to_reviews(tx, cache, seq, c)?;
            cache.indexed.insert(id, ("claims", seq));
        }
        Body::Review(r) => {
            let content = r
                .claim_text
                .as_deref()
                .map(crate::relate::review::review_content);
            tx.prepare_cached(
                "INSERT INTO reviews(seq, id, claim_id, claim_text, content, claimant, claim_date,
                     appearances, verdict, rating, rating_value, best_rating, worst_rating,
                     rating_name, publisher, publisher_site, reviewer, url, title, published,
                     language, note, author, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            )?
            .execute(rusqlite::params![
                seq,
                id_hex,
                r.claim.map(|c| c.to_hex()),
                r.claim_text,
                content,
                r.claimant,
                r.claim_date,
                serde_json::to_string(&r.appearances).unwrap_or_else(|_| "[]".to_string()),
                r.verdict.as_str(),
                r.rating.text,
                r.rating.value,
                r.rating.best,
                r.rating.worst,
                r.rating.alternate_name,
                r.publisher,
                r.publisher_site,
                r.reviewer,
                r.url,
                r.title,
                r.date,
                r.language,
                r.note,
                r.by,
                r.at
            ])?;
            if let (None, Some(content)) = (r.claim, content) {
                match_review_to_claims(
                    tx,
                    cache,
                    (seq, &content, r.claimant.as_deref()),
                    fts_from,
                )?;
                cache.reviews_to_match = Some(true);
            }
        }
        Body::Retraction(r) => {
            tx.prepare_cached(
                "INSERT INTO retractions(seq, id, target, target_type, reason, author,
                                         recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(rusqlite::params![
                seq,
                id_hex,
                r.target.to_hex(),
                r.target_type.as_str(),
                r.reason,
                r.by,
                r.at
            ])?;
        }
        Body::Alias(a) => {
            tx.prepare_cached(
                "INSERT INTO aliases(seq, id, alias, canonical) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute((seq, &id_hex, &a.alias, &a.canonical))?;
        }
        Body::Relation(r) => {
            let mut ends = [0i64; 2];
            for (end, slot) in [r.from, r.to].into_iter().zip(ends.iter_mut()) {
                let Some(s) = seq_of(tx, cache, "claims", &end)? else {
                    return Err(IndexError::MissingReference {
                        kind: "claim",
                        id: end,
                    });
                };
                *slot = s;
            }
            let (lo, hi) = if r.from <= r.to {
                (r.from, r.to)
            } else {
                (r.to, r.from)
            };
            tx.prepare_cached(
                "INSERT INTO relations(seq, id, from_seq, from_claim, to_seq, to_claim, kind,
                                       basis, note, manual, pair_lo, pair_hi, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(rusqlite::params![
                seq,
                id_hex,
                ends[0],
                r.from.to_hex(),
                ends[1],
                r.to.to_hex(),
                r.kind.as_str(),
                r.basis,
                r.note,
                r.basis == crate::model::MANUAL,
                lo.to_hex(),
                hi.to_hex(),
                r.at
            ])?;
        }
        Body::Mention(m) => {
            if cache.version.as_ref().map(|c| c.id) != Some(m.version) {
                let waiting = cache.waiting_version(&m.version);
                let row: Option<(i64, String)> = match waiting {
                    Some(found) => Some(found),
                    None => tx
                        .prepare_cached(
                            "SELECT v.seq, v.text FROM objects o JOIN versions v ON v.seq = o.seq
                         WHERE o.id = ?1",
                        )?
                        .query_row([m.version.to_hex()], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?,
                };
                let Some((version_seq, text)) = row else {
                    return Err(IndexError::MissingReference {
                        kind: "version",
                        id: m.version,
                    });
                };
                cache.version = Some(VersionText::new(m.version, version_seq, text));
            }
            let Some(claim_seq) = seq_of(tx, cache, "claims", &m.claim)? else {
                return Err(IndexError::MissingReference {
                    kind: "claim",
                    id: m.claim,
                });
            };
            let Some(version) = cache.version.as_ref() else {
                return Ok(());
            };
            let position = m.content.first().map(|s| s[0]).unwrap_or(0);
            tx.prepare_cached(
                "INSERT INTO mentions(seq, id, claim_seq, claim_id, version_seq, version_id,
                     position, sentence, source_text, cue_text, content_text, source_spans,
                     cue_spans, content_spans, direct, extractor, extractor_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17)",
            )?
            .execute(rusqlite::params![
                seq,
                id_hex,
                claim_seq,
                m.claim.to_hex(),
                version.seq,
                m.version.to_hex(),
                position as i64,
                m.sentence,
                version.slice(&m.source)?,
                version.slice(&m.cue)?,
                version.slice(&m.content)?,
                spans_json(&m.source),
                spans_json(&m.cue),
                spans_json(&m.content),
                m.direct,
                m.extractor,
                m.extractor_version
            ])?;
        }
    }
    Ok(())
}

/// The correction notices of every stored version (`version_corrections`), for a database
/// migrated to schema 6 whose versions were indexed before the table existed.
pub(super) fn fill_corrections(tx: &rusqlite::Connection) -> rusqlite::Result<()> {
    let mut versions = tx.prepare("SELECT seq, text FROM versions ORDER BY seq")?;
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO version_corrections(version_seq, position, notice)
         VALUES (?1, ?2, ?3)",
    )?;
    let mut rows = versions.query([])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let text: String = row.get(1)?;
        for n in crate::extract::corrections::correction_notices(&text) {
            insert.execute((seq, n.position as i64, &n.text))?;
        }
    }
    Ok(())
}

/// Indexes the lookup keys of a review that names no claim, and its matches among the stored
/// claims that share one (`review_matches`). The claims holding a key are its `claim_keys`
/// rows, and for a two-term key past the bound, whose rows the index keeps only for claims
/// whose content is not plain text (`related::kept_row_past_bound`), also the claims a
/// full-text search finds holding it ([`text_holders`]): the same claims either way.
fn match_review_to_claims(
    tx: &Transaction<'_>,
    cache: &mut Cache,
    (review_seq, content, claimant): (i64, &str, Option<&str>),
    fts_from: i64,
) -> Result<(), IndexError> {
    let mut candidates = std::collections::BTreeSet::new();
    {
        let mut insert = tx
            .prepare_cached("INSERT OR IGNORE INTO review_keys(key, review_seq) VALUES (?1, ?2)")?;
        let mut holders =
            tx.prepare_cached("SELECT DISTINCT claim_seq FROM claim_keys WHERE key = ?1")?;
        let mut common = tx.prepare_cached("SELECT 1 FROM common_keys WHERE key = ?1")?;
        for key in crate::relate::review::lookup_keys(content) {
            insert.execute((&key, review_seq))?;
            let seqs = holders
                .query_map([&key], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            candidates.extend(seqs);
            if let Some(prefixes) = crate::relate::review::text_prefixes(&key) {
                if common.exists([&key])? {
                    candidates.extend(text_holders(tx, cache, &key, &prefixes, fts_from)?);
                }
            }
        }
    }
    let mut claim = tx.prepare_cached("SELECT speaker, content FROM claims WHERE seq = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO review_matches(review_seq, claim_seq, score) VALUES (?1, ?2, ?3)",
    )?;
    for claim_seq in candidates {
        let Some((speaker, claim_content)) = claim
            .query_row([claim_seq], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?
        else {
            continue;
        };
        if let Some(score) =
            crate::relate::review::score(content, claimant, &claim_content, &speaker)
        {
            insert.execute((review_seq, claim_seq, score))?;
        }
    }
    Ok(())
}

/// Matches every stored review naming no claim against the stored claims again (after a
/// rebuild has written `claim_keys` and filled `claims_fts`), as [`match_review_to_claims`]
/// does when a review is stored.
pub(super) fn match_reviews_again(tx: &Transaction<'_>) -> Result<(), IndexError> {
    let reviews: Vec<(i64, String, Option<String>)> = tx
        .prepare(
            "SELECT seq, content, claimant FROM reviews
             WHERE claim_id IS NULL AND content IS NOT NULL ORDER BY seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut cache = Cache::default();
    for (seq, content, claimant) in &reviews {
        // Every claim is in `claims_fts`: none is left to read apart.
        match_review_to_claims(
            tx,
            &mut cache,
            (*seq, content, claimant.as_deref()),
            i64::MAX,
        )?;
    }
    Ok(())
}

/// The stored claims holding a two-term lookup key (`t:a+b`, of
/// [`crate::relate::review::text_prefixes`]): those `claims_fts` finds with, for each term, a
/// word starting with a prefix of the words stemming to it ([`text_query`]; every claim of
/// plain text holding the key, and more), and the claims not in `claims_fts` yet (from
/// `fts_from` on, stored by this transaction), each kept if its candidate keys hold the key.
fn text_holders(
    tx: &Transaction<'_>,
    cache: &mut Cache,
    key: &str,
    prefixes: &[Vec<String>; 2],
    fts_from: i64,
) -> Result<Vec<i64>, IndexError> {
    let mut seqs: Vec<i64> = tx
        .prepare_cached("SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?1 AND rowid < ?2")?
        .query_map((text_query(prefixes), fts_from), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    seqs.extend(
        tx.prepare_cached("SELECT seq FROM claims WHERE seq >= ?1")?
            .query_map([fts_from], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    let mut content = tx.prepare_cached("SELECT content FROM claims WHERE seq = ?1")?;
    let mut out = Vec::new();
    for seq in seqs {
        if !cache.lookup_keys.contains_key(&seq) {
            let Some(text) = content
                .query_row([seq], |r| r.get::<_, String>(0))
                .optional()?
            else {
                continue;
            };
            if cache.lookup_keys.len() >= LOOKUP_KEYS_KEPT {
                cache.lookup_keys.clear();
            }
            cache
                .lookup_keys
                .insert(seq, crate::relate::review::lookup_keys(&text));
        }
        if cache.lookup_keys[&seq].iter().any(|k| k == key) {
            out.push(seq);
        }
    }
    Ok(out)
}

/// The FTS5 query finding the contents with, for each of two terms, a word starting with one
/// of its prefixes ([`crate::relate::review::text_prefixes`]): each prefix a phrase prefix
/// query on the column `content` (`content:"o'brien"*`: the tokens of the prefix in a row, the
/// last one a prefix), double quotes doubled.
pub(crate) fn text_query(prefixes: &[Vec<String>; 2]) -> String {
    let term = |forms: &Vec<String>| {
        let any: Vec<String> = forms
            .iter()
            .map(|p| format!("content:\"{}\"*", p.replace('"', "\"\"")))
            .collect();
        format!("({})", any.join(" OR "))
    };
    format!("{} AND {}", term(&prefixes[0]), term(&prefixes[1]))
}

/// Finds the stored reviews (naming no claim) that a new claim matches, through its lookup
/// keys, and records the matches. Nothing to do in a database without such reviews.
fn match_claim_to_reviews(
    tx: &Transaction<'_>,
    cache: &mut Cache,
    claim_seq: i64,
    claim: &crate::model::Claim,
) -> Result<(), IndexError> {
    let any = match cache.reviews_to_match {
        Some(any) => any,
        None => {
            let any: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM review_keys)")?
                .query_row([], |r| r.get(0))?;
            cache.reviews_to_match = Some(any);
            any
        }
    };
    if !any {
        return Ok(());
    }
    let keys = crate::relate::candidate_keys(&claim.content);
    let mut candidates = std::collections::BTreeSet::new();
    {
        let mut holders = tx.prepare_cached("SELECT review_seq FROM review_keys WHERE key = ?1")?;
        for (key, _) in &keys {
            if !crate::relate::review::is_lookup_key(key) {
                continue;
            }
            let seqs = holders
                .query_map([key], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            candidates.extend(seqs);
        }
    }
    let mut review = tx.prepare_cached("SELECT content, claimant FROM reviews WHERE seq = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO review_matches(review_seq, claim_seq, score) VALUES (?1, ?2, ?3)",
    )?;
    for review_seq in candidates {
        let Some((content, claimant)) = review
            .query_row([review_seq], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                ))
            })
            .optional()?
        else {
            continue;
        };
        let Some(content) = content else { continue };
        if let Some(score) = crate::relate::review::score(
            &content,
            claimant.as_deref(),
            &claim.content,
            &claim.speaker,
        ) {
            insert.execute((review_seq, claim_seq, score))?;
        }
    }
    Ok(())
}

/// The order of a document's versions, as an SQL `ORDER BY` over `versions`: by the version's
/// own published time (as a point in time: `julianday`), then its modification time (a version
/// without one counts as modified when published), then id; versions without a published time
/// come after those with one, in the same order. A function of the versions alone, so every
/// replica numbers them alike whatever order they arrived in.
pub(super) const VERSION_ORDER: &str = "julianday(published) IS NULL, julianday(published),
    julianday(coalesce(modified, published)) IS NULL, julianday(coalesce(modified, published)),
    id";

/// Numbers the versions of a document 1, 2, ... in [`VERSION_ORDER`] (two steps, as
/// `(document_seq, number)` is unique).
pub(super) fn renumber(tx: &rusqlite::Connection, document_seq: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE versions SET number = -number WHERE document_seq = ?1")?
        .execute([document_seq])?;
    tx.prepare_cached(&format!(
        "UPDATE versions SET number = r.n
         FROM (SELECT seq, row_number() OVER (ORDER BY {VERSION_ORDER}) AS n
               FROM versions WHERE document_seq = ?1) r
         WHERE versions.seq = r.seq"
    ))?
    .execute([document_seq])?;
    Ok(())
}

/// Adds the rows of the typed tables from `first_seq` on to the full-text indexes. Called once
/// per commit: FTS5 then writes one segment per batch instead of flushing at every savepoint.
pub(super) fn fill_fts(tx: &Transaction<'_>, first_seq: i64) -> Result<(), rusqlite::Error> {
    tx.prepare_cached(
        "INSERT INTO claims_fts(rowid, speaker, content)
         SELECT seq, speaker, content FROM claims WHERE seq >= ?1",
    )?
    .execute([first_seq])?;
    tx.prepare_cached(
        "INSERT INTO versions_fts(rowid, title, text)
         SELECT seq, title, text FROM versions WHERE seq >= ?1",
    )?
    .execute([first_seq])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_code_points_in_ascii_and_other_texts() {
        let id = ObjectId::of_bytes(b"v");
        let ascii = VersionText::new(id, 1, "The mayor said yes.".to_string());
        assert_eq!(
            ascii.slice(&[[4, 9], [15, 18]]).expect("in range"),
            "mayor … yes"
        );
        assert!(matches!(
            ascii.slice(&[[0, 20]]),
            Err(IndexError::BadSpan { len: 19, .. })
        ));
        let other = VersionText::new(id, 1, "Der Bürgermeister sagte: «ja».".to_string());
        assert_eq!(
            other.slice(&[[4, 17], [26, 28]]).expect("in range"),
            "Bürgermeister … ja"
        );
        assert_eq!(other.slice(&[[29, 30]]).expect("in range"), ".");
        assert!(matches!(
            other.slice(&[[0, 31]]),
            Err(IndexError::BadSpan { len: 30, .. })
        ));
        assert_eq!(other.slice(&[[30, 30]]).expect("in range"), "");
    }

    /// The full-text search for the holders of a two-term key past the bound (`text_holders`).
    mod text_search {
        use super::super::text_query;
        use proptest::prelude::*;

        /// An in-memory full-text table declared as `claims_fts` is (schema/0007_datasette_fts.sql,
        /// the default `unicode61` tokenizer), holding `contents` at rowids 1, 2, ...
        fn fts_of(contents: &[String]) -> rusqlite::Connection {
            let conn = rusqlite::Connection::open_in_memory().expect("open");
            conn.execute_batch("CREATE VIRTUAL TABLE claims_fts USING fts5(speaker, content);")
                .expect("fts");
            for (i, c) in contents.iter().enumerate() {
                conn.execute(
                    "INSERT INTO claims_fts(rowid, speaker, content) VALUES (?1, 'kraken', ?2)",
                    (i as i64 + 1, c),
                )
                .expect("insert");
            }
            conn
        }

        fn matches(conn: &rusqlite::Connection, query: &str) -> Vec<i64> {
            let mut stmt = conn
                .prepare("SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?1 ORDER BY rowid")
                .expect("prepare");
            let rows = stmt.query_map([query], |r| r.get(0)).expect("query");
            rows.collect::<rusqlite::Result<_>>().expect("rows")
        }

        /// The two-term lookup keys the full-text search stands for, of a stored content (one
        /// that `claim_keys` keeps no row of past the bound): plain text, a key of
        /// `text_prefixes`, not kept for every claim.
        fn searched_keys(content: &str) -> Vec<String> {
            if !crate::store::plain_text(content) {
                return Vec::new();
            }
            crate::relate::review::lookup_keys(content)
                .into_iter()
                .filter(|k| crate::relate::review::text_prefixes(k).is_some())
                .filter(|k| !crate::store::kept_past_bound(k))
                .collect()
        }

        /// The search finds the content of every claim holding the key, whatever its words (their
        /// inflections and folded forms, possessives, hyphens, apostrophes, quotes and case), and
        /// only through the column `content` (a speaker's words find nothing).
        fn check_superset(contents: &[String]) {
            let conn = fts_of(contents);
            for (i, content) in contents.iter().enumerate() {
                for key in searched_keys(content) {
                    let prefixes = crate::relate::review::text_prefixes(&key).expect("prefixes");
                    let found = matches(&conn, &text_query(&prefixes));
                    assert!(
                        found.contains(&(i as i64 + 1)),
                        "{key} of {content:?} not found by {}",
                        text_query(&prefixes)
                    );
                }
            }
        }

        #[test]
        fn the_full_text_search_finds_every_holder_of_a_two_term_key() {
            let contents: Vec<String> = [
                "The Kraken's policies sank the ferries near Tobermory",
                "the kraken policy sank a ferry near tobermory",
                "Pro-Russian forces were accused of dying villages and killed livestock",
                "O'Brien's deaths: women segregated by the Tidewater authorities",
                "\"Quoted\" mayors bought 3.5m worth of pic-frames in Hull",
                "BUYING sold-out JERSEYS: the gov't denies beheading reports",
                "a+b sums don't equal c+d+e totals in Zanzibar's ledgers",
            ]
            .iter()
            .map(|c| crate::model::normalize_content(c))
            .collect();
            assert!(contents.iter().any(|c| !searched_keys(c).is_empty()));
            check_superset(&contents);
            // The speaker column does not count: only a content holding the terms is found.
            let conn = fts_of(&["nothing relevant here at all".to_string()]);
            let prefixes = crate::relate::review::text_prefixes("t:kraken+tobermory").expect("key");
            assert!(matches(&conn, &text_query(&prefixes)).is_empty());
            // A term folded from other words (`SAME`) and one the "ies" rule ends in "y".
            let prefixes = crate::relate::review::text_prefixes("t:die+policy").expect("key");
            assert_eq!(prefixes[1], ["polic"]);
            assert!(prefixes[0].contains(&"dying".to_string()), "{prefixes:?}");
            // Keys the search does not stand for: a third `+`, not ASCII.
            assert_eq!(crate::relate::review::text_prefixes("t:a+b+c"), None);
            assert_eq!(crate::relate::review::text_prefixes("t:café+kraken"), None);
            assert_eq!(crate::relate::review::text_prefixes("t:kraken"), None);
        }

        /// Words as contents hold them: the words `stem` folds (`SAME`), inflected forms, rare
        /// words, with possessives, hyphens, apostrophes, quotes, digits and any case.
        fn word() -> impl Strategy<Value = String> {
            let listed = prop::sample::select(vec![
                "dead",
                "death",
                "died",
                "dies",
                "dying",
                "die",
                "killed",
                "kills",
                "kill",
                "female",
                "women",
                "woman",
                "sexes",
                "sex",
                "segregate",
                "segregated",
                "separation",
                "bought",
                "buys",
                "buying",
                "sold",
                "sells",
                "selling",
                "detained",
                "captured",
                "arrested",
                "beheaded",
                "beheading",
                "pic",
                "image",
                "photo",
                "policies",
                "policy",
                "ferries",
                "carried",
                "studies",
                "kraken",
                "krakens",
                "tobermory",
                "lighthouses",
                "pro-russian",
                "o'brien",
                "gov't",
                "3.5m",
                "a+b",
            ]);
            let affixes = (
                prop::sample::select(vec!["", "", "", "\"", "(", "'", "-"]),
                prop::sample::select(vec![
                    "", "", "", "'s", "s", "es", "ed", "ing", "ies", "ied", "e", "y", "\"", ".",
                    ",", ")", "'", "-x", "'t", "+z", "\"s",
                ]),
            );
            (
                prop_oneof![
                    listed.prop_map(str::to_string),
                    "[a-z]{1,9}",
                    "[a-z]{2,6}[-'.+0-9][a-z0-9]{1,6}",
                ],
                affixes,
                0u8..4,
            )
                .prop_map(|(w, (before, after), case)| {
                    let w = format!("{before}{w}{after}");
                    match case {
                        0 => w.to_uppercase(),
                        1 => {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().chain(c).collect())
                                .unwrap_or_default()
                        }
                        _ => w,
                    }
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn every_holder_of_a_searched_key_is_found(
                contents in prop::collection::vec(
                    prop::collection::vec(word(), 2..9).prop_map(|w| w.join(" ")),
                    1..6,
                )
            ) {
                let stored: Vec<String> = contents
                    .iter()
                    .map(|c| crate::model::normalize_content(c))
                    .collect();
                check_superset(&stored);
            }
        }
    }

    // Before, the index held a `usize` for every code point: eight bytes a character.
    #[test]
    fn code_points_are_indexed_sparsely_and_found_everywhere() {
        let id = ObjectId::of_bytes(b"v");
        let text: String = (0..1_000)
            .map(|i| ["a", "é", "€", "𝄞", " "][i % 5])
            .collect();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let indexed = VersionText::new(id, 1, text.clone());
        assert_eq!(indexed.len(), 1_000);
        assert_eq!(indexed.marks.len(), 1_000 / CODE_POINT_STEP + 1);
        for (i, &(byte, _)) in chars.iter().enumerate() {
            assert_eq!(indexed.byte(i), byte, "code point {i}");
        }
        assert_eq!(indexed.byte(1_000), text.len());
        let whole = u64::try_from(chars.len()).expect("fits");
        assert_eq!(indexed.slice(&[[0, whole]]).expect("in range"), text);
    }
}
