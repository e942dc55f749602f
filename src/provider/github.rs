//! GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body (the legacy
//! `X-Hub-Signature: sha1=<hex>` beside it); the event in `X-GitHub-Event`, the delivery
//! in `X-GitHub-Delivery`. A form-encoded delivery carries the JSON in `payload`.

use serde_json::Value;

use super::form;
use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::{JsonExt, display, header, id_text};
use super::{Policy, Summary, Understanding};
use crate::config::Config;
use crate::model::{ProviderId, Request};
use crate::signature::{Algorithm, Check, Encoding, HmacCheck, KeyRef};

pub(crate) const SIGNATURE_HEADER: &str = "x-hub-signature-256";
pub(crate) const LEGACY_SIGNATURE_HEADER: &str = "x-hub-signature";
pub(crate) const EVENT_HEADER: &str = "x-github-event";
pub(crate) const DELIVERY_HEADER: &str = "x-github-delivery";
pub(crate) const EVENTS: [&str; 3] = ["push", "pull_request.opened", "ping"];

/// `X-GitHub-Event` and the payload's `action`: `pull_request.opened`.
fn event(headers: &[(String, String)], v: Option<&Value>) -> Option<String> {
    let name = header(headers, EVENT_HEADER)?.trim().to_string();
    match v.and_then(|v| v.str_at(&["action"])) {
        Some(action) => Some(format!("{name}.{action}")),
        None => Some(name),
    }
}

/// `owner/repo#12` for a pull request or issue, `owner/repo` otherwise, else the
/// organisation.
fn subject(v: &Value) -> Option<String> {
    let repo = v.str_at(&["repository", "full_name"]);
    let number = v
        .at(&["pull_request", "number"])
        .or_else(|| v.at(&["issue", "number"]))
        .or_else(|| v.at(&["number"]))
        .and_then(id_text);
    match (repo, number) {
        (Some(r), Some(n)) => Some(format!("{r}#{n}")),
        (Some(r), None) => Some(r),
        (None, _) => v
            .str_at(&["organization", "login"])
            .or_else(|| v.at(&["hook_id"]).and_then(id_text)),
    }
}

pub(crate) fn understand(headers: &[(String, String)], v: Option<&Value>) -> Understanding {
    let h = |name: &str| header(headers, name).map(str::to_string);
    let at = |path: &[&str]| v.and_then(|v| v.str_at(path));
    let mut o = Outline::default();
    o.section("GitHub delivery")
        .field("Event", h(EVENT_HEADER))
        .maybe("Action", at(&["action"]))
        .field("Delivery", h(DELIVERY_HEADER))
        .maybe("Hook", h("x-github-hook-id"))
        .maybe("Target", h("x-github-hook-installation-target-type"))
        .maybe("Repository", at(&["repository", "full_name"]))
        .maybe("Sender", at(&["sender", "login"]));
    if let Some(v) = v {
        details(&mut o, v);
    }
    Understanding {
        event: event(headers, v),
        event_inferred: false,
        subject: v.and_then(subject),
        summary: Summary::Outline(o),
    }
}

/// What the common events carry: the push's commits, the pull request or issue, ping's zen.
fn details(o: &mut Outline, v: &Value) {
    if v.has_key("commits") || v.has_key("head_commit") {
        let short = |k: &str| {
            v.str_at(&[k])
                .map(|s| s.chars().take(12).collect::<String>())
        };
        o.section("Push")
            .field("Ref", v.str_at(&["ref"]))
            .maybe(
                "Commits",
                v.arr_at(&["commits"]).map(|c| c.len().to_string()),
            )
            .maybe(
                "Range",
                short("before")
                    .zip(short("after"))
                    .map(|(b, a)| format!("{b} → {a}")),
            )
            .maybe("Head commit", v.str_at(&["head_commit", "message"]))
            .maybe("Pusher", v.str_at(&["pusher", "name"]))
            .maybe("Forced", v.value_at(&["forced"]).and_then(display));
    }
    for key in ["pull_request", "issue"] {
        let Some(item) = v.at(&[key]).filter(|i| i.is_object()) else {
            continue;
        };
        let heading = if key == "issue" {
            "Issue"
        } else {
            "Pull request"
        };
        o.section(heading)
            .field("Number", item.at(&["number"]).and_then(id_text))
            .field("Title", item.str_at(&["title"]))
            .maybe("State", item.str_at(&["state"]))
            .maybe("Author", item.str_at(&["user", "login"]))
            .maybe(
                "Branches",
                item.str_at(&["head", "ref"])
                    .zip(item.str_at(&["base", "ref"]))
                    .map(|(h, b)| format!("{h} → {b}")),
            )
            .maybe("Merged", item.value_at(&["merged"]).and_then(display))
            .maybe("URL", item.str_at(&["html_url"]));
    }
    if let Some(zen) = v.str_at(&["zen"]) {
        o.section("Ping")
            .field("Zen", Some(zen))
            .maybe("Hook id", v.at(&["hook_id"]).and_then(id_text))
            .maybe("Events", {
                let events = v.string_list(&["hook", "events"]);
                (!events.is_empty()).then(|| events.join(", "))
            });
    }
}

