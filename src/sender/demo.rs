//! `hookscope demo`: a receiver of its own, fed over real HTTP by a scripted mix of every
//! vendor, including the failures people meet in real integrations.

use std::time::Duration;

use base64::Engine;

use crate::config::{Config, Secret};
use crate::model::ProviderId;

use super::samples;
use crate::model::Outgoing;
use crate::provider::{SigningOptions, sign};

/// What is deliberately wrong with a scripted delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flaw {
    None,
    /// Signed with another key.
    BadSignature,
    /// Signed 2 h 13 min before sending.
    StaleTimestamp,
    /// Signed compact, then pretty-printed on the way, as a proxy might.
    ReformattedByProxy,
}

/// One scripted delivery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub provider: ProviderId,
    pub event: &'static str,
    pub flaw: Flaw,
    /// A later JobMojito re-send with changed fields, so the changes view has a diff.
    pub rescored: bool,
}

const fn step(provider: ProviderId, event: &'static str, flaw: Flaw) -> Step {
    Step {
        provider,
        event,
        flaw,
        rescored: false,
    }
}

use Flaw::*;

/// The script: every vendor, repeat deliveries about one subject, and the usual failures.
pub(crate) const SCRIPT: &[Step] = &[
    step(ProviderId::TALENTSPROUT, "interview.completed", None),
    step(ProviderId::CLASSET, "candidate.interview.updated", None),
    step(ProviderId::CLEARSPEED, "Result Published", None),
    step(ProviderId::BRILLIANT, "response.created", None),
    step(ProviderId::JOBMOJITO, "interview_collected", None),
    step(ProviderId::STRIPE, "payment_intent.succeeded", None),
    step(ProviderId::SHOPIFY, "orders/create", None),
    step(ProviderId::STANDARD_WEBHOOKS, "contact.created", None),
    step(ProviderId::GITHUB, "pull_request.opened", None),
    step(ProviderId::SLACK, "app_mention", None),
    step(ProviderId::TWILIO, "incoming_message", None),
    step(ProviderId::BRILLIANT, "response.started", None),
    step(
        ProviderId::CLASSET,
        "candidate.interview.updated",
        ReformattedByProxy,
    ),
    step(ProviderId::JOBMOJITO, "interview_result", None),
    step(
        ProviderId::TALENTSPROUT,
        "interview.completed",
        StaleTimestamp,
    ),
    step(ProviderId::CLEARSPEED, "Attempted - Partial", None),
    step(ProviderId::BRILLIANT, "response.completed", None),
    step(
        ProviderId::TALENTSPROUT,
        "interview.abandoned",
        BadSignature,
    ),
    step(ProviderId::CLASSET, "call_completed", None),
    Step {
        rescored: true,
        ..step(ProviderId::JOBMOJITO, "interview_result", None)
    },
    step(ProviderId::CLEARSPEED, "Under Review", BadSignature),
    step(ProviderId::BRILLIANT, "response.changed", None),
    step(
        ProviderId::CLASSET,
        "candidate.interview.updated",
        BadSignature,
    ),
    step(ProviderId::CLEARSPEED, "Attempted - Incomplete", None),
    step(ProviderId::STRIPE, "invoice.payment_failed", StaleTimestamp),
    step(ProviderId::SHOPIFY, "products/update", BadSignature),
    step(ProviderId::GITHUB, "push", BadSignature),
    step(ProviderId::SLACK, "slash_command", StaleTimestamp),
    step(ProviderId::TWILIO, "message_status", None),
    step(ProviderId::STANDARD_WEBHOOKS, "invoice.paid", None),
];

