//! The sample deliveries `send` and `demo` use: one per event each vendor documents.

use crate::model::ProviderId;

macro_rules! sample {
    ($p:ident, $event:literal, $dir:literal) => {
        sample!($p, $event, $dir, concat!($event, ".json"))
    };
    // A file named otherwise than the event (`orders/create` in `orders-create.json`), or
    // a form body (`.form`).
    ($p:ident, $event:literal, $dir:literal, $file:expr) => {
        (
            ProviderId::$p,
            $event,
            include_str!(concat!("../../assets/samples/", $dir, "/", $file)),
        )
    };
}

/// (provider, event, pretty-printed JSON body).
pub(crate) const SAMPLES: &[(ProviderId, &str, &str)] = &[
    sample!(TALENTSPROUT, "interview.completed", "talentsprout"),
    sample!(TALENTSPROUT, "interview.abandoned", "talentsprout"),
    sample!(CLASSET, "candidate.interview.updated", "classet"),
    sample!(CLASSET, "call_completed", "classet"),
    sample!(CLEARSPEED, "Result Published", "clearspeed"),
    sample!(CLEARSPEED, "Attempted - Incomplete", "clearspeed"),
    sample!(CLEARSPEED, "Attempted - Partial", "clearspeed"),
    sample!(CLEARSPEED, "Under Review", "clearspeed"),
    sample!(BRILLIANT, "response.created", "brilliant"),
    sample!(BRILLIANT, "response.started", "brilliant"),
    sample!(BRILLIANT, "response.changed", "brilliant"),
    sample!(BRILLIANT, "response.completed", "brilliant"),
    sample!(JOBMOJITO, "interview_collected", "jobmojito"),
    sample!(JOBMOJITO, "interview_result", "jobmojito"),
    sample!(JOBMOJITO, "interview_failed", "jobmojito"),
    sample!(STANDARD_WEBHOOKS, "contact.created", "standard-webhooks"),
    sample!(STANDARD_WEBHOOKS, "invoice.paid", "standard-webhooks"),
    sample!(STRIPE, "payment_intent.succeeded", "stripe"),
    sample!(STRIPE, "checkout.session.completed", "stripe"),
    sample!(STRIPE, "invoice.payment_failed", "stripe"),
    sample!(GITHUB, "push", "github"),
    sample!(GITHUB, "pull_request.opened", "github"),
    sample!(GITHUB, "ping", "github"),
    sample!(SHOPIFY, "orders/create", "shopify", "orders-create.json"),
    sample!(
        SHOPIFY,
        "products/update",
        "shopify",
        "products-update.json"
    ),
    sample!(
        SHOPIFY,
        "app/uninstalled",
        "shopify",
        "app-uninstalled.json"
    ),
    sample!(SLACK, "app_mention", "slack"),
    sample!(SLACK, "url_verification", "slack"),
    sample!(SLACK, "slash_command", "slack", "slash_command.form"),
    sample!(SLACK, "block_actions", "slack", "block_actions.form"),
    sample!(
        TWILIO,
        "incoming_message",
        "twilio",
        "incoming_message.form"
    ),
    sample!(TWILIO, "message_status", "twilio", "message_status.form"),
    sample!(TWILIO, "incoming_call", "twilio", "incoming_call.form"),
];

/// The events a provider documents, first one being the default for `send`.
pub(crate) fn events(provider: ProviderId) -> Vec<&'static str> {
    SAMPLES
        .iter()
        .filter(|(p, _, _)| *p == provider)
        .map(|(_, e, _)| *e)
        .collect()
}

/// The sample body for `event` (case-insensitive): JSON compact as vendors send it, a form
/// body as written; a configured scheme's generic sample where no file is kept.
pub(crate) fn body(provider: ProviderId, event: Option<&str>) -> Result<Vec<u8>, String> {
    let found = SAMPLES
        .iter()
        .find(|(p, e, _)| *p == provider && event.is_none_or(|want| e.eq_ignore_ascii_case(want)));
    let generic = || crate::provider::vendor(provider).and_then(|v| v.sample(event));
    let Some((_, _, text)) = found else {
        if let Some(body) = generic() {
            return Ok(body);
        }
        return Err(format!(
            "{provider} has no event {:?}; it documents: {}",
            event.unwrap_or_default(),
            events(provider).join(", ")
        ));
    };
    if text.trim_start().starts_with(['{', '[']) {
        compact(text.as_bytes())
    } else {
        Ok(text.trim().as_bytes().to_vec())
    }
}

/// Re-serializes JSON compactly, keeping key order.
pub(crate) fn compact(body: &[u8]) -> Result<Vec<u8>, String> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("sample is not JSON: {e}"))?;
    serde_json::to_vec(&v).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_has_samples_and_each_parses() {
        for v in crate::provider::all() {
            let p = v.id();
            assert!(!events(p).is_empty(), "{p}");
            for e in events(p) {
                let b = body(p, Some(e)).unwrap();
                assert!(!b.is_empty());
            }
        }
    }

    #[test]
    fn unknown_event_lists_the_documented_ones() {
        let err = body(ProviderId::CLASSET, Some("nope")).unwrap_err();
        assert!(err.contains("call_completed"), "{err}");
    }
}
