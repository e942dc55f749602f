//! One request: the body is read on the connection, everything after it runs detached
//! so that it completes (recorded, announced) even when the client leaves first.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use axum::response::Response;
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::answer::{Answer, CLIENT_LEFT};
use super::body::{self, BodyRead, Reservation};
use super::conn::Written;
use super::server::Running;
use super::{Receiver, understand};
use crate::model;

/// A request whose body has been read, with the problem reading it met (if any).
pub(super) struct Intake {
    pub request: model::Request,
    pub problem: Option<(StatusCode, String)>,
    pub received_at: DateTime<Utc>,
    /// The body's share of the in-flight budget, held as long as the body is.
    pub reservation: Reservation,
}

pub(super) async fn receive(
    State(state): State<Arc<Receiver>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let received_at = Utc::now();
    let (parts, body) = req.into_parts();
    let declared = content_length(&parts.headers);
    let limit = state.config.server.max_body_bytes;
    let expects_continue = parts
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let written = parts.extensions.get::<Arc<Written>>().cloned();
    let mut reservation = state.budget.empty();
    let read = if expects_continue && declared.is_some_and(|n| n > limit) {
        // Reading would make hyper send `100 Continue` for a body we refuse anyway.
        BodyRead::TooLarge {
            prefix: Default::default(),
            size: declared.unwrap_or(0),
        }
    } else {
        body::read(body, limit, declared, &mut reservation).await
    };
    let Some((request, problem)) = request(parts, read, peer, limit) else {
        state.refused_busy();
        return Answer::unavailable(
            r#"{"error":"too many request bytes in flight (server.max_inflight_bytes)"}"#.into(),
        )
        .into_response(None);
    };
    let intake = Intake {
        request,
        problem,
        received_at,
        reservation,
    };
    let (answer_tx, answer_rx) = oneshot::channel();
    let (sent_tx, sent_rx) = oneshot::channel();
    let handoff = Handoff {
        answer: answer_tx,
        taken: sent_rx,
        written,
    };
    let running = state.work.enter();
    tokio::spawn(process(state, intake, handoff, running));
    match answer_rx.await {
        Ok(answer) => answer.into_response(Some(sent_tx)),
        Err(_) => Answer::json(StatusCode::INTERNAL_SERVER_ERROR, "{}".into()).into_response(None),
    }
}

/// How the detached work hands its answer to the connection and learns its fate.
struct Handoff {
    answer: oneshot::Sender<Answer>,
    /// Hears when the connection took the answer's bytes.
    taken: oneshot::Receiver<()>,
    /// The connection's writes (absent when served without [`super::serve`]).
    written: Option<Arc<Written>>,
}

impl Handoff {
    /// Hands `answer` over; `false` when the client left before it reached the socket.
    async fn deliver(self, answer: Answer) -> bool {
        let mark = self.written.as_ref().map(|w| w.mark());
        if self.answer.send(answer).is_err() {
            return false;
        }
        match tokio::time::timeout(body::BODY_READ_TIMEOUT, self.taken).await {
            Ok(Err(_)) => return false,
            Err(_) => return true,
            Ok(Ok(())) => {}
        }
        match (self.written, mark) {
            (Some(w), Some(mark)) => w.went_out_after(mark, body::BODY_READ_TIMEOUT).await,
            _ => true,
        }
    }
}

/// Everything after the body: understand, record, answer, learn whether the answer went
/// out, then announce the row as recorded.
async fn process(state: Arc<Receiver>, intake: Intake, handoff: Handoff, _running: Running) {
    let reservation = intake.reservation;
    let mut u = understand::understand(&state, intake.request, intake.problem, intake.received_at);
    understand::forward_first(&state, &mut u).await;
    let (answer, stored) = understand::record(&state, &mut u).await;
    if u.delay > Duration::ZERO {
        let mut stopping = state.stopping.subscribe();
        // A shutdown answers at once rather than keep the sender waiting past it.
        tokio::select! {
            _ = tokio::time::sleep(u.delay) => {},
            _ = async { let _ = stopping.wait_for(|s| *s).await; } => {},
        }
    }
    if !handoff.deliver(answer).await {
        u.d.response_status = CLIENT_LEFT;
        if stored && let Err(e) = state.store.set_status(&u.d.id, CLIENT_LEFT).await {
            tracing::warn!("could not record that the client of {} left: {e}", u.d.id);
        }
    }
    if stored && let Some(id) = u.fetch_id.take() {
        understand::follow_up(&state, &u.d, id).await;
    }
    match u.forward_later.take() {
        Some((target, original)) => {
            let running = state.work.enter();
            tokio::spawn(async move {
                let _running = running;
                understand::forward_then_announce(&state, &target, original, u.d).await;
                drop(reservation);
            });
        }
        None => state.announce(u.d),
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// The request as recorded, and the answer its body calls for; `None` when it did not
/// fit in the in-flight budget.
fn request(
    parts: Parts,
    read: BodyRead,
    peer: SocketAddr,
    limit: u64,
) -> Option<(model::Request, Option<(StatusCode, String)>)> {
    let (body, body_bytes, truncated, problem) = match read {
        BodyRead::Complete(b) => {
            let n = b.len() as u64;
            (b, n, false, None)
        }
        BodyRead::TooLarge { prefix, size } => (
            prefix,
            size,
            true,
            Some((
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body of {size} bytes exceeds server.max_body_bytes ({limit})"),
            )),
        ),
        BodyRead::Incomplete {
            prefix,
            reason,
            malformed,
        } => {
            let n = prefix.len() as u64;
            // Broken framing is the client's error; vendors retry a 408 as a timeout.
            let status = if malformed {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::REQUEST_TIMEOUT
            };
            (prefix, n, true, Some((status, reason)))
        }
        BodyRead::Busy => return None,
    };
    let request = model::Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: headers_as_pairs(&parts.headers),
        body,
        body_bytes,
        body_truncated: truncated,
        peer: Some(peer.to_string()),
    };
    Some((request, problem))
}

fn headers_as_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
