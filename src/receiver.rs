//! The HTTP receiver: every request is read (within limits and timeouts), analysed,
//! committed to the store, answered, and only then announced to the UI or headless output.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use bytes::{Bytes, BytesMut};
use chrono::Utc;
use http_body_util::BodyExt;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::delivery::{self, Delivery};
use crate::forward::{self, ForwardTarget};
use crate::provider::{self, ProviderId};
use crate::redact::Redactor;
use crate::signature::Status;
use crate::store::Store;

/// A slow client gets this long to send its request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// … and this long to send its body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an over-limit body is kept, so the record still shows what it was.
pub const OVERSIZE_PREFIX_BYTES: usize = 64 * 1024;

/// What the receiver announces after each answered delivery.
pub type DeliverySender = mpsc::UnboundedSender<Arc<Delivery>>;

/// Shared by every request handler.
pub struct Receiver {
    pub config: Arc<Config>,
    pub store: Store,
    pub events: DeliverySender,
    redactor: Redactor,
    http: reqwest::Client,
    forward: Option<ForwardTarget>,
    /// Where problems are reported under the UI; stderr otherwise.
    notices: Option<mpsc::UnboundedSender<String>>,
}

/// What a receiver does besides recording and answering.
#[derive(Debug, Default)]
pub struct Options {
    pub forward: Option<ForwardTarget>,
    /// Problems (such as a store that stopped accepting writes) go here instead of stderr,
    /// which a full-screen UI would draw over.
    pub notices: Option<mpsc::UnboundedSender<String>>,
}

/// Replays carry this header so the new row links to the delivery it re-sends.
pub const REPLAY_OF_HEADER: &str = "x-hookscope-replay-of";

impl Receiver {
    pub fn new(config: Arc<Config>, store: Store, events: DeliverySender) -> Arc<Self> {
        Self::with_forward(config, store, events, None)
    }

    /// As [`Receiver::new`], also forwarding every delivery to `forward`'s app.
    pub fn with_forward(
        config: Arc<Config>,
        store: Store,
        events: DeliverySender,
        forward: Option<ForwardTarget>,
    ) -> Arc<Self> {
        Self::with_options(
            config,
            store,
            events,
            Options {
                forward,
                notices: None,
            },
        )
    }

    pub fn with_options(
        config: Arc<Config>,
        store: Store,
        events: DeliverySender,
        options: Options,
    ) -> Arc<Self> {
        let redactor = Redactor::from_config(&config);
        Arc::new(Self {
            config,
            store,
            events,
            redactor,
            http: reqwest::Client::new(),
            forward: options.forward,
            notices: options.notices,
        })
    }
}

/// The routes. Every vendor route and every other path and method reach [`receive`];
/// only `GET /` answers a status page.
pub fn router(state: Arc<Receiver>) -> Router {
    Router::new()
        .route("/", get(status_page).fallback(receive))
        .route("/oauth/token", post(token_endpoint))
        .route("/talentsprout", any(receive))
        .route("/classet", any(receive))
        .route("/clearspeed", any(receive))
        .route("/brilliant", any(receive))
        .route("/brilliant/{key}", any(receive))
        .route("/jobmojito", any(receive))
        .route("/jobmojito/{event}", any(receive))
        .fallback(receive)
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, with header-read timeouts
/// that `axum::serve` does not offer.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
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
        let app = app.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().oneshot(req.map(Body::new))
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                tracing::debug!("connection from {peer}: {e}");
            }
        });
    }
}

async fn status_page(State(state): State<Arc<Receiver>>) -> impl IntoResponse {
    let mut text = format!(
        "hookscope {} is receiving webhook deliveries.\n\nRoutes (POST):\n",
        env!("CARGO_PKG_VERSION")
    );
    for p in ProviderId::VENDORS {
        text.push_str(&format!("  {:<13} {}\n", p.as_str(), p.route()));
    }
    text.push_str(
        "Any other path is accepted too; the provider is detected from headers or body.\n",
    );
    let _ = &state;
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}

/// `POST /oauth/token`: client credentials (form or HTTP Basic), answered with a JWT the
/// Clearspeed bearer check verifies, so the vendor's token flow can be rehearsed.
async fn token_endpoint(
    State(state): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::sender::token;
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let req = token::TokenRequest::parse(&body, auth);
    let now = Utc::now().timestamp();
    let (status, json) = match token::issue(&state.config.providers.clearspeed, &req, now) {
        Ok(t) => (
            StatusCode::OK,
            serde_json::json!({
                "access_token": t,
                "token_type": "Bearer",
                "expires_in": token::TOKEN_TTL_SECS,
            }),
        ),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            serde_json::json!({"error": e.error, "error_description": e.description}),
        ),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json.to_string(),
    )
        .into_response()
}

