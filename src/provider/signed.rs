//! The shape the HMAC-signed vendors share (Standard Webhooks, Stripe, GitHub, Shopify,
//! Slack, Twilio): a route of their own, detection by any of their headers, no body
//! shape to recognise, the whole request read for event and subject. A unit states its
//! [`Descriptor`] and what is its own; [`Vendor`] follows.

use serde_json::Value;

use super::{Policy, Route, Summary, Understanding, Vendor};
use crate::config::Config;
use crate::model::{ProviderId, Request, Verification};
use crate::signature::Check;

/// What a signed vendor is, as data.
pub(crate) struct Descriptor {
    pub id: ProviderId,
    /// The vendor's own spelling, e.g. `GitHub`.
    pub name: &'static str,
    pub route: &'static str,
    pub events: &'static [&'static str],
    /// Any of these headers names the vendor on another route; the first is the
    /// signature's.
    pub headers: &'static [&'static str],
    /// What the key is called in "no … configured", e.g. `secret`.
    pub key_noun: &'static str,
    /// The setting to set and what it holds, e.g. `providers.github.secret (the
    /// webhook's secret)`.
    pub key_setting: &'static str,
}

/// A signed vendor: its descriptor, how it reads a request, how it signs and delivers.
pub(crate) trait Signed: Sync {
    const UNIT: Descriptor;

    /// Event, subject and outline of the request; `None` when nothing can be read.
    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding>;

    /// The checks, in preference order (the first configured one signs `send`).
    fn checks(&self, config: &Config) -> Vec<Check>;

    /// What the vendor documents about acknowledgement, retries and waiting; the
    /// `[providers.<id>.sender]` override is applied over it.
    fn policy(&self) -> Policy;

    /// Headers the vendor sends beside its signature with a delivery of `event`.
    fn sent_headers(&self, _event: &str, _now: i64) -> Vec<(String, String)> {
        Vec::new()
    }

    fn content_type(&self, _body: &[u8]) -> &'static str {
        "application/json"
    }

    /// What the vendor's contract adds to a verdict.
    fn annotate(&self, _verification: &mut Verification, _req: &Request) {}
}

/// A request with nothing but a body: what is known of a JSON value alone.
fn bodiless() -> Request {
    Request::post("", &[], b"")
}

impl<T: Signed> Vendor for T {
    fn id(&self) -> ProviderId {
        T::UNIT.id
    }

    fn name(&self) -> &'static str {
        T::UNIT.name
    }

    fn route(&self) -> &'static str {
        T::UNIT.route
    }

    fn events(&self) -> &'static [&'static str] {
        T::UNIT.events
    }

    fn matches_headers(&self, headers: &[(String, String)], _config: &Config) -> bool {
        T::UNIT
            .headers
            .iter()
            .any(|h| super::tolerant::header(headers, h).is_some())
    }

    fn matches_body(&self, _v: &Value) -> bool {
        false
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        self.read(&bodiless(), Some(v))
            .unwrap_or_else(|| Understanding {
                event: None,
                event_inferred: false,
                subject: None,
                summary: Summary::Unknown,
            })
    }

    fn understand_request(
        &self,
        req: &Request,
        json: Option<&Value>,
        _route: &Route,
    ) -> Option<Understanding> {
        self.read(req, json)
    }

    fn sent_headers(&self, event: &str, now: i64) -> Vec<(String, String)> {
        Signed::sent_headers(self, event, now)
    }

    fn content_type(&self, body: &[u8]) -> &'static str {
        Signed::content_type(self, body)
    }

    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        Signed::checks(self, config)
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        let d = T::UNIT;
        format!(
            "No {} header and no {} configured: nothing to verify; set {} to check it.",
            d.headers.first().copied().unwrap_or_default(),
            d.key_noun,
            d.key_setting
        )
    }

    fn annotate(&self, verification: &mut Verification, req: &Request, _config: &Config) {
        Signed::annotate(self, verification, req);
    }

    fn policy(&self, config: &Config) -> Policy {
        Signed::policy(self).with_override(config.sender_for(T::UNIT.id.as_str()))
    }
}
