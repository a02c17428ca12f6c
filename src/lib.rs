//! claims: a content-addressed ledger of attributed news claims in one SQLite file.
#![forbid(unsafe_code)]

pub mod extract;
pub mod ingest;
