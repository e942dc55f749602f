//! The real binary with a store that is unusable at start (corrupt, locked, read-only) or
//! goes bad while it runs (locked, stderr gone, disk full): a clear error naming the file,
//! and a receiver that keeps answering with what it promises.

mod abuse_support;
mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use abuse_support::*;
use common::*;

// ---------------------------------------------------------------------------------------
// The store: unusable at start.

/// Runs `listen` on a free loopback port until it exits (it should, promptly).
fn run_listen(store: &Path, as_nobody: bool) -> Output {
    let dir = store.parent().unwrap();
    let mut cmd = Command::new(bin());
    cmd.args(["listen", "--headless", "--addr", "127.0.0.1:0", "--store"])
        .arg(store)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if as_nobody {
        use std::os::unix::process::CommandExt;
        cmd.uid(NOBODY).gid(NOBODY);
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "listen kept running on an unusable store; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

const NOBODY: u32 = 65534;

fn assert_refused(out: &Output, store: &Path, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "listen succeeded: {stderr}");
    assert!(
        stderr.contains(&store.display().to_string()),
        "the message names the file: {stderr}"
    );
    assert!(stderr.contains(words), "expected {words:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_corrupt_store_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Pseudo-random garbage, and garbage behind a valid SQLite magic string.
    let mut garbage: Vec<u8> = (0u32..16_384)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut with_magic = b"SQLite format 3\0".to_vec();
    with_magic.extend_from_slice(&garbage[..8192]);
    garbage[0] = b'G';
    for (name, bytes) in [("garbage.db", &garbage), ("magic.db", &with_magic)] {
        let store = dir.path().join(name);
        std::fs::write(&store, bytes).unwrap();
        let out = run_listen(&store, false);
        assert_refused(&out, &store, "not a SQLite database");
        assert_eq!(&std::fs::read(&store).unwrap(), bytes, "{name} was changed");
        for extra in ["-wal", "-shm", "-journal"] {
            let side = PathBuf::from(format!("{}{extra}", store.display()));
            assert!(!side.exists(), "{} was created", side.display());
        }
    }
}

#[test]
fn a_store_locked_by_another_process_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // A fresh file, and a hookscope store in WAL mode (made by a first run).
    let fresh = dir.path().join("fresh.db");
    std::fs::write(&fresh, b"").unwrap();
    let wal = dir.path().join("wal.db");
    {
        let s = Server::start_opts(
            "",
            Options {
                store: Some(wal.clone()),
                ..Options::default()
            },
            &[],
        );
        s.post("/classet", &[], b"{}");
    }
    for store in [&fresh, &wal] {
        let holder = rusqlite::Connection::open(store).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let out = run_listen(store, false);
        assert_refused(&out, store, "locked by another process");
        holder.execute_batch("ROLLBACK").unwrap();
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether `nobody` can run the binary at all (every directory on its path searchable).
fn nobody_can_run_the_binary() -> bool {
    use std::os::unix::fs::PermissionsExt;
    Path::new(bin())
        .ancestors()
        .all(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

#[test]
fn a_read_only_store_or_directory_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = is_root();
    assert!(
        !root || nobody_can_run_the_binary(),
        "running as root, the binary runs as uid {NOBODY}, who cannot reach {}: run the \
         tests as another user or from a directory uid {NOBODY} can read",
        bin()
    );
    // As root, permissions do not stop writes: the binary runs as nobody instead.
    let (file_mode, dir_mode) = if root { (0o644, 0o755) } else { (0o444, 0o555) };

    // A file that cannot be written.
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    let store = files.join("readonly.db");
    std::fs::write(&store, b"").unwrap();
    chmod(&store, file_mode);
    chmod(&files, 0o755);
    chmod(dir.path(), 0o755);
    let out = run_listen(&store, root);
    assert_refused(&out, &store, "not writable");

    // A writable file in a directory where the WAL files cannot be created.
    let locked_dir = dir.path().join("locked");
    std::fs::create_dir(&locked_dir).unwrap();
    let store = locked_dir.join("deliveries.db");
    std::fs::write(&store, b"").unwrap();
    chmod(&store, 0o666);
    chmod(&locked_dir, dir_mode);
    let out = run_listen(&store, root);
    assert_refused(&out, &store, "not writable");

    // A store that does not exist yet, in that directory.
    let missing = locked_dir.join("new.db");
    let out = run_listen(&missing, root);
    assert_refused(&out, &missing, "not writable");
    assert!(!missing.exists());
    chmod(&locked_dir, 0o755);
}

// ---------------------------------------------------------------------------------------
// The store going bad while the receiver runs.

#[test]
fn a_store_locked_while_running_gets_503_then_recovers() {
    let s = Server::start(&classet_config());
    let body = compact("classet/candidate_interview_updated.json");
    let (status, _) = s.post("/classet", &[], &body);
    assert_eq!(status, 200);

    let holder = s.db();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, answer) = s.post("/classet", &[], &body);
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("locked by another process"), "{answer}");
    // Pages that need no store still answer meanwhile.
    let page = send(s.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(page.status, 200);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    let (status, answer) = s.post("/classet", &[], &body);
    assert_eq!(status, 200, "{answer}");
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("could not store delivery") && stderr.contains("locked"),
        "{stderr}"
    );
    assert_eq!(count_rows(&s, ""), 2);
    no_panic(&s);
}

/// Kills the child when dropped, so that a failed assertion leaves no server behind.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_store_failure_is_answered_even_when_stderr_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("deliveries.db");
    let mut child = Running(
        Command::new(bin())
            .args(["listen", "--headless", "--addr", "127.0.0.1:0", "--store"])
            .arg(&store)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    let port: u16 = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no listening line"
        );
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let addr = rest.split_whitespace().next().unwrap();
            break addr.rsplit(':').next().unwrap().parse().unwrap();
        }
    };
    // Whoever read our stderr has gone (a closed pipe, as after `| head`).
    drop(stderr);

    let holder = rusqlite::Connection::open(&store).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let answer = send(port, &request("POST", "/classet", &[], b"{}"));
    assert_eq!(answer.status, 503, "{}", answer.body);
    holder.execute_batch("ROLLBACK").unwrap();
    let answer = send(port, &request("POST", "/classet", &[], b"{}"));
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// A small tmpfs, unmounted (lazily, in case something still holds it) when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes zeros until the file system is full.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0;
    loop {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    // Whatever still fits in smaller pieces.
    while f.write(&chunk[..512]).is_ok_and(|n| n > 0) {}
    let _ = f.sync_all();
    written
}

