//! Classet: `candidate.interview.updated` with a from/to diff, and the deprecated
//! `call_completed` shape. Signed with base64url HMAC-SHA256, or the legacy API key.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::tolerant::{JsonExt, header};
use super::{Policy, Route, Summary as Any, Understanding, Vendor};
use crate::config::Config;
use crate::model::{ProviderId, Request, Status, Verification};
use crate::signature::{Check, Encoding, HmacCheck, KeyRef, StaticHeaderCheck};

pub(crate) mod brief;
mod call;
#[cfg(test)]
mod tests;

pub(crate) use call::CallCompleted;

pub(crate) const SIGNATURE_HEADER: &str = "x-classet-webhook-signature";
pub(crate) const KEY_HEADER: &str = "x-classet-key";
pub(crate) const INTERVIEW_UPDATED: &str = "candidate.interview.updated";
/// The deprecated shape has no `event` key; this names it.
pub(crate) const CALL_COMPLETED: &str = "call_completed";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// `event`, or `call_completed` for the deprecated shape.
    pub event: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "one per delivery view; boxing would only add indirection for the TUI"
)]
pub enum Kind {
    /// `{event, changes, data}`: the current diff model.
    InterviewUpdated(InterviewUpdate),
    CallCompleted(CallCompleted),
    /// Neither shape: the raw views apply.
    Unrecognised,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InterviewUpdate {
    /// In the order the vendor sent them.
    pub changes: Vec<Change>,
    pub data: Option<InterviewData>,
}

/// One changed field; `null` stands for both an explicit `null` and a missing side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InterviewData {
    pub candidate_id: Option<String>,
    pub interview_completed_at: Option<String>,
    pub interview_sent_at: Option<String>,
    /// `None`: `null` or absent (not yet completed, no outcome determined).
    pub interview_outcome: Option<InterviewOutcome>,
    pub interview_summary: Option<String>,
    pub interview_custom_data: Option<Value>,
}

/// The documented outcomes; anything else is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterviewOutcome {
    CandidateNotInterested,
    AiOptOut,
    Qualified,
    Unqualified,
    CandidateNotResponsive,
    Completed,
    NotSentUnreachable,
    NotSentDuplicate,
    NotSentAlreadyCompleted,
    AiStoppedOverride,
    Other(String),
}

const OUTCOMES: [(&str, InterviewOutcome); 10] = [
    (
        "candidate_not_interested",
        InterviewOutcome::CandidateNotInterested,
    ),
    ("ai_opt_out", InterviewOutcome::AiOptOut),
    ("qualified", InterviewOutcome::Qualified),
    ("unqualified", InterviewOutcome::Unqualified),
    (
        "candidate_not_responsive",
        InterviewOutcome::CandidateNotResponsive,
    ),
    ("completed", InterviewOutcome::Completed),
    ("not_sent_unreachable", InterviewOutcome::NotSentUnreachable),
    ("not_sent_duplicate", InterviewOutcome::NotSentDuplicate),
    (
        "not_sent_already_completed",
        InterviewOutcome::NotSentAlreadyCompleted,
    ),
    ("ai_stopped_override", InterviewOutcome::AiStoppedOverride),
];

impl InterviewOutcome {
    pub(crate) fn parse(s: &str) -> Self {
        OUTCOMES.iter().find(|(code, _)| *code == s).map_or_else(
            || InterviewOutcome::Other(s.to_string()),
            |(_, o)| o.clone(),
        )
    }

    /// The vendor's code, e.g. `not_sent_unreachable`.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            InterviewOutcome::Other(s) => s,
            known => OUTCOMES
                .iter()
                .find(|(_, o)| o == known)
                .map_or("", |(code, _)| code),
        }
    }

    /// For people: "not sent unreachable".
    pub(crate) fn label(&self) -> String {
        self.as_str().replace('_', " ")
    }
}

impl Serialize for InterviewOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Summary {
    pub(crate) fn candidate_id(&self) -> Option<&str> {
        match &self.kind {
            Kind::InterviewUpdated(u) => u.data.as_ref()?.candidate_id.as_deref(),
            Kind::CallCompleted(c) => c.candidate_id.as_deref(),
            Kind::Unrecognised => None,
        }
    }
}

pub(crate) fn matches_body(v: &Value) -> bool {
    v.str_at(&["event"]).as_deref() == Some(INTERVIEW_UPDATED)
        || (v.obj_at(&["changes"]).is_some() && v.str_at(&["data", "candidate_id"]).is_some())
        || (v.has_key("call_id") && v.has_key("call_status"))
}

