//! The real binary under abuse on loopback: many connections, slow clients, bodies at the
//! size limit, a long stream of deliveries, hostile nesting, a store that is unusable at
//! start or goes bad while running, and credentials that must not leak. Every loop is
//! bounded; timeouts are generous because the machine may be loaded, and no timing is a
//! pass criterion except "it still answers".

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use base64::Engine;
use common::*;

const IO_TIMEOUT: Duration = Duration::from_secs(60);
const SUBJECT: &str = "cand_12345678";

fn classet_config() -> String {
    format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n")
}

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client: exact control over what is sent and when.

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The same body sent with `Transfer-Encoding: chunked`, so no size is declared.
fn chunked_request(path: &str, body: &[u8], chunk: usize) -> Vec<u8> {
    let mut bytes =
        format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            .into_bytes();
    for part in body.chunks(chunk) {
        bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        bytes.extend_from_slice(part);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    bytes
}

fn read_answer(r: &mut impl BufRead) -> std::io::Result<Answer> {
    use std::io::{Error, ErrorKind};
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(Error::new(
            ErrorKind::UnexpectedEof,
            "closed before answering",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::new(ErrorKind::InvalidData, line.clone()))?;
    let mut len = 0;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(Error::new(
                ErrorKind::UnexpectedEof,
                "closed in the headers",
            ));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            len = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

/// One request on a connection of its own.
fn send(port: u16, bytes: &[u8]) -> Answer {
    let mut stream = connect(port).unwrap();
    stream.write_all(bytes).unwrap();
    read_answer(&mut BufReader::new(stream)).unwrap()
}

fn wait_for_lines(s: &Server, n: usize, within: Duration) {
    let deadline = Instant::now() + within;
    while s.lines.lock().unwrap().len() < n {
        assert!(
            Instant::now() < deadline,
            "{} of {n} lines after {within:?}; stderr: {:?}",
            s.lines.lock().unwrap().len(),
            s.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn count_rows(s: &Server, filter: &str) -> i64 {
    s.db()
        .query_row(
            &format!("SELECT count(*) FROM deliveries {filter}"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn no_panic(s: &Server) {
    let stderr = s.stderr.lock().unwrap();
    assert!(!stderr.iter().any(|l| l.contains("panicked")), "{stderr:?}");
}

/// Raises this process's open-file limit (inherited by the servers it starts) to at
/// least `needed`, or says why it cannot.
fn raise_fd_limit(needed: u64) -> Result<(), String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for the call to fill in.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if limit.rlim_cur >= needed {
        return Ok(());
    }
    if limit.rlim_max < needed {
        return Err(format!(
            "the hard open-file limit is {}, below the {needed} this test needs",
            limit.rlim_max
        ));
    }
    limit.rlim_cur = needed;
    // SAFETY: as above; only the soft limit changes, within the hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Load and slow clients.

#[test]
fn two_thousand_concurrent_connections_are_all_answered() {
    const CONNECTIONS: usize = 2000;
    const THREADS: usize = 8;
    if let Err(reason) = raise_fd_limit(CONNECTIONS as u64 + 1024) {
        eprintln!("skipped: {reason}");
        return;
    }
    let s = Server::start(&classet_config());
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    let req = Arc::new(request(
        "POST",
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &body,
    ));
    let all_open = Arc::new(Barrier::new(THREADS));
    let port = s.port;
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (req, all_open) = (req.clone(), all_open.clone());
            std::thread::spawn(move || {
                // Each request goes out as soon as its connection is open (an idle one would
                // meet the header timeout on a slow machine); no answer is read until every
                // connection of every thread is open.
                let streams: Vec<std::io::Result<TcpStream>> = (0..CONNECTIONS / THREADS)
                    .map(|_| {
                        let mut c = connect(port)?;
                        c.write_all(&req)?;
                        Ok(c)
                    })
                    .collect();
                all_open.wait();
                streams
                    .into_iter()
                    .map(|c| {
                        c.and_then(|c| read_answer(&mut BufReader::new(c)))
                            .map(|a| a.status)
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let statuses: Vec<Result<u16, String>> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let ok = statuses.iter().filter(|r| **r == Ok(200)).count();
    let failures: Vec<_> = statuses.iter().filter(|r| **r != Ok(200)).take(5).collect();
    assert_eq!(ok, CONNECTIONS, "first failures: {failures:?}");
    eprintln!("{CONNECTIONS} answers after {:?}", started.elapsed());

    wait_for_lines(&s, CONNECTIONS, Duration::from_secs(60));
    assert_eq!(count_rows(&s, ""), CONNECTIONS as i64);
    let (status, answer) = s.post("/classet", &[("x-classet-webhook-signature", &sig)], &body);
    assert_eq!(status, 200, "{answer}");
    no_panic(&s);
}

#[test]
fn slow_clients_neither_block_others_nor_stay_connected() {
    const SLOW: usize = 200;
    const SILENT: usize = 20;
    let s = Server::start("");
    let started = Instant::now();
    let mut hanging: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut c = connect(s.port).unwrap();
            c.write_all(b"POST /classet HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abc")
                .unwrap();
            c
        })
        .collect();
    // Connections that never send a byte at all.
    hanging.extend((0..SILENT).map(|_| connect(s.port).unwrap()));

    let asked = Instant::now();
    let (status, _) = s.post("/jobmojito", &[], b"{\"interview_id\":\"i1\"}");
    assert_eq!(status, 200);
    eprintln!(
        "a normal request was answered in {:?} beside {} hanging connections",
        asked.elapsed(),
        hanging.len()
    );

    // The header timeout is 10 s: every hanging connection is closed well within 25 s.
    let deadline = started + Duration::from_secs(25);
    let mut still_open = 0;
    for mut c in hanging {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(10));
        c.set_read_timeout(Some(left)).unwrap();
        let mut buf = [0u8; 1024];
        let closed = loop {
            match c.read(&mut buf) {
                Ok(0) => break true,
                // An error answer (408) before the close is fine.
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break false;
                }
                Err(_) => break true,
            }
        };
        if !closed {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "connections still open after 25 s");
    eprintln!(
        "all hanging connections closed after {:?}",
        started.elapsed()
    );
    // Nothing half-sent was recorded as a delivery, and the receiver still answers.
    assert_eq!(s.lines.lock().unwrap().len(), 1);
    let (status, _) = s.post("/jobmojito", &[], b"{}");
    assert_eq!(status, 200);
    no_panic(&s);
}

// ---------------------------------------------------------------------------------------
// Body sizes, volume, nesting.

#[test]
fn bodies_at_the_size_limit_get_200_or_413_and_are_recorded_with_their_size() {
    const LIMIT: usize = 1024;
    let s = Server::start(&format!("[server]\nmax_body_bytes = {LIMIT}\n"));
    let body = |n: usize| vec![b'x'; n];
    let cases: Vec<(&str, Vec<u8>, u16, usize)> = vec![
        (
            "declared, at the limit",
            request("POST", "/classet", &[], &body(LIMIT)),
            200,
            LIMIT,
        ),
        (
            "declared, one over",
            request("POST", "/classet", &[], &body(LIMIT + 1)),
            413,
            LIMIT + 1,
        ),
        (
            "chunked, at the limit",
            chunked_request("/classet", &body(LIMIT), 100),
            200,
            LIMIT,
        ),
        (
            "chunked, one over",
            chunked_request("/classet", &body(LIMIT + 1), 100),
            413,
            LIMIT + 1,
        ),
        (
            "chunked, far over",
            chunked_request("/classet", &body(300_000), 1000),
            413,
            300_000,
        ),
        (
            "declared, far over",
            request("POST", "/classet", &[], &body(2 * 1024 * 1024)),
            413,
            2 * 1024 * 1024,
        ),
    ];
    for (i, (what, bytes, status, size)) in cases.iter().enumerate() {
        let answer = send(s.port, bytes);
        assert_eq!(answer.status, *status, "{what}: {}", answer.body);
        let id = answer.json()["id"].as_str().unwrap().to_string();
        let line = s.line(i);
        assert_eq!(line["id"], id.as_str(), "{what}");
        assert_eq!(line["body_bytes"], *size, "{what}");
        assert_eq!(line["response"]["status"], *status, "{what}");
        let (body_bytes, truncated, stored): (i64, bool, Vec<u8>) = s
            .db()
            .query_row(
                "SELECT body_bytes, body_truncated, body FROM deliveries WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(body_bytes, *size as i64, "{what}");
        assert_eq!(truncated, *status == 413, "{what}");
        assert!(
            stored.len() <= *size && stored.iter().all(|b| *b == b'x'),
            "{what}"
        );
        if *status == 200 {
            assert_eq!(stored.len(), *size, "{what}");
        }
    }
    no_panic(&s);
}

#[test]
fn ten_thousand_deliveries_of_one_subject_are_all_stored() {
    const TOTAL: usize = 10_000;
    const THREADS: usize = 4;
    let s = Server::start(&classet_config());
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    let req = Arc::new(request(
        "POST",
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &body,
    ));
    let port = s.port;
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let req = req.clone();
            std::thread::spawn(move || {
                // One keep-alive connection per thread, requests one after another.
                let stream = connect(port).unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut ok = 0;
                for _ in 0..TOTAL / THREADS {
                    writer.write_all(&req).unwrap();
                    if read_answer(&mut reader).unwrap().status == 200 {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let ok: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(ok, TOTAL);
    wait_for_lines(&s, TOTAL, Duration::from_secs(60));
    let lines = s.lines.lock().unwrap().clone();
    assert_eq!(lines.len(), TOTAL);
    let mut ids = std::collections::HashSet::new();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["subject"], SUBJECT);
        assert_eq!(v["verification"]["status"], "verified");
        ids.insert(v["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), TOTAL);
    assert_eq!(
        count_rows(&s, &format!("WHERE subject = '{SUBJECT}'")),
        TOTAL as i64
    );
    let n: i64 = s
        .db()
        .query_row("SELECT n FROM delivery_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, TOTAL as i64);
    no_panic(&s);
}

#[test]
fn deeply_nested_json_on_every_route_is_answered_and_recorded() {
    let cfg = format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n\
         [providers.clearspeed]\napi_key = \"cs_key_1234\"\n[providers.brilliant]\nurl_key = \"br_key_1234\"\n\
         [providers.jobmojito]\nheader = \"x-jobmojito-token\"\nvalue = \"jm_value_1234\"\n"
    );
    let s = Server::start(&cfg);
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let objects = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)).into_bytes();
    let unclosed = "[".repeat(100_000).into_bytes();
    let ts_sig = format!("t={},v1={}", now(), "ab".repeat(32));
    let routes: [(&str, Vec<(&str, &str)>); 7] = [
        ("/talentsprout", vec![("x-talentsprout-signature", &ts_sig)]),
        ("/classet", vec![("x-classet-webhook-signature", "AAAA")]),
        ("/clearspeed", vec![("x-api-key", "wrong")]),
        ("/brilliant/other_key", vec![]),
        ("/jobmojito", vec![("x-jobmojito-token", "wrong")]),
        ("/jobmojito/interview_result", vec![]),
        ("/anything/else", vec![("authorization", "Bearer x.y.z")]),
    ];
    let mut n = 0;
    for (path, headers) in &routes {
        for body in [&arrays, &objects, &unclosed] {
            let answer = send(s.port, &request("POST", path, headers, body));
            assert_eq!(answer.status, 200, "{path}: {}", answer.body);
            let line = s.line(n);
            assert_eq!(line["body_bytes"], body.len(), "{path}");
            n += 1;
        }
    }
    assert_eq!(count_rows(&s, ""), n as i64);
    let (status, _) = s.post("/classet", &[], b"{}");
    assert_eq!(status, 200);
    no_panic(&s);
}

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
    if root && !nobody_can_run_the_binary() {
        eprintln!(
            "skipped: running as root, and uid {NOBODY} cannot reach {} to run it unprivileged",
            bin()
        );
        return;
    }
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
    let fs = match Tmpfs::mount("8m") {
        Ok(fs) => fs,
        Err(reason) => {
            eprintln!("skipped: cannot mount a small tmpfs to fill ({reason})");
            return;
        }
    };
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

// ---------------------------------------------------------------------------------------
// Credentials and exposure.

const SECRETS: [(&str, &str); 10] = [
    ("talentsprout.secret", TS_SECRET),
    ("classet.secret", CL_SECRET),
    ("classet.api_key", "cl_legacy_SECRET_4711"),
    ("clearspeed.api_key", "cs_api_SECRET_0815"),
    ("clearspeed.bearer_token", "cs_bearer_SECRET_2342"),
    ("clearspeed.jwt_secret", "cs_jwt_SECRET_9999_long_enough"),
    ("clearspeed.client_secret", "cs_client_SECRET_1337"),
    // Characters that a URL carries percent-encoded.
    ("brilliant.url_key", "br+url=SECRET/6174"),
    ("brilliant.api_key", "br_api_SECRET_2718"),
    ("jobmojito.value", "jm_value_SECRET_1618"),
];

fn secret(name: &str) -> &'static str {
    SECRETS.iter().find(|(n, _)| *n == name).unwrap().1
}

fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hs256_jwt(key: &str, claims: &serde_json::Value) -> String {
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signing_input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        b64.encode(mac.finalize().into_bytes())
    )
}

fn all_secrets_config() -> String {
    let mut cfg = String::new();
    let mut section = "";
    for (name, value) in SECRETS {
        let (provider, key) = name.split_once('.').unwrap();
        if provider != section {
            cfg.push_str(&format!("[providers.{provider}]\n"));
            section = provider;
        }
        cfg.push_str(&format!("{key} = \"{value}\"\n"));
        match name {
            "clearspeed.api_key" => cfg.push_str("client_id = \"hookscope-test\"\n"),
            "jobmojito.value" => cfg.push_str("header = \"x-jobmojito-token\"\n"),
            _ => {}
        }
    }
    cfg
}

#[test]
fn configured_secrets_appear_in_no_output_store_export_or_log() {
    let s = Server::start_opts(
        &all_secrets_config(),
        Options {
            env: vec![("HOOKSCOPE_LOG".into(), "debug".into())],
            ..Options::default()
        },
        &[],
    );
    let t = now();
    let ts_body = compact("talentsprout/interview_completed.json");
    let cl_body = compact("classet/candidate_interview_updated.json");
    let cs_body = compact("clearspeed/result_published.json");
    let br_body = compact("brilliant/response_completed.json");
    let jm_body = compact("jobmojito/interview_collected.json");
    let jwt = hs256_jwt(
        secret("clearspeed.jwt_secret"),
        &serde_json::json!({"iss": "clearspeed", "exp": t + 600}),
    );
    let url_key = secret("brilliant.url_key");
    let encoded_key = percent_encoded(url_key);
    let bearer = format!("Bearer {}", secret("clearspeed.bearer_token"));
    let jwt_bearer = format!("Bearer {jwt}");
    // (path and query, headers, body, expected verification status)
    type Sent<'a> = (String, Vec<(&'a str, String)>, &'a [u8], &'a str);
    let deliveries: Vec<Sent> = vec![
        (
            "/talentsprout".into(),
            vec![(
                "x-talentsprout-signature",
                talentsprout_header(TS_SECRET, t, &ts_body),
            )],
            &ts_body,
            "verified",
        ),
        (
            "/classet".into(),
            vec![(
                "x-classet-webhook-signature",
                classet_header(CL_SECRET, &cl_body),
            )],
            &cl_body,
            "verified",
        ),
        (
            "/classet".into(),
            vec![("x-classet-key", secret("classet.api_key").to_string())],
            &cl_body,
            "failed",
        ),
        (
            "/clearspeed".into(),
            vec![("x-api-key", secret("clearspeed.api_key").to_string())],
            &cs_body,
            "verified",
        ),
        (
            "/clearspeed".into(),
            vec![("authorization", bearer)],
            &cs_body,
            "verified",
        ),
        (
            "/clearspeed".into(),
            vec![("authorization", jwt_bearer)],
            &cs_body,
            "verified",
        ),
        (
            format!("/brilliant?key={encoded_key}"),
            vec![],
            &br_body,
            "verified",
        ),
        (
            format!("/brilliant/{encoded_key}"),
            vec![],
            &br_body,
            "verified",
        ),
        (
            "/jobmojito".into(),
            vec![("x-jobmojito-token", secret("jobmojito.value").to_string())],
            &jm_body,
            "verified",
        ),
        (
            // A credential under a header nobody configured is still recognised.
            "/hooks/other".into(),
            vec![("x-custom-auth", secret("clearspeed.api_key").to_string())],
            b"{}",
            "unsigned",
        ),
    ];
    for (i, (path, headers, body, status)) in deliveries.iter().enumerate() {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let (code, answer) = s.post(path, &headers, body);
        assert_eq!(code, 200, "{path}: {answer}");
        assert_eq!(
            s.line(i)["verification"]["status"],
            *status,
            "{path}: {}",
            s.line(i)
        );
    }
    // The token endpoint takes the client secret; it is no delivery and must not be logged.
    let token = send(s.port, &{
        let form = format!(
            "grant_type=client_credentials&client_id=hookscope-test&client_secret={}",
            percent_encoded(secret("clearspeed.client_secret"))
        );
        let mut r = format!(
            "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            form.len()
        )
        .into_bytes();
        r.extend_from_slice(form.as_bytes());
        r
    });
    assert_eq!(token.status, 200, "{}", token.body);
    wait_for_lines(&s, deliveries.len(), Duration::from_secs(20));

    // The store and its WAL are private to the user.
    use std::os::unix::fs::PermissionsExt;
    let mut places: Vec<(String, Vec<u8>)> = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", s.db.display()));
        if let Ok(meta) = std::fs::metadata(&file) {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{}",
                file.display()
            );
            places.push((file.display().to_string(), std::fs::read(&file).unwrap()));
        }
    }
    for format in ["ndjson", "har"] {
        let out = Command::new(bin())
            .args(["export", "--format", format, "--store"])
            .arg(&s.db)
            .env("HOME", s.dir.path())
            .env("XDG_DATA_HOME", s.dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
        places.push((format!("export --format {format}"), out.stdout));
    }

    // A request that cannot be parsed is logged (at debug), credential and all in the bytes.
    let mut garbled = connect(s.port).unwrap();
    garbled
        .write_all(
            format!(
                "POST /clearspeed HTTP/1.1\r\nx-api-key: {}\r\nbroken header line\r\n\r\n",
                secret("clearspeed.api_key")
            )
            .as_bytes(),
        )
        .unwrap();
    let mut sink = Vec::new();
    let _ = garbled.read_to_end(&mut sink);

    // A graceful stop flushes the log.
    let pid = s.child.id() as libc::pid_t;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut s = s;
    while s.child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = s.dir.path().join("data/hookscope/hookscope.log");
    let log_text = std::fs::read(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert!(!log_text.is_empty(), "the debug log is empty");
    places.push(("the log file".into(), log_text));
    places.push(("stdout".into(), s.all_stdout().into_bytes()));
    places.push((
        "stderr".into(),
        s.stderr.lock().unwrap().join("\n").into_bytes(),
    ));
    let db_after: Vec<u8> = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", s.db.display())).ok())
        .flatten()
        .collect();
    places.push(("the store after exit".into(), db_after));

    for (name, value) in SECRETS {
        let forms = [value.to_string(), percent_encoded(value)];
        for (place, bytes) in &places {
            let text = String::from_utf8_lossy(bytes);
            for form in &forms {
                assert!(
                    !text.contains(form.as_str()),
                    "providers.{name} ({form}) appears in {place}"
                );
            }
        }
    }
}

#[test]
fn binding_every_interface_prints_a_warning() {
    let s = Server::start_with("", &["--addr", "0.0.0.0:0"]);
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("warning") && stderr.contains("reachable from other machines"),
        "{stderr}"
    );
    // Reached over loopback only.
    let (status, _) = s.post("/classet", &[], b"{}");
    assert_eq!(status, 200);
    let quiet = Server::start("");
    assert!(
        !quiet.stderr.lock().unwrap().join("\n").contains("warning"),
        "a loopback bind warns"
    );
}
