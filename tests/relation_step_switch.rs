//! The benches' switch for import without the relation step
//! (`claims::ledger::set_relation_step`, `synth` only): it leaves out exactly what the step
//! writes, and nothing of what is stored. A test binary of its own, since the switch holds for
//! the whole process.

use claims::store::Store;
use std::path::{Path, PathBuf};

mod common;
use common::{ids, sql};

/// Ten articles of one template: every two of their claims with another number conflict.
fn articles(dir: &Path) -> Vec<PathBuf> {
    (0..10)
        .map(|i| {
            let p = dir.join(format!("a{i}.txt"));
            let text = format!(
                "Outage update {i}\n\nOfficials in Ward 3 said that {} homes in Ward 3 lost power \
                 on day 2 of the storm.\nEngineers in Ward 3 reported that {} homes in Ward 3 \
                 lost power on day 2 of the storm.\n",
                100 + 7 * i,
                400 + 3 * i
            );
            std::fs::write(&p, text).expect("write article");
            p
        })
        .collect()
}

fn import(db: &Path, paths: &[PathBuf]) -> Store {
    let mut store = Store::open(db).expect("open");
    common::import(&mut store, paths);
    store
}

fn count(store: &Store, table: &str) -> i64 {
    sql(store)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn without_the_relation_step_the_same_objects_are_stored_and_nothing_is_derived() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = articles(dir.path());
    let with = import(&dir.path().join("with.db"), &paths);
    claims::ledger::set_relation_step(false);
    let without = import(&dir.path().join("without.db"), &paths);
    claims::ledger::set_relation_step(true);
    assert_eq!(ids(&with), ids(&without));
    assert!(count(&with, "found_relations") > 0);
    assert!(count(&with, "claim_keys") > 0);
    assert!(count(&with, "version_order") > 0);
    for table in ["found_relations", "claim_keys", "version_order"] {
        assert_eq!(count(&without, table), 0, "{table}");
    }
    // Turned on again, the step runs as before.
    let again = import(&dir.path().join("again.db"), &paths);
    for table in ["found_relations", "claim_keys", "version_order"] {
        assert_eq!(count(&again, table), count(&with, table), "{table}");
    }
}
