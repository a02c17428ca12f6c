//! The pages: each reads the database with the same queries as the commands (`show`, `log`,
//! `diff`, `conflicts`, `relations`, `search`, `reviews`) and returns a [`Page`]: its HTML
//! and its JSON twin, which holds what the page shows.

use super::html::{
    claim_href, document_href, enc, esc, find_span, link, marked, short, speaker_href, text, Mark,
    Span,
};
use super::WebError;
use crate::model::ClaimRef;
use crate::relate::diff::{self, Field, WordOp};
use crate::store::query::pages::{self as q, SearchFilter};
use crate::store::query::relations::{relations, RelationFilter, RelationRow};
use crate::store::query::reviews::{self, ReviewFilter, ReviewRow};
use crate::store::query::versions::{version_claims, version_number};
use crate::store::query::{self, ClaimRow, MentionRow, ResolveError};
use crate::store::Store;
use crate::timeline::history;
use serde_json::{json, Value};

/// How many rows a page lists.
pub const PER_PAGE: u64 = 50;

/// A page: its title, the HTML inside the frame, and its JSON twin.
pub struct Page {
    pub title: String,
    pub body: String,
    pub json: Value,
}

fn resolve_claim(store: &Store, id: &str) -> Result<crate::objects::ObjectId, WebError> {
    Ok(query::resolve(store, id, Some("claim"))?.0)
}

fn claim_html(c: &ClaimRef) -> String {
    let hedges = if c.hedges.is_empty() {
        String::new()
    } else {
        format!(
            " <span class=\"muted\">[hedged: {}]</span>",
            esc(&c.hedges.join(", "))
        )
    };
    format!(
        "<span class=\"claim\"><a class=\"speaker\" href=\"{}\">{}</a> — {} \
         <span class=\"stance\">{}</span>{hedges}: <a href=\"{}\">{}</a></span>",
        esc(&speaker_href(&c.speaker)),
        text(&c.speaker),
        text(if c.cue.is_empty() { "-" } else { &c.cue }),
        esc(&c.stance),
        esc(&claim_href(&c.id.to_hex())),
        text(&c.content)
    )
}

fn claim_list(rows: &[ClaimRow]) -> String {
    if rows.is_empty() {
        return "<p class=\"muted\">No claims.</p>".into();
    }
    let mut out = String::from("<ul class=\"list claims\">");
    for r in rows {
        out.push_str(&format!(
            "<li>{} <span class=\"meta\">{} · {} mention{}</span></li>",
            claim_html(&r.claim),
            esc(short(&r.claim.id.to_hex())),
            r.mentions,
            if r.mentions == 1 { "" } else { "s" }
        ));
    }
    out.push_str("</ul>");
    out
}

fn place(outlet: &Option<String>, title: &Option<String>, published: &Option<String>) -> String {
    let mut parts = Vec::new();
    if let Some(o) = outlet.as_deref().filter(|s| !s.is_empty()) {
        parts.push(text(o));
    }
    if let Some(t) = title.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("“{}”", text(t)));
    }
    if let Some(p) = published.as_deref().filter(|s| !s.is_empty()) {
        parts.push(esc(p));
    }
    parts.join(", ")
}

fn relation_pair(r: &RelationRow) -> String {
    let side = |s: &crate::store::query::relations::Side| {
        format!(
            "<div><p><a class=\"speaker\" href=\"{}\">{}</a> — {} <span class=\"stance\">{}</span></p>\
             <p><a href=\"{}\">{}</a></p><p class=\"meta\">{}</p></div>",
            esc(&speaker_href(&s.speaker)),
            text(&s.speaker),
            text(if s.cue.is_empty() { "-" } else { &s.cue }),
            esc(&s.stance),
            esc(&claim_href(&s.id.to_hex())),
            text(&s.content),
            place(&s.outlet, &s.title, &s.published)
        )
    };
    format!(
        "<li class=\"relation\"><p><span class=\"kind\">{}</span> {:.2}: <span class=\"reason\">{}</span> \
         <span class=\"meta\">({})</span></p><div class=\"pair\">{}{}</div></li>",
        esc(&r.kind),
        r.score,
        text(&r.reason),
        esc(&r.basis),
        side(&r.a),
        side(&r.b)
    )
}

