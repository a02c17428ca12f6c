//! Fault injection for tests, and reading a panic's message.
//!
//! In debug builds (`cfg(debug_assertions)`, what `cargo test` builds), `CLAIMS_FAULT=NAME:N`
//! makes the N-th pass through the point called NAME panic, so that a test can check that a
//! panic on a worker thread ends the command with an error and a non-zero exit instead of
//! vanishing. `CLAIMS_FAULT=NAME:N:stop` instead stops the thread there for good, after writing
//! `claims: stopped at NAME:N (CLAIMS_FAULT)` to stderr: a crash test reads that line and kills
//! the process with SIGKILL at exactly that moment, without timing guesses. At a point that can
//! fail ([`fails`]), `CLAIMS_FAULT=NAME:N:fail` makes the N-th pass fail as an error (what a
//! store error there would do) instead. Release builds compile the points to nothing. The
//! points:
//!
//! - `import-planner`: the import thread that reads and plans files, once per file;
//! - `sync-fetch`: the sync thread that lists and fetches objects, once per fetched batch;
//! - `import-checkpoint`: the import thread that folds the WAL back, once per committed batch;
//! - `ledger-put`: the write path, once per object offered to it (before it is stored), in
//!   every command that writes objects (import, sync on both sides, bundle apply, link); it
//!   can fail (the object is then refused, [`crate::store::StoreError::Refused`]).

/// A place where a test may inject a panic (see the module documentation).
#[inline]
pub fn point(name: &str) {
    let _ = fails(name);
}

/// [`point`] where the fault may also be an error: true on the pass `CLAIMS_FAULT=NAME:N:fail`
/// names, where the caller fails as it would on an error of its own.
#[inline]
pub fn fails(name: &str) -> bool {
    #[cfg(debug_assertions)]
    {
        use std::collections::HashMap;
        use std::sync::{Mutex, OnceLock};
        static PASSES: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
        // Read once: the write path passes here once per object.
        static SPEC: OnceLock<Option<String>> = OnceLock::new();
        let Some(spec) = SPEC
            .get_or_init(|| std::env::var("CLAIMS_FAULT").ok())
            .as_deref()
        else {
            return false;
        };
        let Some((target, rest)) = spec.split_once(':') else {
            return false;
        };
        if target != name {
            return false;
        }
        let (n, action) = rest.split_once(':').unwrap_or((rest, "panic"));
        let n: u64 = n.trim().parse().unwrap_or(1);
        let pass = {
            let mut guard = PASSES.lock().unwrap_or_else(|e| e.into_inner());
            let count = guard
                .get_or_insert_with(HashMap::new)
                .entry(name.to_string())
                .or_insert(0);
            *count += 1;
            *count
        };
        if pass == n {
            if action == "fail" {
                return true;
            }
            if action == "stop" {
                use std::io::Write;
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "claims: stopped at {name}:{n} (CLAIMS_FAULT)");
                let _ = err.flush();
                drop(err);
                loop {
                    std::thread::park();
                }
            }
            panic!("fault injected at {name}:{n} (CLAIMS_FAULT)");
        }
        false
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = name;
        false
    }
}

/// The message of a panic payload (what `JoinHandle::join` returns on a panic).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}
