//! A scheme of the user's own (`[schemes.NAME]`): one unit for every configured HMAC
//! webhook. Its route, header, signed content and where its event and subject are come
//! from the config; the check is the general HMAC check, so every diagnosis applies.

use serde_json::{Map, Value};

use super::form;
use super::outline::Outline;
use super::tolerant::{display, header, id_text};
use super::{Policy, Route, Summary, Understanding, Vendor};
use crate::config::{Config, EventSource, SchemeConfig};
use crate::model::{ProviderId, Request};
use crate::signature::{Check, HmacCheck, KeyRef};

/// The event `send` names when none is given: a scheme documents no events of its own.
pub(crate) const SAMPLE_EVENT: &str = "test";
const EVENTS: [&str; 1] = [SAMPLE_EVENT];
/// The subject a generic sample carries.
const SAMPLE_SUBJECT: &str = "sample_0001";
/// Top-level payload fields shown in the summary, at most.
const PAYLOAD_FIELDS: usize = 8;

/// Event, subject and an outline of a delivery, as the scheme says where they are.
pub(crate) fn understand(
    s: &SchemeConfig,
    headers: &[(String, String)],
    v: Option<&Value>,
) -> Understanding {
    let h = |name: &str| header(headers, name).map(str::to_string);
    let event = match &s.event {
        Some(EventSource::Pointer(p)) => v.and_then(|v| v.pointer(p)).and_then(id_text),
        Some(EventSource::Header(name)) => h(name).map(|e| e.trim().to_string()),
        None => None,
    };
    let subject = s
        .subject
        .as_deref()
        .and_then(|p| v.and_then(|v| v.pointer(p)))
        .and_then(id_text);
    let mut o = Outline::default();
    o.section(format!("{} delivery", s.name()));
    if s.event.is_some() {
        o.field("Event", event.clone());
    }
    if s.subject.is_some() {
        o.field("Subject", subject.clone());
    }
    if let Some(id) = &s.id_header {
        o.field("Id", h(id));
    }
    if let Some(t) = &s.timestamp_header {
        o.field("Signed at", h(t).map(|t| form::unix_time(&t)));
    }
    o.field(
        "Signature",
        h(&s.header).map(|_| format!("in {}", s.header)),
    );
    if let Some(fields) = v.and_then(Value::as_object) {
        o.section("Payload");
        let scalars = fields
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array());
        for (shown, (k, value)) in scalars.enumerate() {
            if shown == PAYLOAD_FIELDS {
                o.note("More fields are in the Body tab.");
                break;
            }
            o.maybe(k, display(value));
        }
    }
    Understanding {
        event,
        event_inferred: false,
        subject,
        summary: Summary::Outline(o),
    }
}