fn relation_list(rows: &[RelationRow], none: &str) -> String {
    if rows.is_empty() {
        return format!("<p class=\"muted\">{}</p>", esc(none));
    }
    let mut out = String::from("<ul class=\"list relations\">");
    for r in rows {
        out.push_str(&relation_pair(r));
    }
    out.push_str("</ul>");
    out
}

fn review_list(rows: &[ReviewRow]) -> String {
    let mut out = String::from("<ul class=\"list reviews\">");
    for r in rows {
        let v = &r.review;
        let who = v
            .publisher
            .as_deref()
            .or(v.by.as_deref())
            .unwrap_or("unknown");
        let about = r
            .claims
            .iter()
            .map(|c| link(&claim_href(&c.id), &c.content))
            .collect::<Vec<_>>()
            .join("; ");
        out.push_str(&format!(
            "<li><b>{}</b> ({}) by {}{} <span class=\"meta\">{}</span>{}</li>",
            esc(v.verdict.as_str()),
            text(
                v.rating
                    .text
                    .as_deref()
                    .or(v.rating.alternate_name.as_deref())
                    .unwrap_or("-")
            ),
            text(who),
            v.date
                .as_deref()
                .or(v.at.as_deref())
                .map(|d| format!(", {}", esc(d)))
                .unwrap_or_default(),
            esc(short(&r.id)),
            if about.is_empty() {
                String::new()
            } else {
                format!("<br>{about}")
            }
        ));
    }
    out.push_str("</ul>");
    out
}

/// Previous/next links for a list page; `more` when a row past this page was read.
fn pager(base: &str, params: &[(&str, &str)], page: u64, more: bool) -> String {
    let href = |n: u64| {
        let mut q: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        q.push(format!("page={n}"));
        format!("{base}?{}", q.join("&"))
    };
    let mut out = String::from("<nav class=\"pages\">");
    if page > 1 {
        out.push_str(&format!(
            "<a rel=\"prev\" href=\"{}\">← page {}</a>",
            esc(&href(page - 1)),
            page - 1
        ));
    }
    out.push_str(&format!("<span>page {page}</span>"));
    if more {
        out.push_str(&format!(
            "<a rel=\"next\" href=\"{}\">page {} →</a>",
            esc(&href(page + 1)),
            page + 1
        ));
    }
    out.push_str("</nav>");
    out
}

/// `/`: counts, the latest versions, the newest conflicts and the newest reviews.
pub fn home(store: &Store) -> Result<Page, WebError> {
    let counts = q::counts(store)?;
    let latest = q::latest_versions(store, 10)?;
    let conflicts = conflicts_in_force(store, None, None)?;
    // The newest: by the later publication time of the two claims (unknown last), then in
    // the order `claims conflicts` lists them.
    let mut newest: Vec<&RelationRow> = conflicts.iter().collect();
    newest.sort_by_key(|r| {
        std::cmp::Reverse(
            r.a.published
                .as_deref()
                .max(r.b.published.as_deref())
                .map(str::to_string),
        )
    });
    let shown: Vec<RelationRow> = newest.into_iter().take(5).cloned().collect();
    let mut recent_reviews = if counts.reviews > 0 {
        reviews::reviews(store, &ReviewFilter::default())?
    } else {
        Vec::new()
    };
    recent_reviews.reverse();
    recent_reviews.truncate(5);
    let mut body = String::from("<h1>The ledger</h1><ul class=\"counts\">");
    for (n, what) in [
        (counts.documents, "documents"),
        (counts.versions, "versions"),
        (counts.claims, "claims"),
        (counts.mentions, "mentions"),
        (conflicts.len() as i64, "conflicts"),
        (counts.reviews, "reviews"),
    ] {
        body.push_str(&format!("<li><b>{n}</b> {what}</li>"));
    }
    body.push_str("</ul><h2>Latest versions</h2><ul class=\"list versions\">");
    for v in &latest {
        body.push_str(&format!(
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">version {} · {}</span></li>",
            esc(&format!("{}?v={}", document_href(&v.document), v.number)),
            text(v.title.as_deref().unwrap_or("(untitled)")),
            v.number,
            place(&v.outlet, &None, &v.published)
        ));
    }
    body.push_str("</ul><h2>Newest conflicts</h2>");
    body.push_str(&relation_list(&shown, "No conflicts."));
    if conflicts.len() > shown.len() {
        body.push_str(&format!(
            "<p><a href=\"/conflicts\">All {} conflicts</a></p>",
            conflicts.len()
        ));
    }
    if !recent_reviews.is_empty() {
        body.push_str("<h2>Newest reviews</h2>");
        body.push_str(&review_list(&recent_reviews));
    }
    Ok(Page {
        title: "Home".into(),
        body,
        json: json!({
            "counts": counts,
            "conflicts": conflicts.len(),
            "latest_versions": latest,
            "newest_conflicts": shown,
            "newest_reviews": recent_reviews,
        }),
    })
}

