//! What several benches measure the same way.

/// Resets the process's peak resident memory (VmHWM), so the next figure is one stage's own.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory (VmHWM) since the last reset, in MiB (NaN where
/// `/proc` does not tell).
pub fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Removes the SQLite database at `path` with its `-wal` and `-shm` files, so that what is made
/// there next starts fresh (a missing file is not an error).
#[allow(dead_code)] // not every bench makes databases
pub fn remove_database(path: &std::path::Path) {
    for end in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(end);
        let _ = std::fs::remove_file(file);
    }
}

/// CPU seconds (user and system) used so far by the whole process and by the calling thread,
/// from `/proc` (clock ticks of 1/100 s; NaN where `/proc` does not tell). On a shared
/// machine, where a run waits for a core, these say what the work cost.
#[allow(dead_code)] // not every bench reports CPU time
pub fn cpu_seconds() -> (f64, f64) {
    let ticks = |path: &str| -> f64 {
        let stat = std::fs::read_to_string(path).unwrap_or_default();
        // The fields after the command name (which is in parentheses and may hold spaces).
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
        let f: Vec<&str> = rest.split_whitespace().collect();
        match (f.get(11), f.get(12)) {
            (Some(u), Some(s)) => match (u.parse::<f64>(), s.parse::<f64>()) {
                (Ok(u), Ok(s)) => (u + s) / 100.0,
                _ => f64::NAN,
            },
            _ => f64::NAN,
        }
    };
    (ticks("/proc/self/stat"), ticks("/proc/thread-self/stat"))
}
