//! The one trait every vendor implements, and the registry of them.

use serde_json::Value;

use super::{
    Policy, Route, Understanding, brilliant, classet, clearspeed, github, jobmojito, shopify,
    slack, standard_webhooks, stripe, talentsprout, twilio,
};
use crate::config::Config;
use crate::model::{ProviderId, Request, Verification};
use crate::signature::Check;

/// Everything hookscope knows about one vendor. Defaults describe a vendor that has no
/// route parameters, no header of its own and nothing to add to a verdict.
pub(crate) trait Vendor: Sync {
    fn id(&self) -> ProviderId;

    /// The vendor's own spelling of its name, e.g. `TalentSprout`.
    fn name(&self) -> &'static str;

    /// The route to paste into the vendor's settings, e.g. `/brilliant/{key}`.
    fn route(&self) -> &'static str;

    /// The documented events, for `send` and the sample payloads.
    fn events(&self) -> &'static [&'static str];

    /// What the URL carries after the route (`rest`) or in its query.
    fn read_route(&self, _rest: Option<String>, _query: Option<&str>, _route: &mut Route) {}

    /// Whether the headers alone name this vendor.
    fn matches_headers(&self, _headers: &[(String, String)], _config: &Config) -> bool {
        false
    }

    /// Whether a JSON body has this vendor's shape.
    fn matches_body(&self, v: &Value) -> bool;

    /// Event, subject and typed summary of a JSON body.
    fn understand(&self, v: &Value, route: &Route) -> Understanding;

    /// Event, subject and typed summary of the whole request, for vendors whose headers
    /// name the event or whose body is a form; `None` leaves only the route's event.
    fn understand_request(
        &self,
        _req: &Request,
        json: Option<&Value>,
        route: &Route,
    ) -> Option<Understanding> {
        json.map(|v| self.understand(v, route))
    }

    /// Headers the vendor sends beside its credential with a delivery of `event` (GitHub's
    /// `X-GitHub-Event`, Shopify's topic); `now` is the sending time in Unix seconds.
    fn sent_headers(&self, _event: &str, _now: i64) -> Vec<(String, String)> {
        Vec::new()
    }

    /// A body for `event` where the vendor has no sample of its own on file (a configured
    /// scheme's generic one).
    fn sample(&self, _event: Option<&str>) -> Option<Vec<u8>> {
        None
    }

    /// The content type of a body as this vendor sends it.
    fn content_type(&self, _body: &[u8]) -> &'static str {
        "application/json"
    }

    /// Event and subject read from the bytes without building a tree, where the vendor
    /// has such a reader; `None` sends the request down the full path.
    fn read_brief(&self, _body: &[u8]) -> Option<(Option<String>, Option<String>)> {
        None
    }

    /// Every check the vendor supports, configured or not, in preference order: the
    /// first configured one is also the one `send` signs with.
    fn checks(&self, config: &Config, route: &Route) -> Vec<Check>;

    /// Why a delivery with no credential and nothing configured is `unsigned`.
    fn unsigned_detail(&self, config: &Config) -> String;

    /// How a verdict names the credential set `check` belongs to, when the vendor allows
    /// several.
    fn credential_set(&self, _check: &Check, _config: &Config) -> Option<String> {
        None
    }

    /// Adds what the vendor's contract says about a verdict (e.g. a legacy scheme).
    fn annotate(&self, _verification: &mut Verification, _req: &Request, _config: &Config) {}

    /// What counts as an acknowledgement, how the vendor retries and how long it waits.
    fn policy(&self, config: &Config) -> Policy;

    /// Whether the payload's top-level `status` says what happened where the event name
    /// does not (every Clearspeed callback is a `Result Update`).
    fn event_has_status(&self) -> bool {
        false
    }

    /// Whether the vendor fetches an OAuth2 token (client credentials) before each
    /// delivery, so a re-send must fetch a fresh one.
    fn uses_token_flow(&self) -> bool {
        false
    }

    /// The id to fetch more about the delivery with, from the typed summary.
    fn fetch_id(&self, _summary: &super::Summary) -> Option<String> {
        None
    }

    /// The request that fetches more about `id`, when the vendor's API access is
    /// configured (`None`: not configured; `Err`: configured incompletely).
    fn follow_up(
        &self,
        _config: &Config,
        _http: &reqwest::Client,
        _id: String,
    ) -> Option<Result<super::follow_up::FollowUp, String>> {
        None
    }
}

static VENDORS: [&dyn Vendor; 11] = [
    &talentsprout::TalentSprout,
    &classet::Classet,
    &clearspeed::Clearspeed,
    &brilliant::Brilliant,
    &jobmojito::JobMojito,
    &standard_webhooks::StandardWebhooks,
    &stripe::Stripe,
    &github::GitHub,
    &shopify::Shopify,
    &slack::Slack,
    &twilio::Twilio,
];

/// Every built-in vendor, in the order they are listed to people.
pub(crate) fn all() -> &'static [&'static dyn Vendor] {
    &VENDORS
}

/// Where deliveries are received, as (provider, route): each built-in vendor's route,
/// then each configured scheme's that has one (one without is found by its header).
pub(crate) fn routes(config: &crate::config::Config) -> Vec<(&'static str, &'static str)> {
    all()
        .iter()
        .map(|v| (v.id().as_str(), v.route()))
        .chain(
            config
                .schemes
                .iter()
                .filter_map(|s| s.route.map(|r| (s.name(), r))),
        )
        .collect()
}

/// Every built-in id then every configured scheme's, comma-separated, for "use one of"
/// messages.
pub(crate) fn ids() -> String {
    all()
        .iter()
        .map(|v| v.id().as_str())
        .chain(crate::config::all_registered().iter().map(|s| s.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The unit for `id`: a built-in vendor, else a configured scheme (`[schemes.NAME]`, whose
/// shape parsing the config registered); `None` for an unrecognised sender.
pub(crate) fn vendor(id: ProviderId) -> Option<&'static dyn Vendor> {
    VENDORS
        .iter()
        .copied()
        .find(|v| v.id() == id)
        .or_else(|| crate::config::registered(id).map(|s| s as &'static dyn Vendor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_the_vendors_then_the_schemes_that_have_one() {
        let config = crate::config::Config::from_parts(
            "[schemes.acme]\nroute = \"/acme\"\nheader = \"X-Acme-Signature\"\n\
             [schemes.beta]\nheader = \"X-Beta-Signature\"\n",
            None,
            &[],
        )
        .expect("config parses");
        let routes = routes(&config);
        assert_eq!(routes.len(), all().len() + 1);
        assert_eq!(routes[0], ("talentsprout", "/talentsprout"));
        assert_eq!(routes.last(), Some(&("acme", "/acme")));
        assert!(routes.iter().all(|(name, _)| *name != "beta"));
    }
}