fn conflicts_in_force(
    store: &Store,
    speaker: Option<&str>,
    claim: Option<crate::objects::ObjectId>,
) -> Result<Vec<RelationRow>, WebError> {
    Ok(relations(
        store,
        &RelationFilter {
            kind: Some("conflicts".into()),
            min_score: 0.0,
            speaker: speaker.map(str::to_string),
            claim,
            ..RelationFilter::default()
        },
    )?)
}

/// The page number of `?page=`, from 1.
pub fn page_number(params: &[(String, String)]) -> Result<u64, WebError> {
    match param(params, "page") {
        None => Ok(1),
        Some(p) => match p.parse::<u64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
            _ => Err(WebError::BadRequest(format!(
                "page={p:?}: give a page number from 1"
            ))),
        },
    }
}

/// A query parameter's value, trimmed; `None` when absent or empty.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

const STANCES: &[&str] = &[
    "affirming",
    "asserting",
    "asking",
    "neutral",
    "denying",
    "accusing",
    "doubting",
];
const KINDS: &[&str] = &["conflicts", "corroborates", "updates"];

/// `/search?q=&speaker=&outlet=&from=&to=&stance=&relation=&page=`: claims (and, on the first
/// page, article versions) matching the words and filters.
pub fn search(store: &Store, params: &[(String, String)]) -> Result<Page, WebError> {
    let page = page_number(params)?;
    let words = param(params, "q");
    let stance = param(params, "stance");
    let relation = param(params, "relation");
    if let Some(k) = relation.filter(|k| !KINDS.contains(k)) {
        return Err(WebError::BadRequest(format!(
            "relation={k:?}: give one of {}",
            KINDS.join(", ")
        )));
    }
    let date = |name: &str, edge| -> Result<Option<String>, WebError> {
        match param(params, name) {
            None => Ok(None),
            Some(d) => crate::time::utc_bound(d, edge).map(Some).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "{name}={d:?}: not a date (YYYY-MM-DD) or a time (RFC 3339)"
                ))
            }),
        }
    };
    let filter = SearchFilter {
        fts: words.map(query::fts_query),
        speaker: param(params, "speaker").map(str::to_string),
        outlet: param(params, "outlet").map(str::to_string),
        from: date("from", crate::time::DayEdge::Start)?,
        to: date("to", crate::time::DayEdge::End)?,
        stance: stance.map(str::to_string),
        relation: relation.map(str::to_string),
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
    };
    let mut rows = q::search_page(store, &filter)?;
    let more = rows.len() as u64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let articles = match (&filter.fts, page) {
        (Some(f), 1) => q::search_articles(store, f, 10)?,
        _ => Vec::new(),
    };
    let value = |name: &str| esc(param(params, name).unwrap_or(""));
    let options = |list: &[&str], chosen: Option<&str>| {
        let mut o = String::from("<option value=\"\">any</option>");
        for s in list {
            o.push_str(&format!(
                "<option{}>{s}</option>",
                if chosen == Some(s) { " selected" } else { "" }
            ));
        }
        o
    };
    let title = match words {
        Some(w) => format!("Search: {w}"),
        None => "Search".to_string(),
    };
    let mut body = format!(
        "<h1>{}</h1><form class=\"filters\" action=\"/search\" method=\"get\">\
         <label>Words<input type=\"search\" name=\"q\" value=\"{}\"></label>\
         <label>Speaker or entity<input name=\"speaker\" value=\"{}\"></label>\
         <label>Outlet<input name=\"outlet\" value=\"{}\"></label>\
         <label>From<input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To<input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <label>Stance<select name=\"stance\">{}</select></label>\
         <label>Relation<select name=\"relation\">{}</select></label>\
         <button type=\"submit\">Search</button></form>",
        text(&title),
        value("q"),
        value("speaker"),
        value("outlet"),
        value("from"),
        value("to"),
        options(STANCES, stance),
        options(KINDS, relation),
    );
    body.push_str(&format!(
        "<h2>Claims</h2><p class=\"meta\">{}{} on this page</p>",
        rows.len(),
        if more { "+" } else { "" }
    ));
    body.push_str(&claim_list(&rows));
    let keys = ["q", "speaker", "outlet", "from", "to", "stance", "relation"];
    let kept: Vec<(&str, &str)> = keys
        .iter()
        .map(|k| (*k, param(params, k).unwrap_or("")))
        .collect();
    body.push_str(&pager("/search", &kept, page, more));
    if !articles.is_empty() {
        body.push_str("<h2>Articles</h2><ul class=\"list articles\">");
        for a in &articles {
            let snippet = esc(&a.snippet)
                .replace('\u{E000}', "<mark class=\"content\">")
                .replace('\u{E001}', "</mark>");
            body.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <span class=\"meta\">version {} · {}</span>\
                 <br><bdi class=\"snippet\">{snippet}</bdi></li>",
                esc(&format!(
                    "{}?v={}",
                    document_href(&a.version.document),
                    a.version.number
                )),
                text(a.version.title.as_deref().unwrap_or("(untitled)")),
                a.version.number,
                place(&a.version.outlet, &None, &a.version.published)
            ));
        }
        body.push_str("</ul>");
    }
    let articles_json: Vec<Value> = articles
        .iter()
        .map(|a| {
            let mut v = json!(a.version);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "snippet".into(),
                    json!(a.snippet.replace(['\u{E000}', '\u{E001}'], "")),
                );
            }
            v
        })
        .collect();
    Ok(Page {
        title,
        body,
        json: json!({
            "query": words,
            "page": page,
            "more": more,
            "claims": rows,
            "articles": articles_json,
        }),
    })
}

