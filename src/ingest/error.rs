//! The one error type of the ingest layer.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why a file could not be read as articles.
///
/// Every variant names the file; those about a place in the file also name the line (1-based)
/// or the byte offset (0-based). The `Display` text is meant to be shown to users as is,
/// e.g. `news/a.jsonl:3:15: malformed JSON: expected value`.
#[derive(Debug, Error)]
pub enum IngestError {
    /// The path does not exist.
    #[error("{}: file not found", path.display())]
    NotFound { path: PathBuf },

    /// A directory was given where a file was expected.
    #[error("{}: is a directory", path.display())]
    IsDirectory { path: PathBuf },

    /// A FIFO, a socket or a device: only regular files are read (a FIFO would wait for a
    /// writer forever).
    #[error("{}: is {kind}, not a regular file; only regular files are imported", path.display())]
    NotRegularFile { path: PathBuf, kind: &'static str },

    /// A symbolic link met while walking `root` that leads out of it: not followed.
    #[error(
        "{}: symbolic link to {}, outside {}: not followed (--follow-links follows it)",
        path.display(),
        target.display(),
        root.display()
    )]
    LinkOutOfTree {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },

    /// Any other I/O failure while reading a file or walking a directory.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The file is larger than [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES).
    #[error(
        "{}: file is {:.1} MiB, over the {} MiB limit",
        path.display(),
        mib(*size),
        super::MAX_FILE_BYTES / MIB
    )]
    TooLarge { path: PathBuf, size: u64 },

    /// The file has no bytes, or only white space.
    #[error("{}: file is empty", path.display())]
    Empty { path: PathBuf },

    /// The file contains a NUL byte, so it is not a text file.
    #[error("{}: looks like a binary file (NUL byte at byte {offset})", path.display())]
    Binary { path: PathBuf, offset: usize },

    /// The file is not UTF-8; `offset` is where the first invalid sequence starts.
    #[error("{}: not valid UTF-8 at byte {offset}", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },

    /// A front matter block opened with `---` on the first line is never closed.
    #[error("{}: front matter opened on line 1 has no closing `---` line", path.display())]
    UnclosedFrontMatter { path: PathBuf },

    /// The file has a header block (front matter or `Key: value` lines) and nothing after it.
    #[error("{}: no text after the header", path.display())]
    NoTextAfterHeader { path: PathBuf },

    /// An HTML document whose markup builds more nodes than its size can honestly need (see
    /// `docs/formats.md`): refused before it costs more memory.
    #[error(
        "{}: the markup makes more than {limit} elements for {bytes} bytes (at most 100,000 plus \
         one for every 4 bytes); refused",
        path.display()
    )]
    TooManyElements {
        path: PathBuf,
        bytes: usize,
        limit: usize,
    },

    /// An HTML or Markdown document whose article text came out empty.
    #[error("{}: no article text found", path.display())]
    NoArticleText { path: PathBuf },

    /// A JSON lines record that is not valid JSON.
    #[error("{}:{line}:{column}: malformed JSON: {message}", path.display())]
    MalformedJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A JSON lines record that is valid JSON but not an object.
    #[error("{}:{line}: expected a JSON object, found {found}", path.display())]
    NotAnObject {
        path: PathBuf,
        line: usize,
        found: &'static str,
    },

    /// A JSON lines record without a required field.
    #[error("{}:{line}: missing \"{field}\"", path.display())]
    MissingField {
        path: PathBuf,
        line: usize,
        field: &'static str,
    },

    /// A JSON lines field of the wrong type, or an empty `text`.
    #[error("{}:{line}: \"{field}\" {problem}", path.display())]
    BadField {
        path: PathBuf,
        line: usize,
        field: &'static str,
        /// What is wrong, e.g. `must be a string, found a number`.
        problem: String,
    },
}

const MIB: u64 = 1024 * 1024;

fn mib(size: u64) -> f64 {
    // Precision loss above 2^53 bytes is irrelevant for a one-decimal display.
    #[allow(clippy::cast_precision_loss)]
    let size = size as f64;
    size / MIB as f64
}
