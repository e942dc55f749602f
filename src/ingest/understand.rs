//! The steps of a delivery after its body: what it is, the answer it gets, forwarding,
//! and the commit that comes before any answer.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::answer::{Answer, Received};
use super::{FORWARDED_HEADER, REPLAY_OF_HEADER, REPLAY_SIG_HEADER, Receiver, fetch};
use crate::forward::{self, ForwardTarget};
use crate::model::ProviderId;
use crate::model::{self, Delivery};
use crate::provider;
use crate::signature::Status;

/// A delivery on its way through the receiver.
pub(super) struct Understood {
    pub d: Delivery,
    /// The request with its real credentials, when it is to be forwarded.
    pub original: Option<model::Request>,
    pub status: StatusCode,
    /// Why the answer is an error, when it is one.
    pub problem: Option<String>,
    pub rejected: bool,
    pub delay: Duration,
    pub fetch_id: Option<String>,
    pub forward_later: Option<(ForwardTarget, model::Request)>,
}

pub(super) fn understand(
    state: &Receiver,
    request: model::Request,
    problem: Option<(StatusCode, String)>,
    received_at: DateTime<Utc>,
) -> Understood {
    let analysis = provider::analyze_brief(&request, &state.config, received_at.timestamp());
    let answer = state.config.response_for(
        (analysis.findings.provider != ProviderId::UNKNOWN)
            .then(|| analysis.findings.provider.as_str()),
    );
    let rejected = answer.reject_invalid && analysis.findings.verification.status == Status::Failed;
    let status = match &problem {
        Some((code, _)) => *code,
        None if rejected => StatusCode::UNAUTHORIZED,
        None => StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
    };
    // A link only when signed with this store's key (otherwise the headers are just
    // data); whether the id is stored is asked when recording.
    let replay_of = request
        .header(REPLAY_OF_HEADER)
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .filter(|id| {
            let sig = request.header(REPLAY_SIG_HEADER);
            sig.zip(state.store.link_key())
                .is_some_and(|(sig, key)| key.verifies(id, sig))
        })
        .map(str::to_string);
    // Forwarding needs the real credentials; the record gets the redacted copy.
    let original = state.forward.as_ref().map(|_| request.clone());
    let mut d = Delivery {
        id: model::new_id(),
        received_at,
        request,
        findings: analysis.findings,
        response_status: status.as_u16(),
        replay_of,
        forward: None,
    };
    state.redactor.apply(&mut d);
    Understood {
        d,
        original,
        status,
        problem: problem.map(|(_, p)| p),
        rejected,
        delay: Duration::from_millis(answer.delay_ms),
        fetch_id: analysis.fetch_id,
        forward_later: None,
    }
}

/// With `--forward-to`: a request this receiver forwarded itself is not forwarded again
/// (a loop); with `--forward-status` the app is asked before answering, otherwise after.
pub(super) async fn forward_first(state: &Receiver, u: &mut Understood) {
    let (Some(target), Some(original)) = (&state.forward, u.original.take()) else {
        return;
    };
    let came_back = original
        .header(FORWARDED_HEADER)
        .is_some_and(|v| v.split(',').any(|hop| hop.trim() == state.instance));
    if came_back {
        u.status = StatusCode::LOOP_DETECTED;
        u.problem = Some(format!(
            "this request was forwarded by this hookscope and came back; not forwarded again \
             ({} points at hookscope itself)",
            target.base
        ));
    } else if target.use_app_status {
        let f = state.redactor.clean(
            forward::forward(
                &state.http,
                target,
                &original,
                u.d.findings.provider,
                &state.instance,
            )
            .await,
        );
        u.status = f
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::BAD_GATEWAY);
        u.d.forward = Some(f);
    } else {
        u.forward_later = Some((target.clone(), original));
    }
    u.d.response_status = u.status.as_u16();
}

/// Commits the delivery (unless the store is gone) and decides the answer. Committed
/// before answering, so an acknowledged delivery survives a kill -9. `true`: stored.
pub(super) async fn record(state: &Receiver, u: &mut Understood) -> (Answer, bool) {
    let d = &mut u.d;
    if let Some(of) = &d.replay_of
        && !state.store.contains(of).await.unwrap_or(false)
    {
        d.replay_of = None;
    }
    let failure = if state.store_gone() {
        Some("the store file was deleted or replaced; the delivery was not stored".to_string())
    } else {
        match state.store.record(d).await {
            Ok(_) => None,
            Err(e) => {
                state.notice(format!("could not store delivery {}: {e}", d.id));
                Some(format!("could not store the delivery: {e}"))
            }
        }
    };
    if let Some(error) = failure {
        d.response_status = StatusCode::SERVICE_UNAVAILABLE.as_u16();
        let message = serde_json::json!({"id": d.id, "error": error}).to_string();
        return (Answer::unavailable(message), false);
    }
    let message = match (&u.problem, &d.forward) {
        (Some(reason), _) => serde_json::json!({"id": d.id, "error": reason}).to_string(),
        (None, Some(f)) => serde_json::json!({
            "id": d.id,
            "forwarded_to": f.url,
            "app_status": f.status,
            "app_error": f.error,
        })
        .to_string(),
        (None, None) if u.rejected => serde_json::json!({
            "id": d.id,
            "error": "verification failed",
            "detail": d.findings.verification.detail,
        })
        .to_string(),
        // The answer to nearly every delivery, so without building a map first.
        (None, None) => serde_json::to_string(&Received {
            id: &d.id,
            received: true,
            verification: d.findings.verification.status.as_str(),
        })
        .unwrap_or_default(),
    };
    (Answer::json(u.status, message), true)
}

/// Forwards after answering; announced once the app has answered, so the line and the
/// row show both answers. A shutdown does not wait for a slow app past its grace.
pub(super) async fn forward_then_announce(
    state: &Arc<Receiver>,
    target: &ForwardTarget,
    original: model::Request,
    mut d: Delivery,
) {
    let sending = forward::forward(
        &state.http,
        target,
        &original,
        d.findings.provider,
        &state.instance,
    );
    let mut stopping = state.stopping.subscribe();
    let cut_short = async {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(super::SHUTDOWN_GRACE / 2).await;
    };
    let f = tokio::select! {
        f = sending => state.redactor.clean(f),
        _ = cut_short => state.redactor.clean(forward::abandoned(target, &original)),
    };
    if let Err(e) = state.store.set_forward(&d.id, &f).await {
        tracing::warn!("could not record the forward of {}: {e}", d.id);
    }
    d.forward = Some(f);
    state.announce(d);
}

/// Asks the vendor's API for more about a recorded delivery (Brilliant sends only a
/// ResponseId), when API access is configured. Only a verified delivery is fetched: an
/// unverified one could make hookscope spend the user's API quota for anyone.
pub(super) async fn follow_up(state: &Arc<Receiver>, d: &Delivery, id: String) {
    let provider = d.findings.provider;
    let Some(plan) =
        provider::vendor(provider).and_then(|v| v.follow_up(&state.config, &state.http, id))
    else {
        return;
    };
    let status = d.findings.verification.status;
    let not_fetched = match plan {
        Err(e) => e,
        Ok(_) if status != Status::Verified => format!(
            "Not fetched: only verified deliveries are fetched, and this one is {}.",
            status.as_str()
        ),
        Ok(f) => match state
            .fetches
            .push(&state.store, &state.redactor, d.id.clone(), provider, f)
        {
            Ok(()) => return,
            Err(e) => e,
        },
    };
    fetch::record(
        &state.store,
        &state.redactor,
        &d.id,
        serde_json::json!({ "error": not_fetched }),
    )
    .await;
}
