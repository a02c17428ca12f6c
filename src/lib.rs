//! claims: a content-addressed ledger of attributed news claims in one SQLite file.
//!
//! # Layers
//!
//! Each module uses only modules of the layers below it (`docs/architecture.md` has the
//! picture; `tools/layers.rs`, run by `cargo test`, checks it and that there is no cycle):
//!
//! ```text
//!   cli (the binary)  the only place that reads arguments or prints
//!   web               the pages of `claims web`: HTML and JSON from the queries
//!   import · fetch · timeline · sync   what the commands do (fetch: HTTP, feeds)
//!   ledger            the one write path: store, index and relate, in one transaction
//!   store             all SQL: the SQLite file, migrations, index, queries, local tables
//!   model · relate    typed objects and article plans · relation rules        } pure: no
//!   ingest · extract  files to articles · text to attributions                } SQL, no
//!   objects · time · fault   canonical JSON and ids · dates and the clock    } printing
//! ```
//!
//! Data flows one way: [`ingest`] reads a file into text and metadata, [`extract`] finds the
//! attributed claims in the text, [`model`] plans the objects of an article, [`objects`]
//! encodes and hashes them, and [`ledger`] writes them through [`store`] and derives what
//! follows from them (index rows, relations) with the rules of [`relate`]. What arrives by
//! [`sync`] takes the same road from [`ledger`] on, so a database's contents and everything
//! derived from them do not depend on how its objects arrived.
//!
//! Rules that keep it so: all SQL is in `store/` and nothing else holds a connection; only the
//! ledger holds a `store::Writer`; library code returns values and typed errors and never
//! prints.
#![forbid(unsafe_code)]

pub mod extract;
pub mod fault;
pub mod fetch;
pub mod import;
pub mod ingest;
pub mod ledger;
pub mod model;
pub mod objects;
pub mod relate;
pub mod store;
pub mod sync;
#[cfg(feature = "synth")]
#[doc(hidden)]
pub mod synth;
pub mod time;
pub mod timeline;
pub mod web;