/// The sentence of a mention with its source, cue and content marked.
fn mention_sentence(m: &MentionRow) -> String {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut spans = Vec::new();
    for (part, mark) in [
        (&m.content_text, Mark::Content),
        (&m.source_text, Mark::Source),
        (&m.cue_text, Mark::Cue),
    ] {
        if let Some((start, end)) = find_span(&m.sentence, part, &taken) {
            taken.push((start, end));
            spans.push(Span {
                start,
                end,
                mark,
                href: None,
            });
        }
    }
    format!("<bdi>{}</bdi>", marked(&m.sentence, &spans))
}

/// `/claims/ID`: a claim, where it appears, its relations, reviews and history.
pub fn claim(store: &Store, spec: &str) -> Result<Page, WebError> {
    let id = resolve_claim(store, spec)?;
    let Some(h) = history::claim_history(store, &id, None)? else {
        return Err(WebError::NotFound(format!(
            "{spec:?}: no claim with that id"
        )));
    };
    let c = &h.claim.claim;
    let mentions = query::mentions_of_claim(store, &id)?;
    let rels = relations(
        store,
        &RelationFilter {
            min_score: 0.0,
            claim: Some(id),
            include_retracted: true,
            ..RelationFilter::default()
        },
    )?;
    let revs = reviews::reviews(
        store,
        &ReviewFilter {
            claim: Some(id),
            include_retracted: true,
            ..Default::default()
        },
    )?;
    let retractions = reviews::retractions(store, Some(&id))?;
    let mut body = format!(
        "<h1>Claim <code>{}</code></h1><dl class=\"claim-fields\">\
         <dt>Speaker</dt><dd><a class=\"speaker\" href=\"{}\">{}</a></dd>\
         <dt>Cue</dt><dd>{} <span class=\"stance\">{}</span></dd>\
         <dt>Hedges</dt><dd>{}</dd><dt>Content</dt><dd class=\"content\">{}</dd></dl>",
        esc(short(&c.id.to_hex())),
        esc(&speaker_href(&c.speaker)),
        text(&c.speaker),
        text(if c.cue.is_empty() { "-" } else { &c.cue }),
        esc(&c.stance),
        text(
            if c.hedges.is_empty() {
                "-".to_string()
            } else {
                c.hedges.join(", ")
            }
            .as_str()
        ),
        text(&c.content)
    );
    for r in &retractions {
        body.push_str(&format!(
            "<p class=\"removed\">Retracted: {} (by {}, {})</p>",
            text(&r.reason),
            text(r.by.as_deref().unwrap_or("unknown")),
            esc(r.at.as_deref().unwrap_or("-"))
        ));
    }
    body.push_str(&format!(
        "<h2>Appears {} time{}</h2><ul class=\"list mentions\">",
        mentions.len(),
        if mentions.len() == 1 { "" } else { "s" }
    ));
    for m in &mentions {
        body.push_str(&format!(
            "<li><p>{}</p><p class=\"meta\"><a href=\"{}\">{}</a>, version {} · {}</p></li>",
            mention_sentence(m),
            esc(&format!(
                "{}?v={}",
                document_href(&m.document),
                m.version_number
            )),
            text(m.title.as_deref().unwrap_or("(untitled)")),
            m.version_number,
            place(&m.outlet, &None, &m.published)
        ));
    }
    body.push_str("</ul><h2>Relations</h2>");
    body.push_str(&relation_list(&rels, "No relations."));
    if !revs.is_empty() {
        body.push_str("<h2>Reviews</h2>");
        body.push_str(&review_list(&revs));
    }
    body.push_str(&format!(
        "<h2>History</h2><p class=\"meta\">published first {} · last {}; imported first {} · last {}</p>",
        esc(h.first_published.as_deref().unwrap_or("-")),
        esc(h.last_published.as_deref().unwrap_or("-")),
        esc(h.first_imported.as_deref().unwrap_or("-")),
        esc(h.last_imported.as_deref().unwrap_or("-")),
    ));
    Ok(Page {
        title: format!("{}: {}", c.speaker, c.content),
        body,
        json: json!({
            "claim": h.claim,
            "mentions": mentions,
            "relations": rels,
            "reviews": revs,
            "retractions": retractions,
            "history": {
                "first_published": h.first_published,
                "last_published": h.last_published,
                "first_imported": h.first_imported,
                "last_imported": h.last_imported,
                "appearances": h.appearances,
            },
        }),
    })
}

