//! The HTTP receiver: every request is read (within limits, timeouts and budgets),
//! analysed, committed to the store, answered, and only then announced to the UI or the
//! headless output. The work after the body runs detached from the connection, so a
//! client that leaves never cuts it short.

mod answer;
mod body;
mod conn;
mod fetch;
mod receive;
mod server;
mod token;
mod understand;
mod watch;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::{mpsc, watch as signal};

use crate::config::Config;
use crate::forward::ForwardTarget;
use crate::headless::LineQueue;
use crate::model::Delivery;
use crate::redact::Redactor;
use crate::store::Store;

pub use server::{HEADER_READ_TIMEOUT, SHUTDOWN_GRACE, serve};

/// What the receiver announces after each answered delivery.
pub(crate) type DeliverySender = mpsc::UnboundedSender<Arc<Delivery>>;

/// Replays carry this header so the new row links to the delivery it re-sends.
pub(crate) const REPLAY_OF_HEADER: &str = "x-hookscope-replay-of";
/// The link is made only when this header holds the store's HMAC of that id (see
/// [`crate::store::LinkKey`]): any sender can name an id, only hookscope's can sign it.
pub(crate) const REPLAY_SIG_HEADER: &str = "x-hookscope-replay-sig";
pub(crate) use crate::forward::FORWARDED_HEADER;

/// Where recorded deliveries are announced.
#[derive(Debug)]
pub enum Announce {
    /// Whole deliveries, for the UI.
    Deliveries(DeliverySender),
    /// Headless lines, in a queue bounded in bytes.
    Lines(Arc<LineQueue>),
}

impl From<DeliverySender> for Announce {
    fn from(tx: DeliverySender) -> Self {
        Announce::Deliveries(tx)
    }
}

/// Shared by every request handler.
pub struct Receiver {
    pub config: Arc<Config>,
    pub store: Store,
    announce: Announce,
    redactor: Redactor,
    http: reqwest::Client,
    forward: Option<ForwardTarget>,
    /// Where problems are reported under the UI; stderr otherwise.
    notices: Option<mpsc::UnboundedSender<String>>,
    budget: Arc<body::Budget>,
    /// Set once the store file was deleted or replaced under us.
    store_gone: AtomicBool,
    /// Marks this receiver's forwards, to recognise them if they come back.
    instance: String,
    /// Becomes `true` when the server starts shutting down.
    stopping: signal::Sender<bool>,
    /// Deliveries whose post-body work is still running.
    work: server::Tracker,
    /// Requests refused for the byte budget, and when that was last reported.
    refused: AtomicU64,
    refused_reported: Mutex<Option<Instant>>,
    /// Follow-up fetches waiting for the vendor's API limits.
    fetches: fetch::Fetches,
}

/// Refusals for lack of room are reported at most this often.
const REFUSALS_REPORT_EVERY: Duration = Duration::from_secs(10);

/// What a receiver does besides recording and answering.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub forward: Option<ForwardTarget>,
    /// Problems (such as a store that stopped accepting writes) go here instead of stderr,
    /// which a full-screen UI would draw over.
    pub notices: Option<mpsc::UnboundedSender<String>>,
}

impl Receiver {
    pub fn new(config: Arc<Config>, store: Store, events: impl Into<Announce>) -> Arc<Self> {
        Self::with_options(config, store, events, Options::default())
    }

    /// As [`Receiver::new`], also forwarding every delivery to `forward`'s app.
    pub(crate) fn with_forward(
        config: Arc<Config>,
        store: Store,
        events: impl Into<Announce>,
        forward: Option<ForwardTarget>,
    ) -> Arc<Self> {
        let options = Options {
            forward,
            notices: None,
        };
        Self::with_options(config, store, events, options)
    }

    pub(crate) fn with_options(
        config: Arc<Config>,
        store: Store,
        events: impl Into<Announce>,
        options: Options,
    ) -> Arc<Self> {
        let redactor = Redactor::from_config(&config);
        let budget = body::Budget::new(config.server.max_inflight_bytes);
        Arc::new(Self {
            config,
            store,
            announce: events.into(),
            redactor,
            http: reqwest::Client::new(),
            forward: options.forward,
            notices: options.notices,
            budget,
            store_gone: AtomicBool::new(false),
            instance: uuid::Uuid::now_v7().simple().to_string(),
            stopping: signal::channel(false).0,
            work: server::Tracker::default(),
            refused: AtomicU64::new(0),
            refused_reported: Mutex::new(None),
            fetches: fetch::Fetches::default(),
        })
    }

    /// Reports a problem where the user sees it: the UI's footer, else stderr.
    fn notice(&self, problem: String) {
        tracing::error!("{problem}");
        match &self.notices {
            Some(n) => {
                let _ = n.send(problem);
            }
            // Not eprintln!: it panics when stderr is a closed pipe, and then the
            // sender would get no answer at all.
            None => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "hookscope: {problem}");
            }
        }
    }

    /// Hands a recorded delivery to the UI or the headless output.
    fn announce(&self, d: Delivery) {
        match &self.announce {
            // The UI may be gone (shutting down); the record is already safe.
            Announce::Deliveries(tx) => {
                let _ = tx.send(Arc::new(d));
            }
            Announce::Lines(q) => {
                let mut line = Vec::with_capacity(512);
                match crate::sanitize::write_line(&d, &mut line) {
                    Ok(()) => q.push(line),
                    Err(e) => tracing::error!("cannot serialise delivery {}: {e}", d.id),
                }
            }
        }
    }

    /// Counts a request refused for the in-flight byte budget; tells the user now and then.
    fn refused_busy(&self) {
        let n = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let mut last = self
            .refused_reported
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|t| t.elapsed() >= REFUSALS_REPORT_EVERY) {
            *last = Some(Instant::now());
            drop(last);
            self.notice(format!(
                "{n} request(s) so far answered 503: their bodies would exceed \
                 server.max_inflight_bytes ({} bytes in flight)",
                self.budget.used()
            ));
        }
    }

    fn store_gone(&self) -> bool {
        self.store_gone.load(Ordering::Relaxed)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Once no handler is left the printer writes out what is queued and ends.
        if let Announce::Lines(q) = &self.announce {
            q.close();
        }
    }
}

/// The routes: every path and method reach the receiver, except `GET /` (a status page)
/// and `POST /oauth/token` (tokens for rehearsing a client-credentials flow).
pub(crate) fn router(state: Arc<Receiver>) -> Router {
    use receive::receive;
    Router::new()
        .route("/", get(token::status_page).fallback(receive))
        .route(
            "/oauth/token",
            post(token::token_endpoint).fallback(receive),
        )
        .fallback(receive)
        .with_state(state)
}
