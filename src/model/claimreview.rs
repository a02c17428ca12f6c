//! ClaimReview in and out: schema.org `ClaimReview` JSON-LD (as fact-check pages embed it, as
//! `claims export --format claimreview` writes it) and the JSON of the Google Fact Check Tools
//! API (`claims:search` responses) read into [`Review`] objects, and reviews written back as
//! ClaimReview JSON-LD. See docs/reviews.md for the field mapping.
//!
//! Pure: values in, values out.

use super::review::{normalise, Rating, Review};
use crate::objects::ObjectId;
use serde_json::{json, Map, Value};

/// The author name written for a review whose author is not known, and read back as none.
pub const UNKNOWN_AUTHOR: &str = "(unknown)";

/// Whether a JSON value is a Google Fact Check Tools API response (an object with a `claims`
/// array whose items hold `claimReview`).
pub fn is_fact_check_api(value: &Value) -> bool {
    value
        .get("claims")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|c| c.get("claimReview").is_some()))
}

/// Whether a JSON value holds a ClaimReview anywhere (in a list, an `@graph`, nested).
pub fn has_claim_review(value: &Value) -> bool {
    let mut found = false;
    walk(value, &mut |o| found |= is_type(o, "ClaimReview"));
    found
}

/// The reviews of a JSON value: a Fact Check Tools API response, or JSON-LD holding
/// ClaimReview objects (alone, in a list, in an `@graph`, nested in another object), in
/// document order.
pub fn reviews_of(value: &Value) -> Vec<Review> {
    if is_fact_check_api(value) {
        return from_fact_check_api(value);
    }
    let mut out = Vec::new();
    walk(value, &mut |o| {
        if is_type(o, "ClaimReview") {
            if let Some(r) = from_claim_review(o) {
                out.push(r);
            }
        }
    });
    out
}

/// Calls `f` on every JSON object inside `value`, outermost first, in document order; the
/// inside of a ClaimReview is not walked (its `itemReviewed` is not another review).
fn walk(value: &Value, f: &mut dyn FnMut(&Map<String, Value>)) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| walk(v, f)),
        Value::Object(o) => {
            f(o);
            if is_type(o, "ClaimReview") {
                return;
            }
            o.values().for_each(|v| walk(v, f));
        }
        _ => {}
    }
}

fn is_type(o: &Map<String, Value>, kind: &str) -> bool {
    let matches = |v: &Value| {
        v.as_str()
            .is_some_and(|t| t == kind || t.rsplit(['/', ':', '#']).next() == Some(kind))
    };
    match o.get("@type") {
        Some(Value::Array(types)) => types.iter().any(matches),
        Some(v) => matches(v),
        None => false,
    }
}

/// A string as written: strings trimmed and collapsed, numbers as written, `None` for empty.
fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => super::collapse_space(s),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => return items.iter().find_map(|i| text(Some(i))),
        Value::Object(o) => return text(o.get("@value").or_else(|| o.get("name"))),
        _ => return None,
    };
    (!s.is_empty()).then(|| crate::objects::to_nfc(&s))
}

/// The name of a Person or Organization (or names, comma separated), or a plain string.
fn name(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(|i| name(Some(i))).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        Value::Object(o) => text(o.get("name")),
        other => text(Some(other)),
    }
}

/// A URL: a string, or an object's `url` or `@id`.
fn url(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => text(o.get("url").or_else(|| o.get("@id"))),
        other => text(Some(other)),
    }
}

