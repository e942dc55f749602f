//! JobMojito: one payload shared by `interview_collected`, `interview_result` and
//! `interview_failed`. The body names no event, and nothing is signed; a customer may
//! configure a static custom header.

use serde::Serialize;
use serde_json::Value;

use super::tolerant::{JsonExt, header, strings, text};
use super::{Policy, Route, Summary as Any, Understanding, Vendor};
use crate::config::{Config, JobMojitoConfig};
use crate::model::ProviderId;
use crate::signature::{Check, KeyRef, StaticHeaderCheck};

pub(crate) const INTERVIEW_COLLECTED: &str = "interview_collected";
pub(crate) const INTERVIEW_RESULT: &str = "interview_result";
pub(crate) const INTERVIEW_FAILED: &str = "interview_failed";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub id: Option<String>,
    pub interview_id: Option<String>,
    pub question_set_id: Option<String>,
    pub status: Option<String>,
    pub interview_status: Option<String>,
    pub processing_status: Option<String>,
    pub profile_interview_id: Option<String>,
    pub profile_id: Option<String>,
    pub score: Option<f64>,
    pub ai_analysis_recruiter_score: Option<f64>,
    pub ai_analysis: Option<String>,
    pub ai_analysis_recruiter: Option<String>,
    pub recruiter_go_next_round: Option<bool>,
    pub pdf_export_url: Option<String>,
    /// Which watched field(s) changed to trigger this delivery.
    pub reason: Option<String>,
    pub candidate_external_id: Option<String>,
    pub candidate_name: Option<String>,
    pub candidate_email: Option<String>,
    pub candidate_phone_number: Option<String>,
    /// `ai_analysis_recruiter_why_hire`: a list, or one text as a single item.
    pub why_hire: Vec<String>,
    pub why_not_hire: Vec<String>,
    /// When the event was inferred rather than named by the route: why.
    pub event_basis: Option<String>,
}

impl Summary {
    /// `reason` split into field names ("score, processing_status" → two).
    #[cfg(test)]
    pub(crate) fn reason_fields(&self) -> Vec<&str> {
        self.reason
            .as_deref()
            .unwrap_or_default()
            .split([',', ' ', ';'])
            .filter(|f| !f.is_empty())
            .collect()
    }
}

/// The interview ids plus a key only JobMojito sends (present even when `null`).
pub(crate) fn matches_body(v: &Value) -> bool {
    const OWN_KEYS: [&str; 6] = [
        "ai_analysis_recruiter",
        "ai_analysis_recruiter_score",
        "ai_analysis_recruiter_why_hire",
        "ai_analysis_recruiter_why_not_hire",
        "profile_interview_id",
        "recruiter_go_next_round",
    ];
    (v.has_key("question_set_id") || v.has_key("interview_id"))
        && OWN_KEYS.iter().any(|k| v.has_key(k))
}

/// A list of reasons: an array, one text, or a text holding a JSON array of texts.
fn reasons(v: &Value, key: &str) -> Vec<String> {
    let Some(field) = v.at(&[key]) else {
        return Vec::new();
    };
    if let Some(s) = field.as_str()
        && s.trim_start().starts_with('[')
        && let Ok(inner @ Value::Array(_)) = serde_json::from_str::<Value>(s)
    {
        return strings(&inner);
    }
    strings(field)
}

pub(crate) fn parse(v: &Value) -> Summary {
    Summary {
        id: v.str_at(&["id"]),
        interview_id: v.str_at(&["interview_id"]),
        question_set_id: v.str_at(&["question_set_id"]),
        status: v.str_at(&["status"]),
        interview_status: v.str_at(&["interview_status"]),
        processing_status: v.str_at(&["processing_status"]),
        profile_interview_id: v.str_at(&["profile_interview_id"]),
        profile_id: v.str_at(&["profile_id"]),
        score: v.num_at(&["score"]),
        ai_analysis_recruiter_score: v.num_at(&["ai_analysis_recruiter_score"]),
        ai_analysis: v.str_at(&["ai_analysis"]),
        ai_analysis_recruiter: v.str_at(&["ai_analysis_recruiter"]),
        recruiter_go_next_round: v.bool_at(&["recruiter_go_next_round"]),
        pdf_export_url: v.str_at(&["pdf_export_url"]),
        reason: v.str_at(&["reason"]),
        candidate_external_id: v.str_at(&["candidate_external_id"]),
        candidate_name: v.str_at(&["candidate_name"]),
        candidate_email: v.str_at(&["candidate_email"]),
        candidate_phone_number: v.str_at(&["candidate_phone_number"]),
        why_hire: reasons(v, "ai_analysis_recruiter_why_hire"),
        why_not_hire: reasons(v, "ai_analysis_recruiter_why_not_hire"),
        event_basis: None,
    }
}