#[test]
fn a_full_disk_gets_503_with_a_message_and_the_receiver_keeps_answering() {
    // A pass without a disk to fill would claim what was not tested.
    let fs = Tmpfs::mount("8m").unwrap_or_else(|reason| {
        panic!("this test needs a small tmpfs to fill (run as root): {reason}")
    });
    let store = fs.path().join("deliveries.db");
    let s = Server::start_opts(
        &classet_config(),
        Options {
            store: Some(store.clone()),
            ..Options::default()
        },
        &[],
    );
    let (status, _) = s.post("/classet", &[], b"{\"before\":true}");
    assert_eq!(status, 200);

    let filler = fs.path().join("filler");
    fill(&filler);
    // Each body needs new WAL pages, which no longer fit.
    let big = format!("{{\"pad\":\"{}\"}}", "p".repeat(256 * 1024));
    let mut full = None;
    for _ in 0..10 {
        let (status, answer) = s.post("/classet", &[], big.as_bytes());
        if status == 503 {
            full = Some(answer);
            break;
        }
        assert_eq!(status, 200, "{answer}");
    }
    let answer = full.expect("a full disk never turned into a 503");
    assert!(answer.contains("could not store the delivery"), "{answer}");
    assert!(answer.contains("full"), "{answer}");

    // Still answering: a status page, and more deliveries (503 each) while the disk is full.
    let page = send(s.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(page.status, 200);
    for _ in 0..3 {
        let (status, answer) = s.post("/classet", &[], big.as_bytes());
        assert_eq!(status, 503, "{answer}");
    }
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("could not store delivery") && stderr.contains("full"),
        "{stderr}"
    );
    assert!(stderr.contains(&store.display().to_string()), "{stderr}");

    // Space again: deliveries are stored again.
    std::fs::remove_file(&filler).unwrap();
    let (status, answer) = s.post("/classet", &[], big.as_bytes());
    assert_eq!(status, 200, "{answer}");
    let (status, _) = s.post("/classet", &[], b"{\"after\":true}");
    assert_eq!(status, 200);
    assert_eq!(
        count_rows(&s, "WHERE response_status = 200"),
        count_rows(&s, "")
    );
    no_panic(&s);
    drop(s);
}
