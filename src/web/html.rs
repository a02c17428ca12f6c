//! HTML for the pages: one escaping function every piece of stored text goes through, the
//! page frame, the style sheet (served by the binary, no external assets), URL encoding of path
//! segments and query values, and the marks that highlight spans of a text.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Escapes text for an HTML element or a quoted attribute value: `&`, `<`, `>`, `"` and `'`.
/// Everything else (RTL marks included) is kept; the pages put stored text inside `<bdi>` so a
/// direction mark in an article cannot reorder the page around it.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a character changes the direction of the text after it (embeddings, overrides,
/// isolates and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A piece of a longer text, escaped; isolated in `<bdi>` when it holds a direction control,
/// so the control cannot reach past the piece.
fn piece(s: &str) -> String {
    if s.chars().any(is_bidi_control) {
        format!("<bdi>{}</bdi>", esc(s))
    } else {
        esc(s)
    }
}

/// Stored text, escaped and isolated: `<bdi>TEXT</bdi>`.
pub fn text(s: &str) -> String {
    format!("<bdi>{}</bdi>", esc(s))
}

/// What a path segment or query value may keep unencoded.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A path segment or a query value, percent-encoded (UTF-8).
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, KEEP).to_string()
}

/// Decodes a percent-encoded path (no `+` for space there); invalid UTF-8 is replaced.
pub fn decode_path(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The pairs of a query string (`a=1&b=two+words`), decoded, in order.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let d = |s: &str| decode_path(&s.replace('+', " "));
            (d(k), d(v))
        })
        .collect()
}

/// A link whose target and text are escaped here.
pub fn link(href: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), text(label))
}

/// The path of a claim's page.
pub fn claim_href(id: &str) -> String {
    format!("/claims/{}", enc(id))
}

/// The path of a document's page.
pub fn document_href(id: &str) -> String {
    format!("/documents/{}", enc(id))
}

/// The path of a speaker's page.
pub fn speaker_href(name: &str) -> String {
    format!("/speakers/{}", enc(name))
}

/// The first twelve hex digits of an id, as the CLI shows it.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// A whole page: the frame around `body` (already HTML), with the title escaped and isolated
/// between U+2068 and U+2069 (the text form of `<bdi>`, which `<title>` cannot hold).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>\u{2068}{}\u{2069} · claims</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n\
         </head>\n<body>\n<header><a class=\"home\" href=\"/\">claims</a>\
         <form action=\"/search\" method=\"get\" role=\"search\">\
         <input type=\"search\" name=\"q\" placeholder=\"Search claims and articles\" \
         aria-label=\"Search\"> <button type=\"submit\">Search</button></form>\
         <nav><a href=\"/conflicts\">Conflicts</a></nav></header>\n<main>\n{}\n</main>\n\
         </body>\n</html>\n",
        esc(title),
        body
    )
}

/// The style sheet, served at `/static/style.css`.
pub const STYLE: &str = include_str!("style.css");

/// How a span of text is marked, in rising precedence where spans overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Source,
    Cue,
    Content,
}

impl Mark {
    fn class(self) -> &'static str {
        match self {
            Mark::Source => "source",
            Mark::Cue => "cue",
            Mark::Content => "content",
        }
    }
}

/// One marked span: code point offsets `[start, end)`, its kind, and the page a content span
/// links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub mark: Mark,
    pub href: Option<String>,
}

/// `text` escaped, with each span wrapped in `<mark class="source|cue|content">` (content
/// spans in a link when they have one). Spans past the end of the text are cut; where spans
/// overlap the higher mark wins. A piece with a direction control is isolated in `<bdi>`.
pub fn marked(text: &str, spans: &[Span]) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Which span covers each code point (the highest mark, then the first given).
    let mut cover: Vec<Option<usize>> = vec![None; chars.len()];
    for (i, s) in spans.iter().enumerate() {
        for slot in cover.iter_mut().take(s.end.min(chars.len())).skip(s.start) {
            let better = match slot {
                None => true,
                Some(j) => spans[*j].mark < s.mark,
            };
            if better {
                *slot = Some(i);
            }
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut at = 0;
    while at < chars.len() {
        let who = cover[at];
        let mut end = at;
        while end < chars.len() && cover[end] == who {
            end += 1;
        }
        let part: String = chars[at..end].iter().collect();
        match who.map(|i| &spans[i]) {
            None => out.push_str(&piece(&part)),
            Some(s) => {
                let inner = format!("<mark class=\"{}\">{}</mark>", s.mark.class(), piece(&part));
                match &s.href {
                    Some(h) => out.push_str(&format!("<a href=\"{}\">{inner}</a>", esc(h))),
                    None => out.push_str(&inner),
                }
            }
        }
        at = end;
    }
    out
}

/// The code point span of the first occurrence of `part` in `text` that does not overlap
/// `taken`, if any.
pub fn find_span(text: &str, part: &str, taken: &[(usize, usize)]) -> Option<(usize, usize)> {
    if part.is_empty() {
        return None;
    }
    let len = part.chars().count();
    for (byte, _) in text.match_indices(part) {
        let start = text[..byte].chars().count();
        let end = start + len;
        if taken.iter().all(|&(a, b)| end <= a || start >= b) {
            return Some((start, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>\u{202E}"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;\u{202E}"
        );
        assert_eq!(text("a\u{200F}b"), "<bdi>a\u{200F}b</bdi>");
    }

    #[test]
    fn enc_and_decode_round_trip() {
        let s = "https://x.example/a b?c=d&e=f#g/ü";
        assert_eq!(
            enc(s),
            "https%3A%2F%2Fx.example%2Fa%20b%3Fc%3Dd%26e%3Df%23g%2F%C3%BC"
        );
        assert_eq!(decode_path(&enc(s)), s);
        assert_eq!(
            query_pairs("q=two+words&a=%3C&&b"),
            vec![
                ("q".to_string(), "two words".to_string()),
                ("a".to_string(), "<".to_string()),
                ("b".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn marked_wraps_spans_escapes_and_prefers_content() {
        let spans = [
            Span {
                start: 0,
                end: 3,
                mark: Mark::Source,
                href: None,
            },
            Span {
                start: 2,
                end: 6,
                mark: Mark::Content,
                href: Some("/claims/ab".into()),
            },
            Span {
                start: 10,
                end: 99,
                mark: Mark::Cue,
                href: None,
            },
        ];
        assert_eq!(
            marked("ab<é>fghijk", &spans),
            "<mark class=\"source\">ab</mark><a href=\"/claims/ab\"><mark class=\"content\">\
             &lt;é&gt;f</mark></a>ghij<mark class=\"cue\">k</mark>"
        );
    }

    #[test]
    fn marked_isolates_pieces_with_direction_controls() {
        let spans = [Span {
            start: 0,
            end: 2,
            mark: Mark::Content,
            href: None,
        }];
        assert_eq!(
            marked("a\u{202E}b c", &spans),
            "<mark class=\"content\"><bdi>a\u{202E}</bdi></mark>b c"
        );
        assert_eq!(marked("x \u{2067}y", &[]), "<bdi>x \u{2067}y</bdi>");
    }

    #[test]
    fn find_span_counts_code_points_and_skips_taken() {
        assert_eq!(find_span("é said é", "é", &[]), Some((0, 1)));
        assert_eq!(find_span("é said é", "é", &[(0, 1)]), Some((7, 8)));
        assert_eq!(find_span("abc", "", &[]), None);
        assert_eq!(find_span("abc", "x", &[]), None);
    }
}
