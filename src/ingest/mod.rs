//! Reading article files: format detection and metadata.
//!
//! `ingest` turns bytes into [`Article`]s (text plus metadata). It knows nothing of claims,
//! objects or SQLite, never prints and never panics on input: every failure is an
//! [`IngestError`] that names the file and, where it helps, the line or byte.
//!
//! Four formats are read (see `docs/formats.md`): plain text with an optional header block,
//! Markdown (rendered to plain text), HTML (main article text plus `<meta>` and JSON-LD
//! metadata) and JSON lines (one article per line). [`detect`] picks the format from the
//! extension or, failing that, from the content; [`parse`] reads one file all-or-nothing;
//! [`walk`] expands directory arguments into a stable list of article files.

mod dom;
mod error;
mod header;
mod html;
mod jsonl;
mod markdown;
mod text;
mod walk;

use std::fs::OpenOptions;
use std::io::{self, Read};
use std::path::Path;

pub use crate::time::normalize as normalize_time;
pub use error::IngestError;
pub use walk::{walk, walk_lazily, WalkOptions, ARTICLE_EXTENSIONS};

/// Files larger than this are refused before being read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One article as read from a file, before any option overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// The article text that is stored and extracted (no header block, no HTML markup).
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The outlet.
    pub source: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// Publication time: RFC 3339 (`2024-02-19T10:00:00Z`, offset kept as given) or a date
    /// (`2024-02-19`) when only a date is known.
    pub published: Option<String>,
    /// Last modification time, same form as `published`.
    pub modified: Option<String>,
    /// A lineage key given in the file (front matter `key:`), used when there is no URL.
    pub key: Option<String>,
}

/// The formats [`parse`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
    JsonLines,
}

/// The structured data of a file that may hold fact-checks rather than an article: the JSON-LD
/// scripts of an HTML page, the value of a JSON file, or the values of a JSON lines file. `None`
/// when the file names neither `ClaimReview` nor `claimReview` (it is an article), or when it
/// cannot be read as such.
pub fn structured(path: &Path, bytes: &[u8]) -> Option<Vec<serde_json::Value>> {
    let text = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)).ok()?;
    if !text.contains("ClaimReview") && !text.contains("claimReview") {
        return None;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("json" | "jsonld")) {
        return serde_json::from_str(text).ok().map(|v| vec![v]);
    }
    match detect(path, bytes) {
        Format::Html => Some(html::ld_json_values(text)),
        Format::JsonLines => {
            if let Ok(v) = serde_json::from_str(text) {
                return Some(vec![v]);
            }
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).ok())
                .collect()
        }
        _ => serde_json::from_str(text).ok().map(|v| vec![v]),
    }
}

/// Picks the format of a file.
///
/// A known extension decides (case-insensitive): `.txt .text` → Text, `.md .markdown` →
/// Markdown, `.html .htm .xhtml` → Html, `.jsonl .ndjson` → JsonLines. Otherwise the content
/// decides: a document starting with `<!doctype html` or `<html` (or another tag, with
/// `<html`, `<body` or `<article` in its first KiB) is Html; one whose first non-blank line is a
/// JSON object is JsonLines (a later bad line is then reported by [`parse`] rather than the
/// whole file silently read as text); one whose first line after any front matter is a `# `
/// heading is Markdown; anything else is Text.
pub fn detect(path: &Path, bytes: &[u8]) -> Format {
    if let Some(format) = format_from_extension(path) {
        return format;
    }
    sniff(bytes)
}

fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        _ => None,
    }
}

fn sniff(bytes: &[u8]) -> Format {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    let head: Vec<u8> = rest.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    if head.starts_with(b"<!doctype html") || head.starts_with(b"<html") {
        return Format::Html;
    }
    if head.starts_with(b"<")
        && [&b"<html"[..], b"<body", b"<article"]
            .iter()
            .any(|tag| head.windows(tag.len()).any(|w| w == *tag))
    {
        return Format::Html;
    }
    if rest.starts_with(b"{") {
        let first_line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        if let Ok(serde_json::Value::Object(_)) = serde_json::from_slice(first_line) {
            return Format::JsonLines;
        }
    }
    let text = String::from_utf8_lossy(bytes);
    if let Ok(split) = header::front_matter(&text) {
        let body = split.map_or(&text[..], |split| split.body);
        let first = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if first.starts_with("# ") {
            return Format::Markdown;
        }
    }
    Format::Text
}

