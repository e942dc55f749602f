//! Which configured credential the debugger's secret field stands for, and the request
//! with its redaction markers turned back into the configured secrets.

use crate::config::{Config, Secret};
use crate::delivery::Request;
use crate::provider::{self, ProviderId};
use crate::redact::Redactor;
use crate::signature::Check;

/// A credential setting the debugger can override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    TalentsproutSecret,
    ClassetSecret,
    ClassetApiKey,
    ClearspeedApiKey,
    ClearspeedBearerToken,
    ClearspeedJwtSecret,
    BrilliantUrlKey,
    JobmojitoValue,
}

impl Setting {
    pub fn name(self) -> &'static str {
        match self {
            Setting::TalentsproutSecret => "providers.talentsprout.secret",
            Setting::ClassetSecret => "providers.classet.secret",
            Setting::ClassetApiKey => "providers.classet.api_key",
            Setting::ClearspeedApiKey => "providers.clearspeed.api_key",
            Setting::ClearspeedBearerToken => "providers.clearspeed.bearer_token",
            Setting::ClearspeedJwtSecret => "providers.clearspeed.jwt_secret",
            Setting::BrilliantUrlKey => "providers.brilliant.url_key",
            Setting::JobmojitoValue => "providers.jobmojito.value",
        }
    }

    fn slot(self, config: &mut Config) -> &mut Option<Secret> {
        let p = &mut config.providers;
        match self {
            Setting::TalentsproutSecret => &mut p.talentsprout.secret,
            Setting::ClassetSecret => &mut p.classet.secret,
            Setting::ClassetApiKey => &mut p.classet.api_key,
            Setting::ClearspeedApiKey => &mut p.clearspeed.api_key,
            Setting::ClearspeedBearerToken => &mut p.clearspeed.bearer_token,
            Setting::ClearspeedJwtSecret => &mut p.clearspeed.jwt_secret,
            Setting::BrilliantUrlKey => &mut p.brilliant.url_key,
            Setting::JobmojitoValue => &mut p.jobmojito.value,
        }
    }

    /// The configured value, empty when unset.
    pub fn value(self, config: &Config) -> String {
        let p = &config.providers;
        let slot = match self {
            Setting::TalentsproutSecret => &p.talentsprout.secret,
            Setting::ClassetSecret => &p.classet.secret,
            Setting::ClassetApiKey => &p.classet.api_key,
            Setting::ClearspeedApiKey => &p.clearspeed.api_key,
            Setting::ClearspeedBearerToken => &p.clearspeed.bearer_token,
            Setting::ClearspeedJwtSecret => &p.clearspeed.jwt_secret,
            Setting::BrilliantUrlKey => &p.brilliant.url_key,
            Setting::JobmojitoValue => &p.jobmojito.value,
        };
        slot.as_ref()
            .map(|s| s.expose().to_string())
            .unwrap_or_default()
    }

    /// `config` with this setting replaced (an empty value unsets it).
    pub fn apply(self, config: &Config, value: &str) -> Config {
        let mut out = config.clone();
        *self.slot(&mut out) = (!value.is_empty()).then(|| Secret::new(value));
        out
    }

    /// The setting the provider's check uses for this request: for Clearspeed it depends
    /// on what arrived (an API key header, a JWT or an opaque bearer token).
    pub fn for_request(provider: ProviderId, req: &Request, config: &Config) -> Option<Setting> {
        let check = provider::check_for(provider, req, config);
        Some(match provider {
            ProviderId::Talentsprout => Setting::TalentsproutSecret,
            ProviderId::Classet => match check {
                Check::StaticHeader(_) => Setting::ClassetApiKey,
                _ => Setting::ClassetSecret,
            },
            ProviderId::Clearspeed => match check {
                Check::Bearer(b) => {
                    let token = req
                        .header("authorization")
                        .map(|a| a.trim().rsplit(' ').next().unwrap_or_default())
                        .unwrap_or_default();
                    let jwt = token.split('.').count() == 3;
                    let only_static =
                        b.static_token.value.is_some() && b.jwt_secret.value.is_none();
                    if jwt && !only_static {
                        Setting::ClearspeedJwtSecret
                    } else {
                        Setting::ClearspeedBearerToken
                    }
                }
                _ => Setting::ClearspeedApiKey,
            },
            ProviderId::Brilliant => Setting::BrilliantUrlKey,
            ProviderId::Jobmojito => Setting::JobmojitoValue,
            ProviderId::Unknown => return None,
        })
    }
}

/// The request as it arrived: stored requests carry `[redacted:providers.X.Y]` where a
/// configured secret was, and re-verifying needs the secret back. Returns the restored
/// request and whether markers remain (settings no longer configured).
pub fn restore(req: &Request, config: &Config) -> (Request, bool) {
    let r = Redactor::from_config(config);
    let mut out = req.clone();
    for (_, v) in &mut out.headers {
        *v = r.restore_text(v);
    }
    out.path = r.restore_text(&out.path);
    out.query = out.query.as_deref().map(|q| r.restore_text(q));
    let left = out.headers.iter().any(|(_, v)| v.contains("[redacted:"))
        || out.path.contains("[redacted:")
        || out
            .query
            .as_deref()
            .is_some_and(|q| q.contains("[redacted:"));
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn req(path: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            query: None,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Bytes::from_static(b"{}"),
            body_bytes: 2,
            body_truncated: false,
            peer: None,
        }
    }

    #[test]
    fn clearspeed_setting_follows_what_arrived() {
        let c = Config::default();
        let pick = |h: &[(&str, &str)]| {
            Setting::for_request(ProviderId::Clearspeed, &req("/clearspeed", h), &c)
        };
        assert_eq!(
            pick(&[("authorization", "Bearer a.b.c")]),
            Some(Setting::ClearspeedJwtSecret)
        );
        assert_eq!(
            pick(&[("authorization", "Bearer opaque")]),
            Some(Setting::ClearspeedBearerToken)
        );
        assert_eq!(pick(&[("x-api-key", "k")]), Some(Setting::ClearspeedApiKey));
        assert_eq!(pick(&[]), Some(Setting::ClearspeedApiKey));
        let legacy = req("/classet", &[("x-classet-key", "k")]);
        assert_eq!(
            Setting::for_request(ProviderId::Classet, &legacy, &c),
            Some(Setting::ClassetApiKey)
        );
    }

    #[test]
    fn apply_sets_and_unsets_the_secret() {
        let c = Setting::TalentsproutSecret.apply(&Config::default(), "whsec_x");
        assert_eq!(Setting::TalentsproutSecret.value(&c), "whsec_x");
        let c = Setting::TalentsproutSecret.apply(&c, "");
        assert!(c.providers.talentsprout.secret.is_none());
    }

    #[test]
    fn markers_are_restored_and_leftovers_reported() {
        let c = Config::from_parts("[providers.brilliant]\nurl_key = \"brkey999\"\n", None, &[])
            .expect("config");
        let stored = req(
            "/brilliant/[redacted:providers.brilliant.url_key]",
            &[("x-api-key", "[redacted:providers.clearspeed.api_key]")],
        );
        let (r, left) = restore(&stored, &c);
        assert_eq!(r.path, "/brilliant/brkey999");
        assert!(left, "the clearspeed key is not configured");
    }
}
