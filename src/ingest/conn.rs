//! A connection that remembers whether its writes went out, so the receiver can record
//! whether an answer reached the client's socket or the client had already left.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// What a connection's writes did so far; shared with the requests it carries.
#[derive(Debug, Default)]
pub(crate) struct Written {
    bytes: AtomicU64,
    failed: AtomicBool,
    changed: Notify,
}

impl Written {
    /// Bytes written so far, to compare against later.
    pub(crate) fn mark(&self) -> u64 {
        self.bytes.load(Ordering::Acquire)
    }

    /// Whether bytes beyond `mark` went out (`true`) or a write failed (`false`) within
    /// `within`; no news by then counts as sent.
    pub(crate) async fn went_out_after(&self, mark: u64, within: Duration) -> bool {
        let wait = async {
            loop {
                let changed = self.changed.notified();
                if self.failed.load(Ordering::Acquire) {
                    return false;
                }
                if self.bytes.load(Ordering::Acquire) > mark {
                    return true;
                }
                changed.await;
            }
        };
        tokio::time::timeout(within, wait).await.unwrap_or(true)
    }

    fn record(&self, r: &Poll<io::Result<usize>>) {
        match r {
            Poll::Ready(Ok(n)) if *n > 0 => {
                self.bytes.fetch_add(*n as u64, Ordering::AcqRel);
            }
            Poll::Ready(Err(_)) => self.failed.store(true, Ordering::Release),
            _ => return,
        }
        self.changed.notify_waiters();
    }
}

/// A TCP stream whose writes are recorded in a shared [`Written`].
pub(crate) struct Watched {
    pub stream: TcpStream,
    pub written: Arc<Written>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.written.record(&r);
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.written.record(&r);
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
