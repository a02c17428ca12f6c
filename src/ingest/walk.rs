//! Expanding file and directory arguments into a stable list of article files.

use std::io;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::IngestError;

/// Extensions (lower case, no dot) that [`walk`] keeps when walking a directory.
pub const ARTICLE_EXTENSIONS: [&str; 9] = [
    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "jsonl", "ndjson",
];

/// Expands the inputs into article files, in order.
///
/// A file argument is kept as is, whatever its extension. A directory is walked recursively
/// (following symbolic links) with the entries of each directory sorted by file name in byte
/// order, keeping files with an [`ARTICLE_EXTENSIONS`] extension (any case) and skipping
/// hidden files and directories (names starting with `.`). A missing input, or a directory
/// entry that cannot be read, becomes an `Err` item in its place, so one bad input does not
/// hide the others.
pub fn walk(inputs: &[PathBuf]) -> Vec<Result<PathBuf, IngestError>> {
    let mut out = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(metadata) if metadata.is_dir() => walk_dir(input, &mut out),
            Ok(_) => out.push(Ok(input.clone())),
            Err(source) if source.kind() == io::ErrorKind::NotFound => {
                out.push(Err(IngestError::NotFound {
                    path: input.clone(),
                }));
            }
            Err(source) => out.push(Err(IngestError::Io {
                path: input.clone(),
                source,
            })),
        }
    }
    out
}

fn walk_dir(root: &Path, out: &mut Vec<Result<PathBuf, IngestError>>) {
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by(|a, b| a.file_name().cmp(b.file_name()))
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && has_article_extension(entry.path()) => {
                out.push(Ok(entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let source = match error.loop_ancestor() {
                    Some(ancestor) => io::Error::other(format!(
                        "symbolic link loop back to {}",
                        ancestor.display()
                    )),
                    None => error
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("cannot walk directory")),
                };
                out.push(Err(IngestError::Io { path, source }));
            }
        }
    }
}

fn is_hidden(entry: &DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().starts_with(b".")
}

fn has_article_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            ARTICLE_EXTENSIONS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(ext))
        })
}