/// A config with fresh secrets for every vendor, pointing the Clearspeed token flow at
/// the demo's own receiver on `port`.
pub(crate) fn config(port: u16) -> Config {
    let fresh = |prefix: &str| format!("{prefix}{}", uuid::Uuid::now_v7().simple());
    let mut c = Config::default();
    c.server.addr = format!("127.0.0.1:{port}");
    let p = &mut c.providers;
    p.talentsprout.secret = Some(Secret::new(fresh("whsec_demo")));
    p.classet.secret = Some(Secret::new(fresh("classet_demo_")));
    p.clearspeed.client_id = Some("hookscope-demo".into());
    p.clearspeed.client_secret = Some(Secret::new(fresh("cs_client_")));
    p.clearspeed.jwt_secret = Some(Secret::new(fresh("cs_jwt_")));
    p.clearspeed.audience = Some(format!("http://127.0.0.1:{port}/clearspeed"));
    p.clearspeed.token_url = Some(format!("http://127.0.0.1:{port}/oauth/token"));
    p.brilliant.url_key = Some(Secret::new(fresh("br")));
    p.jobmojito.header = Some("x-jobmojito-token".into());
    p.jobmojito.value = Some(Secret::new(fresh("jm_")));
    p.stripe.secret = Some(Secret::new(fresh("whsec_demo")));
    p.shopify.secret = Some(Secret::new(fresh("shpss_demo_")));
    p.github.secret = Some(Secret::new(fresh("gh_demo_")));
    p.slack.secret = Some(Secret::new(fresh("slack_demo_")));
    p.twilio.auth_token = Some(Secret::new(fresh("tw_demo_")));
    // The URL entered in Twilio's console: here the demo's own route.
    p.twilio.public_url = Some(format!("http://127.0.0.1:{port}/twilio"));
    // Standard Webhooks secrets are base64 after `whsec_`.
    let key = [
        uuid::Uuid::now_v7().into_bytes(),
        uuid::Uuid::now_v7().into_bytes(),
    ]
    .concat();
    p.standard_webhooks.secret = Some(Secret::new(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )));
    c
}

/// The request a step sends to the receiver at `base` (`http://host:port`).
pub(crate) async fn prepare(
    client: &reqwest::Client,
    step: &Step,
    config: &Config,
    base: &str,
    now: i64,
) -> Result<Outgoing, String> {
    let mut body = samples::body(step.provider, Some(step.event))?;
    if step.rescored {
        body = rescore(&body)?;
    }
    let bearer = if crate::provider::vendor(step.provider).is_some_and(|v| v.uses_token_flow()) {
        crate::oauth::fetch_token(client, &config.providers.clearspeed).await?
    } else {
        Option::None
    };
    let signed_at = if step.flaw == StaleTimestamp {
        now - (2 * 3600 + 13 * 60)
    } else {
        now
    };
    let url = format!("{base}/{}", step.provider.as_str());
    let options = SigningOptions {
        event: Some(step.event),
        bad_signature: step.flaw == BadSignature,
        bearer: bearer.as_deref(),
    };
    let mut out = sign(step.provider, &url, body, config, signed_at, options).outgoing;
    if step.flaw == ReformattedByProxy {
        let v: serde_json::Value = serde_json::from_slice(&out.body).map_err(|e| e.to_string())?;
        out.body = serde_json::to_vec_pretty(&v).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A JobMojito re-send after the recruiter-facing score changed.
fn rescore(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if let Some(o) = v.as_object_mut() {
        o.insert("ai_analysis_recruiter_score".into(), serde_json::json!(9.2));
        o.insert("recruiter_go_next_round".into(), serde_json::json!(true));
        o.insert(
            "reason".into(),
            serde_json::json!("ai_analysis_recruiter_score,recruiter_go_next_round"),
        );
    }
    serde_json::to_vec(&v).map_err(|e| e.to_string())
}

/// Sends the script once (or forever with `repeat`), `pause` apart. Reports each failure
/// to send through `on_error`; the receiver records what arrives.
pub(crate) async fn run(
    config: &Config,
    base: &str,
    pause: Duration,
    repeat: bool,
    mut on_error: impl FnMut(String),
) {
    let client = reqwest::Client::new();
    loop {
        for step in SCRIPT {
            let now = chrono::Utc::now().timestamp();
            match prepare(&client, step, config, base, now).await {
                Ok(out) => {
                    let a = super::send_once(&client, &out, Duration::from_secs(30)).await;
                    if let Some(e) = a.error {
                        on_error(format!("demo {} {}: {e}", step.provider, step.event));
                    }
                }
                Err(e) => on_error(format!("demo {} {}: {e}", step.provider, step.event)),
            }
            tokio::time::sleep(pause).await;
        }
        if !repeat {
            return;
        }
    }
}
