//! Slack: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}` with the app's signing
//! secret, the timestamp in `X-Slack-Request-Timestamp`. Events API deliveries are JSON;
//! slash commands and interactions are form-encoded (an interaction's JSON in `payload`).

use serde_json::Value;

use super::form;
use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::JsonExt;
use super::{Policy, Summary, Understanding};
use crate::config::Config;
use crate::model::{ProviderId, Request};
use crate::signature::{Check, Encoding, HmacCheck, KeyRef, Template};

pub(crate) const SIGNATURE_HEADER: &str = "x-slack-signature";
pub(crate) const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
pub(crate) const SLASH_COMMAND: &str = "slash_command";
pub(crate) const EVENTS: [&str; 4] = [
    "app_mention",
    "url_verification",
    SLASH_COMMAND,
    "block_actions",
];

/// An Events API delivery (JSON): `event_callback` names its inner event.
fn events_api(o: &mut Outline, v: &Value) -> (Option<String>, Option<String>) {
    let kind = v.str_at(&["type"]);
    o.section("Slack Events API")
        .field("Type", kind.clone())
        .maybe("Team", v.str_at(&["team_id"]))
        .maybe("App", v.str_at(&["api_app_id"]))
        .maybe("Event id", v.str_at(&["event_id"]))
        .maybe(
            "Event time",
            v.str_at(&["event_time"]).map(|t| form::unix_time(&t)),
        );
    if let Some(challenge) = v.str_at(&["challenge"]) {
        o.field("Challenge", Some(challenge))
            .note("Slack expects the challenge back in the answer to accept the Request URL.");
    }
    if v.obj_at(&["event"]).is_some() {
        let e = |k: &str| v.str_at(&["event", k]);
        o.section("Event")
            .field("Type", e("type"))
            .maybe("User", e("user"))
            .maybe("Channel", e("channel"))
            .maybe("Text", e("text"))
            .maybe("Thread", e("thread_ts"))
            .maybe("Timestamp", e("ts"));
    }
    let event = match kind.as_deref() {
        Some("event_callback") => v.str_at(&["event", "type"]).or(kind),
        _ => kind,
    };
    (event, v.str_at(&["event", "user"]))
}

/// A slash command: the command, its text and who ran it where.
fn slash_command(o: &mut Outline, p: &[(String, String)]) -> Option<String> {
    let f = |k: &str| form::param(p, k).map(str::to_string);
    o.section("Slash command")
        .field("Command", f("command"))
        .field("Text", f("text"))
        .field("User", f("user_name").or_else(|| f("user_id")))
        .maybe("Channel", f("channel_name").or_else(|| f("channel_id")))
        .maybe("Team", f("team_domain").or_else(|| f("team_id")))
        .maybe("Response URL", f("response_url"));
    f("user_id")
}

/// An interaction (`payload=` JSON): its type, who acted and on what.
fn interaction(o: &mut Outline, v: &Value) -> (Option<String>, Option<String>) {
    let action = v.str_at(&["actions", "0", "action_id"]);
    o.section("Interaction")
        .field("Type", v.str_at(&["type"]))
        .field(
            "User",
            v.str_at(&["user", "username"])
                .or_else(|| v.str_at(&["user", "id"])),
        )
        .maybe("Action", action)
        .maybe("Value", v.str_at(&["actions", "0", "value"]))
        .maybe("Channel", v.str_at(&["channel", "name"]))
        .maybe(
            "Callback",
            v.str_at(&["view", "callback_id"])
                .or_else(|| v.str_at(&["callback_id"])),
        );
    (v.str_at(&["type"]), v.str_at(&["user", "id"]))
}

