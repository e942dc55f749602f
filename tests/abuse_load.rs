//! The real binary under abuse on loopback: many connections, slow clients, bodies at the
//! size limit, a long stream of deliveries and hostile nesting. Every loop is bounded;
//! timeouts are generous because the machine may be loaded, and no timing is a pass
//! criterion except "it still answers".

mod abuse_support;
mod common;

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use abuse_support::*;
use common::*;

// ---------------------------------------------------------------------------------------
// Load and slow clients.

#[test]
fn two_thousand_concurrent_connections_are_all_answered() {
    const CONNECTIONS: usize = 2000;
    const THREADS: usize = 8;
    // A low hard limit means the subject cannot be run: that is a failure, not a pass.
    if let Err(reason) = raise_fd_limit(CONNECTIONS as u64 + 1024) {
        panic!("cannot open {CONNECTIONS} connections: {reason}");
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
    assert_eq!(
        rows_once_filed(&s, "", CONNECTIONS as i64),
        CONNECTIONS as i64
    );
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
        rows_once_filed(&s, &format!("WHERE subject = '{SUBJECT}'"), TOTAL as i64),
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
