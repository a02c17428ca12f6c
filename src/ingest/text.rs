//! Plain text: an optional header block, then the article; the first line is the title.

use std::path::Path;

use super::header::{self, Split};
use super::{Article, IngestError};

/// Reads a plain text article. `text` is everything after the header block from the first
/// non-blank line on, byte for byte; the title is the header's `title:` or that first line.
pub(super) fn parse(path: &Path, input: &str) -> Result<Article, IngestError> {
    let (mut article, start) = parse_without_text(path, input)?;
    article.text = input[start..].to_string();
    Ok(article)
}

/// [`parse`] without copying the text: the article without its text, and the byte offset in
/// `input` where the text starts.
pub(super) fn parse_without_text(
    path: &Path,
    input: &str,
) -> Result<(Article, usize), IngestError> {
    let front = header::front_matter(input).map_err(|_| IngestError::UnclosedFrontMatter {
        path: path.to_path_buf(),
    })?;
    let split = front.or_else(|| header::header_block(input));
    let mut article = Article::default();
    let body = match &split {
        Some(Split { fields, body }) => {
            header::apply(&mut article, fields);
            *body
        }
        None => input,
    };
    let Some(start) = first_non_blank_line(body) else {
        return Err(if split.is_some() {
            IngestError::NoTextAfterHeader {
                path: path.to_path_buf(),
            }
        } else {
            IngestError::Empty {
                path: path.to_path_buf(),
            }
        });
    };
    let text = &body[start..];
    if article.title.is_none() {
        let first = text.lines().next().unwrap_or_default();
        article.title = super::clean(first);
    }
    // `body` is a suffix of `input`.
    Ok((article, input.len() - text.len()))
}

/// Byte offset of the start of the first line holding something other than white space.
pub(super) fn first_non_blank_line(text: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            return Some(start);
        }
        start += line.len();
    }
    None
}
