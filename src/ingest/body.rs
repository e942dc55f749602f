//! Reading a request body within the size limit, the read timeout and the in-flight byte
//! budget shared by all requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// A slow client gets this long to send its body.
pub(crate) const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an over-limit body is kept, so the record still shows what it was.
pub(crate) const OVERSIZE_PREFIX_BYTES: usize = 64 * 1024;
/// A buffer sized from `Content-Length` starts at most this large and grows as bytes
/// arrive, so a declared size alone costs no memory.
const INITIAL_BUFFER_CAP: usize = 256 * 1024;
/// Bodies up to this size may use the budget's last eighth, kept free of large uploads so
/// that ordinary deliveries still get through while large ones stall.
const SMALL_BODY_BYTES: u64 = 64 * 1024;

/// The bytes of request bodies held in memory at once, across all connections.
#[derive(Debug)]
pub(crate) struct Budget {
    used: AtomicU64,
    max: u64,
}

/// Bytes taken from the [`Budget`]; given back when dropped.
#[derive(Debug)]
pub(crate) struct Reservation {
    budget: Arc<Budget>,
    bytes: u64,
}

impl Budget {
    pub(crate) fn new(max: u64) -> Arc<Self> {
        Arc::new(Self {
            used: AtomicU64::new(0),
            max,
        })
    }

    pub(crate) fn empty(self: &Arc<Self>) -> Reservation {
        Reservation {
            budget: Arc::clone(self),
            bytes: 0,
        }
    }

    /// Bytes currently held.
    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }
}

impl Reservation {
    /// Grows this reservation to `total` bytes, or leaves it unchanged and says no.
    pub(crate) fn grow_to(&mut self, total: u64) -> bool {
        if total <= self.bytes {
            return true;
        }
        let more = total - self.bytes;
        let b = &self.budget;
        let cap = if total <= SMALL_BODY_BYTES {
            b.max
        } else {
            b.max - b.max / 8
        };
        let taken = b
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(more).filter(|&n| n <= cap)
            });
        if taken.is_ok() {
            self.bytes = total;
        }
        taken.is_ok()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

/// How reading the body ended.
#[derive(Debug)]
pub(crate) enum BodyRead {
    Complete(Bytes),
    /// Over the limit: the first bytes and the full (declared or observed) size.
    TooLarge {
        prefix: Bytes,
        size: u64,
    },
    /// The client stopped sending in time, the connection broke, or the framing was
    /// broken (`malformed`).
    Incomplete {
        prefix: Bytes,
        reason: String,
        malformed: bool,
    },
    /// Holding this body would exceed the in-flight budget: answer 503 and keep nothing.
    Busy,
}

/// Reads `body` (declared as `declared` bytes, if at all), keeping at most `limit` bytes
/// and never more than `reservation` can grow to.
pub(crate) async fn read(
    body: Body,
    limit: u64,
    declared: Option<u64>,
    reservation: &mut Reservation,
) -> BodyRead {
    if let Some(n) = declared.filter(|&n| n > limit) {
        // Keep a prefix for the record without reading the rest.
        if !reservation.grow_to(OVERSIZE_PREFIX_BYTES as u64) {
            return BodyRead::Busy;
        }
        let prefix = read_prefix(body, OVERSIZE_PREFIX_BYTES).await;
        return BodyRead::TooLarge { prefix, size: n };
    }
    // A declared size is reserved whole before reading, so a stalled upload never holds
    // memory it was not granted.
    if let Some(n) = declared
        && !reservation.grow_to(n)
    {
        return BodyRead::Busy;
    }
    let start = declared.map_or(0, |n| (n as usize).min(INITIAL_BUFFER_CAP));
    let mut body = body;
    let mut buf = BytesMut::with_capacity(start);
    let mut seen: u64 = 0;
    let mut busy = false;
    let read = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| error_chain(&e))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            seen += data.len() as u64;
            if seen <= limit {
                if !reservation.grow_to(seen) {
                    busy = true;
                    return Ok(());
                }
                buf.extend_from_slice(&data);
            } else {
                // Without a declared length the full size is known only at the end, so
                // the rest is still read and counted; only a prefix is kept.
                buf.truncate(OVERSIZE_PREFIX_BYTES);
                let keep = (OVERSIZE_PREFIX_BYTES - buf.len()).min(data.len());
                buf.extend_from_slice(&data[..keep]);
            }
        }
        Ok::<(), String>(())
    };
    let outcome = tokio::time::timeout(BODY_READ_TIMEOUT, read).await;
    if busy {
        return BodyRead::Busy;
    }
    if seen > limit {
        // Over the limit is the answer even if the rest never arrived: `seen` is then the
        // least the body would have been.
        buf.truncate(OVERSIZE_PREFIX_BYTES);
        return BodyRead::TooLarge {
            prefix: buf.freeze(),
            size: declared.unwrap_or(seen).max(seen),
        };
    }
    match outcome {
        Ok(Ok(())) => BodyRead::Complete(buf.freeze()),
        Ok(Err(e)) => BodyRead::Incomplete {
            malformed: is_framing_error(&e),
            prefix: buf.freeze(),
            reason: format!("the connection failed while reading the body: {e}"),
        },
        Err(_) => BodyRead::Incomplete {
            prefix: buf.freeze(),
            reason: format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
            malformed: false,
        },
    }
}

