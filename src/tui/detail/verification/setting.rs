//! Which configured credential the debugger's secret field stands for, and the request
//! with its redaction markers turned back into the configured secrets.

use crate::config::{Config, Secret};
use crate::model::ProviderId;
use crate::model::Request;
use crate::provider;
use crate::redact::Redactor;
use crate::signature::Check;

/// A credential setting the debugger can override, named as in the config
/// (`providers.classet.secret`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Setting(&'static str);

impl Setting {
    pub(crate) fn name(self) -> &'static str {
        self.0
    }

    /// The configured value, empty when unset.
    pub(crate) fn value(self, config: &Config) -> String {
        let mut copy = config.clone();
        copy.secret_slot(self.0)
            .and_then(|slot| slot.as_ref().map(|s| s.expose().to_string()))
            .unwrap_or_default()
    }

    /// `config` with this setting replaced (an empty value unsets it).
    pub(crate) fn apply(self, config: &Config, value: &str) -> Config {
        let mut out = config.clone();
        if let Some(slot) = out.secret_slot(self.0) {
            *slot = (!value.is_empty()).then(|| Secret::new(value));
        }
        out
    }

    /// The setting of the check that judged this request: the configured check whose
    /// scheme gave the verdict, else the first configured, else the first the vendor
    /// has. A bearer check edits the JWT key for a JWT and the static token otherwise.
    pub(crate) fn for_request(
        provider: ProviderId,
        req: &Request,
        config: &Config,
    ) -> Option<Setting> {
        let checks = provider::checks_for(provider, req, config);
        let verdict = provider::verify(provider, req, config, 0);
        let check = checks
            .iter()
            .find(|c| c.is_configured() && c.scheme() == verdict.scheme)
            .or_else(|| checks.iter().find(|c| c.is_configured()))
            .or_else(|| checks.iter().find(|c| c.scheme() == verdict.scheme))
            .or_else(|| checks.first())?;
        let name = match check {
            Check::Hmac(c) => c.key.setting,
            Check::StaticHeader(c) => c.key.setting,
            Check::UrlKey(c) => c.key.setting,
            Check::Bearer(b) => {
                let token = req
                    .header("authorization")
                    .map(|a| a.trim().rsplit(' ').next().unwrap_or_default())
                    .unwrap_or_default();
                let jwt = token.split('.').count() == 3;
                let only_static = b.static_token.is_set() && !b.jwt_secret.is_set();
                if jwt && !only_static {
                    b.jwt_secret.setting
                } else {
                    b.static_token.setting
                }
            }
            Check::Unsigned { .. } => return None,
        };
        Some(Setting(name))
    }
}

/// The request as it arrived: stored requests carry `[redacted:providers.X.Y]` where a
/// configured secret was, and re-verifying needs the secret back. Returns the restored
/// request and whether markers remain (settings no longer configured).
pub(crate) fn restore(req: &Request, config: &Config) -> (Request, bool) {
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

    fn req(path: &str, headers: &[(&str, &str)]) -> Request {
        Request::post(path, headers, b"{}")
    }

    #[test]
    fn clearspeed_setting_follows_what_arrived() {
        let c = Config::default();
        let pick = |h: &[(&str, &str)]| {
            Setting::for_request(ProviderId::CLEARSPEED, &req("/clearspeed", h), &c)
        };
        assert_eq!(
            pick(&[("authorization", "Bearer a.b.c")]),
            Some(Setting("providers.clearspeed.jwt_secret"))
        );
        assert_eq!(
            pick(&[("authorization", "Bearer opaque")]),
            Some(Setting("providers.clearspeed.bearer_token"))
        );
        assert_eq!(
            pick(&[("x-api-key", "k")]),
            Some(Setting("providers.clearspeed.api_key"))
        );
        assert_eq!(pick(&[]), Some(Setting("providers.clearspeed.api_key")));
        let legacy = req("/classet", &[("x-classet-key", "k")]);
        assert_eq!(
            Setting::for_request(ProviderId::CLASSET, &legacy, &c),
            Some(Setting("providers.classet.api_key"))
        );
    }

    #[test]
    fn apply_sets_and_unsets_the_secret() {
        let c = Setting("providers.talentsprout.secret").apply(&Config::default(), "whsec_x");
        assert_eq!(
            Setting("providers.talentsprout.secret").value(&c),
            "whsec_x"
        );
        let c = Setting("providers.talentsprout.secret").apply(&c, "");
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
