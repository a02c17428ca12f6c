//! Reviews and retractions as the commands show them: `claims reviews`, the speakers' counts
//! by verdict, the reviews of a claim, and what `claims export` writes.

use super::super::{Result, Store};
use crate::model::{Body, Review};
use crate::objects::{Object, ObjectId};
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension};
use serde::Serialize;

/// A claim a review is about: named by the review, or matched from its stated claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewedClaim {
    pub id: String,
    pub speaker: String,
    pub content: String,
    /// `named` (the review names the claim) or `matched` (its stated claim matches it).
    pub how: String,
    /// 1 when named; the match score otherwise.
    pub score: f64,
    /// The claim is retracted here.
    pub retracted: bool,
}

/// A review as `claims reviews` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow {
    pub id: String,
    #[serde(flatten)]
    pub review: Review,
    /// The stored claims it is about (none yet for a review whose claim is not stored).
    pub claims: Vec<ReviewedClaim>,
}

/// Filters of [`reviews`].
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    /// Only reviews with this verdict.
    pub verdict: Option<String>,
    /// Only reviews of claims of the entities with a name containing this text, or whose
    /// claimant contains it (case-insensitive).
    pub speaker: Option<String>,
    /// Only reviews of this claim.
    pub claim: Option<ObjectId>,
    /// Also reviews whose every claim is retracted.
    pub include_retracted: bool,
}

fn like(s: &str) -> SqlValue {
    SqlValue::Text(format!("%{}%", s.replace('%', "\\%").replace('_', "\\_")))
}

/// The reviews matching a filter, in arrival order, each with the claims it is about.
pub fn reviews(store: &Store, f: &ReviewFilter) -> Result<Vec<ReviewRow>> {
    let mut sql = "SELECT o.id, o.type, o.body FROM reviews r JOIN objects o ON o.seq = r.seq
                   WHERE 1"
        .to_string();
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(v) = &f.verdict {
        sql.push_str(" AND r.verdict = ?");
        args.push(SqlValue::Text(v.clone()));
    }
    if let Some(c) = &f.claim {
        sql.push_str(" AND r.seq IN (SELECT review_seq FROM claim_reviews WHERE claim_id = ?)");
        args.push(SqlValue::Text(c.to_hex()));
    }
    if let Some(s) = &f.speaker {
        sql.push_str(
            " AND (r.claimant LIKE ? ESCAPE '\\' OR r.seq IN (
                SELECT cr.review_seq FROM claim_reviews cr
                JOIN claim_entities ce ON ce.seq = cr.claim_seq
                WHERE ce.entity IN (SELECT e1.entity FROM claim_entities e1
                                    WHERE e1.speaker LIKE ? ESCAPE '\\'
                                       OR e1.entity LIKE ? ESCAPE '\\')))",
        );
        args.extend([like(s), like(s), like(s)]);
    }
    sql.push_str(" ORDER BY r.seq");
    let objects: Vec<Object> = store
        .conn()
        .prepare(&sql)?
        .query_map(params_from_iter(args), |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|(id, kind, body)| {
            Some(Object {
                id: ObjectId::parse(&id).ok()?,
                kind,
                body,
            })
        })
        .collect();
    let mut out = Vec::with_capacity(objects.len());
    for object in objects {
        let Some(Body::Review(review)) = Body::from_object(&object) else {
            continue;
        };
        let claims = reviewed_claims(store, &object.id)?;
        if !f.include_retracted && !claims.is_empty() && claims.iter().all(|c| c.retracted) {
            continue;
        }
        out.push(ReviewRow {
            id: object.id.to_hex(),
            review: *review,
            claims,
        });
    }
    Ok(out)
}

