//! `hookscope send`: one vendor's delivery, signed and retried as that vendor does it.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::SendArgs;
use crate::config::Config;
use crate::provider::ProviderId;
use crate::sender::{self, Policy, samples, token};

pub fn run(args: SendArgs) -> anyhow::Result<ExitCode> {
    let provider = ProviderId::parse(&args.provider)
        .filter(|p| *p != ProviderId::Unknown)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "unknown provider {:?}; use one of clearspeed, talentsprout, brilliant, classet, jobmojito",
                args.provider
            )
        })?;
    let config = Config::load(args.config.as_deref())?;
    let body = match &args.body_file {
        Some(f) => std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?,
        None => samples::body(provider, args.event.as_deref()).map_err(anyhow::Error::msg)?,
    };
    let policy = Policy::for_provider(provider, Duration::from_millis(args.retry_base_ms));
    let runtime = tokio::runtime::Runtime::new()?;
    let acked = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut all_acked = true;
        for n in 1..=args.count.max(1) {
            // Clearspeed fetches a fresh token before each delivery.
            let bearer = if provider == ProviderId::Clearspeed {
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
                &config,
                now,
                args.bad_signature,
                bearer.as_deref(),
            );
            if args.count > 1 {
                println!("delivery {n} of {}: {}", args.count, signing.note);
            } else {
                println!("{provider} to {}: {}", signing.outgoing.url, signing.note);
            }
            let attempts = sender::deliver(&client, &signing.outgoing, &policy, |a| {
                println!("  {}", a.describe(&policy));
            })
            .await;
            let ok = attempts.last().is_some_and(|a| a.acknowledged);
            if !ok {
                all_acked = false;
                let tail = match provider {
                    ProviderId::Classet => "undeliverable: Classet makes no further attempts",
                    ProviderId::Clearspeed => {
                        "failed: Clearspeed keeps it 15 days for a manual retry (hookscope replay --failed)"
                    }
                    ProviderId::Jobmojito => "not acknowledged after the retries",
                    _ => "failed: this vendor does not retry",
                };
                println!("  {tail}");
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
