//! Sync over its three transports, one module per suite: bundle files, database files, the
//! HTTP hub, and reconciliation across them (interrupted transfers, copies, random replicas).

#[path = "../common/mod.rs"]
mod common;

mod bundle;
mod convergence;
mod database;
mod hub;
mod support;
