//! Clearspeed: an assessment result with per-question risk ratings. Authenticates with an
//! API key in a header whose name the vendor does not document, or an OAuth2 bearer token.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::tolerant::JsonExt;
use super::{Policy, Route, Summary as Any, Understanding, Vendor};
use crate::config::{ClearspeedConfig, Config, DEFAULT_API_KEY_HEADER, Secret, credential_setting};
use crate::model::ProviderId;
use crate::signature::{BearerCheck, Check, KeyRef, StaticHeaderCheck};

/// A risk rating code. The vendor documents HR and LR; its full schema has more (AR, PR,
/// NR…) whose meaning is not published, so those keep their raw code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RiskLevel {
    High,
    Low,
    Other(String),
}

impl RiskLevel {
    pub(crate) fn parse(code: &str) -> Self {
        match code.trim() {
            c if c.eq_ignore_ascii_case("HR") => RiskLevel::High,
            c if c.eq_ignore_ascii_case("LR") => RiskLevel::Low,
            c => RiskLevel::Other(c.to_string()),
        }
    }

    /// The vendor's code: `HR`, `LR` or whatever arrived.
    pub(crate) fn code(&self) -> &str {
        match self {
            RiskLevel::High => "HR",
            RiskLevel::Low => "LR",
            RiskLevel::Other(c) => c,
        }
    }

    /// For people: "high risk", "low risk", or the raw code when its meaning is unknown.
    pub(crate) fn label(&self) -> &str {
        match self {
            RiskLevel::High => "high risk",
            RiskLevel::Low => "low risk",
            RiskLevel::Other(c) => c,
        }
    }
}

impl Serialize for RiskLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// A string in the vendor's payload; numbers are accepted and rendered.
    pub sequence: Option<String>,
    pub risk_level: Option<RiskLevel>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub callback_type: Option<String>,
    /// Result Published, Attempted - Incomplete, Attempted - Partial, Under Review, …
    pub status: Option<String>,
    pub overall_evaluation: Option<String>,
    /// The verdict text.
    pub summary: Option<String>,
    /// The verdict colour as sent, e.g. `#dc3545`.
    pub summary_bgcolor: Option<String>,
    /// `summary_bgcolor` parsed, when it is a CSS hex colour.
    pub summary_rgb: Option<(u8, u8, u8)>,
    pub clear: Option<bool>,
    pub is_admission: Option<bool>,
    pub is_counter_measure: Option<bool>,
    pub is_not_complete: Option<bool>,
    pub participant_language: Option<String>,
    pub project_uuid: Option<String>,
    pub interview_ref_num: Option<String>,
    pub access_code: Option<String>,
    pub questions: Vec<Question>,
}

impl Summary {
    /// `overall_evaluation` read as a risk code.
    pub(crate) fn overall_risk(&self) -> Option<RiskLevel> {
        self.overall_evaluation.as_deref().map(RiskLevel::parse)
    }
}

/// `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (alpha ignored).
pub(crate) fn parse_hex_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize, width: usize| {
        let part = hex.get(i * width..(i + 1) * width)?;
        let v = u8::from_str_radix(part, 16).ok()?;
        // A short form digit stands for itself twice: `f` is `ff`.
        Some(if width == 1 { v * 17 } else { v })
    };
    let width = match hex.len() {
        3 | 4 => 1,
        6 | 8 => 2,
        _ => return None,
    };
    Some((channel(0, width)?, channel(1, width)?, channel(2, width)?))
}

pub(crate) fn matches_body(v: &Value) -> bool {
    v.str_at(&["callback_type"]).as_deref() == Some("Result Update")
        || v.arr_at(&["questions_risk_rating"]).is_some()
        || (v.has_key("interview_ref_num") && v.has_key("summary_bgcolor"))
}

pub(crate) fn parse(v: &Value) -> Summary {
    let summary_bgcolor = v.str_at(&["summary_bgcolor"]);
    let questions = v
        .arr_at(&["questions_risk_rating"])
        .unwrap_or_default()
        .iter()
        .filter(|q| q.is_object())
        .map(|q| Question {
            sequence: q.str_at(&["sequence"]),
            risk_level: q.str_at(&["risk_level"]).map(|c| RiskLevel::parse(&c)),
            text: q.str_at(&["text"]),
        })
        .collect();
    Summary {
        callback_type: v.str_at(&["callback_type"]),
        status: v.str_at(&["status"]),
        overall_evaluation: v.str_at(&["overall_evaluation"]),
        summary: v.str_at(&["summary"]),
        summary_rgb: summary_bgcolor.as_deref().and_then(parse_hex_colour),
        summary_bgcolor,
        clear: v.bool_at(&["clear"]),
        is_admission: v.bool_at(&["is_admission"]),
        is_counter_measure: v.bool_at(&["is_counter_measure"]),
        is_not_complete: v.bool_at(&["is_not_complete"]),
        participant_language: v.str_at(&["participant_language"]),
        project_uuid: v.str_at(&["project_uuid"]),
        interview_ref_num: v.str_at(&["interview_ref_num"]),
        access_code: v.str_at(&["access_code"]),
        questions,
    }
}

