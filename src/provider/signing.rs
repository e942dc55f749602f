//! A vendor's side of a delivery: its request signed the way its check verifies it.

use super::{route, vendor};
use crate::config::Config;
use crate::model::{Outgoing, ProviderId};
use crate::signature::{self, Check, Credential};

/// A signed request and how it was authenticated, for the user's information.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signing {
    pub outgoing: Outgoing,
    /// e.g. "signed with providers.talentsprout.secret" or "unsigned: …".
    pub note: String,
}

/// How a delivery is to be signed besides its body.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SigningOptions<'a> {
    /// The event sent, for the headers that name it (GitHub's, Shopify's); `None`: the
    /// vendor's first documented event.
    pub event: Option<&'a str>,
    /// Sign with a plausible wrong key, to rehearse a failure.
    pub bad_signature: bool,
    /// A token already fetched by the vendor's client-credentials flow; it wins over the
    /// configured keys.
    pub bearer: Option<&'a str>,
}

/// Signs `body` for `provider` to `url` with the first configured check, with the
/// headers the vendor sends beside it. `now` is the signing time in Unix seconds.
pub(crate) fn sign(
    provider: ProviderId,
    url: &str,
    body: Vec<u8>,
    config: &Config,
    now: i64,
    options: SigningOptions<'_>,
) -> Signing {
    let SigningOptions {
        event,
        bad_signature,
        bearer,
    } = options;
    let unit = vendor(provider);
    let mut headers = vec![(
        "content-type".to_string(),
        unit.map_or("application/json", |v| v.content_type(&body))
            .to_string(),
    )];
    if let Some(v) = unit
        && let Some(event) = event.or_else(|| v.events().first().copied())
    {
        headers.extend(v.sent_headers(event, now));
    }
    let mut outgoing = Outgoing {
        method: "POST".into(),
        url: url.to_string(),
        headers,
        body,
    };
    let note = if let Some(token) = bearer {
        let token = if bad_signature {
            format!("{token}-not-the-configured-key")
        } else {
            token.to_string()
        };
        outgoing
            .headers
            .push(("authorization".into(), format!("Bearer {token}")));
        if bad_signature {
            "bearer token from the client-credentials flow, deliberately corrupted".into()
        } else {
            "bearer token from the client-credentials flow".into()
        }
    } else {
        let checks = checks_for_url(provider, url, config);
        match checks.iter().find(|c| c.is_configured()) {
            Some(check) => {
                let credential = signature::sign(check, &outgoing, now, bad_signature);
                apply(&mut outgoing, credential);
                let setting = setting_of(check);
                if bad_signature {
                    format!("signed with a WRONG key on purpose (instead of {setting})")
                } else {
                    format!("signed with {setting}")
                }
            }
            None if url_carries_key(provider, url) => "the URL carries the key as given".into(),
            None => match checks.iter().map(setting_of).next() {
                Some(setting) => format!("unsigned: {setting} is not set"),
                None => "unsigned".into(),
            },
        }
    };
    Signing { outgoing, note }
}

/// Replaces the signatures in `out` with fresh ones over its body at `now`: every
/// timestamped signature (a replay with `--resign`), or, with `body_changed`, every
/// signature over the body (an edited body). The timestamp and id headers a signature
/// draws on are refreshed with it (an id the request carries is kept). A signature header
/// that did not arrive is not added; one whose secret is not configured is refused.
pub(crate) fn resign(
    provider: ProviderId,
    out: &mut Outgoing,
    config: &Config,
    now: i64,
    body_changed: bool,
) -> Result<(), String> {
    let checks = vendor(provider).map_or_else(Vec::new, |v| v.checks(config, &Default::default()));
    for check in &checks {
        let Check::Hmac(c) = check else { continue };
        if c.timestamp.is_none() && !body_changed {
            continue;
        }
        if !out
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(&c.header))
        {
            continue;
        }
        match signature::sign(check, out, now, false) {
            Some(Credential::Headers(fresh)) => set_headers(&mut out.headers, fresh),
            // An edited body is sent anyway; the sender is told it no longer verifies.
            _ if body_changed => {}
            _ => {
                return Err(format!("re-signing {} needs {}", c.header, c.key.setting));
            }
        }
    }
    Ok(())
}

/// Sets each header, replacing one of the same name.
fn set_headers(headers: &mut Vec<(String, String)>, fresh: Vec<(String, String)>) {
    for (name, value) in fresh {
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some(slot) => slot.1 = value,
            None => headers.push((name, value)),
        }
    }
}

