//! OAuth2 client credentials, both sides in one place: the flow Clearspeed runs before
//! each delivery (send, replay, demo), and the receiver's token endpoint that issues JWTs
//! the bearer check verifies, for rehearsals.

use serde::{Deserialize, Serialize};

use crate::config::ClearspeedConfig;

/// Lifetime of tokens issued by the rehearsal endpoint.
pub(crate) const TOKEN_TTL_SECS: i64 = 3600;

/// A token endpoint's answer (RFC 6749 §5.1), as issued and as read.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
}

impl TokenResponse {
    /// A bearer token that lives [`TOKEN_TTL_SECS`].
    pub(crate) fn bearer(access_token: String) -> Self {
        Self {
            access_token,
            token_type: Some("Bearer".into()),
            expires_in: Some(TOKEN_TTL_SECS),
        }
    }

    pub(crate) fn to_json(&self) -> String {
        // Strings and integers always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The claims of a token the rehearsal endpoint issues.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub iss: String,
    pub sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    pub iat: i64,
    pub exp: i64,
}

/// Runs the client-credentials flow when `token_url`, `client_id` and `client_secret` are
/// configured: `Ok(None)` when they are not.
pub(crate) async fn fetch_token(
    client: &reqwest::Client,
    cfg: &ClearspeedConfig,
) -> Result<Option<String>, String> {
    let (Some(url), Some(id), Some(secret)) = (&cfg.token_url, &cfg.client_id, &cfg.client_secret)
    else {
        return Ok(None);
    };
    let mut form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_id", id.clone()),
        ("client_secret", secret.expose().to_string()),
    ];
    if let Some(aud) = &cfg.audience {
        form.push(("audience", aud.clone()));
    }
    let resp = client
        .post(url)
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("token request to {url} failed: {e}"))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!(
            "token endpoint {url} answered {status}: {}",
            text.chars().take(200).collect::<String>()
        ));
    }
    let parsed: TokenResponse = serde_json::from_str(&text)
        .map_err(|e| format!("token endpoint {url} sent no access_token: {e}"))?;
    Ok(Some(parsed.access_token))
}

/// A token request as the rehearsal endpoint received it.
#[derive(Debug, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub audience: Option<String>,
}

impl TokenRequest {
    /// From a form body, with HTTP Basic credentials taking precedence when present.
    pub fn parse(form_body: &[u8], authorization: Option<&str>) -> TokenRequest {
        let mut r = TokenRequest::default();
        let text = String::from_utf8_lossy(form_body);
        for (k, v) in crate::provider::query_pairs(Some(&text)) {
            match k.as_str() {
                "grant_type" => r.grant_type = Some(v),
                "client_id" => r.client_id = Some(v),
                "client_secret" => r.client_secret = Some(v),
                "audience" => r.audience = Some(v),
                _ => {}
            }
        }
        if let Some((id, secret)) = authorization.and_then(basic_credentials) {
            r.client_id = Some(id);
            r.client_secret = Some(secret);
        }
        r
    }
}

fn basic_credentials(header: &str) -> Option<(String, String)> {
    use base64::Engine;
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Why the rehearsal endpoint refused a token request (an OAuth2 error code and text,
/// RFC 6749 §5.2).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct TokenError {
    #[serde(skip)]
    pub status: u16,
    pub error: &'static str,
    #[serde(rename = "error_description")]
    pub description: String,
}

impl TokenError {
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Issues an HS256 JWT signed with `providers.clearspeed.jwt_secret`, for the configured
/// client id and secret (compared in constant time).
pub fn issue(cfg: &ClearspeedConfig, req: &TokenRequest, now: i64) -> Result<String, TokenError> {
    let refuse = |status, error, description: &str| TokenError {
        status,
        error,
        description: description.to_string(),
    };
    if req.grant_type.as_deref() != Some("client_credentials") {
        return Err(refuse(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    let (Some(id), Some(secret), Some(key)) = (&cfg.client_id, &cfg.client_secret, &cfg.jwt_secret)
    else {
        return Err(refuse(
            503,
            "server_error",
            "set providers.clearspeed client_id, client_secret and jwt_secret to issue tokens",
        ));
    };
    let id_ok = crate::signature::ct_eq(
        req.client_id.as_deref().unwrap_or("").as_bytes(),
        id.as_bytes(),
    );
    let secret_ok = crate::signature::ct_eq(
        req.client_secret.as_deref().unwrap_or("").as_bytes(),
        secret.expose().as_bytes(),
    );
    if !(id_ok && secret_ok) {
        return Err(refuse(
            401,
            "invalid_client",
            "unknown client_id or wrong client_secret",
        ));
    }
    let claims = Claims {
        iss: "hookscope".into(),
        sub: id.clone(),
        aud: req.audience.clone().or_else(|| cfg.audience.clone()),
        iat: now,
        exp: now + TOKEN_TTL_SECS,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key.expose().as_bytes()),
    )
    .map_err(|e| refuse(500, "server_error", &e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn cfg() -> ClearspeedConfig {
        ClearspeedConfig {
            client_id: Some("cs-client".into()),
            client_secret: Some(Secret::new("cs-client-secret")),
            jwt_secret: Some(Secret::new("jwt-signing-key")),
            audience: Some("https://hooks.example.test".into()),
            ..ClearspeedConfig::default()
        }
    }

    #[test]
    fn form_and_basic_auth_requests_parse() {
        let r = TokenRequest::parse(
            b"grant_type=client_credentials&client_id=cs-client&client_secret=a%2Bb",
            None,
        );
        assert_eq!(r.client_secret.as_deref(), Some("a+b"));
        let basic = format!(
            "Basic {}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "id:sec")
        );
        let r = TokenRequest::parse(b"grant_type=client_credentials", Some(&basic));
        assert_eq!(
            (r.client_id.as_deref(), r.client_secret.as_deref()),
            (Some("id"), Some("sec"))
        );
    }

    #[test]
    fn issues_for_the_right_client_and_refuses_others() {
        let good = TokenRequest {
            grant_type: Some("client_credentials".into()),
            client_id: Some("cs-client".into()),
            client_secret: Some("cs-client-secret".into()),
            audience: None,
        };
        let token = issue(&cfg(), &good, 1_700_000_000).unwrap();
        assert_eq!(token.split('.').count(), 3);
        let bad = TokenRequest {
            client_secret: Some("nope".into()),
            ..good
        };
        assert_eq!(issue(&cfg(), &bad, 0).unwrap_err().error, "invalid_client");
        let no_grant = TokenRequest::default();
        assert_eq!(issue(&cfg(), &no_grant, 0).unwrap_err().status, 400);
    }
}