/// The payload: a JSON body, or the `payload` field of a form-encoded one.
fn payload(req: &Request, json: Option<&Value>) -> Option<Value> {
    json.cloned()
        .or_else(|| form::payload_json(&form::pairs(&req.body)?))
}

pub(crate) struct GitHub;

impl Signed for GitHub {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::GITHUB,
        name: "GitHub",
        route: "/github",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER, EVENT_HEADER],
        key_noun: "secret",
        key_setting: "providers.github.secret (the webhook's secret)",
    };

    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding> {
        Some(understand(&req.headers, payload(req, json).as_ref()))
    }

    /// `pull_request.opened` is sent as `X-GitHub-Event: pull_request`, the action in
    /// the body.
    fn sent_headers(&self, event: &str, _now: i64) -> Vec<(String, String)> {
        let name = event.split('.').next().unwrap_or(event);
        vec![
            (EVENT_HEADER.into(), name.into()),
            (
                DELIVERY_HEADER.into(),
                uuid::Uuid::now_v7().hyphenated().to_string(),
            ),
            ("x-github-hook-id".into(), "512873465".into()),
            ("user-agent".into(), "GitHub-Hookshot/4f2a9c1".into()),
        ]
    }

    /// SHA-256 first (what GitHub recommends and `send` signs), the legacy SHA-1 header
    /// with the same secret second.
    fn checks(&self, config: &Config) -> Vec<Check> {
        let key = || {
            KeyRef::new(
                Self::UNIT.name,
                config.providers.github.secret.as_ref(),
                "providers.github.secret",
            )
        };
        vec![
            Check::Hmac(
                HmacCheck::body("github-hmac-sha256", SIGNATURE_HEADER, Encoding::Hex, key())
                    .prefix("sha256="),
            ),
            Check::Hmac(
                HmacCheck::body(
                    "github-hmac-sha1",
                    LEGACY_SIGNATURE_HEADER,
                    Encoding::Hex,
                    key(),
                )
                .algorithm(Algorithm::Sha1)
                .prefix("sha1="),
            ),
        ]
    }

    /// GitHub waits 10 s, counts any 2xx, and never redelivers by itself.
    fn policy(&self) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 0,
            retries_assumed: false,
            timeout: std::time::Duration::from_secs(10),
            timeout_assumed: false,
            after_failure: Some(
                "GitHub does not redeliver by itself: redeliver it from the webhook's Recent Deliveries",
            ),
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Value {
        let text = match name {
            "push" => include_str!("../../assets/samples/github/push.json"),
            "pull_request.opened" => {
                include_str!("../../assets/samples/github/pull_request.opened.json")
            }
            _ => include_str!("../../assets/samples/github/ping.json"),
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn event_joins_the_header_and_the_action_and_the_subject_names_the_pull_request() {
        let headers = GitHub.sent_headers("pull_request.opened", 0);
        let u = understand(&headers, Some(&sample("pull_request.opened")));
        assert_eq!(u.event.as_deref(), Some("pull_request.opened"));
        assert_eq!(u.subject.as_deref(), Some("octo-org/hello-world#1347"));
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Branches"), Some("new-topic → main"));
        assert!(o.value("Delivery").is_some());
    }

    #[test]
    fn push_and_ping_read_their_own_fields() {
        let headers = GitHub.sent_headers("push", 0);
        let u = understand(&headers, Some(&sample("push")));
        assert_eq!(u.event.as_deref(), Some("push"));
        assert_eq!(u.subject.as_deref(), Some("octo-org/hello-world"));
        let Summary::Outline(o) = u.summary else {
            panic!()
        };
        assert_eq!(o.value("Commits"), Some("2"));
        let u = understand(&GitHub.sent_headers("ping", 0), Some(&sample("ping")));
        assert_eq!(u.event.as_deref(), Some("ping"));
        let u = understand(&[], None);
        assert_eq!((u.event, u.subject), (None, None));
    }

    #[test]
    fn a_form_encoded_delivery_is_read_from_its_payload_field() {
        let body = format!(
            "payload={}",
            percent_encoding::utf8_percent_encode(
                r#"{"action":"opened","number":7,"repository":{"full_name":"a/b"}}"#,
                percent_encoding::NON_ALPHANUMERIC
            )
        );
        let mut req = super::super::brief::tests::request(
            "/github",
            &[("x-github-event", "issues")],
            body.as_bytes(),
        );
        req.headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        let u = GitHub.read(&req, None).unwrap();
        assert_eq!(u.event.as_deref(), Some("issues.opened"));
        assert_eq!(u.subject.as_deref(), Some("a/b#7"));
    }
}
