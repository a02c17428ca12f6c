//! Expanding file and directory arguments into a stable list of article files.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use walkdir::{DirEntry, WalkDir};

use super::IngestError;

/// Extensions (lower case, no dot) that [`walk`] keeps when walking a directory.
pub const ARTICLE_EXTENSIONS: [&str; 9] = [
    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "jsonl", "ndjson",
];

/// How [`walk`] treats what it meets inside a directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Also follow symbolic links that lead out of the directory being walked. Without it
    /// they are not followed, and each one that would have been read (a link to a directory,
    /// or with an article extension) is reported.
    pub follow_links: bool,
}

/// Expands the inputs into article files, in order.
///
/// A file argument is kept as is, whatever its extension (and refused later if it is not a
/// regular file). A directory is walked recursively with the entries of each directory
/// sorted by file name in byte order, keeping files with an [`ARTICLE_EXTENSIONS`] extension
/// (any case) and skipping hidden files and directories (names starting with `.`). Symbolic
/// links are followed when they lead to a place inside the directory given (its real path),
/// and otherwise only with [`WalkOptions::follow_links`]. A missing input, a directory entry
/// that cannot be read, a link not followed and a special file with an article extension (a
/// FIFO, a socket, a device) become an `Err` item in their place, so one bad input does not
/// hide the others.
pub fn walk(inputs: &[PathBuf], options: WalkOptions) -> Vec<Result<PathBuf, IngestError>> {
    walk_lazily(inputs.to_vec(), options).collect()
}

/// [`walk`], one item at a time: a directory is read as the items are asked for (each
/// directory's entries at once, to sort them), so a walk of a million files holds one
/// directory's names, not a million paths.
pub fn walk_lazily(
    inputs: Vec<PathBuf>,
    options: WalkOptions,
) -> impl Iterator<Item = Result<PathBuf, IngestError>> {
    inputs.into_iter().flat_map(move |input| {
        let items: Box<dyn Iterator<Item = Result<PathBuf, IngestError>>> =
            match std::fs::metadata(&input) {
                Ok(metadata) if metadata.is_dir() => walk_dir(input, options),
                Ok(_) => Box::new(std::iter::once(Ok(input))),
                Err(source) if source.kind() == io::ErrorKind::NotFound => {
                    Box::new(std::iter::once(Err(IngestError::NotFound { path: input })))
                }
                Err(source) => Box::new(std::iter::once(Err(IngestError::Io {
                    path: input,
                    source,
                }))),
            };
        items
    })
}

type Items = Box<dyn Iterator<Item = Result<PathBuf, IngestError>>>;

fn walk_dir(root: PathBuf, options: WalkOptions) -> Items {
    let real_root = match std::fs::canonicalize(&root) {
        Ok(real) => real,
        Err(source) => {
            return Box::new(std::iter::once(Err(IngestError::Io { path: root, source })));
        }
    };
    // Links not followed are reported in their place, from inside the walk's filter: they
    // wait here until the walk returns the entry after them.
    let pending: Rc<RefCell<VecDeque<Result<PathBuf, IngestError>>>> = Rc::default();
    let reports = Rc::clone(&pending);
    let link_root = root.clone();
    let keep = move |entry: &DirEntry| {
        if entry.depth() == 0 {
            return true;
        }
        if is_hidden(entry) {
            return false;
        }
        if !entry.path_is_symlink() || options.follow_links {
            return true;
        }
        // Where the link leads, every link on the way resolved. If that fails, the walk
        // reports why when it reads the entry.
        let Ok(target) = std::fs::canonicalize(entry.path()) else {
            return true;
        };
        if target.starts_with(&real_root) {
            return true;
        }
        if entry.file_type().is_dir() || has_article_extension(entry.path()) {
            reports
                .borrow_mut()
                .push_back(Err(IngestError::LinkOutOfTree {
                    path: entry.path().to_path_buf(),
                    target,
                    root: link_root.clone(),
                }));
        }
        false
    };
    let mut walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by(|a, b| a.file_name().cmp(b.file_name()))
        .into_iter()
        .filter_entry(keep);
    Box::new(std::iter::from_fn(move || loop {
        if let Some(item) = pending.borrow_mut().pop_front() {
            return Some(item);
        }
        let Some(entry) = walker.next() else {
            return pending.borrow_mut().pop_front();
        };
        let item = match entry {
            Ok(entry) if !has_article_extension(entry.path()) || entry.file_type().is_dir() => {
                continue
            }
            Ok(entry) if entry.file_type().is_file() => Ok(entry.into_path()),
            Ok(entry) => Err(IngestError::NotRegularFile {
                kind: super::special_kind(&entry.file_type()),
                path: entry.into_path(),
            }),
            Err(error) => {
                let path = error.path().unwrap_or(&root).to_path_buf();
                let source = match error.loop_ancestor() {
                    Some(ancestor) => io::Error::other(format!(
                        "symbolic link loop back to {}",
                        ancestor.display()
                    )),
                    None => error
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("cannot walk directory")),
                };
                Err(IngestError::Io { path, source })
            }
        };
        // A link reported while the walk looked for this entry comes before it.
        let mut waiting = pending.borrow_mut();
        if waiting.is_empty() {
            return Some(item);
        }
        waiting.push_back(item);
    }))
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
