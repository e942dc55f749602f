//! `hookscope view`: the UI over a history without a receiver of its own. Deliveries
//! other processes store (every receiver writing a PostgreSQL database, or one writing
//! the file) appear as they are committed; losing the store and finding it again are
//! said in the footer.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::mpsc::UnboundedSender;

use super::{ViewArgs, data_dir, init_logging, store_path};
use crate::config::Config;
use crate::model::Delivery;
use crate::store::{self, Change, Store, Watch};
use crate::tui;

pub(crate) fn run(args: ViewArgs) -> anyhow::Result<ExitCode> {
    let config = Arc::new(Config::load(args.config.as_deref())?);
    let path = store_path(&args.store)?;
    if !store::is_url(&path) && !path.exists() {
        anyhow::bail!("no store at {}", path.display());
    }
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let watch = Watch::new(store.reader()?)?;
    let _log = init_logging(data_dir().as_deref());
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let (deliveries_tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
        let (notices_tx, notices) = tokio::sync::mpsc::unbounded_channel();
        let _ = notices_tx.send(format!(
            "Viewing {}: no receiver here; deliveries other receivers store appear as they do",
            store.label()
        ));
        std::thread::Builder::new()
            .name("hookscope-watch".into())
            .spawn(move || follow(watch, deliveries_tx, notices_tx))
            .context("cannot start watching the store")?;
        let app = tui::Tui::new(
            tui::App::new(tui::Context {
                config,
                // No receiver: the header shows the store instead of an address.
                listen: String::new(),
                store: Some(store.label()),
                forward_to: None,
            }),
            reader,
        );
        let feeds = tui::Feeds {
            deliveries,
            notices,
        };
        tokio::select! {
            r = tui::run(app, feeds) => r.context("the terminal UI failed"),
            _ = super::shutdown::signal() => Ok(()),
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Announces the rows other processes store, until the UI is gone.
fn follow(
    mut watch: Watch,
    deliveries: UnboundedSender<Arc<Delivery>>,
    notices: UnboundedSender<String>,
) {
    while !deliveries.is_closed() {
        for change in watch.changes() {
            let sent = match change {
                Change::Rows(rows) => rows
                    .into_iter()
                    .all(|r| deliveries.send(Arc::new(r.into_delivery())).is_ok()),
                Change::Lost(e) => notices
                    .send(format!("Disconnected from the store ({e}); reconnecting…"))
                    .is_ok(),
                Change::Back => notices.send("Reconnected to the store".into()).is_ok(),
            };
            if !sent {
                return;
            }
        }
    }
}
