//! Feeds: RSS 2.0 and Atom (and what else the maintained `feed-rs` parser reads), reduced to
//! the articles they name.

use serde::Serialize;

/// One article a feed names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The article's URL, absolute (a relative link is resolved against the feed's URL).
    pub url: String,
    pub title: Option<String>,
}

/// The articles of a feed, in the feed's order, each URL once. Entries without an http(s)
/// link are left out.
pub fn entries(feed_url: &str, body: &[u8]) -> Result<Vec<Entry>, String> {
    let feed = feed_rs::parser::parse(body).map_err(|e| e.to_string())?;
    let base = url::Url::parse(feed_url).ok();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for entry in feed.entries {
        // Atom: the `alternate` link (or one without rel); RSS: `<link>`, else a permalink
        // `<guid>`, which feed-rs gives as the id.
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| Some(entry.id.clone()).filter(|id| id.contains("://")));
        let Some(link) = link else { continue };
        let absolute = match &base {
            Some(b) => b.join(link.trim()).ok(),
            None => url::Url::parse(link.trim()).ok(),
        };
        let Some(absolute) = absolute.filter(|u| matches!(u.scheme(), "http" | "https")) else {
            continue;
        };
        let url = absolute.to_string();
        if seen.insert(url.clone()) {
            out.push(Entry {
                url,
                title: entry.title.map(|t| t.content),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_give_their_links() {
        let rss = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Courier</title><link>https://c.example/</link>
<description>d</description>
<item><title>Bridge</title><link>https://c.example/bridge</link></item>
<item><title>Relative</title><link>/ferry</link></item>
<item><title>Again</title><link>https://c.example/bridge</link></item>
</channel></rss>"#;
        let got = entries("https://c.example/feed.xml", rss.as_bytes()).expect("rss");
        let urls: Vec<&str> = got.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://c.example/bridge", "https://c.example/ferry"]
        );
        assert_eq!(got[0].title.as_deref(), Some("Bridge"));
    }

    #[test]
    fn atom_entries_give_their_alternate_links() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title><id>urn:c</id>
<updated>2026-03-02T09:00:00Z</updated>
<entry><title>Bridge</title><id>urn:1</id><updated>2026-03-02T09:00:00Z</updated>
<link rel="alternate" href="https://c.example/bridge"/></entry>
</feed>"#;
        let got = entries("https://c.example/atom.xml", atom.as_bytes()).expect("atom");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].url, "https://c.example/bridge");
    }

    #[test]
    fn a_page_is_not_a_feed() {
        assert!(entries("https://c.example/", b"<html><body>hi</body></html>").is_err());
    }
}
