//! `hookscope listen`: the receiver, headless or under the UI.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::TcpListener;

use super::ui_session::UiSession;
use super::{ListenArgs, data_dir, init_logging, store_path};
use crate::config::Config;
use crate::forward::ForwardTarget;
use crate::headless::{DEFAULT_QUEUE_BYTES, LineQueue};
use crate::ingest::{self, Announce, Receiver};
use crate::store::Store;

pub(crate) fn run(args: ListenArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(addr) = &args.addr {
        config.server.addr = addr.clone();
    }
    let (store, store_label, store_path) = if args.no_store {
        (
            Store::in_memory()?,
            "in memory (--no-store)".to_string(),
            None,
        )
    } else {
        let store = Store::open(&store_path(&args.store)?)?;
        let shown = store.label();
        (store, shown.clone(), Some(shown))
    };
    let _log = init_logging(data_dir().as_deref());
    // A pipe or a file gets JSON lines: a screen drawn there would be noise.
    let headless = args.headless || !std::io::stdout().is_terminal();

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let mut printer = None;
    let result = runtime.block_on(async {
        let listener = TcpListener::bind(&config.server.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.server.addr))?;
        let local = listener.local_addr()?;
        let exposed = (!local.ip().is_loopback()).then(|| {
            format!(
                "warning: listening on {local}, reachable from other machines; \
                 deliveries and their credentials are visible to anyone who can connect"
            )
        });
        if let Some(w) = &exposed {
            eprintln!("hookscope: {w}");
        }
        for (_, w) in crate::provider::configured_answer_problems(&config) {
            eprintln!("hookscope: warning: {w}");
        }
        let config = Arc::new(config);
        if let Some(base) = &args.forward_to {
            refuse_own_address(base, local).await?;
        }
        let forward = args.forward_to.clone().map(|base| ForwardTarget {
            base,
            use_app_status: args.forward_status,
        });
        if !headless {
            let ui = UiSession {
                config,
                store,
                store_path,
                listener,
                notice: exposed,
                forward,
            };
            return ui.run(|_, _| None).await.map(|()| ExitCode::SUCCESS);
        }
        eprintln!("hookscope: listening on http://{local} (store: {store_label})");
        let lines = LineQueue::new(DEFAULT_QUEUE_BYTES);
        printer = Some(crate::headless::spawn_printer(lines.clone()));
        let state = Receiver::with_forward(config, store, Announce::Lines(lines), forward);
        ingest::serve(listener, state, super::shutdown::signal()).await?;
        Ok(ExitCode::SUCCESS)
    });
    // Stopping the runtime drops the receiver, which closes the line queue, so the printer
    // writes out the lines still queued and ends; a stdout nobody reads must not keep us
    // from exiting, though.
    drop(runtime);
    if let Some(p) = printer {
        let deadline = Instant::now() + PRINTER_DRAIN;
        while !p.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    result
}

/// A `--forward-to` target that is this very listener would forward every delivery to
/// itself, without end.
async fn refuse_own_address(base: &str, local: std::net::SocketAddr) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(base).with_context(|| format!("--forward-to {base}"))?;
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        anyhow::bail!("--forward-to {base}: not an http(s) URL with a host");
    };
    if port != local.port() {
        return Ok(());
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let Ok(addrs) = tokio::net::lookup_host((host, port)).await else {
        return Ok(());
    };
    let own = |a: std::net::SocketAddr| {
        a == local
            || (local.ip().is_unspecified() && (a.ip().is_loopback() || a.ip() == local.ip()))
    };
    if addrs.into_iter().any(own) {
        anyhow::bail!(
            "--forward-to {base} is hookscope's own address ({local}): it would forward \
             every delivery to itself"
        );
    }
    Ok(())
}

/// How long the printer gets at exit to write the lines still queued.
const PRINTER_DRAIN: Duration = Duration::from_secs(1);