/// The event the body implies, and why: failed status, then AI output, then collected.
pub(crate) fn infer_event(s: &Summary) -> (&'static str, String) {
    let statuses = [
        ("interview_status", &s.interview_status),
        ("status", &s.status),
        ("processing_status", &s.processing_status),
    ];
    let failed = statuses.iter().find_map(|(name, value)| {
        let value = value.as_deref()?;
        let lower = value.to_ascii_lowercase();
        lower
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| matches!(w, "failed" | "fail" | "failure"))
            .then(|| format!("{name} is {value:?}"))
    });
    if let Some(why) = failed {
        return (INTERVIEW_FAILED, why);
    }
    // The overall `score` is not counted: the vendor does not say it comes from AI scoring.
    let ai = [
        (
            "ai_analysis_recruiter_score",
            s.ai_analysis_recruiter_score.is_some(),
        ),
        ("ai_analysis", s.ai_analysis.is_some()),
        ("ai_analysis_recruiter", s.ai_analysis_recruiter.is_some()),
        ("ai_analysis_recruiter_why_hire", !s.why_hire.is_empty()),
        (
            "ai_analysis_recruiter_why_not_hire",
            !s.why_not_hire.is_empty(),
        ),
    ];
    if let Some((name, _)) = ai.iter().find(|(_, present)| *present) {
        return (INTERVIEW_RESULT, format!("{name} is present"));
    }
    (
        INTERVIEW_COLLECTED,
        "no failed status and no AI score or analysis".into(),
    )
}

pub(crate) fn understand(v: &Value, route_event: Option<&str>) -> Understanding {
    let mut s = parse(v);
    let route_event = route_event.map(str::trim).filter(|e| !e.is_empty());
    let (event, inferred) = match route_event {
        Some(e) => (e.to_string(), false),
        None => {
            let (e, why) = infer_event(&s);
            s.event_basis = Some(why);
            (e.to_string(), true)
        }
    };
    Understanding {
        event: Some(event),
        event_inferred: inferred,
        subject: v.at(&["id"]).and_then(text),
        summary: Any::Jobmojito(s),
    }
}

fn configured_header(cfg: &JobMojitoConfig) -> Option<String> {
    cfg.header
        .as_deref()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
}

pub(crate) const EVENTS: [&str; 3] = [INTERVIEW_COLLECTED, INTERVIEW_RESULT, INTERVIEW_FAILED];

pub(crate) struct JobMojito;

impl Vendor for JobMojito {
    fn id(&self) -> ProviderId {
        ProviderId::JOBMOJITO
    }

