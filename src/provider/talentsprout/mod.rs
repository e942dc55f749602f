//! TalentSprout: an AI interview completed or abandoned, with scores, integrity,
//! evaluation and transcript. Signed Stripe-style (`t=…,v1=…` over `"{t}.{body}"`).

use serde::Serialize;
use serde_json::Value;

use super::tolerant::{JsonExt, header};
use super::{Policy, Route, Summary as Any, Understanding, Vendor};
use crate::config::Config;
use crate::model::ProviderId;
use crate::signature::{Check, HmacCheck, KeyRef};

mod sections;
#[cfg(test)]
mod tests;

pub(crate) use sections::{
    Candidate, Evaluation, Integrity, Interview, NamedScore, ResumeEvaluation, Scores, Session,
    TranscriptLine, Validation,
};

pub(crate) const SIGNATURE_HEADER: &str = "x-talentsprout-signature";
pub(crate) const EVENTS: [&str; 2] = ["interview.completed", "interview.abandoned"];

/// Every section is `None` when the payload lacks it (an abandoned interview has no
/// scores), so "not sent" and "sent empty" stay distinguishable.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub event: Option<String>,
    pub api_version: Option<String>,
    pub timestamp: Option<String>,
    pub interview: Option<Interview>,
    pub candidate: Option<Candidate>,
    pub session: Option<Session>,
    pub validation: Option<Validation>,
    pub scores: Option<Scores>,
    pub integrity: Option<Integrity>,
    pub evaluation: Option<Evaluation>,
    pub resume_evaluation: Option<ResumeEvaluation>,
    pub transcript: Vec<TranscriptLine>,
}

impl Summary {
    /// External user id, else email, else session id, else interview id.
    pub(crate) fn subject(&self) -> Option<String> {
        let c = self.candidate.as_ref();
        c.and_then(|c| c.external_user_id.clone())
            .or_else(|| c.and_then(|c| c.email.clone()))
            .or_else(|| self.session.as_ref().and_then(|s| s.id.clone()))
            .or_else(|| self.interview.as_ref().and_then(|i| i.id.clone()))
    }
}

pub(crate) fn matches_body(v: &Value) -> bool {
    let named = |k: &str| v.str_at(&[k]).is_some_and(|e| EVENTS.contains(&e.as_str()));
    let has_obj = |k: &str| v.obj_at(&[k]).is_some();
    named("event")
        || named("type")
        || (has_obj("candidate") && has_obj("session") && has_obj("interview"))
}

pub(crate) fn parse(v: &Value) -> Summary {
    Summary {
        event: v.str_any(&["event", "type", "event_type"]),
        api_version: v.str_any(&["api_version", "apiVersion", "version"]),
        timestamp: v.str_any(&["timestamp", "created_at", "occurred_at"]),
        interview: sections::interview(v),
        candidate: sections::candidate(v),
        session: sections::session(v),
        validation: sections::validation(v),
        scores: sections::scores(v),
        integrity: sections::integrity(v),
        evaluation: sections::evaluation(v),
        resume_evaluation: sections::resume_evaluation(v),
        transcript: sections::transcript(v),
    }
}

pub(crate) fn understand(v: &Value) -> Understanding {
    let s = parse(v);
    Understanding {
        event: s.event.clone(),
        event_inferred: false,
        subject: s.subject(),
        summary: Any::Talentsprout(s),
    }
}

pub(crate) struct TalentSprout;

impl Vendor for TalentSprout {
    fn id(&self) -> ProviderId {
        ProviderId::TALENTSPROUT
    }

    fn name(&self) -> &'static str {
        "TalentSprout"
    }

    fn route(&self) -> &'static str {
        "/talentsprout"
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    fn matches_headers(&self, headers: &[(String, String)], _config: &Config) -> bool {
        header(headers, SIGNATURE_HEADER).is_some()
    }

    fn matches_body(&self, v: &Value) -> bool {
        matches_body(v)
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        understand(v)
    }

    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        let cfg = &config.providers.talentsprout;
        vec![Check::Hmac(HmacCheck::stripe(
            "talentsprout-hmac-sha256",
            SIGNATURE_HEADER,
            cfg.tolerance_secs,
            KeyRef::new(
                self.name(),
                cfg.secret.as_ref(),
                "providers.talentsprout.secret",
            ),
        ))]
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        format!(
            "No {SIGNATURE_HEADER} header and no secret configured: nothing to verify; set \
             providers.talentsprout.secret to check TalentSprout's signature."
        )
    }

    /// The page documents a 30 s wait, any 2xx as success, and no retry.
    fn policy(&self, config: &Config) -> Policy {
        Policy {
            ack_assumed: false,
            retries_assumed: false,
            timeout_assumed: false,
            https_only: true,
            ..Policy::default()
        }
        .with_override(config.sender_for("talentsprout"))
    }
}