pub(crate) fn understand(req: &Request, json: Option<&Value>) -> Understanding {
    let mut o = Outline::default();
    let mut inferred = false;
    let (event, subject) = match (json, form::pairs(&req.body)) {
        (Some(v), _) => events_api(&mut o, v),
        (None, Some(p)) => match form::payload_json(&p) {
            Some(v) => interaction(&mut o, &v),
            None if form::param(&p, "command").is_some() => {
                inferred = true;
                (Some(SLASH_COMMAND.to_string()), slash_command(&mut o, &p))
            }
            None => (None, None),
        },
        (None, None) => (None, None),
    };
    if let Some(n) = req.header("x-slack-retry-num") {
        o.section("Retry")
            .field("Attempt", Some(n.to_string()))
            .maybe(
                "Reason",
                req.header("x-slack-retry-reason").map(str::to_string),
            );
    }
    Understanding {
        event,
        event_inferred: inferred,
        subject,
        summary: Summary::Outline(o),
    }
}

pub(crate) struct Slack;

impl Signed for Slack {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::SLACK,
        name: "Slack",
        route: "/slack",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER, TIMESTAMP_HEADER],
        key_noun: "secret",
        key_setting: "providers.slack.secret (the app's signing secret)",
    };

    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding> {
        Some(understand(req, json))
    }

    fn content_type(&self, body: &[u8]) -> &'static str {
        if body.trim_ascii_start().starts_with(b"{") {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        }
    }

    fn checks(&self, config: &Config) -> Vec<Check> {
        let cfg = &config.providers.slack;
        let signed = Template::parse("v0:{timestamp}:{body}").expect("a valid template");
        vec![Check::Hmac(
            HmacCheck::body(
                "slack-hmac-sha256",
                SIGNATURE_HEADER,
                Encoding::Hex,
                KeyRef::new(
                    Self::UNIT.name,
                    cfg.secret.as_ref(),
                    "providers.slack.secret",
                ),
            )
            .prefix("v0=")
            .signed(signed)
            .timestamp(Some(TIMESTAMP_HEADER), cfg.tolerance_secs),
        )]
    }

    /// The Events API expects a 2xx within 3 seconds and retries three times.
    fn policy(&self) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 3,
            retries_assumed: false,
            timeout: std::time::Duration::from_secs(3),
            timeout_assumed: false,
            https_only: true,
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::brief::tests::request;
    use super::*;

    fn understood(body: &[u8]) -> Understanding {
        let req = request("/slack", &[("x-slack-retry-num", "1")], body);
        let json = crate::provider::body_json(body);
        understand(&req, json.as_ref())
    }

    #[test]
    fn json_form_and_interaction_bodies_each_name_their_event() {
        let mention = include_bytes!("../../assets/samples/slack/app_mention.json");
        let u = understood(mention);
        assert_eq!(u.event.as_deref(), Some("app_mention"));
        assert_eq!(u.subject.as_deref(), Some("U061F7AUR"));
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Attempt"), Some("1"));

        let u = understood(include_bytes!(
            "../../assets/samples/slack/slash_command.form"
        ));
        assert_eq!(u.event.as_deref(), Some(SLASH_COMMAND));
        assert!(u.event_inferred);
        assert_eq!(u.subject.as_deref(), Some("U2147483697"));
        let Summary::Outline(o) = u.summary else {
            panic!()
        };
        assert_eq!(o.value("Command"), Some("/weather"));
        assert_eq!(o.value("Text"), Some("94070"));

        let u = understood(include_bytes!(
            "../../assets/samples/slack/block_actions.form"
        ));
        assert_eq!(u.event.as_deref(), Some("block_actions"));
        assert_eq!(u.subject.as_deref(), Some("U0CA5"));

        let u = understood(include_bytes!(
            "../../assets/samples/slack/url_verification.json"
        ));
        assert_eq!(u.event.as_deref(), Some("url_verification"));
        let u = understood(b"not a form");
        assert_eq!((u.event, u.subject), (None, None));
    }

    #[test]
    fn the_content_type_follows_the_body() {
        assert_eq!(Slack.content_type(b" {}"), "application/json");
        assert_eq!(
            Slack.content_type(b"command=%2Fx"),
            "application/x-www-form-urlencoded"
        );
    }
}
