//! Index rows for one object: the typed tables are a function of the objects, in arrival order.

use crate::model::{Body, Span};
use crate::objects::ObjectId;
use rusqlite::{OptionalExtension, Transaction};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("refers to {kind} {id}, which is not stored")]
    MissingReference { kind: &'static str, id: ObjectId },
    #[error("span [{start}, {end}) is outside the version's text ({len} characters)")]
    BadSpan { start: u64, end: u64, len: usize },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// The text of the version whose mentions are being indexed, with its code point boundaries.
pub struct VersionText {
    id: ObjectId,
    text: String,
    /// Byte offset of each code point, plus the text's length at the end.
    bounds: Vec<usize>,
}

impl VersionText {
    fn new(id: ObjectId, text: String) -> VersionText {
        let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        bounds.push(text.len());
        VersionText { id, text, bounds }
    }

    fn slice(&self, spans: &[Span]) -> Result<String, IndexError> {
        let mut out = String::new();
        for &[start, end] in spans {
            let len = self.bounds.len() - 1;
            let (s, e) = (start as usize, end as usize);
            if s > e || e > len {
                return Err(IndexError::BadSpan { start, end, len });
            }
            if !out.is_empty() {
                out.push_str(" … ");
            }
            out.push_str(&self.text[self.bounds[s]..self.bounds[e]]);
        }
        Ok(out)
    }
}

fn spans_json(spans: &[Span]) -> String {
    serde_json::to_string(spans).unwrap_or_else(|_| "[]".to_string())
}

pub(super) fn insert(
    tx: &Transaction<'_>,
    cache: &mut Option<VersionText>,
    seq: i64,
    id: ObjectId,
    body: &Body,
) -> Result<(), IndexError> {
    let id_hex = id.to_hex();
    match body {
        Body::Document(d) => {
            tx.prepare_cached(
                "INSERT INTO documents(id, seq, key, key_kind) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute((&id_hex, seq, &d.key, d.key_kind.as_str()))?;
        }
        Body::Version(v) => {
            let doc = v.document.to_hex();
            let number: Option<i64> = tx
                .prepare_cached(
                    "SELECT (SELECT coalesce(max(number), 0) + 1 FROM versions
                              WHERE document_id = ?1)
                     FROM documents WHERE id = ?1",
                )?
                .query_row([&doc], |r| r.get(0))
                .optional()?;
            let Some(number) = number else {
                return Err(IndexError::MissingReference {
                    kind: "document",
                    id: v.document,
                });
            };
            tx.prepare_cached(
                "INSERT INTO versions(id, seq, document_id, number, title, byline, source,
                                      published, modified, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                id_hex,
                seq,
                doc,
                number,
                v.title,
                v.byline,
                v.source,
                v.published,
                v.modified,
                v.text
            ])?;
            *cache = Some(VersionText::new(id, v.text.clone()));
        }
        Body::Claim(c) => {
            tx.prepare_cached(
                "INSERT INTO claims(id, seq, speaker, cue, stance, hedges, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute((
                &id_hex,
                seq,
                &c.speaker,
                &c.cue,
                &c.stance,
                serde_json::to_string(&c.hedges).unwrap_or_else(|_| "[]".to_string()),
                &c.content,
            ))?;
            let mut keys = tx.prepare_cached(
                "INSERT OR IGNORE INTO claim_keys(key, detail, claim_id) VALUES (?1, ?2, ?3)",
            )?;
            for (key, detail) in crate::timeline::signals::keys(&c.content) {
                keys.execute((&key, &detail, &id_hex))?;
            }
        }
        Body::Relation(r) => {
            for end in [r.from, r.to] {
                let known = tx
                    .prepare_cached("SELECT 1 FROM claims WHERE id = ?1")?
                    .exists([end.to_hex()])?;
                if !known {
                    return Err(IndexError::MissingReference {
                        kind: "claim",
                        id: end,
                    });
                }
            }
            let (lo, hi) = if r.from <= r.to {
                (r.from, r.to)
            } else {
                (r.to, r.from)
            };
            tx.prepare_cached(
                "INSERT INTO relations(id, seq, from_claim, to_claim, kind, basis, note, manual,
                                       pair_lo, pair_hi)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                id_hex,
                seq,
                r.from.to_hex(),
                r.to.to_hex(),
                r.kind.as_str(),
                r.basis,
                r.note,
                r.basis == crate::model::MANUAL,
                lo.to_hex(),
                hi.to_hex()
            ])?;
        }
        Body::Mention(m) => {
            if cache.as_ref().map(|c| c.id) != Some(m.version) {
                let text: Option<String> = tx
                    .prepare_cached("SELECT text FROM versions WHERE id = ?1")?
                    .query_row([m.version.to_hex()], |r| r.get(0))
                    .optional()?;
                let Some(text) = text else {
                    return Err(IndexError::MissingReference {
                        kind: "version",
                        id: m.version,
                    });
                };
                *cache = Some(VersionText::new(m.version, text));
            }
            let Some(version) = cache.as_ref() else {
                return Ok(());
            };
            let position = m.content.first().map(|s| s[0]).unwrap_or(0);
            tx.prepare_cached(
                "INSERT INTO mentions(id, seq, claim_id, version_id, position, sentence,
                     source_text, cue_text, content_text, source_spans, cue_spans,
                     content_spans, direct, extractor, extractor_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(rusqlite::params![
                id_hex,
                seq,
                m.claim.to_hex(),
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