    fn name(&self) -> &'static str {
        "JobMojito"
    }

    fn route(&self) -> &'static str {
        "/jobmojito"
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    /// `/jobmojito/{event}` names the event.
    fn read_route(&self, rest: Option<String>, _query: Option<&str>, route: &mut Route) {
        route.event = rest;
    }

    fn matches_headers(&self, headers: &[(String, String)], config: &Config) -> bool {
        configured_header(&config.providers.jobmojito)
            .is_some_and(|name| header(headers, &name).is_some())
    }

    fn matches_body(&self, v: &Value) -> bool {
        matches_body(v)
    }

    fn understand(&self, v: &Value, route: &Route) -> Understanding {
        understand(v, route.event.as_deref())
    }

    /// The customer's static header, when one is named. With none named and no value
    /// either, the check without a header stands for the value a user may set.
    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        let cfg = &config.providers.jobmojito;
        let header = match configured_header(cfg) {
            Some(name) => name,
            None if cfg.value.as_ref().is_some_and(|v| !v.expose().is_empty()) => {
                return Vec::new();
            }
            None => String::new(),
        };
        vec![Check::StaticHeader(StaticHeaderCheck {
            scheme: "jobmojito-static-header",
            header,
            header_setting: Some("providers.jobmojito.header"),
            key: KeyRef::new(self.name(), cfg.value.as_ref(), "providers.jobmojito.value"),
        })]
    }

    fn unsigned_detail(&self, config: &Config) -> String {
        let cfg = &config.providers.jobmojito;
        let value_set = cfg.value.as_ref().is_some_and(|v| !v.expose().is_empty());
        match configured_header(cfg) {
            Some(name) => format!(
                "No {name} header arrived and providers.jobmojito.value is not set; nothing \
                 to check."
            ),
            None if value_set => "providers.jobmojito.value is set but providers.jobmojito.header \
                                  is not; set the header name to check it."
                .into(),
            None => "JobMojito does not sign deliveries; set providers.jobmojito.header and \
                     value to check a static header."
                .into(),
        }
    }

    /// At-least-once is documented; the retry count and the wait are not.
    fn policy(&self, config: &Config) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 3,
            ..Policy::default()
        }
        .with_override(config.sender_for("jobmojito"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COLLECTED: &str =
        include_str!("../../tests/fixtures/payloads/jobmojito/interview_collected.json");

    fn fixture() -> Value {
        serde_json::from_str(COLLECTED).expect("fixture is JSON")
    }

    fn summary(u: Understanding) -> Summary {
        match u.summary {
            Any::Jobmojito(s) => s,
            other => panic!("not a jobmojito summary: {other:?}"),
        }
    }

    #[test]
    fn sample_reads_every_key_and_normalises_reasons() {
        let u = understand(&fixture(), None);
        assert_eq!(u.subject.as_deref(), Some("ir_6b1f"));
        let s = summary(u);
        assert_eq!(s.question_set_id.as_deref(), Some("qs_220"));
        assert_eq!(s.profile_interview_id.as_deref(), Some("pi_9021"));
        assert_eq!(s.score, Some(7.8));
        assert_eq!(s.ai_analysis_recruiter_score, Some(8.1));
        assert_eq!(s.recruiter_go_next_round, None);
        assert_eq!(s.pdf_export_url, None);
        assert_eq!(s.candidate_name.as_deref(), Some("Maria Gomez"));
        assert_eq!(s.candidate_phone_number, None);
        assert_eq!(
            s.why_hire,
            vec!["Clear communicator", "Relevant domain experience"]
        );
        assert_eq!(s.why_not_hire, vec!["Limited evidence of leading a team."]);
        assert_eq!(s.reason_fields(), vec!["processing_status"]);
    }

    #[test]
    fn event_is_inferred_from_ai_output_without_a_route() {
        let u = understand(&fixture(), None);
        // The sample already carries AI scores, so it reads as a result.
        assert_eq!(u.event.as_deref(), Some(INTERVIEW_RESULT));
        assert!(u.event_inferred);
        assert_eq!(
            summary(u).event_basis.as_deref(),
            Some("ai_analysis_recruiter_score is present")
        );
    }

    #[test]
    fn route_event_wins_and_is_not_inferred() {
        let u = understand(&fixture(), Some("interview_collected"));
        assert_eq!(u.event.as_deref(), Some(INTERVIEW_COLLECTED));
        assert!(!u.event_inferred);
        assert_eq!(summary(u).event_basis, None);
        let u = understand(&json!({}), Some("  "));
        assert!(u.event_inferred);
    }

    #[test]
    fn failed_status_then_collected() {
        let failed = json!({"id": "r1", "interview_status": "Failed", "ai_analysis": "x"});
        let u = understand(&failed, None);
        assert_eq!(u.event.as_deref(), Some(INTERVIEW_FAILED));
        assert_eq!(
            summary(u).event_basis.as_deref(),
            Some("interview_status is \"Failed\"")
        );
        let processing = json!({"processing_status": "ai_failure"});
        assert_eq!(
            understand(&processing, None).event.as_deref(),
            Some(INTERVIEW_FAILED)
        );
        let early = json!({"id": "r2", "interview_status": "completed, stopped early",
                           "score": 5, "ai_analysis": null});
        let u = understand(&early, None);
        assert_eq!(u.event.as_deref(), Some(INTERVIEW_COLLECTED));
        assert!(u.event_inferred);
    }

    #[test]
    fn odd_types_read_as_absent() {
        let v = json!({
            "id": 31, "score": "7.5", "recruiter_go_next_round": "yes", "ai_analysis": {"a": 1},
            "ai_analysis_recruiter_why_hire": "[\"a\", \"b\"]",
            "ai_analysis_recruiter_why_not_hire": {"x": 1}, "reason": ["score"]
        });
        let u = understand(&v, None);
        assert_eq!(u.subject.as_deref(), Some("31"));
        let s = summary(u);
        assert_eq!(s.score, Some(7.5));
        assert_eq!(s.recruiter_go_next_round, None);
        assert_eq!(s.ai_analysis, None);
        assert_eq!(s.why_hire, vec!["a", "b"]);
        assert!(s.why_not_hire.is_empty());
        assert_eq!(s.reason, None);
        assert_eq!(reasons(&json!({"w": "[not json"}), "w"), vec!["[not json"]);
        for v in [json!({}), json!([]), json!("x")] {
            let u = understand(&v, None);
            assert_eq!(u.event.as_deref(), Some(INTERVIEW_COLLECTED));
            assert_eq!(u.subject, None);
        }
    }

    #[test]
    fn detection_needs_ids_and_an_own_key() {
        assert!(matches_body(&fixture()));
        assert!(matches_body(
            &json!({"interview_id": null, "ai_analysis_recruiter": null})
        ));
        assert!(!matches_body(&json!({"interview_id": "i", "score": 1})));
        assert!(!matches_body(&json!({"ai_analysis_recruiter": "x"})));
        let cfg = JobMojitoConfig {
            header: Some("X-Mojito-Token".into()),
            ..JobMojitoConfig::default()
        };
        let h = vec![("x-mojito-token".to_string(), "t".to_string())];
        let matches_headers = |h: &[(String, String)], cfg: &JobMojitoConfig| {
            let mut c = Config::default();
            c.providers.jobmojito = cfg.clone();
            JobMojito.matches_headers(h, &c)
        };
        assert!(matches_headers(&h, &cfg));
        assert!(!matches_headers(&[], &cfg));
        assert!(!matches_headers(&h, &JobMojitoConfig::default()));
    }
}
