//! Builds a delivery exactly as each vendor sends it: headers, signature, URL key.

use base64::Engine;

use crate::config::Config;
use crate::provider::ProviderId;
use crate::signature::hmac_sha256;

/// One HTTP request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How the request was authenticated, for the user's information.
#[derive(Debug, Clone, PartialEq)]
pub struct Signing {
    pub outgoing: Outgoing,
    /// e.g. "signed with providers.talentsprout.secret" or "unsigned: …".
    pub note: String,
}

/// The key `--bad-signature` signs with: plausible, and certainly not the real one.
fn wrong(secret: &str) -> String {
    format!("{secret}-not-the-configured-key")
}

pub fn talentsprout_signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &msg))
    )
}

pub fn classet_signature(secret: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hmac_sha256(secret.as_bytes(), body))
}

/// Signs `body` for `provider` to `url`. `bearer` is a token already fetched by the
/// client-credentials flow (Clearspeed). `now` is the signing time in Unix seconds.
pub fn sign(
    provider: ProviderId,
    url: &str,
    body: Vec<u8>,
    config: &Config,
    now: i64,
    bad_signature: bool,
    bearer: Option<&str>,
) -> Signing {
    let p = &config.providers;
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    let mut url = url.to_string();
    let note;
    match provider {
        ProviderId::Talentsprout => match &p.talentsprout.secret {
            Some(s) => {
                let key = if bad_signature {
                    wrong(s.expose())
                } else {
                    s.expose().to_string()
                };
                headers.push((
                    "x-talentsprout-signature".into(),
                    talentsprout_signature(&key, now, &body),
                ));
                note = signed_note("providers.talentsprout.secret", bad_signature);
            }
            None => note = "unsigned: providers.talentsprout.secret is not set".into(),
        },
        ProviderId::Classet => {
            if let Some(s) = &p.classet.secret {
                let key = if bad_signature {
                    wrong(s.expose())
                } else {
                    s.expose().to_string()
                };
                headers.push((
                    "x-classet-webhook-signature".into(),
                    classet_signature(&key, &body),
                ));
                note = signed_note("providers.classet.secret", bad_signature);
            } else if let Some(k) = &p.classet.api_key {
                let key = if bad_signature {
                    wrong(k.expose())
                } else {
                    k.expose().to_string()
                };
                headers.push(("x-classet-key".into(), key));
                note = signed_note(
                    "providers.classet.api_key (legacy x-classet-key)",
                    bad_signature,
                );
            } else {
                note = "unsigned: set providers.classet.secret (or api_key)".into();
            }
        }
        ProviderId::Clearspeed => {
            let c = &p.clearspeed;
            if let Some(token) = bearer {
                let token = if bad_signature {
                    wrong(token)
                } else {
                    token.to_string()
                };
                headers.push(("authorization".into(), format!("Bearer {token}")));
                note = if bad_signature {
                    "bearer token from the client-credentials flow, deliberately corrupted".into()
                } else {
                    "bearer token from the client-credentials flow".into()
                };
            } else if let Some(k) = &c.api_key {
                let key = if bad_signature {
                    wrong(k.expose())
                } else {
                    k.expose().to_string()
                };
                headers.push((c.api_key_header.to_ascii_lowercase(), key));
                note = signed_note("providers.clearspeed.api_key", bad_signature);
            } else if let Some(t) = &c.bearer_token {
                let token = if bad_signature {
                    wrong(t.expose())
                } else {
                    t.expose().to_string()
                };
                headers.push(("authorization".into(), format!("Bearer {token}")));
                note = signed_note("providers.clearspeed.bearer_token", bad_signature);
            } else {
                note = "unauthenticated: set providers.clearspeed token_url/client_id/client_secret or api_key".into();
            }
        }
        ProviderId::Brilliant => match &p.brilliant.url_key {
            Some(k) if !url_has_key(&url) => {
                let key = if bad_signature {
                    wrong(k.expose())
                } else {
                    k.expose().to_string()
                };
                url = format!("{}/{key}", url.trim_end_matches('/'));
                note = signed_note("providers.brilliant.url_key (in the URL)", bad_signature);
            }
            _ => note = "the URL carries the key as given".into(),
        },
        ProviderId::Jobmojito => match (&p.jobmojito.header, &p.jobmojito.value) {
            (Some(h), Some(v)) => {
                let value = if bad_signature {
                    wrong(v.expose())
                } else {
                    v.expose().to_string()
                };
                headers.push((h.to_ascii_lowercase(), value));
                note = signed_note("providers.jobmojito.header/value", bad_signature);
            }
            _ => note = "unsigned: JobMojito sends no signature".into(),
        },
        ProviderId::Unknown => note = "unsigned".into(),
    }
    Signing {
        outgoing: Outgoing {
            method: "POST".into(),
            url,
            headers,
            body,
        },
        note,
    }
}

fn signed_note(setting: &str, bad: bool) -> String {
    if bad {
        format!("signed with a WRONG key on purpose (instead of {setting})")
    } else {
        format!("signed with {setting}")
    }
}

/// A Brilliant URL already carrying a key: `/brilliant/<key>` or `?key=`.
fn url_has_key(url: &str) -> bool {
    if url.contains("key=") {
        return true;
    }
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches!(segs.as_slice(), [.., "brilliant", _])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brilliant_key_is_appended_only_when_missing() {
        assert!(url_has_key("http://h/brilliant/abc"));
        assert!(url_has_key("http://h/brilliant?key=abc"));
        assert!(!url_has_key("http://h/brilliant"));
        assert!(!url_has_key("http://h/"));
    }

    #[test]
    fn talentsprout_signature_matches_the_shared_vector() {
        // From tests/fixtures/signing-vectors.json (talentsprout_valid).
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/signing-vectors.json"))
                .unwrap();
        let v = &vectors[0];
        let sig = talentsprout_signature(
            v["secret"].as_str().unwrap(),
            1763650000,
            v["body"].as_str().unwrap().as_bytes(),
        );
        assert_eq!(
            sig,
            v["headers"]["X-TalentSprout-Signature"].as_str().unwrap()
        );
    }
}
