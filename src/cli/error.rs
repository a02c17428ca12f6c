//! One error type for the command line. Every library error maps to an exit code here, in one
//! place: a command returns `Result<i32, CliError>` and uses `?`, so a new command cannot
//! forget to exit 3 when the database fails, and a library error type without a mapping does
//! not compile.

use claims::extract::LexiconError;
use claims::import::RunError;
use claims::store::query::history::BadDate;
use claims::store::query::ResolveError;
use claims::store::StoreError;
use claims::sync::bundle::BundleError;
use claims::sync::SyncError;
use claims::timeline::entities::AliasError;
use claims::timeline::relations::LinkError;
use claims::timeline::reviews::ReviewError;
use claims::timeline::sides::SideError;

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The command ran, but some input failed (a bad file, a failed check, nothing found).
    pub const FAILED: i32 = 1;
    /// Usage error: bad arguments or options.
    pub const USAGE: i32 = 2;
    /// The database could not be opened or used.
    pub const DATABASE: i32 = 3;
}

/// An error on its way to stderr, with the exit code it ends the command with.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub error: anyhow::Error,
}

impl CliError {
    /// The command could not do what was asked (exit 1).
    pub fn failed(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: exit::FAILED,
            error: error.into(),
        }
    }

    /// The database could not be used (exit 3).
    pub fn database(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: exit::DATABASE,
            error: error.into(),
        }
    }

    /// Whether the error is a closed stdout (`claims list | head`): not an error at all.
    pub fn is_closed_pipe(&self) -> bool {
        self.error.chain().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        })
    }

    /// Names the database file when SQLite says "database is locked" (or busy) without
    /// saying which file: another process held it past the busy timeout.
    pub fn naming_locked(self, db: &std::path::Path) -> CliError {
        let locked = self.error.chain().any(claims::store::is_locked);
        let path = db.display().to_string();
        if !locked || self.message().starts_with(&path) {
            return self;
        }
        CliError {
            code: self.code,
            error: self.error.context(format!(
                "{path}: another process (another claims command, or a hub serving this file) \
                 held the database longer than the busy timeout; try again when it is done"
            )),
        }
    }

    /// Prints the error on stderr and returns the exit code. A closed stdout is exit 0, quietly.
    pub fn report(self) -> i32 {
        if self.is_closed_pipe() {
            return exit::OK;
        }
        eprintln!("claims: error: {}", self.message());
        self.code
    }

    /// The error and its causes, joined by ": ", each said once: many library errors already
    /// name their cause in their own message ("{path}: {source}"), so a cause whose text the
    /// message so far holds is not repeated.
    pub fn message(&self) -> String {
        let mut out = String::new();
        for cause in self.error.chain() {
            let text = cause.to_string();
            if out.contains(&text) {
                continue;
            }
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        out
    }
}

/// A message of the command line itself (exit 1).
pub fn fail(message: impl std::fmt::Display) -> CliError {
    CliError::failed(anyhow::anyhow!("{message}"))
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        match e {
            // Bad input, not a database that cannot be used.
            e @ StoreError::Refused { .. } => CliError::failed(e),
            e => CliError::database(e),
        }
    }
}

impl From<ResolveError> for CliError {
    fn from(e: ResolveError) -> CliError {
        match e {
            ResolveError::Store(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<SideError> for CliError {
    fn from(e: SideError) -> CliError {
        match e {
            SideError::Store(e) => e.into(),
            SideError::Resolve(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<LinkError> for CliError {
    fn from(e: LinkError) -> CliError {
        match e {
            LinkError::Store(e) => e.into(),
            LinkError::Resolve(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<ReviewError> for CliError {
    fn from(e: ReviewError) -> CliError {
        match e {
            ReviewError::Store(e) => e.into(),
            ReviewError::Resolve(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> CliError {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => CliError::failed(io),
            other => fail(format!("writing CSV: {other:?}")),
        }
    }
}

impl From<AliasError> for CliError {
    fn from(e: AliasError) -> CliError {
        match e {
            AliasError::Store(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> CliError {
        match e {
            SyncError::Store(e) => e.into(),
            e @ SyncError::Tampered { .. } => CliError::database(e),
            e => CliError::failed(e),
        }
    }
}

impl From<BundleError> for CliError {
    fn from(e: BundleError) -> CliError {
        CliError::failed(e)
    }
}

impl From<RunError> for CliError {
    fn from(e: RunError) -> CliError {
        match e {
            RunError::Store(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

/// A bad embedded word list is a defect of this build, not of the input; it still ends the
/// command with a message naming the file and line.
impl From<LexiconError> for CliError {
    fn from(e: LexiconError) -> CliError {
        CliError::failed(e)
    }
}

impl From<BadDate> for CliError {
    fn from(e: BadDate) -> CliError {
        CliError::failed(e)
    }
}

impl From<claims::fetch::watch::WatchError> for CliError {
    fn from(e: claims::fetch::watch::WatchError) -> CliError {
        match e {
            claims::fetch::watch::WatchError::Store(e) => e.into(),
            e => CliError::failed(e),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::failed(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn database_failures_exit_3_however_they_are_wrapped() {
        let store = || StoreError::Missing {
            path: PathBuf::from("x.db"),
        };
        assert_eq!(CliError::from(store()).code, exit::DATABASE);
        assert_eq!(
            CliError::from(SyncError::Store(store())).code,
            exit::DATABASE
        );
        assert_eq!(
            CliError::from(SideError::Resolve(ResolveError::Store(store()))).code,
            exit::DATABASE
        );
        assert_eq!(
            CliError::from(LinkError::Store(store())).code,
            exit::DATABASE
        );
        assert_eq!(
            CliError::from(RunError::Store(store())).code,
            exit::DATABASE
        );
        assert_eq!(
            CliError::from(ResolveError::TooShort("ab".into())).code,
            exit::FAILED
        );
        assert_eq!(
            CliError::from(RunError::Panicked {
                thread: "planning",
                message: "boom".into(),
                done: 1,
                total: 3
            })
            .code,
            exit::FAILED
        );
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        let e = CliError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(e.is_closed_pipe());
        assert_eq!(e.report(), exit::OK);
    }
}
