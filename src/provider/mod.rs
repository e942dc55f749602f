//! The vendors: each one a unit behind [`Vendor`] that knows its route, its events, how to
//! recognise and read its deliveries, how it authenticates and how it sends. Nothing
//! outside a vendor's unit branches on which vendor it is.

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::model::{DetectedBy, Findings, ProviderId, Request, Status, Verification};
use crate::signature::{self, Check, Input};

mod brief;
pub mod brilliant;
pub mod classet;
pub mod clearspeed;
pub mod follow_up;
mod form;
pub mod github;
pub mod jobmojito;
mod json_body;
pub mod outline;
mod policy;
mod scheme;
pub mod shopify;
mod signed;
mod signing;
pub mod slack;
pub mod standard_webhooks;
pub mod stripe;
pub mod talentsprout;
mod tolerant;
pub mod twilio;
mod vendor;

#[cfg(test)]
mod robustness;
#[cfg(test)]
mod verdict_tests;

pub use brief::{Brief, analyze_brief};
pub(crate) use policy::{
    Policy, answer_warnings, configured_answer_problems, configured_delay_warning,
};
pub(crate) use signing::{SigningOptions, body_signatures, resign, sign};
pub(crate) use vendor::{Vendor, all, ids, routes, vendor};

/// What the URL says: a vendor route and what it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Route {
    pub provider: Option<ProviderId>,
    /// An event named by the route (`/jobmojito/{event}`).
    pub event: Option<String>,
    /// A key carried by the URL (`/brilliant/{key}` or `/brilliant?key=…`).
    pub url_key: Option<String>,
}

/// Reads the vendor route out of a path and query.
pub(crate) fn route(path: &str, query: Option<&str>) -> Route {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let Some(v) = all()
        .iter()
        .find(|v| v.id().as_str().eq_ignore_ascii_case(first))
    else {
        return Route::default();
    };
    // A key with characters such as `+`, `/` or `=` arrives percent-encoded in a path.
    let rest = segments
        .next()
        .filter(|s| !s.is_empty())
        .map(percent_decode);
    let mut r = Route {
        provider: Some(v.id()),
        ..Route::default()
    };
    v.read_route(rest, query, &mut r);
    r
}

/// One query parameter, decoded.
pub(crate) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query_pairs(query).find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `a=1&b=x%20y` (a query or a form body) as decoded name/value pairs.
pub(crate) fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// Decodes `%XX` escapes in a path segment (`+` is itself there); a malformed escape is
/// kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The typed view of a payload, for the detail screens. Parsing is tolerant: a missing or
/// odd section is `None`/empty, never an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
#[allow(
    clippy::large_enum_variant,
    reason = "one per delivery view; boxing would only add indirection for the TUI"
)]
pub enum Summary {
    Clearspeed(clearspeed::Summary),
    Talentsprout(talentsprout::Summary),
    Brilliant(brilliant::Summary),
    Classet(classet::Summary),
    Jobmojito(jobmojito::Summary),
    /// Labelled fields in sections, for the signed-scheme vendors.
    Outline(outline::Outline),
    /// Not a vendor we know, or a body that is not JSON: the raw views apply.
    Unknown,
}

/// Everything we make of a request: the findings and the typed summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub findings: Findings,
    pub summary: Summary,
}