/// The claims one review is about, best score first.
pub fn reviewed_claims(store: &Store, review: &ObjectId) -> Result<Vec<ReviewedClaim>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT cr.claim_id, cr.speaker, cr.content, cr.how, cr.score,
                EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = cr.claim_seq)
         FROM claim_reviews cr WHERE cr.review_id = ?1
         ORDER BY cr.score DESC, cr.claim_id",
    )?;
    let rows = stmt
        .query_map([review.to_hex()], |r| {
            Ok(ReviewedClaim {
                id: r.get(0)?,
                speaker: r.get(1)?,
                content: r.get(2)?,
                how: r.get(3)?,
                score: r.get(4)?,
                retracted: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One speaker entity's reviewed claims, counted by verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerVerdicts {
    pub entity: String,
    /// `(verdict, claims)`, in the order of the verdict scale.
    pub verdicts: Vec<(String, i64)>,
    /// Reviews counted (a claim may have several).
    pub reviews: i64,
}

/// Each speaker entity with reviewed claims (or those with a name containing `speaker`),
/// counted by verdict (retracted claims left out), most reviewed first.
pub fn speaker_verdicts(store: &Store, speaker: Option<&str>) -> Result<Vec<SpeakerVerdicts>> {
    let mut stmt = store.conn().prepare(
        "SELECT entity, verdict, claims, reviews FROM speaker_verdicts
         WHERE ?1 IS NULL OR entity IN (SELECT entity FROM claim_entities
                                        WHERE speaker LIKE ?1 ESCAPE '\\'
                                           OR entity LIKE ?1 ESCAPE '\\')
         ORDER BY entity",
    )?;
    let pattern = speaker.map(|s| match like(s) {
        SqlValue::Text(t) => t,
        _ => String::new(),
    });
    let rows = stmt
        .query_map([pattern], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<SpeakerVerdicts> = Vec::new();
    for (entity, verdict, claims, reviews) in rows {
        match out.last_mut() {
            Some(last) if last.entity == entity => {
                last.verdicts.push((verdict, claims));
                last.reviews += reviews;
            }
            _ => out.push(SpeakerVerdicts {
                entity,
                verdicts: vec![(verdict, claims)],
                reviews,
            }),
        }
    }
    let rank = |v: &str| {
        crate::model::Verdict::ALL
            .iter()
            .position(|x| x.as_str() == v)
            .unwrap_or(usize::MAX)
    };
    for s in &mut out {
        s.verdicts.sort_by_key(|(v, _)| rank(v));
    }
    out.sort_by(|a, b| b.reviews.cmp(&a.reviews).then(a.entity.cmp(&b.entity)));
    Ok(out)
}

/// What a review says about its claim when it names one: the claim's speaker and content, and
/// the URLs of the documents it appears in (first appearance first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedClaim {
    pub speaker: String,
    pub content: String,
    pub urls: Vec<String>,
    /// The earliest published time of a version it appears in.
    pub published: Option<String>,
}

/// The speaker, content and appearances of a stored claim.
pub fn named_claim(store: &Store, claim: &ObjectId) -> Result<Option<NamedClaim>> {
    let row: Option<(i64, String, String)> = store
        .conn()
        .query_row(
            "SELECT c.seq, c.speaker, c.content FROM claims c
             WHERE c.seq = (SELECT seq FROM objects WHERE id = ?1)",
            [claim.to_hex()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((seq, speaker, content)) = row else {
        return Ok(None);
    };
    let mut stmt = store.conn().prepare_cached(
        "SELECT d.key, min(v.published) FROM mentions m
         JOIN versions v ON v.seq = m.version_seq JOIN documents d ON d.seq = v.document_seq
         WHERE m.claim_seq = ?1 AND d.key_kind = 'url'
         GROUP BY d.key ORDER BY min(v.published) IS NULL, min(v.published), d.key",
    )?;
    let found: Vec<(String, Option<String>)> = stmt
        .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let published = store.conn().query_row(
        "SELECT min(v.published) FROM mentions m JOIN versions v ON v.seq = m.version_seq
         WHERE m.claim_seq = ?1",
        [seq],
        |r| r.get(0),
    )?;
    Ok(Some(NamedClaim {
        speaker,
        content,
        urls: found.into_iter().map(|f| f.0).collect(),
        published,
    }))
}

/// A retraction as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetractionRow {
    pub id: String,
    pub target: String,
    pub target_type: String,
    pub reason: String,
    pub by: Option<String>,
    pub at: Option<String>,
}

/// The retractions of an object (or all, for `None`), in arrival order.
pub fn retractions(store: &Store, target: Option<&ObjectId>) -> Result<Vec<RetractionRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, target, target_type, reason, author, recorded_at FROM retractions
         WHERE ?1 IS NULL OR target = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([target.map(|t| t.to_hex())], |r| {
            Ok(RetractionRow {
                id: r.get(0)?,
                target: r.get(1)?,
                target_type: r.get(2)?,
                reason: r.get(3)?,
                by: r.get(4)?,
                at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Whether a claim is retracted here (itself, or every mention of it).
pub fn claim_retracted(store: &Store, claim: &ObjectId) -> Result<bool> {
    Ok(store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM retracted_claims WHERE id = ?1)",
        [claim.to_hex()],
        |r| r.get(0),
    )?)
}

/// A review of a claim, as an export row names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimVerdict {
    pub review: String,
    pub verdict: String,
    pub rating: Option<String>,
    /// The publisher, else the person who recorded it.
    pub by: Option<String>,
    pub url: Option<String>,
    /// `named` or `matched`.
    pub how: String,
    pub score: f64,
}

/// One appearance of a claim, with its claim, its version and the claim's reviews: a row of
/// `claims export --format csv|jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    pub claim: String,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub hedges: Vec<String>,
    pub content: String,
    pub mention: String,
    pub sentence: String,
    pub direct: bool,
    pub document: String,
    /// The article's URL, when its document is keyed by one.
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub version: String,
    pub version_number: i64,
    pub reviews: Vec<ClaimVerdict>,
}

/// Every appearance of every claim, in arrival order of the mentions; retracted mentions and
/// claims left out unless `include_retracted`.
pub fn export_rows(store: &Store, include_retracted: bool) -> Result<Vec<ExportRow>> {
    let mut stmt = store.conn().prepare(
        "SELECT c.id, c.speaker, c.cue, c.stance, c.hedges, c.content, m.id, m.sentence,
                m.direct, d.id, CASE WHEN d.key_kind = 'url' THEN d.key END, v.source, v.title,
                v.published, v.id, v.number, c.seq
         FROM mentions m JOIN claims c ON c.seq = m.claim_seq
         JOIN versions v ON v.seq = m.version_seq JOIN documents d ON d.seq = v.document_seq
         WHERE ?1 OR (NOT EXISTS (SELECT 1 FROM retracted_mentions rm WHERE rm.seq = m.seq)
                      AND NOT EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = c.seq))
         ORDER BY m.seq",
    )?;
    let rows: Vec<(ExportRow, i64)> = stmt
        .query_map([include_retracted], |r| {
            let hedges: String = r.get(4)?;
            Ok((
                ExportRow {
                    claim: r.get(0)?,
                    speaker: r.get(1)?,
                    cue: r.get(2)?,
                    stance: r.get(3)?,
                    hedges: serde_json::from_str(&hedges).unwrap_or_default(),
                    content: r.get(5)?,
                    mention: r.get(6)?,
                    sentence: r.get(7)?,
                    direct: r.get(8)?,
                    document: r.get(9)?,
                    url: r.get(10)?,
                    outlet: r.get(11)?,
                    title: r.get(12)?,
                    published: r.get(13)?,
                    version: r.get(14)?,
                    version_number: r.get(15)?,
                    reviews: Vec::new(),
                },
                r.get(16)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut verdicts = store.conn().prepare_cached(
        "SELECT cr.review_id, cr.verdict, cr.rating, coalesce(cr.publisher, cr.author), cr.url,
                cr.how, cr.score
         FROM claim_reviews cr WHERE cr.claim_seq = ?1 ORDER BY cr.review_seq",
    )?;
    let mut cache: std::collections::HashMap<i64, Vec<ClaimVerdict>> = Default::default();
    let mut out = Vec::with_capacity(rows.len());
    for (mut row, seq) in rows {
        if let Some(v) = cache.get(&seq) {
            row.reviews = v.clone();
        } else {
            let v: Vec<ClaimVerdict> = verdicts
                .query_map([seq], |r| {
                    Ok(ClaimVerdict {
                        review: r.get(0)?,
                        verdict: r.get(1)?,
                        rating: r.get(2)?,
                        by: r.get(3)?,
                        url: r.get(4)?,
                        how: r.get(5)?,
                        score: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            cache.insert(seq, v.clone());
            row.reviews = v;
        }
        out.push(row);
    }
    Ok(out)
}

/// Every stored review object, in arrival order: what `export --format claimreview` writes.
pub fn review_objects(store: &Store) -> Result<Vec<(ObjectId, Review)>> {
    let mut stmt = store.conn().prepare(
        "SELECT o.id, o.type, o.body FROM reviews r JOIN objects o ON o.seq = r.seq
         ORDER BY r.seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, body)| {
            let id = ObjectId::parse(&id).ok()?;
            match Body::from_object(&Object { id, kind, body }) {
                Some(Body::Review(r)) => Some((id, *r)),
                _ => None,
            }
        })
        .collect())
}