/// How reading the body ended.
enum BodyRead {
    Complete(Bytes),
    /// Over the limit: the first bytes and the full (declared or observed) size.
    TooLarge {
        prefix: Bytes,
        size: u64,
    },
    /// The client stopped sending in time or the connection broke.
    Incomplete {
        prefix: Bytes,
        reason: String,
    },
}

async fn read_body(body: Body, limit: u64, declared: Option<u64>) -> BodyRead {
    if declared.is_some_and(|n| n > limit) {
        // Keep a prefix for the record without reading the rest.
        let prefix = read_prefix(body, OVERSIZE_PREFIX_BYTES).await;
        return BodyRead::TooLarge {
            prefix,
            size: declared.unwrap_or(0),
        };
    }
    let mut body = body;
    let mut buf = BytesMut::new();
    let mut seen: u64 = 0;
    let read = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| e.to_string())?;
            if let Ok(data) = frame.into_data() {
                seen += data.len() as u64;
                if seen <= limit {
                    buf.extend_from_slice(&data);
                } else {
                    // Without a declared length the full size is known only at the end, so
                    // the rest is still read and counted; only a prefix is kept.
                    buf.truncate(OVERSIZE_PREFIX_BYTES);
                    let keep = (OVERSIZE_PREFIX_BYTES - buf.len()).min(data.len());
                    buf.extend_from_slice(&data[..keep]);
                }
            }
        }
        Ok::<(), String>(())
    };
    let outcome = tokio::time::timeout(BODY_READ_TIMEOUT, read).await;
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
            prefix: buf.freeze(),
            reason: format!("the connection failed while reading the body: {e}"),
        },
        Err(_) => BodyRead::Incomplete {
            prefix: buf.freeze(),
            reason: format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
        },
    }
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

async fn receive(
    State(state): State<Arc<Receiver>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let received_at = Utc::now();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit = state.config.server.max_body_bytes;
    let read = read_body(body, limit, declared).await;
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
        BodyRead::Incomplete { prefix, reason } => {
            let n = prefix.len() as u64;
            (prefix, n, true, Some((StatusCode::REQUEST_TIMEOUT, reason)))
        }
    };
    let request = delivery::Request {
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: headers_as_pairs(&headers),
        body,
        body_bytes,
        body_truncated: truncated,
        peer: Some(peer.to_string()),
    };
    let analysis = provider::analyze_brief(&request, &state.config, received_at.timestamp());
    let answer = state.config.response_for(
        (analysis.provider != ProviderId::Unknown).then(|| analysis.provider.as_str()),
    );
    let rejected = answer.reject_invalid && analysis.verification.status == Status::Failed;
    let mut status = match &problem {
        Some((code, _)) => *code,
        None if rejected => StatusCode::UNAUTHORIZED,
        None => StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
    };
    let fetch_id = analysis.fetch_id;
    let replay_of = request
        .header(REPLAY_OF_HEADER)
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string);
    // Forwarding needs the real credentials; the record gets the redacted copy.
    let original = state.forward.as_ref().map(|_| request.clone());
    let mut d = Delivery {
        id: delivery::new_id(),
        received_at,
        request,
        provider: analysis.provider,
        detected_by: analysis.detected_by,
        event: analysis.event,
        event_inferred: analysis.event_inferred,
        subject: analysis.subject,
        verification: analysis.verification,
        response_status: status.as_u16(),
        replay_of,
        forward: None,
    };
    state.redactor.apply(&mut d);

    // With --forward-status the vendor gets the app's answer, so ask the app first.
    let mut forward_later = None;
    if let (Some(target), Some(original)) = (&state.forward, original) {
        if target.use_app_status {
            let f = state
                .redactor
                .clean(forward::forward(&state.http, target, &original, d.provider).await);
            status = f
                .status
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::BAD_GATEWAY);
            d.response_status = status.as_u16();
            d.forward = Some(f);
        } else {
            forward_later = Some((target.clone(), original));
        }
    }

    // Committed before answering, so an acknowledged delivery survives a kill -9.
    let message = match state.store.insert(&d).await {
        Ok(_) => match (&problem, &d.forward) {
            (Some((_, reason)), _) => serde_json::json!({"id": d.id, "error": reason}).to_string(),
            (None, Some(f)) => serde_json::json!({
                "id": d.id,
                "forwarded_to": f.url,
                "app_status": f.status,
                "app_error": f.error,
            })
            .to_string(),
            (None, None) if rejected => serde_json::json!({
                "id": d.id,
                "error": "verification failed",
                "detail": d.verification.detail,
            })
            .to_string(),
            // The answer to nearly every delivery, so without building a map first.
            (None, None) => serde_json::to_string(&Received {
                id: &d.id,
                received: true,
                verification: d.verification.status.as_str(),
            })
            .unwrap_or_default(),
        },
        Err(e) => {
            let problem = format!("could not store delivery {}: {e}", d.id);
            tracing::error!("{problem}");
            match &state.notices {
                Some(n) => {
                    let _ = n.send(problem);
                }
                // Not eprintln!: it panics when stderr is a closed pipe, and then the
                // sender would get no answer at all.
                None => {
                    let _ = writeln!(std::io::stderr(), "hookscope: {problem}");
                }
            }
            status = StatusCode::SERVICE_UNAVAILABLE;
            d.response_status = status.as_u16();
            serde_json::json!({"id": d.id, "error": format!("could not store the delivery: {e}")})
                .to_string()
        }
    };
    if answer.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(answer.delay_ms)).await;
    }
    if let Some(id) = fetch_id {
        spawn_brilliant_fetch(&state, d.id.clone(), id);
    }
    match forward_later {
        // Announced once the app has answered, so the line and the row show both answers.
        Some((target, original)) => {
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let f = state
                    .redactor
                    .clean(forward::forward(&state.http, &target, &original, d.provider).await);
                if let Err(e) = state.store.set_forward(&d.id, &f).await {
                    tracing::warn!("could not record the forward of {}: {e}", d.id);
                }
                d.forward = Some(f);
                let _ = state.events.send(Arc::new(d));
            });
        }
        // The UI or printer may be gone (shutting down); the record is already safe.
        None => {
            let _ = state.events.send(Arc::new(d));
        }
    }
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        message,
    )
        .into_response()
}

