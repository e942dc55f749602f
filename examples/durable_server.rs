//! The second reference for `scripts/bench-ingest`: the least a durable verifying
//! receiver does. It checks the Classet HMAC over the raw body and commits each request
//! to SQLite (WAL, synchronous=NORMAL, one writer thread, group commit) before
//! answering; nothing else (no detection, no event or subject, no index, no output).
//!
//! cargo run --release --example durable_server -- 127.0.0.1:9001 SECRET /tmp/durable.db

use std::sync::mpsc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use hmac::{Hmac, Mac};
use tokio::sync::oneshot;

type Job = (Bytes, bool, oneshot::Sender<bool>);

#[derive(Clone)]
struct Shared {
    secret: std::sync::Arc<Vec<u8>>,
    jobs: mpsc::Sender<Job>,
}

async fn accept(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verified = headers
        .get("x-classet-webhook-signature")
        .and_then(|v| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(v.as_bytes())
                .ok()
        })
        .is_some_and(|sig| {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&s.secret).expect("any key");
            mac.update(&body);
            mac.verify_slice(&sig).is_ok()
        });
    let (tx, rx) = oneshot::channel();
    if s.jobs.send((body, verified, tx)).is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match rx.await {
        Ok(true) if verified => StatusCode::OK,
        Ok(true) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// One writer: takes what is queued (up to a batch), commits it in one transaction, then
/// answers every request in it.
fn writer(path: String, jobs: mpsc::Receiver<Job>) -> rusqlite::Result<()> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS deliveries (
            seq INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, verified INTEGER NOT NULL,
            body BLOB NOT NULL)",
    )?;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < 256 {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO deliveries (received_at, verified, body) VALUES (?1, ?2, ?3)",
            )?;
            for (body, verified, _) in &batch {
                insert.execute(rusqlite::params![now, verified, &body[..]])?;
            }
        }
        let ok = tx.commit().is_ok();
        for (_, _, reply) in batch {
            let _ = reply.send(ok);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9001".into());
    let secret = args.next().unwrap_or_default().into_bytes();
    let path = args.next().unwrap_or_else(|| "durable.db".into());
    let (jobs, queue) = mpsc::channel();
    std::thread::spawn(move || {
        if let Err(e) = writer(path, queue) {
            eprintln!("durable server: {e}");
        }
    });
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!(
        "durable server listening on http://{}",
        listener.local_addr()?
    );
    let app = Router::new()
        .fallback(accept)
        .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024))
        .with_state(Shared {
            secret: std::sync::Arc::new(secret),
            jobs,
        });
    axum::serve(listener, app).await
}
