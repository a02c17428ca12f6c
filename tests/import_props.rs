//! Property tests of import: idempotent, order-independent object sets, no panic on any text.

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;
use proptest::prelude::*;
use std::path::PathBuf;

mod common;
use common::ids;

fn import(store: &mut Store, files: &[PathBuf]) -> usize {
    import_paths(
        store,
        files,
        &Overrides::default(),
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import")
    .iter()
    .map(|o| o.as_ref().map(|r| r.new_objects).unwrap_or(0))
    .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any set of articles, imported in any order, gives the same objects; a second import
    /// adds nothing.
    #[test]
    fn import_is_idempotent_and_order_free(seeds in prop::collection::vec(0u64..1_000_000, 1..6)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<PathBuf> = seeds
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let p = dir.path().join(format!("a{i}.txt"));
                std::fs::write(&p, claims::synth::article(*s, 8)).expect("write");
                p
            })
            .collect();
        let mut a = Store::open(&dir.path().join("a.db")).expect("open");
        let mut b = Store::open(&dir.path().join("b.db")).expect("open");
        let added = import(&mut a, &files);
        prop_assert!(added > 0);
        let reversed: Vec<PathBuf> = files.iter().rev().cloned().collect();
        import(&mut b, &reversed);
        prop_assert_eq!(ids(&a), ids(&b));
        prop_assert_eq!(import(&mut a, &files), 0);
        prop_assert_eq!(ids(&a), ids(&b));
    }

    /// Arbitrary text never panics the pipeline, and whatever is stored verifies.
    #[test]
    fn any_text_imports_cleanly(text in "\\PC{0,400}", quotes in "[\"“”'. ]{0,20}") {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("x.txt");
        std::fs::write(&p, format!("{quotes}{text}{quotes}")).expect("write");
        let mut store = Store::open(&dir.path().join("c.db")).expect("open");
        import(&mut store, std::slice::from_ref(&p));
        let report = claims::store::verify::verify(&store).expect("verify");
        prop_assert!(report.ok(), "{:?}", report.problems);
    }
}
