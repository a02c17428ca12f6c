//! The current time, for local facts only (never inside an object).
//!
//! `CLAIMS_NOW` (RFC 3339) fixes the clock, so tests and reproducible runs are hermetic.

/// Now, as RFC 3339 UTC with second precision, or `CLAIMS_NOW` when set.
pub fn now_rfc3339() -> String {
    if let Ok(fixed) = std::env::var("CLAIMS_NOW") {
        if !fixed.trim().is_empty() {
            return fixed.trim().to_string();
        }
    }
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
