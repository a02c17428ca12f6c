//! HTML: the main article text, plus metadata from JSON-LD, `<meta>`, `<link>` and `<title>`.
//!
//! The container is the first of these that yields text: the `<article>` elements (the one
//! with the most text wins), `<main>`, `[itemprop=articleBody]`, `<body>`. Its text is the
//! text of its blocks (`p`, `h1`–`h6`, `li`, `blockquote`), each with white space collapsed,
//! joined by blank lines. Chrome is skipped: `script style noscript template svg iframe nav
//! header footer aside form button figure figcaption`, elements with a landmark `role`
//! (navigation, banner, contentinfo, complementary), and elements whose class or id names
//! boilerplate (share, newsletter, related, promo, advert, cookie, subscribe).
//!
//! Metadata precedence, field by field: JSON-LD first, then `<meta>` (`<link rel=canonical>`
//! before `og:url`), then `<title>` for the title.

use std::collections::HashMap;
use std::path::Path;

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};
use serde_json::{Map, Value};

use super::{clean_time, collapse_ws, Article, IngestError};

pub(super) fn parse(path: &Path, input: &str) -> Result<Article, IngestError> {
    let document = Html::parse_document(input);
    let text = main_text(&document);
    if text.is_empty() {
        return Err(IngestError::NoArticleText {
            path: path.to_path_buf(),
        });
    }
    let ld = json_ld(&document);
    let meta = meta_tags(&document);
    let mut article = Article {
        text,
        title: ld.title.or(meta.title).or_else(|| title_tag(&document)),
        url: ld.url.or(meta.canonical).or(meta.og_url),
        source: ld.source.or(meta.source),
        author: ld.author.or(meta.author),
        published: ld.published.or(meta.published),
        modified: ld.modified.or(meta.modified),
        key: None,
    };
    article.published = article.published.and_then(|t| clean_time(&t));
    article.modified = article.modified.and_then(|t| clean_time(&t));
    Ok(article)
}

// ---------------------------------------------------------------------------------------------
// Main text

const SKIPPED_TAGS: [&str; 15] = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "figure",
    "figcaption",
    "select",
];

const BOILERPLATE_WORDS: [&str; 7] = [
    "share",
    "newsletter",
    "related",
    "promo",
    "advert",
    "cookie",
    "subscribe",
];

const LANDMARK_ROLES: [&str; 4] = ["navigation", "banner", "contentinfo", "complementary"];

const BLOCK_TAGS: [&str; 9] = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"];

fn main_text(document: &Html) -> String {
    let elements: Vec<ElementRef<'_>> = document.root_element().descendent_elements().collect();
    let is_named = |name: &'static str| move |e: &ElementRef<'_>| e.value().name() == name;
    let is_article_body = |e: &ElementRef<'_>| {
        e.value()
            .attr("itemprop")
            .is_some_and(|v| v.split_whitespace().any(|t| t == "articleBody"))
    };
    let groups: [&dyn Fn(&ElementRef<'_>) -> bool; 4] = [
        &is_named("article"),
        &is_named("main"),
        &is_article_body,
        &is_named("body"),
    ];
    for in_group in groups {
        let best = elements
            .iter()
            .filter(|e| in_group(e))
            .map(|e| block_text(*e))
            .max_by_key(String::len)
            .unwrap_or_default();
        if !best.is_empty() {
            return best;
        }
    }
    String::new()
}

/// The block text of a container, walked without recursion so deep nesting cannot overflow.
fn block_text(container: ElementRef<'_>) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut skipping = 0usize;
    let mut in_block = 0usize;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let block = collapse_ws(current);
        current.clear();
        if !block.is_empty() {
            blocks.push(block);
        }
    };
    for edge in container.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if skipping > 0 || (node.id() != container.id() && is_chrome(node)) {
                        skipping += 1;
                    } else if BLOCK_TAGS.contains(&name) {
                        flush(&mut current, &mut blocks);
                        in_block += 1;
                    } else if name == "br" {
                        current.push(' ');
                    }
                }
                Node::Text(text) if skipping == 0 && in_block > 0 => current.push_str(text),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    if skipping > 0 {
                        skipping -= 1;
                    } else if BLOCK_TAGS.contains(&element.name()) {
                        flush(&mut current, &mut blocks);
                        in_block = in_block.saturating_sub(1);
                    }
                }
            }
        }
    }
    flush(&mut current, &mut blocks);
    blocks.join("\n\n")
}

