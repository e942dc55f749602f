//! `hookscope replay`: stored deliveries re-sent to an app, byte for byte, each outcome
//! recorded beside the delivery it re-sends.

use std::process::ExitCode;
use std::time::Duration;

use super::{ReplayArgs, say, store_path};
use crate::config::Config;
use crate::model::{self, Delivery, Findings};
use crate::redact::Redactor;
use crate::sender::failed::{Failed, FailedSelection};
use crate::sender::replay::{self, TokenRefresh};
use crate::sender::{self, Attempt, Outgoing, Policy};
use crate::signature::{Status, Verification};
use crate::store::{self, Reader, Store};

/// Clearspeed keeps failed payloads this long for its "Retry Webhook" button.
const DEFAULT_FAILED_WINDOW: &str = "15d";
/// The exit code when an id prefix names more than one delivery.
const AMBIGUOUS: u8 = 2;
/// The shortest id prefix looked up: shorter ones would match most of a day.
const MIN_PREFIX: usize = 8;
/// How many matches of an ambiguous prefix are listed.
const LISTED_MATCHES: usize = 10;

pub(crate) fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    if args.ids.is_empty() && !args.failed {
        anyhow::bail!("name the deliveries to replay (their ids), or pass --failed");
    }
    let config = Config::load(args.config.as_deref())?;
    let redactor = Redactor::from_config(&config);
    replay_all(args, &config, &redactor).map_err(|e| redactor.error(e))
}