fn urls(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(url).collect(),
        Some(v) => url(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// One ClaimReview object as a review.
pub fn from_claim_review(o: &Map<String, Value>) -> Option<Review> {
    let item = o.get("itemReviewed").and_then(Value::as_object);
    let item_get = |k: &str| item.and_then(|i| i.get(k));
    let claim_text = text(o.get("claimReviewed"))
        .or_else(|| text(item_get("text")))
        .or_else(|| text(item_get("name")));
    let claim = text(item_get("identifier")).and_then(|id| ObjectId::parse(&id).ok());
    if claim.is_none() && claim_text.is_none() {
        return None;
    }
    let mut appearances = urls(item_get("firstAppearance"));
    for u in urls(item_get("appearance")) {
        if !appearances.contains(&u) {
            appearances.push(u);
        }
    }
    let rating_obj = o.get("reviewRating").and_then(Value::as_object);
    let rget = |k: &str| rating_obj.and_then(|r| r.get(k));
    let rating = Rating {
        text: text(rget("textualRating")),
        value: text(rget("ratingValue")),
        best: text(rget("bestRating")),
        worst: text(rget("worstRating")),
        alternate_name: text(rget("alternateName")),
        image: rget("image").and_then(url),
    };
    let publisher = name(o.get("publisher"));
    let publisher_site = o.get("publisher").and_then(|p| match p {
        Value::Object(p) => text(p.get("url").or_else(|| p.get("site"))),
        _ => None,
    });
    let by = name(o.get("creator"));
    let reviewer = name(o.get("author"))
        .filter(|a| a != UNKNOWN_AUTHOR && Some(a) != publisher.as_ref() && Some(a) != by.as_ref());
    let claimant = name(item_get("author"));
    Some(Review {
        v: 1,
        claim,
        claim_text,
        claimant,
        claim_date: text(item_get("datePublished")),
        appearances,
        verdict: normalise(&rating),
        rating,
        publisher,
        publisher_site,
        reviewer,
        url: text(o.get("url")),
        title: text(o.get("headline")).or_else(|| text(o.get("name"))),
        date: text(o.get("datePublished")),
        language: text(o.get("inLanguage")),
        note: o
            .get("reviewBody")
            .and_then(Value::as_str)
            .map(|n| n.replace("\r\n", "\n").trim().to_string())
            .filter(|n| !n.is_empty())
            .map(|n| crate::objects::to_nfc(&n)),
        by,
        at: text(o.get("dateCreated")),
    })
}

/// The reviews of a Google Fact Check Tools API response: one per `claimReview` of each claim.
pub fn from_fact_check_api(value: &Value) -> Vec<Review> {
    let mut out = Vec::new();
    let Some(claims) = value.get("claims").and_then(Value::as_array) else {
        return out;
    };
    for claim in claims {
        let claim_text = text(claim.get("text"));
        if claim_text.is_none() {
            continue;
        }
        let Some(reviews) = claim.get("claimReview").and_then(Value::as_array) else {
            continue;
        };
        for r in reviews {
            let rating = Rating {
                text: text(r.get("textualRating")),
                ..Rating::default()
            };
            let publisher = r.get("publisher");
            out.push(Review {
                v: 1,
                claim: None,
                claim_text: claim_text.clone(),
                claimant: text(claim.get("claimant")),
                claim_date: text(claim.get("claimDate")),
                appearances: Vec::new(),
                verdict: normalise(&rating),
                rating,
                publisher: publisher.and_then(|p| text(p.get("name"))),
                publisher_site: publisher.and_then(|p| text(p.get("site"))),
                reviewer: None,
                url: text(r.get("url")),
                title: text(r.get("title")),
                date: text(r.get("reviewDate")),
                language: text(r.get("languageCode")),
                note: None,
                by: None,
                at: None,
            });
        }
    }
    out
}

/// A review as one schema.org ClaimReview object (JSON-LD, `@context` schema.org, its object
/// id as `identifier`). Reading it back with [`from_claim_review`] gives the same review when
/// its verdict is the one its rating reads as (docs/reviews.md).
pub fn to_claim_review(review: &Review, id: &ObjectId) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("ClaimReview"));
    o.insert("identifier".into(), json!(id.to_hex()));
    let put = |o: &mut Map<String, Value>, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            o.insert(k.into(), json!(v));
        }
    };
    put(&mut o, "url", &review.url);
    put(&mut o, "claimReviewed", &review.claim_text);
    put(&mut o, "datePublished", &review.date);
    put(&mut o, "headline", &review.title);
    put(&mut o, "inLanguage", &review.language);
    put(&mut o, "reviewBody", &review.note);
    put(&mut o, "dateCreated", &review.at);
    let author = match (&review.reviewer, &review.publisher, &review.by) {
        (Some(r), _, _) => json!({"@type": "Person", "name": r}),
        (None, Some(p), _) => json!({"@type": "Organization", "name": p}),
        (None, None, Some(b)) => json!({"@type": "Person", "name": b}),
        (None, None, None) => json!({"@type": "Organization", "name": UNKNOWN_AUTHOR}),
    };
    o.insert("author".into(), author);
    if let Some(b) = &review.by {
        o.insert("creator".into(), json!({"@type": "Person", "name": b}));
    }
    if let Some(p) = &review.publisher {
        let mut publisher = Map::new();
        publisher.insert("@type".into(), json!("Organization"));
        publisher.insert("name".into(), json!(p));
        put(&mut publisher, "url", &review.publisher_site);
        o.insert("publisher".into(), Value::Object(publisher));
    }
    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    put(&mut rating, "textualRating", &review.rating.text);
    put(&mut rating, "alternateName", &review.rating.alternate_name);
    put(&mut rating, "ratingValue", &review.rating.value);
    put(&mut rating, "bestRating", &review.rating.best);
    put(&mut rating, "worstRating", &review.rating.worst);
    put(&mut rating, "image", &review.rating.image);
    o.insert("reviewRating".into(), Value::Object(rating));
    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    if let Some(c) = &review.claim {
        item.insert("identifier".into(), json!(c.to_hex()));
    }
    if let Some(c) = &review.claimant {
        item.insert("author".into(), json!({"@type": "Person", "name": c}));
    }
    put(&mut item, "datePublished", &review.claim_date);
    let appearances = &review.appearances;
    if let Some(first) = appearances.first() {
        item.insert(
            "firstAppearance".into(),
            json!({"@type": "CreativeWork", "url": first}),
        );
    }
    if appearances.len() > 1 {
        let rest: Vec<Value> = appearances[1..]
            .iter()
            .map(|u| json!({"@type": "CreativeWork", "url": u}))
            .collect();
        item.insert("appearance".into(), Value::Array(rest));
    }
    o.insert("itemReviewed".into(), Value::Object(item));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict;

    #[test]
    fn a_graph_a_list_and_nesting_are_all_read() {
        let review = json!({
            "@type": "ClaimReview",
            "claimReviewed": "The bridge will close for three years",
            "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5,
                             "worstRating": 1, "alternateName": "Mostly False"},
            "itemReviewed": {"@type": "Claim",
                             "author": {"@type": "Person", "name": "Ellen Park"},
                             "firstAppearance": {"@type": "CreativeWork",
                                                 "url": "https://example.org/a"},
                             "appearance": ["https://example.org/b",
                                            {"@id": "https://example.org/a"}]},
            "author": {"@type": "Organization", "name": "Checkers"},
            "publisher": {"@type": "Organization", "name": "Checkers"}
        });
        let graph = json!({"@context": "https://schema.org",
                           "@graph": [{"@type": "WebPage"}, review.clone()]});
        let list = json!([{"@type": "NewsArticle"}, review.clone(), review.clone()]);
        assert_eq!(reviews_of(&graph).len(), 1);
        assert_eq!(reviews_of(&list).len(), 2);
        let r = &reviews_of(&review)[0];
        assert_eq!(r.verdict, Verdict::MostlyFalse);
        assert_eq!(r.rating.value.as_deref(), Some("2"));
        assert_eq!(r.claimant.as_deref(), Some("Ellen Park"));
        assert_eq!(
            r.appearances,
            ["https://example.org/a", "https://example.org/b"]
        );
        // The author is the publisher: not a reviewer of its own.
        assert_eq!(r.reviewer, None);
        assert_eq!(r.publisher.as_deref(), Some("Checkers"));
    }

    #[test]
    fn a_review_written_out_reads_back_the_same() {
        let r = reviews_of(&json!({
            "@type": ["ClaimReview"],
            "claimReviewed": "Grain exports doubled",
            "url": "https://checks.example/grain",
            "datePublished": "2024-03-02",
            "inLanguage": "en",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "itemReviewed": {"@type": "Claim", "author": "A Minister",
                             "datePublished": "2024-03-01"},
            "author": {"@type": "Person", "name": "J. Doe"},
            "publisher": {"@type": "Organization", "name": "Checkers",
                          "url": "https://checks.example"}
        }))
        .remove(0);
        let id = ObjectId::of_bytes(b"x");
        let out = to_claim_review(&r, &id);
        assert_eq!(reviews_of(&out), vec![r]);
    }
}