/// The body as JSON, when it is JSON. serde_json's recursion limit keeps hostile nesting
/// from overflowing the stack.
pub(crate) fn body_json(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Detects the provider: path first, then headers, then the body's shape.
pub(crate) fn detect(
    req: &Request,
    json: Option<&Value>,
    config: &Config,
) -> (ProviderId, DetectedBy) {
    if let Some(found) = detect_without_body(req, config) {
        return found;
    }
    json.and_then(|v| all().iter().find(|vendor| vendor.matches_body(v)))
        .map_or((ProviderId::UNKNOWN, DetectedBy::None), |v| {
            (v.id(), DetectedBy::Body)
        })
}

/// The provider when the path or a header names it. A configured scheme's route is its
/// own (it cannot be under a built-in one); its header is looked for before the built-in
/// vendors', as the user who configured it expects it there.
fn detect_without_body(req: &Request, config: &Config) -> Option<(ProviderId, DetectedBy)> {
    if let Some(p) = route(&req.path, req.query.as_deref()).provider {
        return Some((p, DetectedBy::Path));
    }
    if let Some(s) = config
        .schemes
        .iter()
        .filter(|s| s.owns_path(&req.path))
        .max_by_key(|s| s.route.map_or(0, str::len))
    {
        return Some((s.id, DetectedBy::Path));
    }
    let schemes = config.schemes.iter().map(|s| s as &dyn Vendor);
    schemes
        .chain(all().iter().copied())
        .find(|v| v.matches_headers(&req.headers, config))
        .map(|v| (v.id(), DetectedBy::Header))
}

/// Event, subject and typed summary of a body from `provider`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Understanding {
    pub event: Option<String>,
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub summary: Summary,
}

/// Reads what a delivery is about. Works on any bytes: a non-JSON body is understood as
/// "nothing known" (but the route's event), never an error.
/// A body holding an integer beyond 64 bits is read again as analysis reads it, so
/// that such an id shows as written whoever parsed `json`.
pub(crate) fn understand(
    provider: ProviderId,
    req: &Request,
    json: Option<&Value>,
) -> Understanding {
    let exact = json
        .filter(|_| json_body::may_hold_long_integers(&req.body))
        .and_then(|_| json_body::for_analysis(&req.body));
    understand_parsed(provider, req, exact.as_ref().or(json))
}

/// [`understand`] of a body [`json_body::for_analysis`] parsed.
fn understand_parsed(provider: ProviderId, req: &Request, json: Option<&Value>) -> Understanding {
    let r = route(&req.path, req.query.as_deref());
    match vendor(provider).and_then(|v| v.understand_request(req, json, &r)) {
        Some(u) => u,
        None => Understanding {
            event: r.event.filter(|_| r.provider == Some(provider)),
            event_inferred: false,
            subject: None,
            summary: Summary::Unknown,
        },
    }
}

/// Every check the provider supports, configured or not, in the vendor's preference order.
pub(crate) fn checks_for(provider: ProviderId, req: &Request, config: &Config) -> Vec<Check> {
    let r = route(&req.path, req.query.as_deref());
    vendor(provider).map_or_else(Vec::new, |v| v.checks(config, &r))
}

/// Detects, verifies and understands one request. `now` is receipt time in Unix seconds.
pub fn analyze(req: &Request, config: &Config, now: i64) -> Analysis {
    let json = json_body::for_analysis(&req.body);
    let (provider, detected_by) = detect(req, json.as_ref(), config);
    analyze_parsed(provider, detected_by, req, json.as_ref(), config, now)
}

/// As [`analyze`], for a provider the caller already knows (e.g. `hookscope verify`).
pub(crate) fn analyze_as(
    provider: ProviderId,
    req: &Request,
    config: &Config,
    now: i64,
) -> Analysis {
    let json = json_body::for_analysis(&req.body);
    analyze_parsed(provider, DetectedBy::None, req, json.as_ref(), config, now)
}

fn analyze_parsed(
    provider: ProviderId,
    detected_by: DetectedBy,
    req: &Request,
    json: Option<&Value>,
    config: &Config,
    now: i64,
) -> Analysis {
    let verification = verify(provider, req, config, now);
    let u = understand_parsed(provider, req, json);
    Analysis {
        findings: Findings {
            provider,
            detected_by,
            event: u.event,
            event_inferred: u.event_inferred,
            subject: u.subject,
            verification,
        },
        summary: u.summary,
    }
}