/// The answer to an accepted delivery: `{"id", "received", "verification"}` in that order.
#[derive(serde::Serialize)]
struct Received<'a> {
    id: &'a str,
    received: bool,
    verification: &'static str,
}

/// Brilliant sends only a ResponseId; with API access configured, fetch the response
/// after answering so the vendor is never kept waiting.
fn spawn_brilliant_fetch(state: &Arc<Receiver>, delivery_id: String, response_id: String) {
    let cfg = &state.config.providers.brilliant;
    let (Some(base), Some(key)) = (cfg.api_base.clone(), cfg.api_key.clone()) else {
        return;
    };
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let fetched = match provider::brilliant::fetch_response(
            &state.http,
            &base,
            key.expose(),
            &response_id,
        )
        .await
        {
            Ok(v) => v,
            Err(e) => serde_json::json!({"error": e}),
        };
        let fetched = state.redactor.clean(fetched);
        if let Err(e) = state.store.set_fetched(&delivery_id, &fetched).await {
            tracing::warn!("could not store fetched Brilliant response: {e}");
        }
    });
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

    #[tokio::test]
    async fn an_undeclared_body_over_the_limit_is_counted_to_its_end() {
        match read_body(chunked(300_000, 1000), 1024, None).await {
            BodyRead::TooLarge { prefix, size } => {
                assert_eq!(size, 300_000);
                assert!(prefix.len() <= OVERSIZE_PREFIX_BYTES && prefix.len() > 1024);
            }
            _ => panic!("not too large"),
        }
    }

    #[tokio::test]
    async fn an_undeclared_body_at_the_limit_is_complete() {
        match read_body(chunked(1024, 100), 1024, None).await {
            BodyRead::Complete(b) => assert_eq!(b.len(), 1024),
            _ => panic!("not complete"),
        }
    }

    #[tokio::test]
    async fn a_declared_body_over_the_limit_keeps_the_declared_size() {
        match read_body(chunked(5000, 1000), 1024, Some(5000)).await {
            BodyRead::TooLarge { prefix, size } => {
                assert_eq!(size, 5000);
                assert!(prefix.len() <= 5000);
            }
            _ => panic!("not too large"),
        }
    }
}
