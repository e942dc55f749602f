//! Opening: creation, migration, and every way a file can be unusable.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hookscope::store::{SCHEMA_VERSION, Store, StoreError};

fn user_version(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_file_is_private_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/deliveries.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(store.path(), Some(path.as_path()));
    store
        .insert_blocking(&hookscope_delivery())
        .expect("insert into a new store");
    // SQLite gives the WAL file the database's mode.
    assert_eq!(
        mode(&PathBuf::from(format!("{}-wal", path.display()))),
        0o600
    );
    drop(store);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let journal: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

fn hookscope_delivery() -> hookscope::model::Delivery {
    use hookscope::signature::{Status, Verification};
    hookscope::model::Delivery {
        id: "only".into(),
        received_at: chrono::Utc::now(),
        request: hookscope::model::Request::post("/", &[], b"{}"),
        findings: hookscope::model::Findings {
            provider: hookscope::model::ProviderId::UNKNOWN,
            detected_by: hookscope::model::DetectedBy::None,
            event: None,
            event_inferred: false,
            subject: None,
            verification: Verification::new(Status::Unsigned, "none", "Nothing to verify."),
        },
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

#[test]
fn an_empty_file_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    fs::write(&path, b"").unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.reader().unwrap().count().unwrap(), 0);
    drop(store);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE deliveries (seq INTEGER PRIMARY KEY); PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()) && msg.contains("99"),
        "{msg}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err:?}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_corrupt_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut fake_header = b"SQLite format 3\0".to_vec();
    fake_header.extend_from_slice(&garbage);
    for (name, bytes) in [("garbage.db", garbage.clone()), ("broken.db", fake_header)] {
        let path = dir.path().join(name);
        fs::write(&path, &bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::NotADatabase { .. }),
            "{name}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("is not a SQLite database"), "{msg}");
        assert_eq!(fs::read(&path).unwrap(), bytes, "{name} was modified");
        assert!(!dir.path().join(format!("{name}-wal")).exists());
    }
}

#[test]
fn a_locked_file_is_reported_promptly() {
    let dir = tempfile::tempdir().unwrap();
    // A store in WAL mode whose write lock someone else holds.
    let wal = dir.path().join("wal.db");
    drop(Store::open(&wal).unwrap());
    // A fresh rollback-journal database locked before we ever saw it.
    let fresh = dir.path().join("fresh.db");
    for path in [wal, fresh] {
        let holder = rusqlite::Connection::open(&path).unwrap();
        holder
            .execute_batch("BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock_probe (x);")
            .unwrap();
        let started = Instant::now();
        let err = Store::open(&path).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("store {} is locked by another process", path.display())
        );
        holder.execute_batch("ROLLBACK").unwrap();
    }
}

const CHILD_ENV: &str = "HOOKSCOPE_STORE_TEST_READ_ONLY_DIR";

/// Root may write anything, so as root the checks run in a child process as `nobody`.
#[test]
fn read_only_files_and_directories_are_refused() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        check_read_only(Path::new(&dir));
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let root = unsafe { libc::geteuid() } == 0;
    // A pass without the checks would claim what was not tested.
    assert!(
        !root || nobody_can_run_this_test(),
        "running as root, the checks run as uid 65534, who cannot reach this test binary: \
         run the tests as another user or from a directory uid 65534 can read"
    );

    let ro_file = base.join("ro-file/deliveries.db");
    drop(Store::open(&ro_file).unwrap());
    fs::set_permissions(&ro_file, fs::Permissions::from_mode(0o444)).unwrap();
    fs::set_permissions(ro_file.parent().unwrap(), fs::Permissions::from_mode(0o777)).unwrap();

    let ro_dir_file = base.join("ro-dir/deliveries.db");
    drop(Store::open(&ro_dir_file).unwrap());
    if root {
        std::os::unix::fs::chown(&ro_dir_file, Some(65534), Some(65534)).unwrap();
    }
    fs::set_permissions(
        ro_dir_file.parent().unwrap(),
        fs::Permissions::from_mode(0o555),
    )
    .unwrap();

    if root {
        use std::os::unix::process::CommandExt;
        fs::set_permissions(base, fs::Permissions::from_mode(0o755)).unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "read_only_files_and_directories_are_refused",
                "--nocapture",
            ])
            .env(CHILD_ENV, base)
            .uid(65534)
            .gid(65534)
            .output()
            .expect("run the check as nobody");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "child failed:\n{text}");
        assert!(text.contains("1 passed"), "child ran no test:\n{text}");
    } else {
        check_read_only(base);
    }
    fs::set_permissions(
        ro_dir_file.parent().unwrap(),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
}

fn check_read_only(base: &Path) {
    let ro_file = base.join("ro-file/deliveries.db");
    let before = fs::read(&ro_file).unwrap();
    let cases = [
        ro_file.clone(),
        base.join("ro-dir/deliveries.db"),
        base.join("ro-dir/new.db"),
    ];
    for path in &cases {
        let err = Store::open(path).unwrap_err();
        assert!(
            matches!(err, StoreError::NotWritable { .. }),
            "{}: {err:?}",
            path.display()
        );
        let msg = err.to_string();
        let prefix = format!("store {} is not writable: ", path.display());
        assert!(msg.starts_with(&prefix), "{msg}");
        assert!(msg.len() > prefix.len(), "{msg}");
    }
    assert_eq!(fs::read(&ro_file).unwrap(), before);
    assert!(!base.join("ro-dir/new.db").exists());
}

/// Whether uid 65534 can run this test binary (every directory on its path searchable).
fn nobody_can_run_this_test() -> bool {
    std::env::current_exe().is_ok_and(|exe| {
        exe.ancestors()
            .all(|p| fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
    })
}