fn replay_all(args: ReplayArgs, config: &Config, r: &Redactor) -> anyhow::Result<ExitCode> {
    let path = store_path(&args.store)?;
    if !store::is_url(&path) && !path.exists() {
        anyhow::bail!("no store at {}", path.display());
    }
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let mut deliveries: Vec<Delivery> = Vec::new();
    for id in &args.ids {
        match lookup(&reader, id)? {
            Lookup::One(d) => deliveries.push(*d),
            Lookup::None if id.chars().count() < MIN_PREFIX => anyhow::bail!(
                "no delivery {id} in {} (a prefix needs {MIN_PREFIX} characters or more)",
                store.label()
            ),
            Lookup::None => anyhow::bail!("no delivery {id} in {}", store.label()),
            Lookup::Many(rows) => {
                eprintln!("hookscope: {id} matches more than one delivery; give more of the id:");
                for row in rows.iter().take(LISTED_MATCHES) {
                    eprintln!(
                        "  {}  {}  {} {}",
                        row.id,
                        model::rfc3339(row.received_at),
                        row.findings.provider,
                        r.clean(row.findings.event.clone().unwrap_or_else(|| "-".into()))
                    );
                }
                if rows.len() > LISTED_MATCHES {
                    eprintln!("  … and more");
                }
                return Ok(ExitCode::from(AMBIGUOUS));
            }
        }
    }
    if args.failed {
        let window = args.since.as_deref().unwrap_or(DEFAULT_FAILED_WINDOW);
        let since = store::since(window, chrono::Utc::now())
            .map_err(|e| anyhow::anyhow!("--since {window}: {e}"))?;
        let mut selection = FailedSelection::default();
        reader.each_since(Some(since), |s| {
            selection.add(s.delivery);
            Ok::<(), store::StoreError>(())
        })?;
        let (send, done) = selection.finish(args.again);
        for f in &done {
            say(
                r,
                format!("{}: skipped: {}", label(&f.delivery), skipped(f)),
            );
        }
        for f in &send {
            if f.ids.len() > 1 {
                say(r, format!("{}: {}", label(&f.delivery), retries(f)));
            }
        }
        if send.is_empty() {
            say(
                r,
                format!("no failed deliveries to replay in the last {window}"),
            );
            return Ok(ExitCode::SUCCESS);
        }
        deliveries.extend(send.into_iter().map(|f| f.delivery));
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let all_acked = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut all = true;
        for d in &deliveries {
            let label = label(d);
            let now = chrono::Utc::now().timestamp();
            let prepared = replay::prepare(d, &args.to, config, store.link_key(), args.resign, now);
            let mut out = match prepared {
                Ok(o) => o,
                Err(e) => {
                    say(r, format!("{label}: not replayed: {e}"));
                    all = false;
                    continue;
                }
            };
            if let Some(refresh) = TokenRefresh::for_delivery(d, config)
                && let Err(e) = refresh.apply(&client, &mut out).await
            {
                say(r, format!("{label}: not replayed: no fresh token: {e}"));
                all = false;
                continue;
            }
            let policy = Policy::for_provider(d.findings.provider, Duration::from_secs(1));
            let mut a = sender::send_once(&client, &out, policy.timeout).await;
            a.acknowledged = a.status.is_some_and(|s| policy.acknowledges(s));
            say(
                r,
                format!("{label} -> {}: {}", out.url, a.describe(&policy)),
            );
            if let Err(e) = record(&store, &reader, d, &out, &a, &policy, r).await {
                eprintln!(
                    "hookscope: the outcome of replaying {} was not recorded: {:#}",
                    short(&d.id),
                    r.error(e)
                );
            }
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

fn label(d: &Delivery) -> String {
    format!(
        "{} {} {}",
        short(&d.id),
        d.findings.provider,
        d.findings.event.as_deref().unwrap_or("-")
    )
}

fn short(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

fn skipped(f: &Failed) -> String {
    format!(
        "replay {} was already acknowledged (--again sends it anyway)",
        short(f.acknowledged_by.as_deref().unwrap_or("-"))
    )
}

fn retries(f: &Failed) -> String {
    format!(
        "{} stored copies of one payload (the vendor's retries); sending the latest once",
        f.ids.len()
    )
}

enum Lookup {
    None,
    One(Box<Delivery>),
    Many(Vec<store::Row>),
}

/// An id, or a prefix of at least 8 characters (as the UI shows ids shortened).
fn lookup(reader: &Reader, id: &str) -> anyhow::Result<Lookup> {
    if let Some(d) = reader.get(id)? {
        return Ok(Lookup::One(Box::new(d)));
    }
    if id.chars().count() < MIN_PREFIX {
        return Ok(Lookup::None);
    }
    let mut rows = reader.with_id_prefix(id, LISTED_MATCHES + 1)?;
    Ok(match rows.len() {
        0 => Lookup::None,
        1 => match reader.get(&rows.remove(0).id)? {
            Some(d) => Lookup::One(Box::new(d)),
            None => Lookup::None,
        },
        _ => Lookup::Many(rows),
    })
}

/// Records what the target answered as a new row linked to `d`, so the history shows it
/// and `--failed` knows it was delivered. A hookscope receiver writing to this same store
/// has recorded it already (its answer names the row).
async fn record(
    store: &Store,
    reader: &Reader,
    d: &Delivery,
    out: &Outgoing,
    a: &Attempt,
    policy: &Policy,
    r: &Redactor,
) -> anyhow::Result<()> {
    let answered_id = serde_json::from_str::<serde_json::Value>(&a.answer)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string));
    if let Some(id) = answered_id
        && reader
            .get(&id)?
            .is_some_and(|row| row.replay_of.as_deref() == Some(d.id.as_str()))
    {
        return Ok(());
    }
    let mut request = d.request.clone();
    let (path, query) = super::send::split_url(&out.url);
    request.path = path;
    request.query = query;
    request.headers = out.headers.clone();
    request.body = bytes::Bytes::from(out.body.clone());
    request.peer = Some(format!("sent to {}", out.url));
    let mut row = Delivery {
        id: model::new_id(),
        received_at: chrono::Utc::now(),
        request,
        findings: Findings {
            verification: Verification::new(
                Status::Unchecked,
                "outgoing",
                format!(
                    "Replayed by hookscope to {}: {}.",
                    out.url,
                    a.describe(policy)
                ),
            ),
            ..d.findings.clone()
        },
        response_status: a.status.unwrap_or(0),
        replay_of: Some(d.id.clone()),
        forward: None,
    };
    r.apply(&mut row);
    store.insert(&row).await?;
    Ok(())
}
