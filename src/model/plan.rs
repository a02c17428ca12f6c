//! How one article becomes objects: a document (its lineage), a version (its text), and a
//! claim and a mention for every attribution the extractor finds. Pure: no I/O, no database.

use super::{
    collapse_space, lineage, normalize_content, normalize_speaker, Body, Claim, ClaimRef, Mention,
    Span, Typed, Version, UNATTRIBUTED, UNKNOWN_OUTLET,
};
use crate::extract::{
    Attribution, CharIndex, Extractor, Speaker, EXTRACTOR_NAME, EXTRACTOR_VERSION,
};
use crate::ingest::Article;
use crate::objects::{ObjectError, ObjectId};
use serde::Serialize;

/// Values given on the command line; each overrides what the file says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The outlet (`--source` on the command line; `"source"` in the fingerprint).
    #[serde(rename = "source", skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl Overrides {
    /// A stable fingerprint of the options, part of the re-import cache key.
    pub fn fingerprint(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| crate::objects::canonical_json(&v).ok())
            .unwrap_or_default()
    }

    /// Applies the overrides to an article as read.
    pub fn apply(&self, mut article: Article) -> Article {
        let set = |field: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                field.clone_from(value);
            }
        };
        set(&mut article.url, &self.url);
        set(&mut article.key, &self.key);
        set(&mut article.source, &self.outlet);
        set(&mut article.title, &self.title);
        set(&mut article.author, &self.author);
        if let Some(p) = &self.published {
            article.published = Some(crate::time::normalize(p));
        }
        article
    }
}

/// Every object one article gives, in the order they are stored.
#[derive(Debug, Clone)]
pub struct Planned {
    pub document: Typed,
    pub version: Typed,
    /// (claim, mention) pairs in text order.
    pub claims: Vec<(Typed, Typed)>,
}

impl Planned {
    pub fn objects(&self) -> impl Iterator<Item = &Typed> {
        [&self.document, &self.version]
            .into_iter()
            .chain(self.claims.iter().flat_map(|(c, m)| [c, m]))
    }

    /// The claims in text order, as a diff compares them.
    pub fn claim_refs(&self) -> Vec<ClaimRef> {
        self.claims
            .iter()
            .filter_map(|(claim, _)| match &claim.body {
                Body::Claim(c) => Some(ClaimRef::new(claim.id(), c)),
                _ => None,
            })
            .collect()
    }

    /// Every object, in the order they are stored, by value.
    pub fn into_objects(self) -> impl Iterator<Item = Typed> {
        [self.document, self.version]
            .into_iter()
            .chain(self.claims.into_iter().flat_map(|(c, m)| [c, m]))
    }
}

/// Turns one article into objects. Pure: no I/O.
pub fn plan_article(article: &Article, extractor: &Extractor) -> Result<Planned, ObjectError> {
    plan(article, crate::objects::to_nfc(&article.text), extractor)
}

/// [`plan_article`], taking the article: its text, when already in NFC (as most are), becomes
/// the version's text without a copy.
pub fn plan_article_owned(
    mut article: Article,
    extractor: &Extractor,
) -> Result<Planned, ObjectError> {
    let text = std::mem::take(&mut article.text);
    let text = if unicode_normalization::is_nfc(&text) {
        text
    } else {
        crate::objects::to_nfc(&text)
    };
    plan(&article, text, extractor)
}

/// Plans an article whose text, in NFC, is `text` (`article.text` is not read).
fn plan(article: &Article, text: String, extractor: &Extractor) -> Result<Planned, ObjectError> {
    let nfc = |s: &Option<String>| {
        s.as_deref()
            .map(collapse_space)
            .filter(|s| !s.is_empty())
            .map(|s| crate::objects::to_nfc(&s))
    };
    let title = nfc(&article.title);
    let outlet = nfc(&article.source);
    let byline = nfc(&article.author);
    let document = Typed::new(Body::Document(lineage(
        article.url.as_deref(),
        article.key.as_deref(),
        outlet.as_deref(),
        title.as_deref(),
    )))?;
    let version = Typed::new(Body::Version(Version {
        v: 1,
        document: document.id(),
        // The text moves into the version, and is read from there.
        text,
        title,
        byline: byline.clone(),
        source: outlet.clone(),
        published: nfc(&article.published),
        modified: nfc(&article.modified),
    }))?;
    // Who speaks when the article speaks in its own voice.
    let speaker = outlet
        .or(byline)
        .unwrap_or_else(|| UNKNOWN_OUTLET.to_string());
    let Body::Version(Version { text, .. }) = &version.body else {
        // Built as a version just above.
        return Err(ObjectError::NotAnObject);
    };
    let chars = CharIndex::new(text);
    let extraction = extractor.extract(text);
    let mut claims = Vec::with_capacity(extraction.claims.len());
    for attribution in &extraction.claims {
        claims.push(claim_and_mention(
            attribution,
            text,
            &chars,
            version.id(),
            &speaker,
        )?);
    }
    Ok(Planned {
        document,
        version,
        claims,
    })
}

/// The claim and mention objects for one attribution found in a version's `text`.
pub fn claim_and_mention(
    attribution: &Attribution,
    text: &str,
    chars: &CharIndex<'_>,
    version_id: ObjectId,
    outlet_speaker: &str,
) -> Result<(Typed, Typed), ObjectError> {
    let speaker = match &attribution.speaker {
        Speaker::Named(name) => normalize_speaker(name),
        Speaker::Outlet => normalize_speaker(outlet_speaker),
        Speaker::Unknown => UNATTRIBUTED.to_string(),
    };
    let content_text: Vec<&str> = attribution
        .content
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .collect();
    let claim = Typed::new(Body::Claim(Claim {
        v: 1,
        speaker,
        cue: attribution.cue_lemma.clone(),
        stance: attribution.stance.as_str().to_string(),
        hedges: attribution.hedges.clone(),
        content: normalize_content(&content_text.join(" ")),
    }))?;
    let spans = |ranges: &[std::ops::Range<usize>]| -> Vec<Span> {
        ranges
            .iter()
            .map(|r| [chars.chars_at(r.start) as u64, chars.chars_at(r.end) as u64])
            .collect()
    };
    let mention = Typed::new(Body::Mention(Mention {
        v: 1,
        claim: claim.id(),
        version: version_id,
        sentence: text
            .get(attribution.sentence.clone())
            .map(str::trim)
            .unwrap_or_default()
            .to_string(),
        source: spans(&attribution.source),
        cue: spans(&attribution.cue),
        content: spans(&attribution.content),
        direct: attribution.direct,
        extractor: EXTRACTOR_NAME.to_string(),
        extractor_version: EXTRACTOR_VERSION.to_string(),
    }))?;
    Ok((claim, mention))
}
