//! Header blocks shared by plain text and Markdown: `---` front matter and `Key: value` lines.

use super::{clean, clean_time, Article};

/// A parsed header: its `(key, value)` fields, and the text after it.
pub(super) struct Split<'a> {
    pub fields: Vec<(&'a str, &'a str)>,
    pub body: &'a str,
}

/// A front matter block whose closing line is missing.
#[derive(Debug)]
pub(super) struct Unclosed;

/// Splits `---` front matter off the start of `text`.
///
/// The first line must be `---`; the block ends at the next line that is `---` (or `...`).
/// Inside, `key: value` lines are read (values may be quoted); other lines (comments, list
/// items, indented continuations) are ignored, as this is not a YAML parser.
pub(super) fn front_matter(text: &str) -> Result<Option<Split<'_>>, Unclosed> {
    let mut lines = lines_with_ends(text);
    match lines.next() {
        Some((_, line)) if line.trim_end() == "---" => {}
        _ => return Ok(None),
    }
    let mut fields = Vec::new();
    for (end, line) in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Some(Split {
                fields,
                body: &text[end..],
            }));
        }
        if let Some(field) = field(line) {
            fields.push(field);
        }
    }
    Err(Unclosed)
}

/// Splits a block of `Key: value` lines off the start of `text`. The block must start on the
/// first line, hold at least one known key (see [`is_known`]) and end with a blank line (or
/// the end of the text); any other line before that means there is no header block. Lines
/// with keys not known are part of the block but ignored: [`unknown_keys`] names them.
pub(super) fn header_block(text: &str) -> Option<Split<'_>> {
    let mut fields = Vec::new();
    let mut known = false;
    for (end, line) in lines_with_ends(text) {
        if line.trim().is_empty() {
            return known.then_some(Split {
                fields,
                body: &text[end..],
            });
        }
        let (key, value) = field(line)?;
        known |= is_known(key);
        fields.push((key, value));
    }
    known.then_some(Split { fields, body: "" })
}

/// The keys of a `Key: value` header block at the start of `text` that are not known, each
/// with its 1-based line number: they are ignored, and `import` warns about each.
pub fn unknown_keys(text: &str) -> Vec<(usize, String)> {
    let Some(split) = header_block(text) else {
        return Vec::new();
    };
    split
        .fields
        .iter()
        .enumerate()
        .filter(|(_, (key, _))| !is_known(key))
        .map(|(i, (key, _))| (i + 1, key.to_string()))
        .collect()
}

/// Copies known header fields into `article`; unknown keys are ignored. A later field
/// overrides an earlier one with the same meaning.
pub(super) fn apply(article: &mut Article, fields: &[(&str, &str)]) {
    for &(key, value) in fields {
        let key = key.to_ascii_lowercase();
        let slot = match key.as_str() {
            "url" => &mut article.url,
            "source" | "outlet" => &mut article.source,
            "author" | "byline" => &mut article.author,
            "title" => &mut article.title,
            "key" => &mut article.key,
            "published" | "date" => {
                article.published = clean_time(value);
                continue;
            }
            "modified" => {
                article.modified = clean_time(value);
                continue;
            }
            _ => continue,
        };
        *slot = clean(value);
    }
}

/// The header keys understood, compared case-insensitively.
pub(super) const KNOWN_KEYS: [&str; 10] = [
    "url",
    "source",
    "outlet",
    "author",
    "byline",
    "published",
    "date",
    "modified",
    "title",
    "key",
];

fn is_known(key: &str) -> bool {
    KNOWN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Reads `key: value` from an unindented line; the value loses surrounding quotes.
fn field(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let valid_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_key {
        return None;
    }
    Some((key, unquote(value.trim())))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// Lines without their line ending, each with the byte offset just after its ending.
fn lines_with_ends(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut end = 0;
    text.split_inclusive('\n').map(move |line| {
        end += line.len();
        let line = line.strip_suffix('\n').unwrap_or(line);
        (end, line.strip_suffix('\r').unwrap_or(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_and_body() {
        let text = "---\r\ntitle: \"Quoted: with colon\"\r\n# comment\r\ntags:\r\n  - a\r\nurl:\r\n...\r\nBody\r\n";
        let split = front_matter(text).expect("closed").expect("present");
        assert_eq!(
            split.fields,
            vec![("title", "Quoted: with colon"), ("tags", ""), ("url", "")]
        );
        assert_eq!(split.body, "Body\r\n");
        let mut article = Article::default();
        apply(&mut article, &split.fields);
        assert_eq!(article.title.as_deref(), Some("Quoted: with colon"));
        assert_eq!(article.url, None);
    }

    #[test]
    fn front_matter_must_start_the_text() {
        assert!(front_matter("\n---\ntitle: t\n---\n")
            .expect("no error")
            .is_none());
        assert!(front_matter("--- \ntitle: t\n---")
            .expect("no error")
            .is_some());
        assert!(front_matter("---\ntitle: t\n").is_err());
    }

    #[test]
    fn header_block_is_case_insensitive_and_ends_at_a_blank_line() {
        let split = header_block("OUTLET: Wire\nByline: Kim\n\nBody").expect("header");
        assert_eq!(split.fields, vec![("OUTLET", "Wire"), ("Byline", "Kim")]);
        assert_eq!(split.body, "Body");
        let mut article = Article::default();
        apply(&mut article, &split.fields);
        assert_eq!(article.source.as_deref(), Some("Wire"));
        assert_eq!(article.author.as_deref(), Some("Kim"));

        assert!(header_block("\nTitle: t\n\nBody").is_none());
        assert!(header_block("Title : t\n\nBody").is_none());
    }

    #[test]
    fn unknown_keys_are_part_of_the_block_and_named_with_their_line() {
        let text = "Title: Bridge\nSection: world\nURL: https://x.example/a\n\nBody";
        let split = header_block(text).expect("header");
        assert_eq!(split.body, "Body");
        let mut article = Article::default();
        apply(&mut article, &split.fields);
        assert_eq!(article.title.as_deref(), Some("Bridge"));
        assert_eq!(article.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(unknown_keys(text), vec![(2, "Section".to_string())]);
        // Without any known key it is no header: the text starts there.
        assert!(header_block("Update: the mayor spoke.\n\nBody").is_none());
        assert!(unknown_keys("Update: the mayor spoke.\n\nBody").is_empty());
    }
}
