//! A burst that the receiver journals: every acknowledged delivery survives kill -9 and
//! is read by the next command that opens the store.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;

fn pending_folder(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.file_name().unwrap().to_os_string();
    name.push(".pending");
    db.with_file_name(name)
}

fn segments(folder: &std::path::Path) -> usize {
    std::fs::read_dir(folder).map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "seg"))
            .count()
    })
}

#[test]
fn sigkill_in_a_journaled_burst_loses_no_acknowledged_delivery() {
    let s = Server::start(&format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n"));
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    let acked = Acked::default();
    let stop = Arc::new(AtomicBool::new(false));
    // Enough senders at once that deliveries queue faster than they are committed.
    let workers: Vec<_> = (0..48)
        .map(|_| {
            classet_sender(
                s.url("/classet"),
                body.clone(),
                sig.clone(),
                acked.clone(),
                stop.clone(),
                usize::MAX,
            )
        })
        .collect();
    let folder = pending_folder(&s.db);
    let deadline = Instant::now() + Duration::from_secs(120);
    while (acked.lock().unwrap().len() < 2_000 || segments(&folder) == 0)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let journaled = segments(&folder) > 0;
    unsafe { libc::kill(s.child.id() as i32, libc::SIGKILL) };
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert!(journaled, "the burst never reached the journal");
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 2_000, "only {} acknowledged", acked.len());
    assert!(segments(&folder) > 0, "the killed receiver left no journal");

    let out = export(&s.db, s.dir.path(), "ndjson");
    let mut exported: HashMap<String, usize> = HashMap::new();
    for line in String::from_utf8(out).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *exported
            .entry(v["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let missing = acked
        .iter()
        .filter(|id| !exported.contains_key(*id))
        .count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} acknowledged deliveries missing",
        acked.len()
    );
    assert!(
        exported.values().all(|&n| n == 1),
        "a delivery exported twice"
    );
    assert_eq!(segments(&folder), 0, "export filed the journal first");
    let n: i64 = s
        .db()
        .query_row("SELECT count(DISTINCT id) FROM deliveries", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n as usize, exported.len());
}
