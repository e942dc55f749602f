//! Signing, the inverse of checking: what a sender adds to a request so that the same
//! [`Check`] verifies it.

use sha2::Digest;

use super::presented::signed_url;
use super::template::Context;
use super::{Check, HeaderFormat, HmacCheck, Input};
use crate::model::Outgoing;

/// What signing adds to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// Headers to set (names lower-case): the signature and what it signs with the body
    /// (timestamp, id).
    Headers(Vec<(String, String)>),
    /// A key the URL must carry.
    UrlKey(String),
}

/// How long a token minted for a bearer check stays valid.
const MINTED_TOKEN_SECS: i64 = 300;

/// What a corrupted signing appends to the key.
const CORRUPTION: &str = "-not-the-configured-key";

/// The credential that makes `check` verify `request` at `now` (Unix seconds), from the
/// configured key; `None` when the check has no key configured. `corrupt` signs with a
/// plausible wrong key instead, for rehearsing failures.
pub(crate) fn sign(
    check: &Check,
    request: &Outgoing,
    now: i64,
    corrupt: bool,
) -> Option<Credential> {
    let key = |s: &str| {
        if corrupt {
            format!("{s}{CORRUPTION}")
        } else {
            s.to_string()
        }
    };
    match check {
        Check::Hmac(c) => sign_hmac(c, request, now, corrupt).map(Credential::Headers),
        Check::StaticHeader(c) => {
            let value = key(c.key.value.as_ref()?.expose());
            Some(Credential::Headers(vec![(
                c.header.trim().to_ascii_lowercase(),
                value,
            )]))
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

/// The headers an HMAC scheme's sender sets: the signature, and the timestamp and id
/// headers the signed content draws on. An id the request already carries is kept.
fn sign_hmac(
    c: &HmacCheck,
    request: &Outgoing,
    now: i64,
    corrupt: bool,
) -> Option<Vec<(String, String)>> {
    let mut key = c.secret_encoding.key(c.key.value.as_ref()?.expose()).ok()?;
    if corrupt {
        key.extend_from_slice(CORRUPTION.as_bytes());
    }
    let timestamp = now.to_string();
    let id = c.id_header.as_deref().map(|h| {
        header(&request.headers, h).map_or_else(|| message_id(now, &request.body), str::to_string)
    });
    let (path, query, host) = parts_of(&request.url);
    let mut headers = request.headers.clone();
    if header(&headers, "host").is_none() {
        headers.push(("host".into(), host));
    }
    let input = Input {
        headers: &headers,
        body: &request.body,
        method: &request.method,
        path: &path,
        query: query.as_deref(),
        now,
    };
    let url = signed_url(c.public_url.as_deref(), &input);
    let ctx = Context {
        timestamp: Some(&timestamp),
        id: id.as_deref(),
        method: &request.method,
        url: &url,
        path: &path,
        headers: &headers,
    };
    let mac = c.mac(&key, &c.signed.render(&ctx, &request.body));
    let signature = match c.format {
        HeaderFormat::Stripe => format!("t={timestamp},v1={}", c.written(&mac)),
        HeaderFormat::Single | HeaderFormat::StandardWebhooks => c.written(&mac),
    };
    let mut out = vec![(c.header.to_ascii_lowercase(), signature)];
    if let Some(h) = c.timestamp.as_ref().and_then(|t| t.header.as_deref()) {
        out.push((h.to_ascii_lowercase(), timestamp));
    }
    if let (Some(h), Some(id)) = (c.id_header.as_deref(), id) {
        out.push((h.to_ascii_lowercase(), id));
    }
    Some(out)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A message id in the Standard Webhooks style, derived from what is sent so a signing
/// is reproducible.
fn message_id(now: i64, body: &[u8]) -> String {
    let digest = sha2::Sha256::new()
        .chain_update(now.to_be_bytes())
        .chain_update(body)
        .finalize();
    format!("msg_{}", hex::encode(&digest[..12]))
}

/// Path, query and host (with port) of a URL; a bare path keeps the path.
fn parts_of(url: &str) -> (String, Option<String>, String) {
    match reqwest::Url::parse(url) {
        Ok(u) => {
            let host = match (u.host_str(), u.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => "localhost".into(),
            };
            (u.path().to_string(), u.query().map(str::to_string), host)
        }
        Err(_) => match url.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string()), "localhost".into()),
            None => (url.to_string(), None, "localhost".into()),
        },
    }
}

fn bearer(token: String) -> Credential {
    Credential::Headers(vec![("authorization".into(), format!("Bearer {token}"))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;
    use crate::model::Status;
    use crate::signature::{
        Algorithm, BearerCheck, Encoding, KeyRef, SecretEncoding, StaticHeaderCheck, Template,
        UrlKeyCheck, verify,
    };

    fn key(s: &str) -> KeyRef {
        KeyRef::new("Sender", Some(&Secret::new(s)), "providers.x.secret")
    }

    fn request(body: &[u8]) -> Outgoing {
        Outgoing {
            method: "POST".into(),
            url: "http://127.0.0.1:9/x?a=1".into(),
            headers: vec![(
                "content-type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            )],
            body: body.to_vec(),
        }
    }

    /// Signs, puts the credential where it goes and verifies with the same check.
    fn round_trip(check: &Check, corrupt: bool) -> Status {
        let body = br#"{"a":1}"#;
        let now = 1_763_650_000;
        let out = request(body);
        let mut headers = out.headers.clone();
        headers.push(("host".into(), "127.0.0.1:9".into()));
        let mut path = "/x".to_string();
        match sign(check, &out, now, corrupt).expect("configured") {
            Credential::Headers(hs) => headers.extend(hs),
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
            method: "POST",
            path: &path,
            query: Some("a=1"),
            now,
        };
        verify(&check, &input).status
    }

    fn hmac(c: HmacCheck) -> Check {
        Check::Hmac(c)
    }

    #[test]
    fn every_check_verifies_what_it_signs_and_fails_a_corrupted_signing() {
        let checks = [
            hmac(HmacCheck::stripe(
                "x-hmac",
                "x-sig",
                300,
                key("whsec_abc123"),
            )),
            hmac(HmacCheck::body(
                "x-hmac",
                "x-sig",
                Encoding::Base64UrlNoPad,
                key("whsec_abc123"),
            )),
            hmac(HmacCheck::body(
                "x-hmac",
                "x-sig",
                Encoding::Base64,
                key("whsec_abc123"),
            )),
            hmac(
                HmacCheck::body(
                    "x-sw",
                    "webhook-signature",
                    Encoding::Base64,
                    key("whsec_AAECAwQ="),
                )
                .format(HeaderFormat::StandardWebhooks)
                .signed(Template::parse("{id}.{timestamp}.{body}").unwrap())
                .timestamp(Some("webhook-timestamp"), 300)
                .id_header("webhook-id")
                .secret_encoding(SecretEncoding::Base64),
            ),
            hmac(
                HmacCheck::body("x-all", "x-sig", Encoding::Hex, key("0a0b0c"))
                    .algorithm(Algorithm::Sha512)
                    .prefix("v0=")
                    .secret_encoding(SecretEncoding::Hex)
                    .signed(
                        Template::parse(
                            "v0:{timestamp}:{method}:{path}:{url}:{header:content-type}:{body}",
                        )
                        .unwrap(),
                    )
                    .timestamp(Some("x-ts"), 300),
            ),
            hmac(
                HmacCheck::body("x-form", "x-sig", Encoding::Base64, key("token"))
                    .algorithm(Algorithm::Sha1)
                    .signed(Template::parse("{url}{form_params_sorted}").unwrap())
                    .public_url(Some("https://public.example".into())),
            ),
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
    fn an_id_the_request_carries_is_kept() {
        let c = hmac(
            HmacCheck::body(
                "x-sw",
                "webhook-signature",
                Encoding::Base64,
                key("whsec_AAECAwQ="),
            )
            .format(HeaderFormat::StandardWebhooks)
            .signed(Template::parse("{id}.{timestamp}.{body}").unwrap())
            .timestamp(Some("webhook-timestamp"), 300)
            .id_header("webhook-id")
            .secret_encoding(SecretEncoding::Base64),
        );
        let mut out = request(b"{}");
        let Some(Credential::Headers(fresh)) = sign(&c, &out, 5, false) else {
            panic!("signs")
        };
        let names: Vec<&str> = fresh.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["webhook-signature", "webhook-timestamp", "webhook-id"]
        );
        assert!(fresh[2].1.starts_with("msg_"), "{fresh:?}");
        out.headers.push(("Webhook-Id".into(), "msg_given".into()));
        let Some(Credential::Headers(kept)) = sign(&c, &out, 5, false) else {
            panic!("signs")
        };
        assert_eq!(kept[2].1, "msg_given");
    }

    #[test]
    fn nothing_configured_signs_nothing() {
        let c = hmac(HmacCheck::body(
            "x",
            "x-sig",
            Encoding::Hex,
            KeyRef::new("Sender", None, "providers.x.secret"),
        ));
        assert_eq!(sign(&c, &request(b"{}"), 0, false), None);
    }
}