/// Whether an element is page chrome rather than article text.
fn is_chrome(node: NodeRef<'_, Node>) -> bool {
    let Node::Element(element) = node.value() else {
        return false;
    };
    if SKIPPED_TAGS.contains(&element.name()) {
        return true;
    }
    if element
        .attr("role")
        .is_some_and(|role| LANDMARK_ROLES.contains(&role.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    [element.attr("class"), element.attr("id")]
        .into_iter()
        .flatten()
        .any(|value| {
            let value = value.to_ascii_lowercase();
            BOILERPLATE_WORDS.iter().any(|word| value.contains(word))
        })
}

// ---------------------------------------------------------------------------------------------
// Metadata

/// Metadata found in one kind of place; every field already trimmed and collapsed.
#[derive(Default)]
struct Meta {
    title: Option<String>,
    url: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    source: Option<String>,
    author: Option<String>,
    published: Option<String>,
    modified: Option<String>,
}

fn clean(value: &str) -> Option<String> {
    let value = collapse_ws(value);
    (!value.is_empty()).then_some(value)
}

fn set_first(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = clean(value);
    }
}

fn meta_tags(document: &Html) -> Meta {
    let mut meta = Meta::default();
    for element in document.root_element().descendent_elements() {
        let element = element.value();
        match element.name() {
            "meta" => {
                let Some(key) = element.attr("property").or_else(|| element.attr("name")) else {
                    continue;
                };
                let content = element.attr("content").unwrap_or_default();
                let slot = match key.trim().to_ascii_lowercase().as_str() {
                    "og:title" => &mut meta.title,
                    "og:url" => &mut meta.og_url,
                    "og:site_name" => &mut meta.source,
                    "article:published_time" => &mut meta.published,
                    "article:modified_time" => &mut meta.modified,
                    "author" => &mut meta.author,
                    _ => continue,
                };
                set_first(slot, content);
            }
            "link" => {
                let canonical = element.attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if canonical {
                    set_first(
                        &mut meta.canonical,
                        element.attr("href").unwrap_or_default(),
                    );
                }
            }
            _ => {}
        }
    }
    meta
}

fn title_tag(document: &Html) -> Option<String> {
    document
        .root_element()
        .descendent_elements()
        .find(|e| e.value().name() == "title")
        .and_then(|e| clean(&e.text().collect::<String>()))
}

/// Metadata from the first schema.org article object in `application/ld+json` scripts.
/// Scripts that are not valid JSON are ignored.
fn json_ld(document: &Html) -> Meta {
    let values: Vec<Value> = document
        .root_element()
        .descendent_elements()
        .filter(|e| {
            e.value().name() == "script"
                && e.value()
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .filter_map(|e| serde_json::from_str(&e.text().collect::<String>()).ok())
        .collect();
    let mut nodes = Vec::new();
    for value in &values {
        collect_nodes(value, &mut nodes, 0);
    }
    let ids: HashMap<&str, &Map<String, Value>> = nodes
        .iter()
        .filter_map(|node| Some((node.get("@id")?.as_str()?, *node)))
        .collect();
    let Some(article) = nodes.iter().find(|node| is_article(node)) else {
        return Meta::default();
    };
    let string = |key: &str| article.get(key).and_then(Value::as_str).and_then(clean);
    let url = string("url").or_else(|| match article.get("mainEntityOfPage") {
        Some(Value::String(url)) => clean(url),
        Some(Value::Object(page)) => ["@id", "url"]
            .iter()
            .find_map(|k| page.get(*k).and_then(Value::as_str).and_then(clean)),
        _ => None,
    });
    let authors = article
        .get("author")
        .map(|a| names(a, &ids))
        .unwrap_or_default();
    Meta {
        title: string("headline").or_else(|| string("name")),
        url,
        source: article
            .get("publisher")
            .and_then(|p| names(p, &ids).into_iter().next()),
        author: clean(&authors.join(", ")),
        published: string("datePublished"),
        modified: string("dateModified"),
        ..Meta::default()
    }
}

/// Flattens JSON-LD into its objects: top-level objects, array items, `@graph` members and a
/// `mainEntity`. Depth is bounded so hostile input cannot recurse without end.
fn collect_nodes<'a>(value: &'a Value, nodes: &mut Vec<&'a Map<String, Value>>, depth: usize) {
    if depth > 16 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect_nodes(item, nodes, depth + 1);
            }
        }
        Value::Object(object) => {
            nodes.push(object);
            for key in ["@graph", "mainEntity"] {
                if let Some(inner) = object.get(key) {
                    collect_nodes(inner, nodes, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// Whether a JSON-LD object's `@type` (a string or an array) names an article type, such as
/// `Article`, `NewsArticle`, `ReportageNews` or `BlogPosting`, with or without a prefix.
fn is_article(node: &Map<String, Value>) -> bool {
    let is_article_type = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        t.ends_with("Article") || ["ReportageNews", "BlogPosting", "LiveBlogPosting"].contains(&t)
    };
    match node.get("@type") {
        Some(Value::String(t)) => is_article_type(t),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).any(is_article_type),
        _ => false,
    }
}

/// Names from a person or organisation value: a string, an object with `name` (or an `@id`
/// pointing at one elsewhere in the document), or an array of those.
fn names(value: &Value, ids: &HashMap<&str, &Map<String, Value>>) -> Vec<String> {
    let name_of = |object: &Map<String, Value>| {
        object
            .get("name")
            .and_then(Value::as_str)
            .and_then(clean)
            .or_else(|| {
                let target = ids.get(object.get("@id")?.as_str()?)?;
                target.get("name")?.as_str().and_then(clean)
            })
    };
    match value {
        Value::String(name) => clean(name).into_iter().collect(),
        Value::Object(object) => name_of(object).into_iter().collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(name) => clean(name),
                Value::Object(object) => name_of(object),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
