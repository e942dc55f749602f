//! Brilliant Assessments: a response lifecycle event carrying only a ResponseId. The
//! credential is a key in the webhook URL; the full response is fetched from the API.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::follow_up::FollowUp;
use super::tolerant::{JsonExt, id_text};
use super::{Policy, Route, Summary as Any, Understanding, Vendor, query_param};
use crate::config::Config;
use crate::model::ProviderId;
use crate::signature::{Check, KeyRef, UrlKeyCheck};

mod api;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// `EventType`, e.g. `response.completed`.
    pub event: Option<String>,
    /// `Timestamp`, Unix seconds.
    pub timestamp: Option<i64>,
    /// `Data.ResponseId`: an integer in the vendor's payload, kept as text (a string id
    /// is accepted too).
    pub response_id: Option<String>,
    /// The full response from the API, once fetched; parsing leaves it `None`.
    pub fetched: Option<Value>,
}

impl Summary {
    /// `timestamp` as a date, when it is a valid Unix time.
    pub(crate) fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.timestamp?, 0)
    }
}

/// Whether API access is configured completely, so verified deliveries are fetched.
pub(crate) fn api_configured(cfg: &crate::config::BrilliantConfig) -> bool {
    matches!(api::Access::from_config(cfg), Ok(Some(_)))
}

pub(crate) fn matches_body(v: &Value) -> bool {
    v.str_at(&["EventType"])
        .is_some_and(|e| e.starts_with("response."))
        || response_id(v).is_some()
}

/// The vendor's sample spells it `ResponseId`, its prose `ResponseID`.
fn response_id(v: &Value) -> Option<String> {
    ["ResponseId", "ResponseID", "responseId"]
        .iter()
        .find_map(|k| v.at(&["Data", k]).and_then(id_text))
}

pub(crate) fn parse(v: &Value) -> Summary {
    Summary {
        event: v.str_at(&["EventType"]),
        timestamp: v.int_at(&["Timestamp"]),
        response_id: response_id(v),
        fetched: None,
    }
}

pub(crate) fn understand(v: &Value) -> Understanding {
    let s = parse(v);
    Understanding {
        event: s.event.clone(),
        event_inferred: false,
        subject: s.response_id.clone(),
        summary: Any::Brilliant(s),
    }
}

pub(crate) const EVENTS: [&str; 4] = [
    "response.created",
    "response.started",
    "response.changed",
    "response.completed",
];

pub(crate) struct Brilliant;

impl Vendor for Brilliant {
    fn id(&self) -> ProviderId {
        ProviderId::BRILLIANT
    }

    fn name(&self) -> &'static str {
        "Brilliant"
    }

    fn route(&self) -> &'static str {
        "/brilliant/{key}"
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    /// `/brilliant/{key}` or `/brilliant?key=…`.
    fn read_route(&self, rest: Option<String>, query: Option<&str>, route: &mut Route) {
        route.url_key = rest.or_else(|| query_param(query, "key"));
    }

    fn matches_body(&self, v: &Value) -> bool {
        matches_body(v)
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        understand(v)
    }

    fn checks(&self, config: &Config, route: &Route) -> Vec<Check> {
        vec![Check::UrlKey(UrlKeyCheck {
            scheme: "brilliant-url-key",
            presented: route.url_key.clone(),
            key: KeyRef::new(
                self.name(),
                config.providers.brilliant.url_key.as_ref(),
                "providers.brilliant.url_key",
            ),
        })]
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        "Brilliant's webhook URL carries no key and providers.brilliant.url_key is not set: \
         nothing to verify."
            .into()
    }

    /// The pages document no ack rule, timeout or retries.
    fn policy(&self, config: &Config) -> Policy {
        Policy::default().with_override(config.sender_for("brilliant"))
    }

    fn fetch_id(&self, summary: &Any) -> Option<String> {
        match summary {
            Any::Brilliant(s) => s.response_id.clone(),
            _ => None,
        }
    }

    fn follow_up(
        &self,
        config: &Config,
        http: &reqwest::Client,
        id: String,
    ) -> Option<Result<FollowUp, String>> {
        let access = match api::Access::from_config(&config.providers.brilliant) {
            Ok(access) => access?,
            Err(e) => return Some(Err(e)),
        };
        let http = http.clone();
        Some(Ok(FollowUp {
            limits: &api::LIMITS,
            request: Box::pin(async move { access.fetch_response(&http, &id).await }),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COMPLETED: &str =
        include_str!("../../../tests/fixtures/payloads/brilliant/response_completed.json");

    #[test]
    fn completed_event_reads_type_time_and_id() {
        let v: Value = serde_json::from_str(COMPLETED).expect("fixture is JSON");
        let u = understand(&v);
        assert_eq!(u.event.as_deref(), Some("response.completed"));
        assert_eq!(u.subject.as_deref(), Some("1112057"));
        let Any::Brilliant(s) = u.summary else {
            panic!("not a brilliant summary")
        };
        assert_eq!(s.timestamp, Some(1_773_859_449));
        assert_eq!(s.fetched, None);
        assert_eq!(
            s.time().map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-18T18:44:09+00:00")
        );
    }

    #[test]
    fn string_ids_and_odd_types_are_tolerated() {
        let s = parse(
            &json!({"EventType": 3, "Timestamp": "1773859449", "Data": {"ResponseID": "r-9"}}),
        );
        assert_eq!(s.event.as_deref(), Some("3"));
        assert_eq!(s.timestamp, Some(1_773_859_449));
        assert_eq!(s.response_id.as_deref(), Some("r-9"));
        let s = parse(&json!({"Timestamp": 1.5e300, "Data": [1112057]}));
        assert_eq!((s.timestamp, s.response_id.as_deref()), (None, None));
        assert_eq!(s.time(), None);
        for v in [json!({}), json!([]), json!("x")] {
            assert_eq!(parse(&v), Summary::default());
        }
    }

    #[test]
    fn detection_needs_a_response_event_or_id() {
        assert!(matches_body(&json!({"EventType": "response.started"})));
        assert!(matches_body(&json!({"Data": {"ResponseId": 1}})));
        assert!(!matches_body(&json!({"EventType": "invoice.paid"})));
        assert!(!matches_body(&json!({"Data": {"ResponseId": null}})));
        assert!(!matches_body(&json!({"event": "response.completed"})));
    }
}