/// The byte offset where the article's text starts in a plain-text file, as `import` reads
/// it: after front matter or a `Key: value` header block and the blank lines after it; 0 when
/// the file has none (or nothing after it).
pub fn text_start(input: &str) -> usize {
    text::parse_without_text(Path::new(""), input).map_or(0, |(_, start)| start)
}

/// Warnings about a plain text file's `Key: value` header block: each line with a key that is
/// not known (`docs/formats.md`) is ignored, and named here as `PATH:LINE: ...`. Empty for
/// other formats and for front matter (whose other keys are ordinary YAML).
pub fn header_warnings(path: &Path, bytes: &[u8]) -> Vec<String> {
    if detect(path, bytes) != Format::Text {
        return Vec::new();
    }
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)) else {
        return Vec::new();
    };
    if matches!(header::front_matter(text), Ok(Some(_)) | Err(_)) {
        return Vec::new();
    }
    header::unknown_keys(text)
        .into_iter()
        .map(|(line, key)| {
            format!(
                "{}:{line}: unknown header key {key:?}, line ignored (known: {})",
                path.display(),
                header::KNOWN_KEYS.join(", ")
            )
        })
        .collect()
}

/// Parses one file's bytes, detecting the format with [`detect`].
///
/// All or nothing: a JSON lines file yields one article per record, and one bad record fails
/// the whole file (its error names the line).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Article>, IngestError> {
    parse_as(detect(path, bytes), path, bytes)
}

/// Parses one file's bytes in the given format.
pub fn parse_as(format: Format, path: &Path, bytes: &[u8]) -> Result<Vec<Article>, IngestError> {
    let input = decode(path, bytes)?;
    match format {
        Format::Text => text::parse(path, input).map(|a| vec![a]),
        Format::Markdown => markdown::parse(path, input).map(|a| vec![a]),
        Format::Html => html::parse(path, input).map(|a| vec![a]),
        Format::JsonLines => jsonl::parse(path, input),
    }
}

/// [`parse`], taking the bytes: the text of a plain text file is then the file's own buffer
/// (less its header), not a copy, so a large text is held once.
pub fn parse_owned(path: &Path, bytes: Vec<u8>) -> Result<Vec<Article>, IngestError> {
    if detect(path, &bytes) != Format::Text {
        return parse(path, &bytes);
    }
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let (mut article, start) = text::parse_without_text(path, decode(path, &bytes)?)?;
    let mut text = String::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    text.drain(..bom + start);
    article.text = text;
    Ok(vec![article])
}

/// Reads and parses one file, refusing files over [`MAX_FILE_BYTES`] before reading them.
pub fn read(path: &Path) -> Result<Vec<Article>, IngestError> {
    parse_owned(path, read_bytes(path)?)
}

/// Checks a file size against [`MAX_FILE_BYTES`].
pub fn check_size(path: &Path, size: u64) -> Result<(), IngestError> {
    if size > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    Ok(())
}

/// Reads a file's bytes, refusing anything but a regular file (a directory, a FIFO, a
/// device, a socket) and files over [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    let io_error = |source: io::Error| io_error(path, source);
    // Checked before opening: opening a FIFO for reading waits for a writer, forever.
    check_regular(path, &std::fs::metadata(path).map_err(io_error)?)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Should the path have become a FIFO since, the open returns at once.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    check_regular(path, &metadata)?;
    check_size(path, metadata.len())?;
    // The file may grow between the check and the read: never read past the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    check_size(path, bytes.len() as u64)?;
    Ok(bytes)
}

fn io_error(path: &Path, source: io::Error) -> IngestError {
    match source.kind() {
        io::ErrorKind::NotFound => IngestError::NotFound {
            path: path.to_path_buf(),
        },
        _ => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Refuses a directory or a special file (FIFO, socket, device).
fn check_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<(), IngestError> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let path = path.to_path_buf();
    if kind.is_dir() {
        return Err(IngestError::IsDirectory { path });
    }
    Err(IngestError::NotRegularFile {
        path,
        kind: special_kind(&kind),
    })
}

/// What a special file is, for messages.
pub(crate) fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_symlink() {
        return "a symbolic link";
    }
    "a special file"
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks that the bytes are non-empty UTF-8 text and returns them without a BOM.
fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, IngestError> {
    let path = path.to_path_buf();
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary { path, offset });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
        path: path.clone(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(IngestError::Empty { path });
    }
    Ok(text)
}

/// Trims a metadata value and turns an empty one into `None`.
fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Collapses runs of white space into one space and trims the ends.
fn collapse_ws(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises a time value and drops an empty one.
fn clean_time(value: &str) -> Option<String> {
    clean(&normalize_time(value))
}