fn resolve_document(store: &Store, spec: &str) -> Result<crate::objects::ObjectId, WebError> {
    query::resolve_document(store, spec).map_err(|e| match e {
        ResolveError::NotHex(_) | ResolveError::TooShort(_) | ResolveError::NotFound(..) => {
            WebError::NotFound(format!("{spec:?}: no document with that id, URL or key"))
        }
        e => e.into(),
    })
}

/// `/documents/ID-or-URL?v=N`: the versions on a timeline, and version N (the latest by
/// default) with its claims highlighted.
pub fn document(store: &Store, spec: &str, params: &[(String, String)]) -> Result<Page, WebError> {
    let doc = resolve_document(store, spec)?;
    let versions = history::document_history(store, &doc, None)?;
    let (key, _) = query::document_key(store, &doc)?.unwrap_or_default();
    let count = versions.len() as i64;
    let number = match param(params, "v") {
        None => count,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=count).contains(&n) => n,
            _ => {
                return Err(WebError::NotFound(format!(
                    "v={v:?}: the document has {count} version(s), counted from 1"
                )))
            }
        },
    };
    let Some(version) = version_number(store, &doc, number)? else {
        return Err(WebError::NotFound(format!("{spec:?}: no versions")));
    };
    let (text_of, spans) = q::version_text(store, &version)?.unwrap_or_default();
    let claims = version_claims(store, &version)?;
    let current = versions.iter().find(|v| v.version.number == number);
    let title = current
        .and_then(|v| v.version.title.clone())
        .unwrap_or_else(|| key.replace('\n', " / "));
    let doc_hex = doc.to_hex();
    let mut body = format!(
        "<h1>{}</h1><p class=\"meta\">document <code>{}</code> · {}</p><h2>Versions</h2>\
         <ol class=\"timeline\">",
        text(&title),
        esc(short(&doc_hex)),
        text(&key.replace('\n', " / "))
    );
    for v in &versions {
        let r = &v.version;
        body.push_str(&format!(
            "<li{}><a href=\"{}\">version {}</a> <span class=\"meta\">{} · {} claims \
             (<span class=\"added\">+{}</span> <span class=\"removed\">−{}</span> ~{})</span>{}</li>",
            if r.number == number {
                " class=\"current\""
            } else {
                ""
            },
            esc(&format!("{}?v={}", document_href(&doc_hex), r.number)),
            r.number,
            place(
                &r.outlet,
                &None,
                &r.published
                    .clone()
                    .or(r.imported_at.as_ref().map(|t| format!("imported {t}")))
            ),
            r.claims,
            v.added,
            v.removed,
            v.changed,
            if r.number > 1 {
                format!(
                    " <a class=\"diff\" href=\"{}\">diff with version {}</a>",
                    esc(&format!(
                        "{}/diff?a={}&b={}",
                        document_href(&doc_hex),
                        r.number - 1,
                        r.number
                    )),
                    r.number - 1
                )
            } else {
                String::new()
            }
        ));
    }
    body.push_str("</ol>");
    if let Some(v) = current {
        for notice in &v.version.corrections {
            body.push_str(&format!(
                "<p class=\"correction\">Correction notice: {}</p>",
                text(notice)
            ));
        }
    }
    let mut marks = Vec::new();
    for m in &spans {
        let href = claim_href(&m.claim);
        for (list, mark) in [
            (&m.source, Mark::Source),
            (&m.cue, Mark::Cue),
            (&m.content, Mark::Content),
        ] {
            for &(start, end) in list {
                marks.push(Span {
                    start,
                    end,
                    mark,
                    href: (mark == Mark::Content).then(|| href.clone()),
                });
            }
        }
    }
    body.push_str(&format!(
        "<h2>Version {number}: {} claim{}</h2><ul class=\"list claims\">",
        claims.len(),
        if claims.len() == 1 { "" } else { "s" }
    ));
    for c in &claims {
        body.push_str(&format!("<li>{}</li>", claim_html(c)));
    }
    body.push_str(&format!(
        "</ul><h2>Text of version {number}</h2><div class=\"text\" dir=\"auto\">{}</div>",
        marked(&text_of, &marks)
    ));
    Ok(Page {
        title,
        body,
        json: json!({
            "document": doc_hex,
            "key": key,
            "versions": versions,
            "version": number,
            "version_id": version.to_hex(),
            "claims": claims,
            "text": text_of,
            "mentions": spans,
        }),
    })
}