/// Verifies a request by what is configured for `provider`, never by which headers it
/// carries: with nothing configured it is `unsigned`, or `unchecked` when a credential
/// arrived; with something configured it is `verified` when a configured check passes
/// and `failed` with the most specific reason otherwise.
pub(crate) fn verify(
    provider: ProviderId,
    req: &Request,
    config: &Config,
    now: i64,
) -> Verification {
    let input = Input {
        headers: &req.headers,
        body: &req.body,
        method: &req.method,
        path: &req.path,
        query: req.query.as_deref(),
        now,
    };
    let Some(v) = vendor(provider) else {
        return Verification::new(
            Status::Unsigned,
            "none",
            "Provider not recognised from the path, the headers or the body; nothing to verify.",
        );
    };
    let checks = v.checks(config, &route(&req.path, req.query.as_deref()));
    let configured: Vec<&Check> = checks.iter().filter(|c| c.is_configured()).collect();
    let mut verification = if configured.is_empty() {
        checks
            .iter()
            .map(|c| signature::verify(c, &input))
            .find(|v| v.status == Status::Unchecked)
            .unwrap_or_else(|| {
                Verification::new(Status::Unsigned, "none", v.unsigned_detail(config))
            })
    } else {
        let results: Vec<Verification> = configured
            .iter()
            .map(|c| signature::verify(c, &input))
            .collect();
        let verified = results.iter().position(|r| r.status == Status::Verified);
        let picked = verified.unwrap_or_else(|| {
            (0..results.len())
                .min_by_key(|&i| (specificity(&results[i]), i))
                .unwrap_or(0)
        });
        let mut verdict = results[picked].clone();
        if let Some(set) = verified.and_then(|i| v.credential_set(configured[i], config)) {
            verdict
                .detail
                .push_str(&format!(" Matched credential set {set}."));
        }
        verdict
    };
    v.annotate(&mut verification, req, config);
    if req.body_truncated {
        verification = Verification::new(
            Status::Failed,
            verification.scheme,
            format!(
                "Only {} of {} body bytes were received (over the size limit or cut off), \
                 so the signature cannot be checked.",
                req.body.len(),
                req.body_bytes
            ),
        );
    }
    verification
}

/// Lower is more specific. A check whose credential never arrived explains least; every
/// other reason ranks in the hint order (the least invasive explanation first).
fn specificity(v: &Verification) -> (u8, Option<crate::model::Hint>) {
    use crate::model::Hint;
    match v.hint {
        Some(Hint::MissingCredential) => (1, v.hint),
        _ => (0, v.hint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_read_vendor_key_and_event() {
        assert_eq!(route("/classet", None).provider, Some(ProviderId::CLASSET));
        let b = route("/brilliant/k3y", None);
        assert_eq!(b.url_key.as_deref(), Some("k3y"));
        let b = route("/brilliant", Some("key=a%2Bb&x=1"));
        assert_eq!(b.url_key.as_deref(), Some("a+b"));
        let j = route("/jobmojito/interview_result", None);
        assert_eq!(j.event.as_deref(), Some("interview_result"));
        assert_eq!(route("/", None).provider, None);
        assert_eq!(route("/unknown", None).provider, None);
    }

    #[test]
    fn percent_decode_tolerates_bad_escapes() {
        assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
        assert_eq!(percent_decode("%41+b"), "A+b");
        assert_eq!(query_param(Some("k=%41+b"), "k").as_deref(), Some("A b"));
    }

    #[test]
    fn a_percent_encoded_key_in_the_path_is_read_decoded() {
        let b = route("/brilliant/br%2Burl%3Dkey%2F1", None);
        assert_eq!(b.url_key.as_deref(), Some("br+url=key/1"));
        // In a path `+` is itself, not a space.
        assert_eq!(
            route("/brilliant/a+b", None).url_key.as_deref(),
            Some("a+b")
        );
        let j = route("/jobmojito/interview%5Fresult", None);
        assert_eq!(j.event.as_deref(), Some("interview_result"));
    }
}
