//! PostgreSQL as a hub's storage (`claims serve --store postgres://...`): objects admitted
//! as the ledger admits them (size, shape of known types, limits for unknown ones), in the
//! ledger's order (referenced types first), appended with their chain hashes; no typed index.

use super::{Credential, HubStore, Push, Pushed, Role};
use crate::ledger::{admit, rank, MAX_UNKNOWN_PER_TRANSACTION};
use crate::objects::ObjectId;
use crate::store::postgres::{next_chain, NewObject, PgStore};
use crate::store::{Mark, StoreError};
use crate::sync::{SyncError, Tampered};

impl HubStore for PgStore {
    fn replica_id(&mut self) -> Result<String, SyncError> {
        Ok(PgStore::replica_id(self)?)
    }

    fn max_seq(&mut self) -> Result<i64, SyncError> {
        Ok(PgStore::max_seq(self)?)
    }

    fn mark_at(&mut self, seq: i64) -> Result<Option<Mark>, SyncError> {
        Ok(PgStore::mark_at(self, seq)?)
    }

    fn cursor(&mut self, peer: &str) -> Result<Option<Mark>, SyncError> {
        Ok(PgStore::cursor(self, peer)?)
    }

    fn ids_after(&mut self, after: i64, limit: u32) -> Result<Vec<(i64, ObjectId)>, SyncError> {
        Ok(PgStore::ids_after(self, after, limit)?)
    }

    fn bodies(&mut self, runs: &[(i64, i64)]) -> Result<Vec<(String, String)>, SyncError> {
        Ok(PgStore::bodies(self, runs)?)
    }

    fn present(&mut self, ids: &[ObjectId]) -> Result<Vec<bool>, SyncError> {
        Ok(PgStore::present(self, ids)?)
    }

    fn locate(&mut self, ids: &[ObjectId]) -> Result<Vec<i64>, SyncError> {
        Ok(PgStore::locate(self, ids)?)
    }

    fn load_symbols(&mut self) -> Result<Option<(i64, Vec<u8>)>, SyncError> {
        Ok(PgStore::load_symbols(self)?)
    }

    fn save_symbols(&mut self, upto: i64, blob: &[u8]) -> Result<(), SyncError> {
        Ok(PgStore::save_symbols(self, upto, blob)?)
    }

    fn ids_under(&mut self, prefix: &str, upto: i64) -> Result<Vec<(i64, ObjectId)>, SyncError> {
        Ok(PgStore::ids_under(self, prefix, upto)?)
    }

    fn push(&mut self, push: Push) -> Result<Pushed, SyncError> {
        let mut objects = push.objects;
        let mut unknown = 0u64;
        for o in &objects {
            if admit(o)? {
                unknown += 1;
                if unknown > MAX_UNKNOWN_PER_TRANSACTION {
                    return Err(StoreError::Refused {
                        id: o.object.id,
                        kind: o.object.kind.clone(),
                        reason: format!(
                            "more than {MAX_UNKNOWN_PER_TRANSACTION} objects of types this \
                             release does not know arrived together"
                        ),
                    }
                    .into());
                }
            }
        }
        objects.sort_by_key(|o| rank(&o.object.kind));
        let rows: Vec<NewObject<'_>> = objects
            .iter()
            .map(|o| NewObject {
                id: &o.object.id,
                kind: &o.object.kind,
                body: &o.object.body,
            })
            .collect();
        let done = PgStore::push(
            self,
            &rows,
            &push.replica,
            push.cursor,
            &push.from,
            &push.user,
            push.bytes,
        )?;
        Ok(Pushed {
            stored: done.stored,
            before: done.before,
            after: done.after,
        })
    }

    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &[u8; 32],
    ) -> Result<bool, SyncError> {
        Ok(PgStore::add_user(self, name, role.as_str(), token_hash)?)
    }

    fn revoke_user(&mut self, name: &str) -> Result<bool, SyncError> {
        Ok(PgStore::revoke_user(self, name)?)
    }

    fn users(&mut self) -> Result<Vec<crate::sync::wire::User>, SyncError> {
        Ok(PgStore::users(self)?
            .into_iter()
            .map(super::listed)
            .collect())
    }

    fn credentials(&mut self) -> Result<Vec<Credential>, SyncError> {
        Ok(PgStore::credentials(self)?
            .into_iter()
            .filter_map(Credential::from_stored)
            .collect())
    }
}

/// What [`verify`] found in a PostgreSQL hub.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PgVerified {
    pub objects: u64,
    pub problems: Vec<String>,
}

/// Re-hashes every stored object and recomputes the chain: a hub whose rows were changed by
/// hand shows it here.
pub fn verify(store: &mut PgStore) -> Result<PgVerified, SyncError> {
    let mut out = PgVerified::default();
    let mut chain = [0u8; 32];
    let mut expected_seq = 1;
    store.each_object(|seq, id, body, stored_chain| {
        out.objects += 1;
        if seq != expected_seq {
            out.problems
                .push(format!("seq {seq} follows seq {}", expected_seq - 1));
        }
        expected_seq = seq + 1;
        if let Some(t) = Tampered::check(id, body) {
            out.problems.push(format!(
                "object {} at seq {seq}: its body hashes to {}",
                t.id, t.actual
            ));
        }
        match ObjectId::parse(id) {
            Ok(parsed) => chain = next_chain(&chain, &parsed),
            Err(_) => out
                .problems
                .push(format!("seq {seq}: {id:?} is not an object id")),
        }
        if stored_chain != chain {
            out.problems
                .push(format!("seq {seq}: the chain hash does not follow"));
        }
    })?;
    Ok(out)
}
