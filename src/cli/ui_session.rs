//! The receiver under the full-screen UI, for `listen` and `demo`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::forward::ForwardTarget;
use crate::ingest::{self, Receiver};
use crate::store::Store;
use crate::tui;

pub(super) struct UiSession {
    pub config: Arc<Config>,
    pub store: Store,
    /// The store file as shown; `None` for an in-memory store.
    pub store_path: Option<String>,
    pub listener: TcpListener,
    /// Shown in the footer at start.
    pub notice: Option<String>,
    pub forward: Option<ForwardTarget>,
}

impl UiSession {
    /// Serves and shows deliveries until the user quits or a signal comes. `beside`
    /// starts whatever else runs meanwhile (the demo's sender), given the address
    /// deliveries go to and the footer's channel; it is stopped with the UI.
    pub(crate) async fn run(
        self,
        beside: impl FnOnce(SocketAddr, UnboundedSender<String>) -> Option<JoinHandle<()>>,
    ) -> anyhow::Result<()> {
        let local = self.listener.local_addr()?;
        let reader = self.store.reader()?;
        let (tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
        let (notice_tx, notices) = tokio::sync::mpsc::unbounded_channel();
        if let Some(n) = self.notice {
            let _ = notice_tx.send(n);
        }
        let forward_to = self.forward.as_ref().map(|f| f.base.clone());
        let options = ingest::Options {
            forward: self.forward,
            notices: Some(notice_tx.clone()),
        };
        let state = Receiver::with_options(self.config.clone(), self.store, tx, options);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(ingest::serve(self.listener, state, async {
            let _ = stop_rx.await;
        }));
        let companion = beside(local, notice_tx);
        let app = tui::Tui::new(
            tui::App::new(tui::Context {
                config: self.config,
                listen: local.to_string(),
                store: self.store_path,
                forward_to,
            }),
            reader,
        );
        let feeds = tui::Feeds {
            deliveries,
            notices,
        };
        let result = tokio::select! {
            r = tui::run(app, feeds) => r.context("the terminal UI failed"),
            _ = super::shutdown::signal() => Ok(()),
        };
        if let Some(c) = companion {
            c.abort();
        }
        let _ = stop_tx.send(());
        if let Ok(Err(e)) = server.await {
            tracing::warn!("receiver: {e}");
        }
        result
    }
}
