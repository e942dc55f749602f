//! Signing, the inverse of checking: what a sender adds to a request so that the same
//! [`Check`] verifies it.

use super::{Check, hmac_sha256};

/// What signing adds to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A header to set (name lower-case).
    Header(String, String),
    /// A key the URL must carry.
    UrlKey(String),
}

/// How long a token minted for a bearer check stays valid.
const MINTED_TOKEN_SECS: i64 = 300;

/// The credential that makes `check` verify `body` at `now` (Unix seconds), from the
/// configured key; `None` when the check has no key configured. `corrupt` signs with a
/// plausible wrong key instead, for rehearsing failures.
pub fn sign(check: &Check, body: &[u8], now: i64, corrupt: bool) -> Option<Credential> {
    let key = |s: &str| {
        if corrupt {
            format!("{s}-not-the-configured-key")
        } else {
            s.to_string()
        }
    };
    match check {
        Check::Hmac(c) => {
            let secret = key(c.key.value.as_ref()?.expose());
            let value = match c.timestamped {
                Some(_) => {
                    let msg = [format!("{now}.").as_bytes(), body].concat();
                    let mac = c.encoding.encode(&hmac_sha256(secret.as_bytes(), &msg));
                    format!("t={now},v1={mac}")
                }
                None => c.encoding.encode(&hmac_sha256(secret.as_bytes(), body)),
            };
            Some(Credential::Header(c.header.to_string(), value))
        }
        Check::StaticHeader(c) => {
            let value = key(c.key.value.as_ref()?.expose());
            Some(Credential::Header(
                c.header.trim().to_ascii_lowercase(),
                value,
            ))
        }
        Check::Bearer(c) => {
            if let Some(token) = &c.static_token.value {
                return Some(bearer(key(token.expose())));
            }
            // With an HS256 key configured, a token of our own making passes the check.
            let secret = key(c.jwt_secret.value.as_ref()?.expose());
            let mut claims = serde_json::json!({
                "iat": now,
                "exp": now + MINTED_TOKEN_SECS,
                "sub": "hookscope",
            });
            if let Some(aud) = &c.audience {
                claims["aud"] = aud.clone().into();
            }
            let token = jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &claims,
                &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
            )
            .ok()?;
            Some(bearer(token))
        }
        Check::UrlKey(c) => Some(Credential::UrlKey(key(c.key.value.as_ref()?.expose()))),
        Check::Unsigned { .. } => None,
    }
}

fn bearer(token: String) -> Credential {
    Credential::Header("authorization".into(), format!("Bearer {token}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::model::Status;
    use crate::signature::{
        BearerCheck, Encoding, HmacCheck, Input, KeyRef, StaticHeaderCheck, UrlKeyCheck, verify,
    };

    fn key(s: &str) -> KeyRef {
        KeyRef::new("Sender", Some(&Secret::new(s)), "providers.x.secret")
    }

    fn hmac(timestamped: Option<u64>, encoding: Encoding) -> Check {
        Check::Hmac(HmacCheck {
            scheme: "x-hmac",
            header: "x-sig",
            encoding,
            timestamped,
            key: key("whsec_abc123"),
        })
    }

    /// Signs, puts the credential where it goes and verifies with the same check.
    fn round_trip(check: &Check, corrupt: bool) -> Status {
        let body = br#"{"a":1}"#;
        let now = 1_763_650_000;
        let mut headers = Vec::new();
        let mut path = "/x".to_string();
        match sign(check, body, now, corrupt).expect("configured") {
            Credential::Header(n, v) => headers.push((n, v)),
            Credential::UrlKey(k) => path = format!("/x/{k}"),
        }
        let presented = path.strip_prefix("/x/").map(str::to_string);
        let check = match check {
            Check::UrlKey(c) => Check::UrlKey(UrlKeyCheck {
                presented,
                ..c.clone()
            }),
            other => other.clone(),
        };
        let input = Input {
            headers: &headers,
            body,
            path: &path,
            query: None,
            now,
        };
        verify(&check, &input).status
    }

    #[test]
    fn every_check_verifies_what_it_signs_and_fails_a_corrupted_signing() {
        let checks = [
            hmac(Some(300), Encoding::Hex),
            hmac(None, Encoding::Base64UrlNoPad),
            hmac(None, Encoding::Base64),
            Check::StaticHeader(StaticHeaderCheck {
                scheme: "x-key",
                header: "X-Api-Key".into(),
                header_setting: None,
                key: key("api-key-123456"),
            }),
            Check::Bearer(BearerCheck {
                scheme: "x-bearer",
                static_token: key("token-123456"),
                jwt_secret: KeyRef::new("Sender", None, "providers.x.jwt_secret"),
                jwks_file: None,
                audience: None,
            }),
            Check::Bearer(BearerCheck {
                scheme: "x-jwt",
                static_token: KeyRef::new("Sender", None, "providers.x.bearer_token"),
                jwt_secret: key("jwt-secret-123456"),
                jwks_file: None,
                audience: Some("hookscope".into()),
            }),
            Check::UrlKey(UrlKeyCheck {
                scheme: "x-url",
                presented: None,
                key: key("url-key-123456"),
            }),
        ];
        for c in &checks {
            assert_eq!(round_trip(c, false), Status::Verified, "{c:?}");
            assert_eq!(round_trip(c, true), Status::Failed, "{c:?}");
        }
    }

    #[test]
    fn nothing_configured_signs_nothing() {
        let c = Check::Hmac(HmacCheck {
            scheme: "x",
            header: "x-sig",
            encoding: Encoding::Hex,
            timestamped: None,
            key: KeyRef::new("Sender", None, "providers.x.secret"),
        });
        assert_eq!(sign(&c, b"{}", 0, false), None);
    }
}
