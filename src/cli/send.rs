//! `hookscope send`: one vendor's delivery, signed and retried as that vendor does it.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::{SendArgs, say, store_path};
use crate::config::Config;
use crate::model::ProviderId;
use crate::model::{self, Delivery, DetectedBy, Findings, Request};
use crate::oauth as token;
use crate::provider::SigningOptions;
use crate::redact::Redactor;
use crate::sender::{self, Policy, samples};
use crate::sender::{Attempt, Outgoing};
use crate::signature::{Status, Verification};
use crate::store::Store;

pub(crate) fn run(args: SendArgs) -> anyhow::Result<ExitCode> {
    // First the config: it names the schemes of the user's own.
    let config = Config::load(args.config.as_deref())?;
    let provider = ProviderId::parse(&args.provider)
        .filter(|p| *p != ProviderId::UNKNOWN)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "unknown provider {:?}; use one of {}",
                args.provider,
                crate::provider::ids()
            )
        })?;
    let redactor = Redactor::from_config(&config);
    send(args, provider, &config, &redactor).map_err(|e| redactor.error(e))
}

fn send(
    args: SendArgs,
    provider: ProviderId,
    config: &Config,
    r: &Redactor,
) -> anyhow::Result<ExitCode> {
    let body = match &args.body_file {
        Some(f) => std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?,
        None => samples::body(provider, args.event.as_deref()).map_err(anyhow::Error::msg)?,
    };
    let policy = Policy::configured(provider, config, Duration::from_millis(args.retry_base_ms));
    let name = crate::provider::vendor(provider).map_or("the sender", |v| v.name());
    say(r, policy.describe(name));
    if policy.https_only && args.to.starts_with("http://") {
        say(
            r,
            format!(
                "note: {name} itself delivers only to https:// URLs; plain http is fine for a \
                 rehearsal"
            ),
        );
    }
    let token_flow = crate::provider::vendor(provider).is_some_and(|v| v.uses_token_flow());
    let runtime = tokio::runtime::Runtime::new()?;
    let acked = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut all_acked = true;
        for n in 1..=args.count.max(1) {
            // A vendor with a token flow fetches a fresh token before each delivery.
            let bearer = if token_flow {
                token::fetch_token(&client, &config.providers.clearspeed)
                    .await
                    .map_err(anyhow::Error::msg)?
            } else {
                None
            };
            let now = chrono::Utc::now().timestamp();
            let signing = sender::sign(
                provider,
                &args.to,
                body.clone(),
                config,
                now,
                SigningOptions {
                    event: args.event.as_deref(),
                    bad_signature: args.bad_signature,
                    bearer: bearer.as_deref(),
                },
            );
            if args.count > 1 {
                say(
                    r,
                    format!("delivery {n} of {}: {}", args.count, signing.note),
                );
            } else {
                say(
                    r,
                    format!("{provider} to {}: {}", signing.outgoing.url, signing.note),
                );
            }
            let attempts = sender::deliver(&client, &signing.outgoing, &policy, |a| {
                say(r, format!("  {}", a.describe(&policy)));
            })
            .await;
            let ok = attempts.last().is_some_and(|a| a.acknowledged);
            if !ok {
                all_acked = false;
                let tail = match (policy.retries, policy.after_failure) {
                    (_, Some(after)) => format!("failed: {after} (hookscope replay --failed)"),
                    (0, None) => format!("failed: {name} {}", policy.retry_rule()),
                    (n, None) => format!(
                        "undeliverable: not acknowledged after {n} retries; {name} makes no \
                         further attempts{}",
                        if policy.retries_assumed {
                            " (assumed)"
                        } else {
                            ""
                        }
                    ),
                };
                say(r, format!("  {tail}"));
                let last = attempts.last();
                match keep_failed(&args, provider, &signing.outgoing, last, r).await {
                    Ok(where_) => say(
                        r,
                        format!("  kept in {where_} for `hookscope replay --failed`"),
                    ),
                    Err(e) => eprintln!(
                        "hookscope: could not keep the failed delivery: {:#}",
                        r.error(e)
                    ),
                }
            }
        }
        Ok::<bool, anyhow::Error>(all_acked)
    })?;
    Ok(if acked {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Records a delivery the target did not acknowledge, as the vendor keeps it, so that
/// `hookscope replay --failed` can re-send it. Credentials are redacted like received ones.
async fn keep_failed(
    args: &SendArgs,
    provider: ProviderId,
    out: &Outgoing,
    last: Option<&Attempt>,
    redactor: &Redactor,
) -> anyhow::Result<String> {
    let path = store_path(&args.store)?;
    let store = Store::open(&path)?;
    let (url_path, query) = split_url(&out.url);
    let outcome = match last {
        Some(Attempt {
            status: Some(s), ..
        }) => format!("answered {s}"),
        Some(Attempt { error: Some(e), .. }) => e.clone(),
        _ => "no answer".into(),
    };
    let mut d = Delivery {
        id: model::new_id(),
        received_at: chrono::Utc::now(),
        request: Request {
            method: out.method.clone(),
            path: url_path,
            query,
            headers: out.headers.clone(),
            body: bytes::Bytes::from(out.body.clone()),
            body_bytes: out.body.len() as u64,
            body_truncated: false,
            peer: Some(format!("sent to {}", out.url)),
        },
        findings: Findings {
            provider,
            detected_by: DetectedBy::None,
            event: args.event.clone(),
            event_inferred: false,
            subject: None,
            verification: Verification::new(
                Status::Unchecked,
                "outgoing",
                format!(
                    "Sent by hookscope send to {}: {outcome}; not acknowledged.",
                    out.url
                ),
            ),
        },
        response_status: last.and_then(|a| a.status).unwrap_or(0),
        replay_of: None,
        forward: None,
    };
    let u = crate::provider::understand(
        provider,
        &d.request,
        crate::provider::body_json(&d.request.body).as_ref(),
    );
    d.findings.event = d.findings.event.or(u.event);
    d.findings.subject = u.subject;
    redactor.apply(&mut d);
    store.insert(&d).await?;
    Ok(store.label())
}

/// Path and query of a URL (the part after the host).
pub(super) fn split_url(url: &str) -> (String, Option<String>) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path_query = rest.find('/').map_or("/", |i| &rest[i..]);
    match path_query.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (path_query.to_string(), None),
    }
}
