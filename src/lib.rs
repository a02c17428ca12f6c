//! claims: a content-addressed ledger of attributed news claims in one SQLite file.
//!
//! Data flows one way: [`ingest`] reads a file into text and metadata, [`extract`] finds the
//! attributed claims in the text (a pure function), [`model`] turns them into typed objects,
//! [`objects`] encodes and hashes them, and [`store`] writes objects and their index rows in one
//! transaction. [`import`] ties these together; [`verify`] checks a database.
#![forbid(unsafe_code)]

pub mod clock;
pub mod extract;
pub mod import;
pub mod ingest;
pub mod model;
pub mod objects;
pub mod store;
pub mod sync;
pub mod synth;
pub mod timeline;
pub mod verify;