/// The headers whose signatures cover the body, each with its timestamp tolerance when
/// the signature is timestamped.
pub(crate) fn body_signatures(provider: ProviderId, config: &Config) -> Vec<(String, Option<u64>)> {
    vendor(provider)
        .map_or_else(Vec::new, |v| v.checks(config, &Default::default()))
        .iter()
        .filter_map(|c| match c {
            Check::Hmac(h) => Some((h.header.to_string(), h.tolerance())),
            _ => None,
        })
        .collect()
}

fn checks_for_url(provider: ProviderId, url: &str, config: &Config) -> Vec<Check> {
    vendor(provider).map_or_else(Vec::new, |v| {
        let (path, query) = path_and_query(url);
        v.checks(config, &route(&path, query.as_deref()))
    })
}

fn setting_of(check: &Check) -> &'static str {
    match check {
        Check::Hmac(c) => c.key.setting,
        Check::StaticHeader(c) => c.key.setting,
        Check::Bearer(c) if c.static_token.is_set() => c.static_token.setting,
        Check::Bearer(c) => c.jwt_secret.setting,
        Check::UrlKey(c) => c.key.setting,
        Check::Unsigned { scheme, .. } => scheme,
    }
}

fn apply(outgoing: &mut Outgoing, credential: Option<Credential>) {
    match credential {
        Some(Credential::Headers(fresh)) => set_headers(&mut outgoing.headers, fresh),
        Some(Credential::UrlKey(key)) => outgoing.url = with_key_segment(&outgoing.url, &key),
        None => {}
    }
}

/// Whether the URL already carries a key where the vendor's route reads one.
fn url_carries_key(provider: ProviderId, url: &str) -> bool {
    let (path, query) = path_and_query(url);
    let r = route(&path, query.as_deref());
    r.provider == Some(provider) && r.url_key.is_some()
}

fn path_and_query(url: &str) -> (String, Option<String>) {
    match reqwest::Url::parse(url) {
        Ok(u) => (u.path().to_string(), u.query().map(str::to_string)),
        Err(_) => (url.to_string(), None),
    }
}

/// `url` with `key` as its last path segment (percent-encoded), before any query.
fn with_key_segment(url: &str, key: &str) -> String {
    if url_has_key_already(url) {
        return url.to_string();
    }
    let Ok(mut u) = reqwest::Url::parse(url) else {
        return format!("{}/{key}", url.trim_end_matches('/'));
    };
    if let Ok(mut segments) = u.path_segments_mut() {
        segments.pop_if_empty().push(key);
    }
    u.to_string()
}

/// `…/brilliant/<key>` or `?key=`: a key the user put in the URL is sent as given.
fn url_has_key_already(url: &str) -> bool {
    let (path, query) = path_and_query(url);
    route(&path, query.as_deref()).url_key.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::from_parts(text, None, &[]).unwrap()
    }

    #[test]
    fn the_url_key_goes_into_the_path_before_the_query() {
        let c = config("[providers.brilliant]\nurl_key = \"br-url-key-1\"\n");
        let s = sign(
            ProviderId::BRILLIANT,
            "http://127.0.0.1:9/brilliant?tenant=7",
            b"{}".to_vec(),
            &c,
            0,
            SigningOptions::default(),
        );
        assert_eq!(
            s.outgoing.url,
            "http://127.0.0.1:9/brilliant/br-url-key-1?tenant=7"
        );
        let given = sign(
            ProviderId::BRILLIANT,
            "http://127.0.0.1:9/brilliant/other",
            b"{}".to_vec(),
            &c,
            0,
            SigningOptions::default(),
        );
        assert_eq!(given.outgoing.url, "http://127.0.0.1:9/brilliant/other");
    }

    #[test]
    fn resign_refreshes_timestamped_signatures_and_body_signatures_when_the_body_changed() {
        let c = config(
            "[providers.talentsprout]\nsecret = \"whsec_ts_secret_1\"\n[providers.classet]\nsecret = \"classet_secret_1\"\n",
        );
        let out = |header: &str, value: &str| Outgoing {
            method: "POST".into(),
            url: "http://127.0.0.1:9/x".into(),
            headers: vec![(header.to_string(), value.to_string())],
            body: b"{}".to_vec(),
        };
        let mut ts = out("x-talentsprout-signature", "t=1,v1=00");
        resign(ProviderId::TALENTSPROUT, &mut ts, &c, 1_700_000_000, false).unwrap();
        assert!(ts.headers[0].1.starts_with("t=1700000000,v1="), "{ts:?}");
        let mut cl = out("x-classet-webhook-signature", "old");
        resign(ProviderId::CLASSET, &mut cl, &c, 0, false).unwrap();
        assert_eq!(
            cl.headers[0].1, "old",
            "an untimed signature stays for an exact replay"
        );
        resign(ProviderId::CLASSET, &mut cl, &c, 0, true).unwrap();
        assert_ne!(cl.headers[0].1, "old");
    }
}
