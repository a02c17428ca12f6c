//! Claims over time: what changed between two texts, how claims relate, and their history.
//!
//! - [`sides`] loads the claim lists that `claims diff` compares (stored versions, article
//!   files extracted in memory, whole databases); the diff itself is [`crate::relate::diff`].
//! - [`relations`] records a person's judgement on two claims (`claims link`) and lists the
//!   conflicts in force. Relations found by the rules are derived by the ledger.
//! - [`history`] answers "where and when did this claim appear", per claim, speaker, document.
//!
//! Library code only: nothing here prints, and the SQL is in `crate::store::query`.

pub mod entities;
pub mod history;
pub mod relations;
pub mod reviews;
pub mod sides;
