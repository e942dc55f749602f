//! Brilliant Assessments: a response lifecycle event carrying only a ResponseId. The
//! credential is a key in the webhook URL; the full response is fetched from the API.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::tolerant::{JsonExt, id_text};
use super::{Policy, Route, Summary as Any, Understanding, Vendor, query_param};
use crate::config::Config;
use crate::model::ProviderId;
use crate::signature::{Check, KeyRef, UrlKeyCheck};

const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error answer's body to quote.
const EXCERPT_CHARS: usize = 200;

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
    pub fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.timestamp?, 0)
    }
}

pub fn matches_body(v: &Value) -> bool {
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

pub fn parse(v: &Value) -> Summary {
    Summary {
        event: v.str_at(&["EventType"]),
        timestamp: v.int_at(&["Timestamp"]),
        response_id: response_id(v),
        fetched: None,
    }
}

pub fn understand(v: &Value) -> Understanding {
    let s = parse(v);
    Understanding {
        event: s.event.clone(),
        event_inferred: false,
        subject: s.response_id.clone(),
        summary: Any::Brilliant(s),
    }
}

pub const EVENTS: [&str; 4] = [
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
}

/// `GET {api_base}/api/v2/responses/{id}` with the API V2 key as a bearer token.
pub async fn fetch_response(
    client: &reqwest::Client,
    api_base: &str,
    api_key: &str,
    response_id: &str,
) -> Result<Value, String> {
    // The id comes from the sender: only a plain id may go into the path, so a crafted one
    // cannot point the authenticated request elsewhere.
    let plain = !response_id.is_empty()
        && response_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !plain {
        return Err(format!(
            "ResponseId {response_id:?} is not a plain id; not fetching it."
        ));
    }
    let url = format!(
        "{}/api/v2/responses/{response_id}",
        api_base.trim_end_matches('/')
    );
    let answer = client
        .get(&url)
        .bearer_auth(api_key)
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("GET {url} failed: {e}"))?;
    let status = answer.status();
    let body = answer
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: reading the answer failed: {e}"))?;
    if !status.is_success() {
        return Err(format!("GET {url} answered {status}: {}", excerpt(&body)));
    }
    serde_json::from_slice(&body).map_err(|e| format!("GET {url}: the answer is not JSON ({e})"))
}

/// The start of a body on one line, for error messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".into();
    }
    let mut cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COMPLETED: &str =
        include_str!("../../tests/fixtures/payloads/brilliant/response_completed.json");

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

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt(b""), "(empty body)");
        assert_eq!(excerpt(b"not\n  found"), "not found");
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    mod fetch {
        use super::*;
        use axum::Router;
        use axum::extract::Path;
        use axum::http::{HeaderMap, StatusCode};
        use axum::routing::get;

        /// Serves the responses API on a free loopback port; returns its base URL.
        async fn serve() -> String {
            async fn response(Path(id): Path<String>, headers: HeaderMap) -> (StatusCode, String) {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                match (auth, id.as_str()) {
                    (Some("Bearer api-key-1"), "1112057") => (
                        StatusCode::OK,
                        r#"{"ResponseId":1112057,"Score":42}"#.into(),
                    ),
                    (Some("Bearer api-key-1"), "7") => (StatusCode::OK, "<html>".into()),
                    (Some("Bearer api-key-1"), _) => (
                        StatusCode::NOT_FOUND,
                        "{\"error\":\n \"no such response\"}".into(),
                    ),
                    _ => (StatusCode::UNAUTHORIZED, "bad key".into()),
                }
            }
            let app = Router::new().route("/api/v2/responses/{id}", get(response));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            let addr = listener.local_addr().expect("local addr");
            tokio::spawn(async move { axum::serve(listener, app).await });
            format!("http://{addr}")
        }

        #[tokio::test]
        async fn fetches_with_bearer_key_and_tolerates_trailing_slash() {
            let base = serve().await;
            let client = reqwest::Client::new();
            let with_slash = format!("{base}/");
            let v = fetch_response(&client, &with_slash, "api-key-1", "1112057")
                .await
                .expect("fetched");
            assert_eq!(v["Score"], json!(42));
        }

        #[tokio::test]
        async fn non_success_reports_status_and_excerpt() {
            let base = serve().await;
            let client = reqwest::Client::new();
            let err = fetch_response(&client, &base, "api-key-1", "99")
                .await
                .expect_err("404");
            assert!(err.contains("404"), "{err}");
            assert!(err.contains("{\"error\": \"no such response\"}"), "{err}");
            let err = fetch_response(&client, &base, "wrong", "1112057")
                .await
                .expect_err("401");
            assert!(err.contains("401") && err.contains("bad key"), "{err}");
            assert!(!err.contains("wrong"), "the key must not be echoed: {err}");
        }

        #[tokio::test]
        async fn non_json_answers_and_crafted_ids_are_errors() {
            let base = serve().await;
            let client = reqwest::Client::new();
            let err = fetch_response(&client, &base, "api-key-1", "7")
                .await
                .expect_err("not JSON");
            assert!(err.contains("not JSON"), "{err}");
            for id in ["../admin", "", "1?x=1", "%2e%2e"] {
                let err = fetch_response(&client, &base, "api-key-1", id)
                    .await
                    .expect_err("crafted id");
                assert!(err.contains("not a plain id"), "{err}");
            }
        }
    }
}
