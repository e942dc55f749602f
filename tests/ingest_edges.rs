//! The receiver's edges on loopback: clients that leave or half-close, shutdown, a store
//! file deleted under it, limits on connections and bytes, a stalled stdout, forwarding
//! loops, and protocol details. Every loop is bounded; no timing is a pass criterion
//! except generous upper bounds.

mod abuse_support;
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use abuse_support::*;
use common::*;

/// The head (status line and headers, lower-cased) and body of one raw answer.
fn read_raw(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut r = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (head, body)
}

fn status_of(head: &str) -> u16 {
    head.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn delay_config(ms: u64) -> String {
    format!("{}[response]\ndelay_ms = {ms}\n", classet_config())
}

fn signed() -> (Vec<u8>, String) {
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    (body, sig)
}

/// Closes with a reset, as a client that gives up does when data is still unread.
fn reset(stream: TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a `linger` of the size given, for the duration of the call.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    drop(stream);
}

fn statuses(s: &Server) -> Vec<i64> {
    let db = s.db();
    let mut q = db
        .prepare("SELECT response_status FROM deliveries ORDER BY seq")
        .unwrap();
    q.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "not {what} within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------
// Every complete request recorded once, with the answer actually sent.

#[test]
fn clients_that_leave_before_the_answer_are_recorded_as_left_and_printed() {
    const CLIENTS: usize = 5;
    let s = Server::start(&delay_config(1500));
    let (body, sig) = signed();
    let req = request(
        "POST",
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &body,
    );
    let streams: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let mut c = connect(s.port).unwrap();
            c.write_all(&req).unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    streams.into_iter().for_each(reset);
    wait_for_lines(&s, CLIENTS, Duration::from_secs(30));
    let lines: Vec<serde_json::Value> = (0..CLIENTS).map(|i| s.line(i)).collect();
    assert!(
        lines.iter().all(|l| l["response"]["status"] == 499),
        "{lines:?}"
    );
    wait_until("all rows at 499", Duration::from_secs(10), || {
        statuses(&s) == vec![499; CLIENTS]
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.lines.lock().unwrap().len(), CLIENTS);
    no_panic(&s);
}

#[test]
fn half_closed_complete_requests_are_answered_recorded_and_printed() {
    const CLIENTS: usize = 40;
    let s = Server::start(&classet_config());
    let (body, sig) = signed();
    let req = request(
        "POST",
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &body,
    );
    let answers: Vec<u16> = (0..CLIENTS)
        .map(|_| {
            let mut c = connect(s.port).unwrap();
            c.write_all(&req).unwrap();
            c.shutdown(Shutdown::Write).unwrap();
            status_of(&read_raw(&mut c).0)
        })
        .collect();
    assert_eq!(answers, vec![200; CLIENTS]);
    wait_for_lines(&s, CLIENTS, Duration::from_secs(30));
    assert_eq!(statuses(&s), vec![200; CLIENTS]);
}

#[test]
fn sigterm_answers_the_requests_in_flight_records_them_and_exits() {
    const CLIENTS: usize = 3;
    let mut s = Server::start(&delay_config(20_000));
    let (body, sig) = signed();
    let req = request(
        "POST",
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &body,
    );
    let mut streams: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let mut c = connect(s.port).unwrap();
            c.write_all(&req).unwrap();
            c
        })
        .collect();
    wait_until("committed", Duration::from_secs(20), || {
        count_rows(&s, "") == CLIENTS as i64
    });
    // SAFETY: a plain signal to our own child process.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGTERM) }, 0);
    let started = Instant::now();
    for c in &mut streams {
        assert_eq!(status_of(&read_raw(c).0), 200);
    }
    wait_until("exited", Duration::from_secs(20), || {
        s.child.try_wait().unwrap().is_some()
    });
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(s.child.try_wait().unwrap().unwrap().success());
    wait_for_lines(&s, CLIENTS, Duration::from_secs(5));
    assert_eq!(statuses(&s), vec![200; CLIENTS]);
    assert!(connect(s.port).is_err(), "still accepting after SIGTERM");
}

#[test]
fn a_store_file_deleted_while_listening_is_noticed_and_deliveries_get_503() {
    let s = Server::start(&classet_config());
    let (body, sig) = signed();
    let headers = [("x-classet-webhook-signature", sig.as_str())];
    assert_eq!(s.post("/classet", &headers, &body).0, 200);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", s.db.display()));
    }
    std::thread::sleep(Duration::from_millis(1200));
    let (status, answer) = s.post("/classet", &headers, &body);
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("deleted or replaced"), "{answer}");
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(stderr.contains("was deleted or replaced"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Bounded memory.

fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    kib / 1024
}

#[test]
fn a_stalled_stdout_holds_lines_not_deliveries() {
    const DELIVERIES: usize = 300;
    let s = Server::start_opts(
        "",
        Options {
            stdout_unread: true,
            ..Options::default()
        },
        &[],
    );
    let body = vec![b'x'; 1024 * 1024];
    let req = request("POST", "/upload", &[], &body);
    for _ in 0..DELIVERIES {
        assert_eq!(send(s.port, &req).status, 200);
    }
    let rss = rss_mib(s.child.id());
    assert!(rss < 256, "{rss} MiB resident after {DELIVERIES} x 1 MiB");
    assert_eq!(count_rows(&s, ""), DELIVERIES as i64);
}

#[test]
fn connections_past_max_connections_get_503_with_retry_after() {
    let s = Server::start("[server]\nmax_connections = 4\n");
    let idle: Vec<TcpStream> = (0..4).map(|_| connect(s.port).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = connect(s.port).unwrap();
    extra.write_all(&request("POST", "/x", &[], b"{}")).unwrap();
    let (head, _) = read_raw(&mut extra);
    assert_eq!(status_of(&head), 503, "{head}");
    assert!(head.contains("retry-after:"), "{head}");
    drop(idle);
    wait_until("answering again", Duration::from_secs(10), || {
        let mut c = connect(s.port).unwrap();
        c.write_all(&request("POST", "/x", &[], b"{}")).unwrap();
        status_of(&read_raw(&mut c).0) == 200
    });
}

#[test]
fn bodies_past_max_inflight_bytes_get_503_while_small_ones_still_pass() {
    let s = Server::start("[server]\nmax_inflight_bytes = 1048576\n");
    let big = 900 * 1024;
    let head = format!(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: {big}\r\n\r\n{}",
        "x".repeat(1000)
    );
    // A stalled upload holds its declared size.
    let mut stalled = connect(s.port).unwrap();
    stalled.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut second = connect(s.port).unwrap();
    second.write_all(head.as_bytes()).unwrap();
    let (answer, _) = read_raw(&mut second);
    assert_eq!(status_of(&answer), 503, "{answer}");
    assert!(answer.contains("retry-after:"), "{answer}");
    let started = Instant::now();
    assert_eq!(s.post("/classet", &[], b"{\"small\":true}").0, 200);
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(stalled);
}

// ---------------------------------------------------------------------------------------
// Forwarding.

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_forward_loop_between_two_receivers_is_cut_at_once() {
    let (a, b) = (free_port(), free_port());
    let start = |port: u16, to: u16| {
        let addr = format!("127.0.0.1:{port}");
        let target = format!("http://127.0.0.1:{to}");
        Server::start_with("", &["--addr", &addr, "--forward-to", &target])
    };
    let sa = start(a, b);
    let sb = start(b, a);
    let (status, _) = sa.post("/x", &[], b"{\"loop\":1}");
    assert_eq!(status, 200);
    std::thread::sleep(Duration::from_secs(3));
    let (ra, rb) = (count_rows(&sa, ""), count_rows(&sb, ""));
    assert!(ra <= 2 && rb <= 2, "{ra} and {rb} rows from one delivery");
    assert!(ra >= 1 && rb >= 1, "{ra} and {rb}");
}

#[test]
fn forwarding_to_the_listen_address_is_refused() {
    let port = free_port();
    let out = std::process::Command::new(bin())
        .args(["listen", "--headless", "--no-store", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--forward-to")
        .arg(format!("http://localhost:{port}/hooks"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("itself"), "{err}");
}

#[test]
fn only_the_kept_prefix_of_a_huge_app_answer_is_read() {
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app_port = app.local_addr().unwrap().port();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        for mut c in app.incoming().map_while(Result::ok) {
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = c.read(&mut buf);
                let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n");
                let chunk = vec![b'a'; 65536];
                // Endless for practical purposes; stops when the reader hangs up.
                for _ in 0..30_000 {
                    if c.write_all(&chunk).is_err() {
                        return;
                    }
                    counter.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    let target = format!("http://127.0.0.1:{app_port}");
    let s = Server::start_with("", &["--forward-to", &target]);
    assert_eq!(s.post("/x", &[], b"{}").0, 200);
    let line = s.line(0);
    assert_eq!(line["forward"]["status"], 200, "{line}");
    assert_eq!(line["forward"]["body"].as_str().unwrap().len(), 4096);
    std::thread::sleep(Duration::from_millis(500));
    let written = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(written < 64 << 20, "the app got to write {written} bytes");
}

// ---------------------------------------------------------------------------------------
// Protocol details.

#[test]
fn expect_continue_over_the_limit_gets_413_without_100() {
    let s = Server::start("[server]\nmax_body_bytes = 1000\n");
    let mut c = connect(s.port).unwrap();
    c.write_all(
        b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n",
    )
    .unwrap();
    let (head, _) = read_raw(&mut c);
    assert_eq!(status_of(&head), 413, "{head}");
    wait_for_lines(&s, 1, Duration::from_secs(10));
    assert_eq!(s.line(0)["response"]["status"], 413);
}

#[test]
fn malformed_chunked_framing_is_400_not_408() {
    let s = Server::start("");
    let mut c = connect(s.port).unwrap();
    c.write_all(b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
        .unwrap();
    let (head, _) = read_raw(&mut c);
    assert_eq!(status_of(&head), 400, "{head}");
}

#[test]
fn answers_204_and_304_carry_no_body_and_no_content_length() {
    for status in [204, 304] {
        let s = Server::start(&format!("[response]\nstatus = {status}\n"));
        let mut c = connect(s.port).unwrap();
        c.write_all(&request("POST", "/x", &[], b"{}")).unwrap();
        let (head, body) = read_raw(&mut c);
        assert_eq!(status_of(&head), status, "{head}");
        assert!(!head.contains("content-length"), "{head}");
        assert!(!head.contains("content-type"), "{head}");
        assert!(body.is_empty());
    }
}

#[test]
fn get_and_put_on_the_token_path_are_recorded() {
    let s = Server::start("");
    for method in ["GET", "PUT"] {
        let a = send(s.port, &request(method, "/oauth/token", &[], b""));
        assert_eq!(a.status, 200, "{method}: {}", a.body);
    }
    wait_for_lines(&s, 2, Duration::from_secs(10));
    assert_eq!(count_rows(&s, "WHERE path = '/oauth/token'"), 2);
}