/// hyper's words for a chunked body it could not parse (as opposed to one that stopped
/// arriving): a client error, not a timeout.
fn is_framing_error(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("invalid chunk") || m.contains("chunk extension")
}

/// An error with its causes: hyper's own message alone says only "error reading a body".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

async fn read_prefix(mut body: Body, max: usize) -> Bytes {
    let mut buf = BytesMut::new();
    let read = async {
        while buf.len() < max {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        let keep = (max - buf.len()).min(data.len());
                        buf.extend_from_slice(&data[..keep]);
                    }
                }
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), read).await;
    buf.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(total: usize, chunk: usize) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = (0..total)
            .step_by(chunk)
            .map(|start| Ok(Bytes::from(vec![b'x'; chunk.min(total - start)])))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    fn roomy() -> Reservation {
        Budget::new(u64::MAX / 2).empty()
    }

    #[tokio::test]
    async fn an_undeclared_body_over_the_limit_is_counted_to_its_end() {
        match read(chunked(300_000, 1000), 1024, None, &mut roomy()).await {
            BodyRead::TooLarge { prefix, size } => {
                assert_eq!(size, 300_000);
                assert!(prefix.len() <= OVERSIZE_PREFIX_BYTES && prefix.len() > 1024);
            }
            other => panic!("not too large: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_undeclared_body_at_the_limit_is_complete() {
        match read(chunked(1024, 100), 1024, None, &mut roomy()).await {
            BodyRead::Complete(b) => assert_eq!(b.len(), 1024),
            other => panic!("not complete: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_declared_body_over_the_limit_keeps_the_declared_size() {
        match read(chunked(5000, 1000), 1024, Some(5000), &mut roomy()).await {
            BodyRead::TooLarge { prefix, size } => {
                assert_eq!(size, 5000);
                assert!(prefix.len() <= 5000);
            }
            other => panic!("not too large: {other:?}"),
        }
    }

    #[tokio::test]
    async fn bodies_beyond_the_budget_are_refused_and_the_budget_is_given_back() {
        let budget = Budget::new(1024 * 1024);
        let mut first = budget.empty();
        let big = 800 * 1024;
        assert!(matches!(
            read(chunked(big, 4096), 10 << 20, Some(big as u64), &mut first).await,
            BodyRead::Complete(_)
        ));
        // The same again does not fit beside the first, declared or not.
        let mut second = budget.empty();
        let declared = read(chunked(big, 4096), 10 << 20, Some(big as u64), &mut second);
        assert!(matches!(declared.await, BodyRead::Busy));
        let mut third = budget.empty();
        let streamed = read(chunked(big, 4096), 10 << 20, None, &mut third);
        assert!(matches!(streamed.await, BodyRead::Busy));
        drop(third);
        // A small delivery still fits in the part kept free for small bodies.
        let mut small = budget.empty();
        assert!(matches!(
            read(chunked(2000, 500), 10 << 20, Some(2000), &mut small).await,
            BodyRead::Complete(_)
        ));
        drop((first, second, small));
        assert_eq!(budget.used(), 0);
    }
}
