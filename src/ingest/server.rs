//! The accept loop: connection limit, header timeout, and a shutdown that stops
//! accepting, lets the requests in flight finish within a bound, then returns.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::Receiver;
use super::conn::{Watched, Written};

/// A slow client gets this long to send its request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// At shutdown, requests in flight get this long to be answered and recorded.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// hyper's read buffer per connection (headers must fit in it): bounds what an idle or
/// slow connection holds.
const CONNECTION_BUFFER_BYTES: usize = 64 * 1024;
/// Connections being refused at once; past it a refused connection is just closed.
const MAX_REFUSING: usize = 256;

/// Counts running pieces of work and wakes whoever waits for none to be left.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tracker(Arc<TrackerInner>);

#[derive(Debug, Default)]
pub(crate) struct TrackerInner {
    running: AtomicUsize,
    idle: Notify,
}

/// One running piece of work; it ends when this is dropped.
pub(crate) struct Running(Arc<TrackerInner>);

impl Tracker {
    pub(crate) fn enter(&self) -> Running {
        self.0.running.fetch_add(1, Ordering::AcqRel);
        Running(Arc::clone(&self.0))
    }

    pub(crate) fn running(&self) -> usize {
        self.0.running.load(Ordering::Acquire)
    }

    pub(crate) async fn idle(&self) {
        loop {
            let woken = self.0.idle.notified();
            if self.running() == 0 {
                return;
            }
            woken.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Serves `state`'s routes on `listener` until `shutdown` resolves, then stops accepting
/// and waits (at most [`SHUTDOWN_GRACE`]) for the requests in flight to be answered and
/// recorded.
pub async fn serve(
    listener: TcpListener,
    state: Arc<Receiver>,
    shutdown: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    let app = super::router(Arc::clone(&state));
    let watcher = super::watch::spawn(&state);
    let connections = Tracker::default();
    let refusing = Arc::new(AtomicUsize::new(0));
    let max = state.config.server.max_connections;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        if connections.running() >= max {
            refuse(stream, &refusing);
            continue;
        }
        let running = connections.enter();
        let app = app.clone();
        let mut stopping = state.stopping.subscribe();
        tokio::spawn(async move {
            use hyper_util::rt::{TokioIo, TokioTimer};
            use tower::ServiceExt;
            let _running = running;
            let written = Arc::new(Written::default());
            let io = Watched {
                stream,
                written: Arc::clone(&written),
            };
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.extensions_mut().insert(Arc::clone(&written));
                    app.clone().oneshot(req.map(Body::new))
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                // A client that closes its sending side after a complete request still
                // gets its answer.
                .half_close(true)
                .max_buf_size(CONNECTION_BUFFER_BYTES)
                .serve_connection(TokioIo::new(io), service);
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = async { let _ = stopping.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!("connection from {peer}: {e}");
            }
        });
    }
    drop(listener);
    state.stopping.send_replace(true);
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        connections.idle().await;
        state.work.idle().await;
    })
    .await;
    if finished.is_err() {
        state.notice(format!(
            "{} request(s) still in flight after {} s were abandoned at shutdown",
            state.work.running().max(connections.running()),
            SHUTDOWN_GRACE.as_secs()
        ));
    }
    if let Some(w) = watcher {
        w.abort();
    }
    Ok(())
}

/// Answers 503 on a connection over `server.max_connections`, without hyper or a handler.
fn refuse(mut stream: TcpStream, refusing: &Arc<AtomicUsize>) {
    if refusing.fetch_add(1, Ordering::AcqRel) >= MAX_REFUSING {
        refusing.fetch_sub(1, Ordering::AcqRel);
        return;
    }
    let refusing = Arc::clone(refusing);
    tokio::spawn(async move {
        const BODY: &str = r#"{"error":"too many connections (server.max_connections)"}"#;
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
            BODY.len()
        );
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await?;
            // Reading what the client sent meanwhile keeps the close from becoming a
            // reset that could discard the answer before the client reads it.
            let mut sink = [0u8; 4096];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<(), io::Error>(())
        })
        .await;
        refusing.fetch_sub(1, Ordering::AcqRel);
    });
}