pub(crate) fn parse(v: &Value) -> Summary {
    let event = v.str_at(&["event"]);
    let diff_shaped = v
        .at(&["changes"])
        .is_some_and(|c| c.is_object() || c.is_array())
        || v.obj_at(&["data"]).is_some();
    if event.as_deref() == Some(INTERVIEW_UPDATED) || diff_shaped {
        return Summary {
            event,
            kind: Kind::InterviewUpdated(interview_update(v)),
        };
    }
    if v.is_object() && call::looks_like_call(v) {
        return Summary {
            event: event.or_else(|| Some(CALL_COMPLETED.into())),
            kind: Kind::CallCompleted(call::parse(v)),
        };
    }
    Summary {
        event,
        kind: Kind::Unrecognised,
    }
}

fn interview_update(v: &Value) -> InterviewUpdate {
    let side = |c: &Value, k: &str| c.at(&[k]).cloned().unwrap_or(Value::Null);
    let changes = match v.at(&["changes"]) {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(field, c)| Change {
                field: field.clone(),
                from: side(c, "from"),
                to: side(c, "to"),
            })
            .collect(),
        // A list of `{field, from, to}` is read too.
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|c| {
                Some(Change {
                    field: c.str_at(&["field"])?,
                    from: side(c, "from"),
                    to: side(c, "to"),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let data = v
        .at(&["data"])
        .filter(|d| d.is_object())
        .map(|d| InterviewData {
            candidate_id: d.str_at(&["candidate_id"]),
            interview_completed_at: d.str_at(&["interview_completed_at"]),
            interview_sent_at: d.str_at(&["interview_sent_at"]),
            interview_outcome: d
                .str_at(&["interview_outcome"])
                .map(|o| InterviewOutcome::parse(&o)),
            interview_summary: d.str_at(&["interview_summary"]),
            interview_custom_data: d.value_at(&["interview_custom_data"]).cloned(),
        });
    InterviewUpdate { changes, data }
}

pub(crate) fn understand(v: &Value) -> Understanding {
    let s = parse(v);
    Understanding {
        event: s.event.clone(),
        event_inferred: false,
        subject: s.candidate_id().map(str::to_string),
        summary: Any::Classet(s),
    }
}

pub(crate) const EVENTS: [&str; 2] = [INTERVIEW_UPDATED, CALL_COMPLETED];

pub(crate) struct Classet;

impl Vendor for Classet {
    fn id(&self) -> ProviderId {
        ProviderId::CLASSET
    }

    fn name(&self) -> &'static str {
        "Classet"
    }

    fn route(&self) -> &'static str {
        "/classet"
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    fn matches_headers(&self, headers: &[(String, String)], _config: &Config) -> bool {
        header(headers, SIGNATURE_HEADER).is_some() || header(headers, KEY_HEADER).is_some()
    }

    fn matches_body(&self, v: &Value) -> bool {
        matches_body(v)
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        understand(v)
    }

    fn read_brief(&self, body: &[u8]) -> Option<(Option<String>, Option<String>)> {
        brief::read(body)
    }

    /// The signature first: the vendor sends the legacy key only while no signature
    /// secret is set in its dashboard.
    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        let cfg = &config.providers.classet;
        vec![
            Check::Hmac(HmacCheck::body(
                "classet-hmac-sha256",
                SIGNATURE_HEADER,
                Encoding::Base64UrlNoPad,
                KeyRef::new(self.name(), cfg.secret.as_ref(), "providers.classet.secret"),
            )),
            Check::StaticHeader(StaticHeaderCheck {
                scheme: "classet-api-key",
                header: KEY_HEADER.into(),
                header_setting: None,
                key: KeyRef::new(
                    self.name(),
                    cfg.api_key.as_ref(),
                    "providers.classet.api_key",
                ),
            }),
        ]
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        "Classet sends an x-classet-webhook-signature or x-classet-key header; neither \
         arrived and neither providers.classet.secret nor providers.classet.api_key is set."
            .into()
    }

    fn annotate(&self, verification: &mut Verification, _req: &Request, config: &Config) {
        let secret_set = config
            .providers
            .classet
            .secret
            .as_ref()
            .is_some_and(|s| !s.expose().is_empty());
        if verification.status == Status::Verified
            && verification.scheme == "classet-api-key"
            && secret_set
        {
            verification.detail.push_str(
                " Classet sends the legacy x-classet-key only while no signature secret is set \
                 in its dashboard; once one is set, deliveries carry x-classet-webhook-signature.",
            );
        }
    }

    /// Any 2xx acknowledges; up to 3 retries with exponential backoff. The wait is not
    /// documented.
    fn policy(&self, config: &Config) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 3,
            retries_assumed: false,
            ..Policy::default()
        }
        .with_override(config.sender_for("classet"))
    }
}