pub(crate) fn understand(v: &Value) -> Understanding {
    let s = parse(v);
    Understanding {
        event: s.callback_type.clone(),
        event_inferred: false,
        subject: s
            .interview_ref_num
            .clone()
            .or_else(|| s.access_code.clone()),
        summary: Any::Clearspeed(s),
    }
}

pub(crate) const EVENTS: [&str; 1] = ["Result Update"];

pub(crate) struct Clearspeed;

/// One set of credentials to check against: the section's own keys, or one of
/// `[[providers.clearspeed.credentials]]`.
struct CredentialSet<'a> {
    api_key: (Option<&'a Secret>, &'static str),
    bearer_token: (Option<&'a Secret>, &'static str),
    jwt_secret: (Option<&'a Secret>, &'static str),
    jwks_file: Option<&'a std::path::PathBuf>,
    audience: Option<&'a String>,
}

fn credential_sets(cfg: &ClearspeedConfig) -> Vec<CredentialSet<'_>> {
    let main = CredentialSet {
        api_key: (cfg.api_key.as_ref(), "providers.clearspeed.api_key"),
        bearer_token: (
            cfg.bearer_token.as_ref(),
            "providers.clearspeed.bearer_token",
        ),
        jwt_secret: (cfg.jwt_secret.as_ref(), "providers.clearspeed.jwt_secret"),
        jwks_file: cfg.jwks_file.as_ref(),
        audience: cfg.audience.as_ref(),
    };
    let more = cfg
        .credentials
        .iter()
        .enumerate()
        .map(|(i, c)| CredentialSet {
            api_key: (c.api_key.as_ref(), credential_setting(i, "api_key")),
            bearer_token: (
                c.bearer_token.as_ref(),
                credential_setting(i, "bearer_token"),
            ),
            jwt_secret: (c.jwt_secret.as_ref(), credential_setting(i, "jwt_secret")),
            jwks_file: c.jwks_file.as_ref(),
            audience: c.audience.as_ref(),
        });
    std::iter::once(main).chain(more).collect()
}

impl Clearspeed {
    fn api_key_header(cfg: &ClearspeedConfig) -> String {
        let configured = cfg.api_key_header.trim().to_ascii_lowercase();
        if configured.is_empty() {
            DEFAULT_API_KEY_HEADER.to_string()
        } else {
            configured
        }
    }

    /// How a verdict names the credential set a check belongs to, when there are several.
    fn set_name(cfg: &ClearspeedConfig, setting: &str) -> Option<String> {
        if cfg.credentials.is_empty() {
            return None;
        }
        let Some(rest) = setting.strip_prefix("providers.clearspeed.credentials[") else {
            return Some("the main set (providers.clearspeed)".into());
        };
        let index: usize = rest.split(']').next()?.parse().ok()?;
        let named = cfg.credentials.get(index)?.name.clone();
        Some(match named {
            Some(n) => format!("\"{n}\" (providers.clearspeed.credentials[{index}])"),
            None => format!("providers.clearspeed.credentials[{index}]"),
        })
    }
}

impl Vendor for Clearspeed {
    fn id(&self) -> ProviderId {
        ProviderId::CLEARSPEED
    }

