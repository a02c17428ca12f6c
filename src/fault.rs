//! Fault injection for tests, and reading a panic's message.
//!
//! In debug builds (`cfg(debug_assertions)`, what `cargo test` builds), `CLAIMS_FAULT=NAME:N`
//! makes the N-th pass through the point called NAME panic, so that a test can check that a
//! panic on a worker thread ends the command with an error and a non-zero exit instead of
//! vanishing. Release builds compile the points to nothing. The points:
//!
//! - `import-planner`: the import thread that reads and plans files, once per file;
//! - `sync-fetch`: the sync thread that lists and fetches objects, once per fetched batch.

/// A place where a test may inject a panic (see the module documentation).
#[inline]
pub fn point(name: &str) {
    #[cfg(debug_assertions)]
    {
        use std::collections::HashMap;
        use std::sync::Mutex;
        static PASSES: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
        let Ok(spec) = std::env::var("CLAIMS_FAULT") else {
            return;
        };
        let Some((target, n)) = spec.split_once(':') else {
            return;
        };
        if target != name {
            return;
        }
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
            panic!("fault injected at {name}:{n} (CLAIMS_FAULT)");
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
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