/// `/documents/ID-or-URL/diff?a=N&b=M`: the claim-level diff of two versions, with the word
/// diff of each changed claim.
pub fn document_diff(
    store: &Store,
    spec: &str,
    params: &[(String, String)],
) -> Result<Page, WebError> {
    let doc = resolve_document(store, spec)?;
    let count = query::versions::version_count(store, &doc)?;
    let number = |name: &str, default: i64| -> Result<i64, WebError> {
        match param(params, name) {
            None => Ok(default),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=count).contains(&n) => Ok(n),
                _ => Err(WebError::NotFound(format!(
                    "{name}={v:?}: the document has {count} version(s), counted from 1"
                ))),
            },
        }
    };
    let b = number("b", count)?;
    let a = number("a", (b - 1).max(1))?;
    let load = |n: i64| -> Result<crate::timeline::sides::Side, WebError> {
        let v = version_number(store, &doc, n)?
            .ok_or_else(|| WebError::NotFound(format!("version {n}: not stored")))?;
        Ok(crate::timeline::sides::load_version(store, &v)?)
    };
    let (sa, sb) = (load(a)?, load(b)?);
    let d = diff::diff(&sa.claims, &sb.claims);
    let doc_hex = doc.to_hex();
    let mut body = format!(
        "<h1>Changes from version {a} to version {b}</h1><p class=\"meta\">−−− {}<br>+++ {}</p>\
         <p><a href=\"{}\">the document</a></p><p class=\"summary\">{} added, {} removed, {} changed, {} unchanged</p>",
        text(&sa.label),
        text(&sb.label),
        esc(&document_href(&doc_hex)),
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    body.push_str("<ul class=\"list diff\">");
    for c in &d.removed {
        body.push_str(&format!("<li class=\"removed\">− {}</li>", claim_html(c)));
    }
    for c in &d.changed {
        let has = |f: Field| c.fields.contains(&f);
        let words = if has(Field::Content) {
            diff::word_diff(&c.before.content, &c.after.content)
                .into_iter()
                .map(|op| match op {
                    WordOp::Same(s) => esc(&s),
                    WordOp::Removed(s) => format!("<del>{}</del>", esc(&s)),
                    WordOp::Added(s) => format!("<ins>{}</ins>", esc(&s)),
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            esc(&c.after.content)
        };
        let either = |changed: bool, before: &str, after: &str| {
            if changed {
                format!("<del>{}</del> → <ins>{}</ins>", esc(before), esc(after))
            } else {
                esc(after)
            }
        };
        body.push_str(&format!(
            "<li class=\"changed\">~ <a href=\"{}\">{}</a> → <a href=\"{}\">{}</a> \
             <bdi>{}</bdi> — <bdi>{}</bdi> ({}): <bdi class=\"words\">{words}</bdi> \
             <span class=\"meta\">changed: {}</span></li>",
            esc(&claim_href(&c.before.id.to_hex())),
            esc(short(&c.before.id.to_hex())),
            esc(&claim_href(&c.after.id.to_hex())),
            esc(short(&c.after.id.to_hex())),
            either(has(Field::Speaker), &c.before.speaker, &c.after.speaker),
            either(has(Field::Cue), &c.before.cue, &c.after.cue),
            either(has(Field::Stance), &c.before.stance, &c.after.stance),
            esc(&c
                .fields
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "))
        ));
    }
    for c in &d.added {
        body.push_str(&format!("<li class=\"added\">+ {}</li>", claim_html(c)));
    }
    body.push_str("</ul>");
    let corrections: Vec<&String> = sb
        .corrections
        .iter()
        .filter(|c| !sa.corrections.contains(c))
        .collect();
    for c in &corrections {
        body.push_str(&format!(
            "<p class=\"correction\">Correction notice: {}</p>",
            text(c)
        ));
    }
    Ok(Page {
        title: format!("Diff of version {a} and {b}"),
        body,
        json: json!({
            "document": doc_hex,
            "a": a,
            "b": b,
            "diff": d,
            "corrections": corrections,
        }),
    })
}

/// `/speakers/NAME`: a speaker's (or entity's) claims over time, a page at a time, with their
/// conflicts.
pub fn speaker(store: &Store, name: &str, params: &[(String, String)]) -> Result<Page, WebError> {
    let page = page_number(params)?;
    let total = q::speaker_claim_count(store, name)?;
    if total == 0 {
        return Err(WebError::NotFound(format!(
            "{name:?}: no claims of that speaker"
        )));
    }
    let mut rows = q::speaker_appearances(store, name, (page - 1) * PER_PAGE, PER_PAGE)?;
    let more = rows.len() as u64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let names = q::speaker_names(store, name)?;
    // The conflicts where one side is said under one of those names (the relation filter
    // narrows by text first).
    let conflicts = if page == 1 {
        let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        let mut c = Vec::new();
        for n in &names {
            for r in conflicts_in_force(store, Some(n), None)? {
                let ours = [&r.a.speaker, &r.b.speaker]
                    .iter()
                    .any(|s| lower.contains(&s.to_lowercase()));
                if ours && !c.contains(&r) {
                    c.push(r);
                }
            }
        }
        c.truncate(PER_PAGE as usize);
        c
    } else {
        Vec::new()
    };
    let mut body = format!(
        "<h1>{}</h1><p class=\"meta\">{total} claim{} · said as {}</p><h2>Claims over time</h2>\
         <ul class=\"list appearances\">",
        text(name),
        if total == 1 { "" } else { "s" },
        names.iter().map(|n| text(n)).collect::<Vec<_>>().join(", ")
    );
    for a in &rows {
        body.push_str(&format!(
            "<li><span class=\"meta\">{}</span> <a href=\"{}\">{}</a> — {} \
             <span class=\"stance\">{}</span><br><span class=\"meta\"><a href=\"{}\">{}</a>, \
             version {} · {}</span></li>",
            esc(a.published.as_deref().unwrap_or("(unpublished)")),
            esc(&claim_href(&a.claim)),
            text(&a.content),
            text(if a.cue.is_empty() { "-" } else { &a.cue }),
            esc(&a.stance),
            esc(&format!(
                "{}?v={}",
                document_href(&a.document),
                a.version_number
            )),
            text(a.title.as_deref().unwrap_or("(untitled)")),
            a.version_number,
            place(&a.outlet, &None, &None)
        ));
    }
    body.push_str("</ul>");
    body.push_str(&pager(&super::html::speaker_href(name), &[], page, more));
    if page == 1 {
        body.push_str("<h2>Conflicts</h2>");
        body.push_str(&relation_list(&conflicts, "No conflicts."));
    }
    Ok(Page {
        title: name.to_string(),
        body,
        json: json!({
            "speaker": name,
            "names": names,
            "claims": total,
            "page": page,
            "more": more,
            "appearances": rows,
            "conflicts": conflicts,
        }),
    })
}

/// The form that records a person's judgement on a pair (`POST /conflicts/mark`, the same
/// judgement `claims link` records), shown when the server was given a write token.
fn mark_form(r: &RelationRow, page: u64) -> String {
    format!(
        "<form class=\"mark\" method=\"post\" action=\"/conflicts/mark\">\
         <input type=\"hidden\" name=\"a\" value=\"{}\">\
         <input type=\"hidden\" name=\"b\" value=\"{}\">\
         <input type=\"hidden\" name=\"page\" value=\"{page}\">\
         <label>Judge this pair <select name=\"as\"><option>conflicts</option>\
         <option>unrelated</option><option>corroborates</option><option>updates</option></select></label> \
         <input name=\"note\" placeholder=\"note\" aria-label=\"Note\"> \
         <input type=\"password\" name=\"token\" placeholder=\"write token\" aria-label=\"Write token\"> \
         <button type=\"submit\">Record</button></form>",
        esc(&r.a.id.to_hex()),
        esc(&r.b.id.to_hex())
    )
}

/// `/conflicts?page=N`: the conflicts in force, the two claims side by side (with a form to
/// judge each pair when `writable`).
pub fn conflicts(
    store: &Store,
    params: &[(String, String)],
    writable: bool,
) -> Result<Page, WebError> {
    let page = page_number(params)?;
    let all = conflicts_in_force(store, None, None)?;
    let start = ((page - 1) * PER_PAGE) as usize;
    let rows: Vec<RelationRow> = all
        .iter()
        .skip(start)
        .take(PER_PAGE as usize)
        .cloned()
        .collect();
    let more = all.len() > start + rows.len();
    let mut body = format!(
        "<h1>Conflicts</h1><p class=\"meta\">{} conflict{} in force</p>",
        all.len(),
        if all.len() == 1 { "" } else { "s" }
    );
    if rows.is_empty() {
        body.push_str("<p class=\"muted\">No conflicts.</p>");
    } else {
        body.push_str("<ul class=\"list relations\">");
        for r in &rows {
            body.push_str(&relation_pair(r));
            if writable {
                body.push_str(&mark_form(r, page));
            }
        }
        body.push_str("</ul>");
    }
    body.push_str(&pager("/conflicts", &[], page, more));
    Ok(Page {
        title: "Conflicts".into(),
        body,
        json: json!({
            "total": all.len(),
            "page": page,
            "more": more,
            "conflicts": rows,
        }),
    })
}
