//! `claims import` as a stream (issue 15): the directories walked as the files are asked for,
//! each outcome handed over and counted, not kept. Same files, same order, same objects and
//! the same counts as the import that keeps every outcome.

use claims::extract::Extractor;
use claims::import::{import_paths_with, import_streaming, FileOutcome, ImportSummary};
use claims::ingest::{walk, walk_lazily, WalkOptions};
use claims::model::Overrides;
use claims::store::Store;
use std::path::{Path, PathBuf};

/// Nested directories of synthetic articles, a hidden file, a file of another kind, and a
/// link out of the tree (reported in its place); plus a missing input.
fn inputs(root: &Path) -> Vec<PathBuf> {
    let tree = root.join("tree");
    for (i, sub) in ["b", "a/deep", "a", "c"].iter().enumerate() {
        let dir = tree.join(sub);
        std::fs::create_dir_all(&dir).expect("mkdir");
        for j in 0..4u64 {
            let seed = i as u64 * 10 + j;
            std::fs::write(
                dir.join(format!("s{j}.txt")),
                claims::synth::article(seed, 6),
            )
            .expect("write");
        }
    }
    std::fs::write(tree.join(".hidden.txt"), "Officials said it rained.").expect("write");
    std::fs::write(tree.join("notes.csv"), "a,b").expect("write");
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("x.txt"), claims::synth::article(99, 4)).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, tree.join("b/link")).expect("symlink");
    vec![tree, root.join("missing.txt"), root.join("outside/x.txt")]
}

fn objects(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT id FROM objects ORDER BY seq")
        .expect("select");
    let ids = stmt
        .query_map([], |r| r.get(0))
        .expect("ids")
        .collect::<Result<_, _>>()
        .expect("ids");
    ids
}

fn describe(o: &FileOutcome) -> String {
    match o {
        Ok(r) => format!("ok {} {}", r.path.display(), r.new_objects),
        Err(e) => format!("error {e}"),
    }
}

#[test]
fn the_lazy_walk_is_the_walk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = inputs(dir.path());
    let eager: Vec<String> = walk(&inputs, WalkOptions::default())
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    let lazy: Vec<String> = walk_lazily(inputs.clone(), WalkOptions::default())
        .map(|r| format!("{r:?}"))
        .collect();
    assert_eq!(lazy, eager);
    // 16 articles, the link reported in its place, the missing input, the file outside.
    assert_eq!(eager.len(), 16 + usize::from(cfg!(unix)) + 2, "{eager:#?}");
    assert_eq!(
        eager.iter().any(|e| e.contains("LinkOutOfTree")),
        cfg!(unix),
        "{eager:#?}"
    );
}

#[test]
fn streaming_import_gives_the_same_files_objects_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = inputs(dir.path());
    let extractor = Extractor::new().expect("lexicon");

    let kept_db = dir.path().join("kept.db");
    let mut store = Store::open(&kept_db).expect("open");
    let mut seen_kept = Vec::new();
    let outcomes = import_paths_with(
        &mut store,
        &inputs,
        WalkOptions::default(),
        &Overrides::default(),
        &extractor,
        |_, done, total, o| seen_kept.push((done, total, describe(o))),
    )
    .expect("import");
    drop(store);

    let streamed_db = dir.path().join("streamed.db");
    let mut store = Store::open(&streamed_db).expect("open");
    let mut seen = Vec::new();
    let summary = import_streaming(
        &mut store,
        &inputs,
        WalkOptions::default(),
        &Overrides::default(),
        &extractor,
        |_, done, walked, o| {
            assert!(walked >= done);
            seen.push((done, describe(&o)));
        },
    )
    .expect("import");
    drop(store);

    let kept: Vec<(usize, String)> = seen_kept.iter().map(|(d, _, s)| (*d, s.clone())).collect();
    assert_eq!(seen, kept);
    let mut counted = ImportSummary::default();
    for o in &outcomes {
        counted.count(o);
    }
    assert_eq!(summary, counted);
    assert_eq!(summary.files, outcomes.len());
    assert_eq!(summary.failed, 1 + usize::from(cfg!(unix)));
    assert!(summary.new_claims > 0 && summary.new_versions == 17);
    assert_eq!(objects(&streamed_db), objects(&kept_db));
}
