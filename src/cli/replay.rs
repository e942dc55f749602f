//! `hookscope replay`: stored deliveries re-sent to an app, byte for byte.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::{ReplayArgs, store_path};
use crate::config::Config;
use crate::delivery::Delivery;
use crate::sender::{self, Policy, replay};
use crate::store::{self, Store};

/// Clearspeed keeps failed payloads this long for its "Retry Webhook" button.
const DEFAULT_FAILED_WINDOW: &str = "15d";

pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    if args.ids.is_empty() && !args.failed {
        anyhow::bail!("name the deliveries to replay (their ids), or pass --failed");
    }
    let config = Config::load(args.config.as_deref())?;
    let path = store_path(&args.store)?;
    if !path.exists() {
        anyhow::bail!("no store at {}", path.display());
    }
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let mut deliveries: Vec<Delivery> = Vec::new();
    for id in &args.ids {
        let d = reader
            .get(id)?
            .or_else(|| find_by_prefix(&reader, id))
            .with_context(|| format!("no delivery {id} in {}", path.display()))?;
        deliveries.push(d);
    }
    if args.failed {
        let window = args.since.as_deref().unwrap_or(DEFAULT_FAILED_WINDOW);
        let d =
            store::parse_duration(window).map_err(|e| anyhow::anyhow!("--since {window}: {e}"))?;
        let since =
            chrono::Utc::now() - chrono::Duration::from_std(d).context("--since is too long")?;
        reader.each_since(Some(since), |s| {
            if replay::failed_for_vendor(&s.delivery) && s.delivery.replay_of.is_none() {
                deliveries.push(s.delivery);
            }
            Ok::<(), store::StoreError>(())
        })?;
        if deliveries.is_empty() {
            println!("no failed deliveries in the last {window}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let all_acked = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut all = true;
        for d in &deliveries {
            let now = chrono::Utc::now().timestamp();
            let label = format!(
                "{} {} {}",
                short(&d.id),
                d.provider,
                d.event.as_deref().unwrap_or("-")
            );
            let out = match replay::prepare(d, &args.to, &config, args.resign, now) {
                Ok(o) => o,
                Err(e) => {
                    println!("{label}: not replayed: {e}");
                    all = false;
                    continue;
                }
            };
            let policy = Policy::for_provider(d.provider, Duration::from_secs(1));
            let mut a = sender::send_once(&client, &out, policy.timeout).await;
            a.acknowledged = a.status.is_some_and(|s| policy.acknowledges(s));
            println!("{label} -> {}: {}", out.url, a.describe(&policy));
            all &= a.acknowledged;
        }
        all
    });
    Ok(if all_acked {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn short(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

/// Ids are long; accept a unique prefix as shown in the UI.
fn find_by_prefix(reader: &store::Reader, prefix: &str) -> Option<Delivery> {
    if prefix.len() < 8 {
        return None;
    }
    let mut found = None;
    let _ = reader.each_since(None, |s| {
        if s.delivery.id.starts_with(prefix) {
            found = Some(s.delivery);
        }
        Ok::<(), store::StoreError>(())
    });
    found
}
