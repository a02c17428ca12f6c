//! Bundle files: convergence, `--since`, truncated, flipped, tampered and incomplete bundles,
//! the documented check script, and any bytes as a bundle.

use crate::support::*;
use claims::store::Store;
use claims::sync::bundle;
use proptest::prelude::*;
use std::path::Path;

#[test]
fn bundles_converge_and_are_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let expected = union(&a, &b);
    assert_eq!(sync_bundle(&a, &b, dir.path()), (13, 20));
    assert_converged(&a, &b, &expected);
    assert_eq!(sync_bundle(&a, &b, dir.path()), (0, 0));
}

#[test]
fn a_bundle_since_a_date_holds_what_arrived_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("since.bundle");
    // Everything in a arrived through put (no import or sync log): nothing is "since".
    let sa = Store::open(&a).expect("a");
    assert_eq!(
        bundle::create(&sa, &file, Some("2000-01-01"))
            .expect("create")
            .objects,
        0
    );
    drop(sa);
    sync_db(&a, &b).expect("sync");
    let sa = Store::open(&a).expect("a");
    let created = bundle::create(&sa, &file, Some("2000-01-01T00:00:00Z")).expect("create");
    assert_eq!(created.objects, 20, "the objects received from b");
    assert_eq!(
        bundle::create(&sa, &file, Some("2999-01-01"))
            .expect("create")
            .objects,
        0
    );
    let err = bundle::create(&sa, &file, Some("last week")).expect_err("bad date");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: --since \"last week\" is not a date (use YYYY-MM-DD or RFC 3339)",
            file.display()
        )
    );
}

#[test]
fn a_truncated_or_flipped_bundle_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("good.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    let good = std::fs::read(&file).expect("read");
    let before = store_snapshot(&b);
    let bad = dir.path().join("bad.bundle");
    let mut sb = Store::open(&b).expect("b");
    let mut refused = 0;
    let mut check = |bytes: &[u8], what: &str| {
        std::fs::write(&bad, bytes).expect("write");
        let err = bundle::apply(&mut sb, &bad, false).expect_err(what);
        assert!(
            err.to_string().starts_with(&bad.display().to_string()),
            "{err}"
        );
        assert_eq!(snapshot_of(&sb), before, "{what}");
        refused += 1;
    };
    for cut in 0..good.len() {
        check(&good[..cut], &format!("truncated at {cut}"));
    }
    for at in 0..good.len() {
        let mut flipped = good.clone();
        flipped[at] ^= 0x01;
        check(&flipped, &format!("bit flipped at {at}"));
    }
    let mut longer = good.clone();
    longer.push(0);
    check(&longer, "a byte appended");
    drop(sb);
    assert_eq!(refused, 2 * good.len() + 1);

    // Exact messages for the common cases.
    let msg = |bytes: &[u8]| {
        std::fs::write(&bad, bytes).expect("write");
        bundle::apply(&mut Store::open(&b).expect("b"), &bad, false)
            .expect_err("refused")
            .to_string()
    };
    let p = bad.display();
    assert_eq!(
        msg(&good[..30]),
        format!("{p}: truncated: 30 bytes, shorter than the 60-byte header")
    );
    assert_eq!(
        msg(b"PK\x03\x04 a zip file, not a bundle at all, long enough for a header"),
        format!("{p}: not a claims bundle (it does not start with \"CLMSBNDL\")")
    );
    let mut newer = good.clone();
    newer[11] = 2;
    assert_eq!(
        msg(&newer),
        format!("{p}: bundle format 2 is newer than this release reads (1); upgrade claims")
    );
    let mut count = good.clone();
    count[19] ^= 0x01;
    assert_eq!(
        msg(&count),
        format!("{p}: corrupt: the header announces 18 objects, the payload holds 19")
    );
    let mut hash = good.clone();
    hash[28] ^= 0xff;
    assert!(msg(&hash).starts_with(&format!("{p}: corrupt: the payload hashes to ")));
    // The good bundle still applies, once.
    let (applied, _) = bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect("ok");
    assert_eq!((applied.objects, applied.new), (19, 13));
}

#[test]
fn a_tampered_object_in_a_well_formed_bundle_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("t.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    // One body made non-canonical, with a fresh, matching checksum: the checksum cannot
    // vouch for it, re-hashing every object does.
    let objects = bundle::read(&file).expect("read");
    let mut payload = String::new();
    for o in &objects {
        payload.push_str(&o.body);
        payload.push('\n');
    }
    let payload = payload.replacen("{\"", "{ \"", 1);
    std::fs::write(
        &file,
        crate::common::forge_bundle(objects.len() as u64, payload.as_bytes()),
    )
    .expect("write");
    let before = store_snapshot(&b);
    let err = bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: object 0 (line 1) is refused: body is not in canonical form",
            file.display()
        )
    );
    assert_eq!(store_snapshot(&b), before);
}

#[test]
fn a_bundle_missing_referenced_objects_is_refused_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("orphan.bundle");
    let objects = article(7);
    // The mention and claim without their version and document.
    let mut payload = String::new();
    for o in &objects[2..] {
        payload.push_str(&o.body);
        payload.push('\n');
    }
    std::fs::write(&file, crate::common::forge_bundle(4, payload.as_bytes())).expect("write");
    let b = db(dir.path(), "b.db");
    let mut sb = Store::open(&b).expect("b");
    let err = bundle::apply(&mut sb, &file, false).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: object {}: refers to version {}, which is not stored (neither in the bundle \
             nor in this database); nothing was stored",
            file.display(),
            objects[3].id,
            objects[1].id
        )
    );
    assert_eq!(ids(&sb).len(), 0);
}

#[test]
fn the_documented_bundle_check_script_accepts_a_bundle_and_catches_a_flip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = two(dir.path());
    let file = dir.path().join("doc.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    let doc = std::fs::read_to_string("docs/bundle-format.md").expect("docs/bundle-format.md");
    let script = doc
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the python block");
    let path = dir.path().join("check.py");
    std::fs::write(&path, script).expect("write script");
    let run = |f: &Path| {
        std::process::Command::new("python3")
            .arg(&path)
            .arg(f)
            .output()
            .expect("python3 runs")
    };
    let ok = run(&file);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "1 19 objects ok\n");
    let mut bytes = std::fs::read(&file).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).expect("write");
    assert!(!run(&file).status.success());
}

proptest! {
    #[test]
    fn any_bytes_as_a_bundle_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut b = b"CLMSBNDL\0\0\0\x01".to_vec();
        b.extend_from_slice(&bytes);
        prop_assert!(bundle::parse(Path::new("x.bundle"), &b).is_err());
        prop_assert!(bundle::parse(Path::new("x.bundle"), &bytes).is_err());
    }
}
