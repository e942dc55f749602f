//! What the receiver answers, and learning whether the answer actually went out.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::sync::oneshot;

/// The status recorded when the client left before its answer could be sent (the
/// convention nginx uses for "client closed request"): nothing was sent.
pub(crate) const CLIENT_LEFT: u16 = 499;
/// Seconds a refused sender is asked to wait before trying again.
const RETRY_AFTER_SECS: &str = "1";

/// An answer decided by the receiver, not yet handed to the connection.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub message: String,
    pub retry_after: bool,
}

impl Answer {
    pub(crate) fn json(status: StatusCode, message: String) -> Self {
        Self {
            status,
            message,
            retry_after: false,
        }
    }

    /// 503 with `Retry-After`: the receiver is at a limit or cannot store right now.
    pub(crate) fn unavailable(message: String) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message,
            retry_after: true,
        }
    }

    /// The response; `sent` hears once the connection has taken its bytes (dropped
    /// unheard if the connection went away first).
    pub(crate) fn into_response(self, sent: Option<oneshot::Sender<()>>) -> Response {
        // 204 and 304 carry no body, and no Content-Length either.
        let bodiless = matches!(self.status.as_u16(), 100..=199 | 204 | 304);
        let data = (!bodiless).then(|| Bytes::from(self.message));
        let mut response = Response::new(Body::new(Tracked { data, sent }));
        *response.status_mut() = self.status;
        if !bodiless {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        if self.retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        response
    }
}

/// A response body that reports, when the connection is done with it, whether its bytes
/// were taken for sending.
struct Tracked {
    data: Option<Bytes>,
    sent: Option<oneshot::Sender<()>>,
}

impl axum::body::HttpBody for Tracked {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let frame = self.data.take().map(|d| Ok(Frame::data(d)));
        if frame.is_some()
            && let Some(s) = self.sent.take()
        {
            let _ = s.send(());
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // A body-less answer is sent with its head; the connection drops the body then.
        if self.data.is_none()
            && let Some(s) = self.sent.take()
        {
            let _ = s.send(());
        }
    }
}

/// The answer to an accepted delivery: `{"id", "received", "verification"}` in that order.
#[derive(serde::Serialize)]
pub(crate) struct Received<'a> {
    pub id: &'a str,
    pub received: bool,
    pub verification: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_answer_is_the_json_it_always_was() {
        let typed = serde_json::to_string(&Received {
            id: "019aa1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            received: true,
            verification: "verified",
        })
        .unwrap();
        let built = serde_json::json!({
            "id": "019aa1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            "received": true,
            "verification": "verified",
        });
        assert_eq!(typed, built.to_string());
    }

    #[test]
    fn an_answer_never_taken_is_not_reported_sent() {
        let (tx, mut rx) = oneshot::channel();
        drop(Answer::json(StatusCode::OK, "{}".into()).into_response(Some(tx)));
        assert!(rx.try_recv().is_err());
        let (tx, mut rx) = oneshot::channel();
        drop(Answer::json(StatusCode::NO_CONTENT, "{}".into()).into_response(Some(tx)));
        assert!(rx.try_recv().is_ok());
    }
}