/// A body with the event and the subject where the scheme reads them.
pub(crate) fn sample(s: &SchemeConfig, event: &str) -> Vec<u8> {
    let mut v = Value::Object(Map::new());
    v["sample"] = Value::Bool(true);
    if let Some(EventSource::Pointer(p)) = &s.event {
        set_at(&mut v, p, event);
    }
    if let Some(p) = &s.subject {
        set_at(&mut v, p, SAMPLE_SUBJECT);
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

/// Sets the text at a JSON pointer, making the objects on the way (an array index is
/// taken as a key: the sample is an object all the way down).
fn set_at(v: &mut Value, pointer: &str, text: &str) {
    let mut here = v;
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = tokens.split_last() else {
        return;
    };
    for t in path {
        if !here.get(t).is_some_and(Value::is_object) {
            here[t.as_str()] = Value::Object(Map::new());
        }
        here = &mut here[t.as_str()];
    }
    if here.is_object() {
        here[last.as_str()] = Value::String(text.to_string());
    }
}

/// The check the scheme describes, with the secret `config` holds for it (the registered
/// shape has none).
pub(crate) fn check(s: &SchemeConfig, config: &Config) -> HmacCheck {
    let current = config.scheme(s.name()).unwrap_or(s);
    let key = KeyRef::new(
        current.name(),
        current.secret.as_ref(),
        current.secret_setting(),
    );
    let mut c = HmacCheck::body(
        current.name(),
        current.header.clone(),
        current.encoding,
        key,
    )
    .algorithm(current.algorithm)
    .signed(current.signed.clone())
    .secret_encoding(current.secret_encoding);
    if let Some(p) = &current.prefix {
        c = c.prefix(p.clone());
    }
    if let Some(t) = &current.timestamp_header {
        c = c.timestamp(Some(t.clone()), current.tolerance_secs);
    }
    if let Some(id) = &current.id_header {
        c = c.id_header(id.clone());
    }
    c
}

impl Vendor for SchemeConfig {
    fn id(&self) -> ProviderId {
        self.id
    }

    fn name(&self) -> &'static str {
        self.id.as_str()
    }

    /// The configured route; a scheme without one is found by its header only.
    fn route(&self) -> &'static str {
        self.route.unwrap_or("")
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    fn matches_headers(&self, headers: &[(String, String)], _config: &Config) -> bool {
        header(headers, &self.header).is_some()
    }

    fn matches_body(&self, _v: &Value) -> bool {
        false
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        understand(self, &[], Some(v))
    }

    fn understand_request(
        &self,
        req: &Request,
        json: Option<&Value>,
        _route: &Route,
    ) -> Option<Understanding> {
        Some(understand(self, &req.headers, json))
    }

    /// The event travels in its header where the scheme reads it there; signing adds the
    /// signature, timestamp and id.
    fn sent_headers(&self, event: &str, _now: i64) -> Vec<(String, String)> {
        match &self.event {
            Some(EventSource::Header(h)) => vec![(h.clone(), event.to_string())],
            _ => Vec::new(),
        }
    }

    fn sample(&self, event: Option<&str>) -> Option<Vec<u8>> {
        Some(sample(self, event.unwrap_or(SAMPLE_EVENT)))
    }

    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        vec![Check::Hmac(check(self, config))]
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        let key = KeyRef::new(self.name(), None, self.secret_setting());
        format!(
            "No {} header and no secret configured: nothing to verify; set {} to check it.",
            self.header,
            key.how_to_set()
        )
    }

    /// What the sender counts as delivered and how it retries is not known: assumed,
    /// unless `[schemes.NAME.sender]` says.
    fn policy(&self, config: &Config) -> Policy {
        Policy::default().with_override(config.sender_for(self.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(extra: &str) -> SchemeConfig {
        let text = format!(
            "[schemes.unit-acme]\nheader = \"X-Acme-Signature\"\nsecret = \"acme_unit_secret\"\n{extra}"
        );
        let c = Config::from_parts(&text, None, &[]).unwrap();
        c.schemes[0].clone()
    }

    #[test]
    fn event_and_subject_come_from_the_pointers_or_the_event_header() {
        let s = scheme("event = \"/type\"\nsubject = \"/data/id\"\n");
        let body = serde_json::json!({"type": "invoice.paid", "data": {"id": 42}, "n": 1});
        let u = understand(&s, &[], Some(&body));
        assert_eq!(u.event.as_deref(), Some("invoice.paid"));
        assert_eq!(u.subject.as_deref(), Some("42"));
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("n"), Some("1"));

        let s = scheme("event_header = \"X-Acme-Event\"\n");
        let headers = s.sent_headers("order.created", 0);
        assert_eq!(
            headers,
            [("x-acme-event".to_string(), "order.created".to_string())]
        );
        let u = understand(&s, &headers, None);
        assert_eq!(u.event.as_deref(), Some("order.created"));
        assert_eq!(u.subject, None);
    }

    #[test]
    fn the_sample_carries_the_event_and_subject_where_the_scheme_reads_them() {
        let s = scheme("event = \"/meta/event\"\nsubject = \"/data/object/id\"\n");
        let body: Value = serde_json::from_slice(&sample(&s, "thing.done")).unwrap();
        let u = understand(&s, &[], Some(&body));
        assert_eq!(u.event.as_deref(), Some("thing.done"));
        assert_eq!(u.subject.as_deref(), Some(SAMPLE_SUBJECT));
    }

    /// The hint of a request to the scheme's route, verified with `config` at [`NOW`].
    fn verdict(config: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<crate::model::Hint> {
        let c = Config::from_parts(config, None, &[]).unwrap();
        let req = super::super::brief::tests::request("/hint-acme", headers, body);
        let a = super::super::analyze(&req, &c, NOW);
        assert_eq!(a.findings.provider.as_str(), "hint-acme");
        a.findings.verification.hint
    }

    const NOW: i64 = 1_763_653_600;
    const KEY: &str = "hint_acme_secret_1";

    fn mac(key: &[u8], msg: &[u8]) -> Vec<u8> {
        crate::signature::Algorithm::Sha256.mac(key, msg)
    }

    #[test]
    fn every_hmac_hint_reaches_a_scheme() {
        use crate::model::Hint;
        let section = |extra: &str, secret: &str| {
            format!(
                "[schemes.hint-acme]\nroute = \"/hint-acme\"\nheader = \"X-Sig\"\n\
                 timestamp_header = \"X-Ts\"\nsigned = \"{{timestamp}}.{{body}}\"\n\
                 secret = \"{secret}\"\n{extra}"
            )
        };
        let body = br#"{"a":1}"#;
        let t = NOW.to_string();
        let signed = |key: &[u8], t: &str, body: &[u8]| {
            hex::encode(mac(key, &[format!("{t}.").as_bytes(), body].concat()))
        };
        let good = signed(KEY.as_bytes(), &t, body);
        let at = |sig: &str, ts: &str| vec![("x-sig", sig.to_string()), ("x-ts", ts.to_string())];
        let run = |config: &str, h: &[(&str, String)], body: &[u8]| {
            let h: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
            verdict(config, &h, body)
        };
        let plain = section("", KEY);
        assert_eq!(run(&plain, &at(&good, &t), body), None, "verifies");
        // A newline the sender did not sign.
        assert_eq!(
            run(&plain, &at(&good, &t), b"{\"a\":1}\n"),
            Some(Hint::TrailingNewline)
        );
        // Base64 where hex is configured.
        let b64 = crate::signature::Encoding::Base64.encode(&hex::decode(&good).unwrap());
        assert_eq!(run(&plain, &at(&b64, &t), body), Some(Hint::WrongEncoding));
        // The body alone, not `{timestamp}.{body}`.
        let body_only = hex::encode(mac(KEY.as_bytes(), body));
        assert_eq!(
            run(&plain, &at(&body_only, &t), body),
            Some(Hint::SignedContent)
        );
        // Milliseconds.
        let ms = (NOW * 1000).to_string();
        assert_eq!(
            run(&plain, &at(&signed(KEY.as_bytes(), &ms, body), &ms), body),
            Some(Hint::TimestampUnit)
        );
        // An hour old.
        let old = (NOW - 3600).to_string();
        assert_eq!(
            run(&plain, &at(&signed(KEY.as_bytes(), &old, body), &old), body),
            Some(Hint::TimestampOutsideTolerance)
        );
        // A configured secret with a trailing space.
        let spaced = section("", &format!("{KEY} "));
        assert_eq!(
            run(&spaced, &at(&good, &t), body),
            Some(Hint::SecretWhitespace)
        );
        // The secret base64-decoded where the sender used its text.
        let b64_secret = "aGludF9hY21lX2tleV9ieXRlcw==";
        let raw_signed = signed(b64_secret.as_bytes(), &t, body);
        let decoded = section("secret_encoding = \"base64\"\n", b64_secret);
        assert_eq!(
            run(&decoded, &at(&raw_signed, &t), body),
            Some(Hint::SecretEncoding)
        );
        // SHA-1 where SHA-256 is configured.
        let sha1 = hex::encode(crate::signature::Algorithm::Sha1.mac(
            KEY.as_bytes(),
            &[format!("{t}.").as_bytes(), &body[..]].concat(),
        ));
        assert_eq!(
            run(&plain, &at(&sha1, &t), body),
            Some(Hint::WrongAlgorithm)
        );
        // Another secret altogether.
        let other = signed(b"someone_else", &t, body);
        assert_eq!(run(&plain, &at(&other, &t), body), Some(Hint::WrongSecret));
        assert_eq!(
            run(&plain, &[("x-ts", t.clone())], body),
            Some(Hint::MissingCredential)
        );
    }

    #[test]
    fn the_check_takes_the_secret_from_the_config_at_hand() {
        let s = scheme("");
        let registered = crate::config::registered(s.id).unwrap();
        assert!(registered.secret.is_none(), "the registry keeps no secret");
        let c = Config::from_parts(
            "[schemes.unit-acme]\nheader = \"X-Acme-Signature\"\nsecret = \"acme_unit_secret\"\n",
            None,
            &[],
        )
        .unwrap();
        let check = check(registered, &c);
        assert_eq!(check.key.setting, "schemes.unit-acme.secret");
        assert!(check.key.is_set());
        assert!(!super::check(registered, &Config::default()).key.is_set());
    }
}
