//! The five vendors: which one sent a request, what it is about, and which check applies.
//! One file per vendor; this module routes between them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Config;
use crate::delivery::Request;
use crate::signature::{self, Check, Input, Verification};

mod brief;
pub mod brilliant;
pub mod classet;
pub mod clearspeed;
pub mod jobmojito;
mod json_body;
pub mod talentsprout;
mod tolerant;

#[cfg(test)]
mod robustness;

pub use brief::{Brief, analyze_brief};
pub use tolerant::JsonExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderId {
    Clearspeed,
    Talentsprout,
    Brilliant,
    Classet,
    Jobmojito,
    Unknown,
}

impl ProviderId {
    pub const VENDORS: [ProviderId; 5] = [
        ProviderId::Talentsprout,
        ProviderId::Classet,
        ProviderId::Clearspeed,
        ProviderId::Brilliant,
        ProviderId::Jobmojito,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderId::Clearspeed => "clearspeed",
            ProviderId::Talentsprout => "talentsprout",
            ProviderId::Brilliant => "brilliant",
            ProviderId::Classet => "classet",
            ProviderId::Jobmojito => "jobmojito",
            ProviderId::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::VENDORS
            .into_iter()
            .chain([ProviderId::Unknown])
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }

    /// The vendor's own spelling of its name; `None` for an unrecognised sender.
    pub fn display_name(self) -> Option<&'static str> {
        Some(match self {
            ProviderId::Clearspeed => "Clearspeed",
            ProviderId::Talentsprout => "TalentSprout",
            ProviderId::Brilliant => "Brilliant",
            ProviderId::Classet => "Classet",
            ProviderId::Jobmojito => "JobMojito",
            ProviderId::Unknown => return None,
        })
    }

    /// Whether the payload's top-level `status` says what happened, where the event
    /// name does not: every Clearspeed callback is a `Result Update`, its status tells
    /// `Under Review` from `Result Published`.
    pub fn event_has_status(self) -> bool {
        matches!(self, ProviderId::Clearspeed)
    }

    /// The route to paste into the vendor's settings.
    pub fn route(self) -> &'static str {
        match self {
            ProviderId::Clearspeed => "/clearspeed",
            ProviderId::Talentsprout => "/talentsprout",
            ProviderId::Brilliant => "/brilliant/{key}",
            ProviderId::Classet => "/classet",
            ProviderId::Jobmojito => "/jobmojito",
            ProviderId::Unknown => "/",
        }
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the provider was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DetectedBy {
    Path,
    Header,
    Body,
    None,
}

impl DetectedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            DetectedBy::Path => "path",
            DetectedBy::Header => "header",
            DetectedBy::Body => "body",
            DetectedBy::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "path" => DetectedBy::Path,
            "header" => DetectedBy::Header,
            "body" => DetectedBy::Body,
            "none" => DetectedBy::None,
            _ => return None,
        })
    }
}

/// What the URL says: a vendor route and what it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub provider: Option<ProviderId>,
    /// `/jobmojito/{event}`
    pub event: Option<String>,
    /// `/brilliant/{key}` or `/brilliant?key=…`
    pub url_key: Option<String>,
}

/// Reads the vendor route out of a path and query.
pub fn route(path: &str, query: Option<&str>) -> Route {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    // A key with characters such as `+`, `/` or `=` arrives percent-encoded in a path.
    let second = segments
        .next()
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false));
    let provider = ProviderId::parse(first).filter(|p| *p != ProviderId::Unknown);
    let mut r = Route {
        provider,
        ..Route::default()
    };
    match provider {
        Some(ProviderId::Jobmojito) => r.event = second,
        Some(ProviderId::Brilliant) => {
            r.url_key = second.or_else(|| query_param(query, "key"));
        }
        _ => {}
    }
    r
}

/// One query parameter, percent-decoded.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query_pairs(query).find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `a=1&b=x%20y` (a query or a form body) as decoded name/value pairs.
pub fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (String, String)> + '_ {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in a query); a
/// malformed escape is kept as written.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
    /// Not a vendor we know, or a body that is not JSON: the raw views apply.
    Unknown,
}

/// Everything we make of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub provider: ProviderId,
    pub detected_by: DetectedBy,
    pub event: Option<String>,
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub verification: Verification,
    pub summary: Summary,
}

