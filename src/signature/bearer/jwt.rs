//! Reading a JWT without trusting it, finding the keys that can check it, and checking its
//! time and audience claims.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;

use super::setting;
use crate::signature::diagnose::shown;
use crate::signature::{BearerCheck, Hint, human_duration};

/// Clock difference tolerated on `exp` and `nbf`, as most JWT libraries allow.
const LEEWAY_SECS: i64 = 60;

/// A token shaped like a JWT, read without trusting it.
pub(super) struct Jwt {
    /// `Err` holds the `alg` as written when it is not one this crate can verify.
    pub(super) header: Result<jsonwebtoken::Header, String>,
    pub(super) claims: Value,
    /// `header.payload`: what the signature covers.
    pub(super) message: String,
    pub(super) signature: String,
}

impl Jwt {
    pub(super) fn parse(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || h.is_empty() || p.is_empty() {
            return None;
        }
        let json = |part: &str| -> Option<Value> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .or_else(|_| URL_SAFE.decode(part))
                .ok()?;
            serde_json::from_slice::<Value>(&bytes)
                .ok()
                .filter(Value::is_object)
        };
        let raw_header = json(h)?;
        let claims = json(p)?;
        let alg = raw_header
            .get("alg")
            .map_or_else(|| "(none given)".to_string(), |a| a.to_string());
        Some(Self {
            header: jsonwebtoken::decode_header(token).map_err(|_| alg),
            claims,
            message: format!("{h}.{p}"),
            signature: s.to_string(),
        })
    }

    fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric date claim (`exp`, `nbf`, `iat`): `Err` when present but not a number.
    pub(super) fn claim_time(&self, name: &str) -> Result<Option<i64>, String> {
        match self.claims.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| format!("The token's {name} claim is not a number of seconds.")),
        }
    }

    pub(super) fn issuer_note(&self) -> String {
        self.claim_str("iss")
            .map_or(String::new(), |iss| format!(" from iss {}", shown(iss)))
    }

    fn audiences(&self) -> Vec<&str> {
        match self.claims.get("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// The keys that could have signed a token with `alg`, each with where it came from.
/// `Err` when the JWKS file cannot be used at all.
pub(super) fn candidate_keys(
    c: &BearerCheck,
    alg: Algorithm,
    kid: Option<&str>,
) -> Result<Vec<(DecodingKey, String)>, String> {
    let mut keys = Vec::new();
    if alg.family() == AlgorithmFamily::Hmac
        && let Some(secret) = &c.jwt_secret.value
    {
        keys.push((
            DecodingKey::from_secret(secret.expose().as_bytes()),
            c.jwt_secret.setting.to_string(),
        ));
    }
    let Some(path) = &c.jwks_file else {
        return Ok(keys);
    };
    // A shared secret that can check the token makes the JWKS file irrelevant.
    if !keys.is_empty() {
        return Ok(keys);
    }
    let jwks = load_jwks(path)?;
    let by_kid: Vec<&Jwk> = jwks
        .iter()
        .filter(|k| kid.is_some() && k.common.key_id.as_deref() == kid)
        .collect();
    // Without a kid match every key is a candidate: some issuers omit or rotate kids.
    let pool: Vec<&Jwk> = if by_kid.is_empty() {
        jwks.iter().collect()
    } else {
        by_kid
    };
    keys.extend(pool.into_iter().filter_map(|jwk| {
        let key = DecodingKey::from_jwk(jwk).ok()?;
        let label = match &jwk.common.key_id {
            Some(k) => format!("key {k} in {}", path.display()),
            None => format!("a key in {}", path.display()),
        };
        (key.family() == alg.family()).then_some((key, label))
    }));
    Ok(keys)
}

/// Reads a JWKS (`{"keys": […]}`) or a single JWK; keys of unsupported types are skipped.
fn load_jwks(path: &Path) -> Result<Vec<Jwk>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("Cannot read the JWKS file {shown}: {e}."))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("The JWKS file {shown} is not valid JSON: {e}."))?;
    let entries = match value.get("keys") {
        Some(Value::Array(keys)) => keys.clone(),
        _ if value.get("kty").is_some() => vec![value],
        _ => return Err(format!("The JWKS file {shown} has no \"keys\" array.")),
    };
    let keys: Vec<Jwk> = entries
        .into_iter()
        .filter_map(|k| serde_json::from_value(k).ok())
        .collect();
    if keys.is_empty() {
        return Err(format!("The JWKS file {shown} holds no usable key."));
    }
    Ok(keys)
}

/// `exp`, `nbf` and `aud`, checked against the receipt time and the configured audience.
pub(super) fn claim_problem(c: &BearerCheck, jwt: &Jwt, now: i64) -> Option<(Hint, String)> {
    let timing = |e: String| (Hint::TimestampOutsideTolerance, e);
    match jwt.claim_time("exp") {
        Err(e) => return Some(timing(e)),
        Ok(Some(exp)) if now.saturating_sub(exp) > LEEWAY_SECS => {
            return Some(timing(format!(
                "Token expired {} before receipt (exp {}); the sender must fetch a fresh token.",
                human_duration(now.saturating_sub(exp).unsigned_abs()),
                utc(exp)
            )));
        }
        Ok(_) => {}
    }
    match jwt.claim_time("nbf") {
        Err(e) => return Some(timing(e)),
        Ok(Some(nbf)) if nbf.saturating_sub(now) > LEEWAY_SECS => {
            return Some(timing(format!(
                "Token is not valid until {} after receipt (nbf {}); clock skew at the issuer?",
                human_duration(nbf.saturating_sub(now).unsigned_abs()),
                utc(nbf)
            )));
        }
        Ok(_) => {}
    }
    let want = c
        .audience
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())?;
    let got = jwt.audiences();
    if got.contains(&want) {
        return None;
    }
    let audience = setting(c, "audience");
    let detail = if got.is_empty() {
        format!(
            "The token has no aud claim but {audience} is \"{want}\"; the sender's token \
             request must ask for that audience."
        )
    } else {
        format!(
            "The token's audience is \"{}\" but {audience} is \"{want}\".",
            shown(&got.join("\", \""))
        )
    };
    Some((Hint::WrongAudience, detail))
}

fn utc(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(
        || secs.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}
