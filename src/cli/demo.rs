//! `hookscope demo`: everything without any vendor.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use super::ui_session::UiSession;
use super::{DemoArgs, data_dir, init_logging};
use crate::headless::{DEFAULT_QUEUE_BYTES, LineQueue};
use crate::ingest::{self, Announce, Receiver};
use crate::redact::Redactor;
use crate::sender::demo;
use crate::store::Store;

pub(crate) fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let store = match &args.store.store {
        Some(path) => Store::open(path)?,
        None => Store::in_memory()?,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    if !args.headless && std::io::stdout().is_terminal() {
        let _log = init_logging(data_dir().as_deref());
        return runtime
            .block_on(run_ui(args, store))
            .map(|()| ExitCode::SUCCESS);
    }
    runtime.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("cannot listen on a loopback port")?;
        let local = listener.local_addr()?;
        let config = Arc::new(demo::config(local.port()));
        eprintln!(
            "hookscope demo: receiving on http://{local}; a built-in sender plays every vendor"
        );
        let lines = LineQueue::new(DEFAULT_QUEUE_BYTES);
        let printer = crate::headless::spawn_printer(lines.clone());
        let state = Receiver::new(config.clone(), store, Announce::Lines(lines));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(ingest::serve(listener, state, async {
            let _ = stop_rx.await;
        }));
        let base = format!("http://{local}");
        let redactor = Redactor::from_config(&config);
        let (pause, repeat) = if args.headless {
            (Duration::from_millis(args.pause_ms.unwrap_or(20)), false)
        } else {
            (Duration::from_millis(args.pause_ms.unwrap_or(700)), true)
        };
        tokio::select! {
            _ = demo::run(&config, &base, pause, repeat, |e| {
                eprintln!("hookscope demo: {}", redactor.clean(e));
            }) => {},
            _ = tokio::signal::ctrl_c() => {},
        }
        let _ = stop_tx.send(());
        let _ = server.await;
        // The printer ends once the receiver (and with it the sender side) is gone.
        let _ = tokio::task::spawn_blocking(move || printer.join()).await;
        Ok(ExitCode::SUCCESS)
    })
}

/// The demo under the full-screen UI: the script repeats until the user quits.
async fn run_ui(args: DemoArgs, store: Store) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen on a loopback port")?;
    let config = Arc::new(demo::config(listener.local_addr()?.port()));
    let pause = Duration::from_millis(args.pause_ms.unwrap_or(700));
    let session = UiSession {
        config: config.clone(),
        store,
        store_path: args.store.store.as_deref().map(crate::store::shown),
        listener,
        notice: None,
        forward: None,
    };
    session
        .run(|local, notices| {
            let base = format!("http://{local}");
            let redactor = Redactor::from_config(&config);
            Some(tokio::spawn(async move {
                demo::run(&config, &base, pause, true, |e| {
                    let e = redactor.clean(e);
                    tracing::warn!("{e}");
                    // Into the footer: the terminal belongs to the UI.
                    let _ = notices.send(e);
                })
                .await
            }))
        })
        .await
}