    fn name(&self) -> &'static str {
        "Clearspeed"
    }

    fn route(&self) -> &'static str {
        "/clearspeed"
    }

    fn events(&self) -> &'static [&'static str] {
        &EVENTS
    }

    fn matches_body(&self, v: &Value) -> bool {
        matches_body(v)
    }

    fn understand(&self, v: &Value, _route: &Route) -> Understanding {
        understand(v)
    }

    /// For every credential set, the API key in its header, then the bearer token.
    fn checks(&self, config: &Config, _route: &Route) -> Vec<Check> {
        let cfg = &config.providers.clearspeed;
        let header = Self::api_key_header(cfg);
        credential_sets(cfg)
            .into_iter()
            .flat_map(|set| {
                [
                    Check::StaticHeader(StaticHeaderCheck {
                        scheme: "clearspeed-api-key",
                        header: header.clone(),
                        header_setting: Some("providers.clearspeed.api_key_header"),
                        key: KeyRef::new(self.name(), set.api_key.0, set.api_key.1),
                    }),
                    Check::Bearer(BearerCheck {
                        scheme: "clearspeed-bearer",
                        static_token: KeyRef::new(
                            self.name(),
                            set.bearer_token.0,
                            set.bearer_token.1,
                        ),
                        jwt_secret: KeyRef::new(self.name(), set.jwt_secret.0, set.jwt_secret.1),
                        jwks_file: set.jwks_file.cloned(),
                        audience: set.audience.cloned(),
                    }),
                ]
            })
            .collect()
    }

    fn unsigned_detail(&self, _config: &Config) -> String {
        "Clearspeed authenticates with an API key header or an OAuth2 bearer token; none \
         arrived and none is configured."
            .into()
    }

    fn uses_token_flow(&self) -> bool {
        true
    }

    fn event_has_status(&self) -> bool {
        true
    }

    fn credential_set(&self, check: &Check, config: &Config) -> Option<String> {
        let cfg = &config.providers.clearspeed;
        let setting = match check {
            Check::StaticHeader(c) => c.key.setting,
            Check::Bearer(c) => c.static_token.setting,
            _ => return None,
        };
        Self::set_name(cfg, setting)
    }

    /// Only 200 acknowledges; no automatic retry (failed payloads wait for a manual
    /// re-send). The wait is not documented.
    fn policy(&self, config: &Config) -> Policy {
        Policy {
            only_200: true,
            ack_assumed: false,
            retries_assumed: false,
            after_failure: Some(
                "it does not retry: failed payloads wait 15 days for a manual re-send",
            ),
            ..Policy::default()
        }
        .with_override(config.sender_for("clearspeed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PUBLISHED: &str =
        include_str!("../../tests/fixtures/payloads/clearspeed/result_published.json");
    const INCOMPLETE: &str =
        include_str!("../../tests/fixtures/payloads/clearspeed/attempted_incomplete.json");

    fn fixture(s: &str) -> Value {
        serde_json::from_str(s).expect("fixture is JSON")
    }

    #[test]
    fn result_published_reads_verdict_colour_and_questions() {
        let u = understand(&fixture(PUBLISHED));
        assert_eq!(u.event.as_deref(), Some("Result Update"));
        assert_eq!(u.subject.as_deref(), Some("7858934895810"));
        let Any::Clearspeed(s) = u.summary else {
            panic!("not a clearspeed summary")
        };
        assert_eq!(s.status.as_deref(), Some("Result Published"));
        assert_eq!(s.summary_rgb, Some((0xdc, 0x35, 0x45)));
        assert_eq!(s.overall_risk(), Some(RiskLevel::High));
        assert_eq!(s.clear, Some(false));
        assert_eq!(s.access_code.as_deref(), Some("71360059"));
        assert_eq!(s.questions.len(), 4);
        assert_eq!(s.questions[0].risk_level, Some(RiskLevel::High));
        assert_eq!(s.questions[1].risk_level, Some(RiskLevel::Low));
        let q4 = &s.questions[3];
        assert_eq!(q4.sequence.as_deref(), Some("4"));
        assert_eq!(q4.risk_level, Some(RiskLevel::Other("AR".into())));
        assert_eq!(q4.risk_level.as_ref().map(RiskLevel::label), Some("AR"));
        assert_eq!(RiskLevel::High.label(), "high risk");
        assert_eq!(
            q4.text.as_deref(),
            Some("Have you lied on your application?")
        );
    }

    #[test]
    fn attempted_incomplete_has_no_evaluation_and_no_questions() {
        let s = parse(&fixture(INCOMPLETE));
        assert_eq!(s.status.as_deref(), Some("Attempted - Incomplete"));
        assert_eq!(s.overall_evaluation, None);
        assert_eq!(s.is_not_complete, Some(true));
        assert_eq!(s.summary_rgb, Some((0x6c, 0x75, 0x7d)));
        assert!(s.questions.is_empty());
    }

    #[test]
    fn odd_types_read_as_absent() {
        let v = json!({
            "interview_ref_num": {"x": 1}, "access_code": 71360059, "clear": "yes",
            "summary_bgcolor": "red",
            "questions_risk_rating": [{"sequence": 2, "risk_level": {"code": "HR"}}, "junk", null]
        });
        let u = understand(&v);
        assert_eq!(u.subject.as_deref(), Some("71360059"));
        let Any::Clearspeed(s) = u.summary else {
            panic!("not a clearspeed summary")
        };
        assert_eq!(s.clear, None);
        assert_eq!(s.summary_bgcolor.as_deref(), Some("red"));
        assert_eq!(s.summary_rgb, None);
        assert_eq!(s.questions.len(), 1);
        assert_eq!(s.questions[0].sequence.as_deref(), Some("2"));
        assert_eq!(s.questions[0].risk_level, None);
        for v in [json!({}), json!([]), json!("x")] {
            assert_eq!(parse(&v), Summary::default());
        }
    }

    #[test]
    fn hex_colours_in_all_css_lengths() {
        assert_eq!(parse_hex_colour("#fff"), Some((255, 255, 255)));
        assert_eq!(parse_hex_colour("#0f08"), Some((0, 255, 0)));
        assert_eq!(parse_hex_colour(" #DC3545 "), Some((220, 53, 69)));
        assert_eq!(parse_hex_colour("#dc354580"), Some((220, 53, 69)));
        assert_eq!(parse_hex_colour("dc3545"), None);
        assert_eq!(parse_hex_colour("#dc354"), None);
        assert_eq!(parse_hex_colour("#ééé"), None);
        assert_eq!(parse_hex_colour("#+1+2+3"), None);
    }

    #[test]
    fn risk_levels_serialize_as_their_code() {
        let q = serde_json::to_value(RiskLevel::Other("PR".into())).expect("serializes");
        assert_eq!(q, json!("PR"));
        assert_eq!(RiskLevel::parse(" lr "), RiskLevel::Low);
    }
}
