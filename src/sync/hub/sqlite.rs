//! The SQLite file as a hub's storage: reads through the store's sync state, pushes through
//! the ledger like every other write.

use super::{Credential, HubStore, Push, Pushed, Role};
use crate::objects::ObjectId;
use crate::store::replica::LogEntry;
use crate::store::{Mark, Store};
use crate::sync::apply::apply;
use crate::sync::SyncError;

impl HubStore for Store {
    fn replica_id(&mut self) -> Result<String, SyncError> {
        Ok(self.replica().ensure_id()?)
    }

    fn max_seq(&mut self) -> Result<i64, SyncError> {
        Ok(self.replica().max_seq()?)
    }

    fn mark_at(&mut self, seq: i64) -> Result<Option<Mark>, SyncError> {
        Ok(self.replica().mark_at(seq)?)
    }

    fn cursor(&mut self, peer: &str) -> Result<Option<Mark>, SyncError> {
        Ok(self.replica().cursor(peer)?)
    }

    fn ids_after(&mut self, after: i64, limit: u32) -> Result<Vec<(i64, ObjectId)>, SyncError> {
        Ok(self.replica().ids_between(after, i64::MAX, limit)?)
    }

    fn bodies(&mut self, runs: &[(i64, i64)]) -> Result<Vec<(String, String)>, SyncError> {
        Ok(self.replica().bodies_in_runs(runs)?)
    }

    fn present(&mut self, ids: &[ObjectId]) -> Result<Vec<bool>, SyncError> {
        Ok(self.replica().present(ids)?)
    }

    fn locate(&mut self, ids: &[ObjectId]) -> Result<Vec<i64>, SyncError> {
        Ok(self.replica().locate(ids)?)
    }

    fn load_symbols(&mut self) -> Result<Option<(i64, Vec<u8>)>, SyncError> {
        Ok(self.replica().load_symbols()?)
    }

    fn save_symbols(&mut self, upto: i64, blob: &[u8]) -> Result<(), SyncError> {
        Ok(self.replica().save_symbols(upto, blob)?)
    }

    fn ids_under(&mut self, prefix: &str, upto: i64) -> Result<Vec<(i64, ObjectId)>, SyncError> {
        Ok(self.replica().ids_under(prefix, upto)?)
    }

    fn push(&mut self, push: Push) -> Result<Pushed, SyncError> {
        let count = push.objects.len();
        let applied = apply(
            self,
            push.objects,
            &push.replica,
            push.cursor.map(|c| (push.replica.as_str(), c)),
        )?;
        self.replica().log(&LogEntry {
            peer: push.replica,
            address: push.from,
            direction: "serve",
            sent: 0,
            received: applied.stored,
            bytes_sent: 0,
            bytes_received: push.bytes,
            round_trips: 1,
            mode: if count == 0 { "cursor" } else { "push" },
        })?;
        Ok(Pushed {
            stored: applied.stored,
            before: applied.before,
            after: applied.received,
        })
    }

    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &[u8; 32],
    ) -> Result<bool, SyncError> {
        Ok(self.replica().add_user(name, role.as_str(), token_hash)?)
    }

    fn revoke_user(&mut self, name: &str) -> Result<bool, SyncError> {
        Ok(self.replica().revoke_user(name)?)
    }

    fn users(&mut self) -> Result<Vec<crate::sync::wire::User>, SyncError> {
        Ok(self
            .replica()
            .users()?
            .into_iter()
            .map(super::listed)
            .collect())
    }

    fn credentials(&mut self) -> Result<Vec<Credential>, SyncError> {
        Ok(self
            .replica()
            .credentials()?
            .into_iter()
            .filter_map(Credential::from_stored)
            .collect())
    }
}
