//! The benchmarks' store in PostgreSQL (`HOOKSCOPE_BENCH_PG=postgres://…` of an empty
//! database, or one this generated before): the very deliveries of the SQLite store
//! (same bodies, ids, providers, statuses), streamed in with one `COPY` instead of a
//! million round trips. The free-text column is filled as hookscope fills it (each
//! distinct case-folded word of the body, hex-encoded; the bodies are ASCII); its GIN
//! index is built once after the load rather than row by row.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use hookscope::store::Store;

use super::{EVENTS, HINTS, Lcg, PROVIDERS, STATUSES, body, subject};

/// The database to measure, when one is named.
pub fn url() -> Option<String> {
    std::env::var("HOOKSCOPE_BENCH_PG").ok()
}

/// The database of `n` deliveries at `url`, generating them when it holds none.
pub fn store(url: &str, n: u64) -> PathBuf {
    let path = PathBuf::from(url);
    // hookscope creates its tables (and migrates them) as it would for a receiver.
    drop(Store::open(&path).expect("open the database"));
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let have: i64 = c
        .query_one("SELECT count(*) FROM deliveries", &[])
        .expect("count")
        .get(0);
    if have as u64 == n {
        return path;
    }
    assert_eq!(have, 0, "{url} holds {have} deliveries, not {n}");
    let t = Instant::now();
    eprintln!("generating {n} deliveries in {url} …");
    // The GIN indexes as hookscope defined them, dropped for the load and built again.
    let gin: Vec<(String, String)> = c
        .query(
            "SELECT indexname, indexdef FROM pg_indexes \
             WHERE tablename = 'deliveries' AND indexdef LIKE '%USING gin%'",
            &[],
        )
        .expect("indexes")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (name, _) in &gin {
        c.batch_execute(&format!("DROP INDEX {name}"))
            .expect("drop index");
    }
    copy(&mut c, n);
    eprintln!("copied in {:.1} s; indexing …", t.elapsed().as_secs_f64());
    c.batch_execute("SET maintenance_work_mem = '512MB'")
        .expect("set");
    for (_, def) in &gin {
        c.batch_execute(def).expect("create index");
    }
    // As a long-running database would be: statistics known, visibility map set.
    c.batch_execute("VACUUM ANALYZE deliveries")
        .expect("vacuum");
    eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    path
}

fn copy(c: &mut postgres::Client, n: u64) {
    let mut w = c
        .copy_in(
            "COPY deliveries (seq, id, received_at, method, path, headers, body, body_bytes, \
             peer, provider, detected_by, event, subject, verification_status, \
             verification_scheme, verification_hint, verification_detail, response_status, \
             body_status_known, words) FROM STDIN",
        )
        .expect("copy");
    let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let mut rng = Lcg(42);
    let mut line = String::new();
    for i in 0..n {
        let p = (i % 5) as usize;
        let body = body(i, &mut rng);
        let at = (base + chrono::Duration::seconds(i as i64)).to_rfc3339();
        line.clear();
        // Text COPY: the body as bytea hex (its backslash escaped); no field holds a
        // tab, newline or backslash.
        let _ = write!(
            line,
            "{seq}\tbench-{i:012}\t{at}\tPOST\t/{provider}\t[[\"content-type\",\"application/json\"]]\t\\\\x",
            seq = i + 1,
            provider = PROVIDERS[p],
        );
        for b in body.bytes() {
            let _ = write!(line, "{b:02x}");
        }
        let status = STATUSES[(i % 7 % 4) as usize];
        // As in the file: a failed delivery has a hint and was answered 401.
        let (hint, answer) = match status {
            "failed" => (HINTS[(i / 7 % 3) as usize], 401),
            _ => ("\\N", 200),
        };
        let _ = write!(
            line,
            "\t{len}\t127.0.0.1:50000\t{provider}\tpath\t{event}\t{subject}\t{status}\tbench\t{hint}\tgenerated\t{answer}\tt\t",
            len = body.len(),
            provider = PROVIDERS[p],
            event = EVENTS[p],
            subject = subject(i),
        );
        words(&body, &mut line);
        line.push('\n');
        w.write_all(line.as_bytes()).expect("write");
        if (i + 1) % 100_000 == 0 {
            eprintln!("  {} rows", i + 1);
        }
    }
    w.finish().expect("finish copy");
}

/// The `words` tsvector of an ASCII body, as hookscope writes it: each distinct word
/// (letters, digits, underscores), lower-cased, hex-encoded.
fn words(body: &str, out: &mut String) {
    let mut seen = HashSet::new();
    let mut first = true;
    for w in body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if w.is_empty() || !seen.insert(w.to_ascii_lowercase()) {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        for b in w.to_ascii_lowercase().bytes() {
            let _ = write!(out, "{b:02x}");
        }
    }
}