/// The body as JSON, when it is JSON. serde_json's recursion limit keeps hostile nesting
/// from overflowing the stack.
pub fn body_json(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Detects the provider: path first, then headers, then the body's shape.
pub fn detect(req: &Request, json: Option<&Value>, config: &Config) -> (ProviderId, DetectedBy) {
    if let Some(found) = detect_without_body(req, config) {
        return found;
    }
    if let Some(v) = json {
        let by_body = [
            (ProviderId::Clearspeed, clearspeed::matches_body(v)),
            (ProviderId::Brilliant, brilliant::matches_body(v)),
            (ProviderId::Talentsprout, talentsprout::matches_body(v)),
            (ProviderId::Classet, classet::matches_body(v)),
            (ProviderId::Jobmojito, jobmojito::matches_body(v)),
        ];
        if let Some((p, _)) = by_body.into_iter().find(|(_, m)| *m) {
            return (p, DetectedBy::Body);
        }
    }
    (ProviderId::Unknown, DetectedBy::None)
}

/// The provider when the path or a header names it.
fn detect_without_body(req: &Request, config: &Config) -> Option<(ProviderId, DetectedBy)> {
    if let Some(p) = route(&req.path, req.query.as_deref()).provider {
        return Some((p, DetectedBy::Path));
    }
    let by_header = [
        (
            ProviderId::Talentsprout,
            talentsprout::matches_headers(&req.headers),
        ),
        (ProviderId::Classet, classet::matches_headers(&req.headers)),
        (
            ProviderId::Jobmojito,
            jobmojito::matches_headers(&req.headers, &config.providers.jobmojito),
        ),
    ];
    by_header
        .into_iter()
        .find(|(_, m)| *m)
        .map(|(p, _)| (p, DetectedBy::Header))
}

/// Event, subject and typed summary of a body from `provider`.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    pub event: Option<String>,
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub summary: Summary,
}

/// Reads what a delivery is about. Works on any bytes: a non-JSON body is understood as
/// "nothing known", never an error.
pub fn understand(provider: ProviderId, req: &Request, json: Option<&Value>) -> Understanding {
    let r = route(&req.path, req.query.as_deref());
    let nothing = Understanding {
        event: None,
        event_inferred: false,
        subject: None,
        summary: Summary::Unknown,
    };
    let Some(v) = json else {
        // Still report the route's event for JobMojito, whatever the body.
        return Understanding {
            event: (provider == ProviderId::Jobmojito)
                .then_some(r.event)
                .flatten(),
            ..nothing
        };
    };
    match provider {
        ProviderId::Clearspeed => clearspeed::understand(v),
        ProviderId::Talentsprout => talentsprout::understand(v),
        ProviderId::Brilliant => brilliant::understand(v),
        ProviderId::Classet => classet::understand(v),
        ProviderId::Jobmojito => jobmojito::understand(v, r.event.as_deref()),
        ProviderId::Unknown => nothing,
    }
}

/// The check the provider's contract calls for, given what is configured.
pub fn check_for(provider: ProviderId, req: &Request, config: &Config) -> Check {
    let p = &config.providers;
    match provider {
        ProviderId::Talentsprout => talentsprout::check(&p.talentsprout),
        ProviderId::Classet => classet::check(&p.classet, &req.headers),
        ProviderId::Clearspeed => clearspeed::check(&p.clearspeed, &req.headers),
        ProviderId::Brilliant => {
            let r = route(&req.path, req.query.as_deref());
            brilliant::check(&p.brilliant, r.url_key)
        }
        ProviderId::Jobmojito => jobmojito::check(&p.jobmojito, &req.headers),
        ProviderId::Unknown => Check::Unsigned {
            scheme: "none",
            detail: "Provider not recognised from the path, headers or body; nothing to verify."
                .into(),
        },
    }
}

/// Detects, verifies and understands one request. `now` is receipt time in Unix seconds.
pub fn analyze(req: &Request, config: &Config, now: i64) -> Analysis {
    let json = json_body::for_analysis(&req.body);
    let (provider, detected_by) = detect(req, json.as_ref(), config);
    analyze_parsed(provider, detected_by, req, json.as_ref(), config, now)
}

/// As [`analyze`], for a provider the caller already knows (e.g. `hookscope verify`).
pub fn analyze_as(provider: ProviderId, req: &Request, config: &Config, now: i64) -> Analysis {
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
    let u = understand(provider, req, json);
    Analysis {
        provider,
        detected_by,
        event: u.event,
        event_inferred: u.event_inferred,
        subject: u.subject,
        verification,
        summary: u.summary,
    }
}

/// Applies the provider's check to the request.
fn verify(provider: ProviderId, req: &Request, config: &Config, now: i64) -> Verification {
    let check = check_for(provider, req, config);
    let input = Input {
        headers: &req.headers,
        body: &req.body,
        path: &req.path,
        query: req.query.as_deref(),
        now,
    };
    let mut verification = signature::verify(&check, &input);
    if req.body_truncated {
        verification = Verification::new(
            signature::Status::Failed,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_read_vendor_key_and_event() {
        assert_eq!(route("/classet", None).provider, Some(ProviderId::Classet));
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
        assert_eq!(percent_decode("a%zz%4", true), "a%zz%4");
        assert_eq!(percent_decode("%41+b", true), "A b");
        assert_eq!(percent_decode("%41+b", false), "A+b");
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
