//! `Authorization: Bearer …` (Clearspeed's OAuth2 client-credentials option): a static
//! token, or a JWT checked with a shared secret (HS*) or a JWKS file (RS*, PS*, ES*, EdDSA).

use jsonwebtoken::AlgorithmFamily;

use super::diagnose::{MAX_HEADERS_SEARCHED, find_key_in_headers, shown, split_auth_scheme};
use super::{BearerCheck, Evidence, Hint, Input, Status, Verification, ct_eq, human_duration};
use crate::model::mask;

mod jwt;
#[cfg(test)]
mod tests;

use jwt::{Jwt, candidate_keys, claim_problem};

/// Headers a sender might put a token in instead of `Authorization`.
const TOKEN_HEADERS: [&str; 10] = [
    "x-access-token",
    "x-auth-token",
    "access-token",
    "x-token",
    "token",
    "x-jwt",
    "x-id-token",
    "x-bearer-token",
    "x-authorization",
    "authentication",
];

/// Where the token was found.
enum Found<'a> {
    Bearer(&'a str),
    /// Present but not as `Authorization: Bearer <token>`; `place` says how it arrived.
    Misplaced {
        token: &'a str,
        place: String,
    },
    /// `Authorization: Bearer` with nothing after it.
    Empty,
    Nothing,
}

pub(crate) fn verify_bearer(c: &BearerCheck, input: &Input<'_>) -> Verification {
    let configured =
        c.static_token.value.is_some() || c.jwt_secret.value.is_some() || c.jwks_file.is_some();
    let set_hint = format!(
        "set {}, or {} / {} to verify a JWT",
        c.static_token.how_to_set(),
        setting(c, "jwt_secret"),
        setting(c, "jwks_file")
    );
    match find_token(c, input) {
        Found::Bearer(token) if configured => evaluate(c, token, input.now),
        Found::Bearer(token) => unchecked(c, token, "as Authorization: Bearer", &set_hint),
        Found::Misplaced { token, place } if configured => {
            let own = evaluate(c, token, input.now);
            let verdict = match own.status {
                Status::Verified => "The token itself checks out.".to_string(),
                _ => format!(
                    "The token itself would also fail ({}).",
                    own.hint.map_or("unverifiable", |h| h.as_str())
                ),
            };
            let detail = format!(
                "The token arrived {place}; {} sends Authorization: Bearer <token>, so fix the \
                 sender. {verdict}",
                c.static_token.vendor
            );
            let evidence = own.evidence.unwrap_or_default();
            Verification::failed(c.scheme, Hint::HeaderName, detail).with_evidence(evidence)
        }
        Found::Misplaced { token, place } => unchecked(c, token, &place, &set_hint),
        Found::Empty if configured => missing(c, "The Authorization: Bearer header is empty"),
        Found::Nothing if configured => missing(c, "No Authorization: Bearer header arrived"),
        Found::Empty | Found::Nothing => Verification::new(
            Status::Unsigned,
            c.scheme,
            "No bearer token and nothing configured to check one: nothing to check.",
        ),
    }
}

fn missing(c: &BearerCheck, what: &str) -> Verification {
    Verification::failed(
        c.scheme,
        Hint::MissingCredential,
        format!(
            "{what}, but a bearer credential is configured; the sender did not authenticate \
             this delivery."
        ),
    )
}

/// `providers.<provider>.<name>`, for settings without a [`super::KeyRef`].
fn setting(c: &BearerCheck, name: &str) -> String {
    let provider = c
        .static_token
        .setting
        .split('.')
        .nth(1)
        .unwrap_or("clearspeed");
    format!("providers.{provider}.{name}")
}

fn find_token<'a>(c: &BearerCheck, input: &'a Input<'a>) -> Found<'a> {
    if let Some(auth) = input.header("authorization") {
        return match split_auth_scheme(auth) {
            (Some(s), token) if s.eq_ignore_ascii_case("bearer") => {
                if token.is_empty() {
                    Found::Empty
                } else {
                    Found::Bearer(token)
                }
            }
            (Some(s), token) => Found::Misplaced {
                token,
                place: format!("in Authorization with the {s} scheme instead of Bearer"),
            },
            (None, v) if v.is_empty() || v.eq_ignore_ascii_case("bearer") => Found::Empty,
            (None, v) => Found::Misplaced {
                token: v,
                place: "in Authorization without the Bearer prefix".into(),
            },
        };
    }
    let bare = |v: &'a str| split_auth_scheme(v).1;
    let misplaced = |name: &str, token: &'a str| Found::Misplaced {
        token,
        place: format!(
            "in the {} header, not as Authorization: Bearer",
            shown(name)
        ),
    };
    for name in TOKEN_HEADERS {
        if let Some(v) = input.header(name).map(bare).filter(|v| !v.is_empty()) {
            return misplaced(name, v);
        }
    }
    if let Some(token) = c.static_token.value.as_ref()
        && let Some((name, _)) = find_key_in_headers(input.headers, "authorization", token.expose())
        && let Some(v) = input.header(name)
    {
        return misplaced(name, bare(v));
    }
    input
        .headers
        .iter()
        .take(MAX_HEADERS_SEARCHED)
        .find(|(_, v)| Jwt::parse(bare(v)).is_some())
        .map_or(Found::Nothing, |(name, v)| misplaced(name, bare(v)))
}

fn unchecked(c: &BearerCheck, token: &str, place: &str, set_hint: &str) -> Verification {
    let jwt = Jwt::parse(token);
    let what = match &jwt {
        Some(jwt) => format!("A JWT{}", jwt.issuer_note()),
        None => "A bearer token".to_string(),
    };
    Verification::new(
        Status::Unchecked,
        c.scheme,
        format!("{what} arrived {place} but nothing is configured to check it; {set_hint}."),
    )
    .with_evidence(Evidence {
        received: Some(mask(token)),
        claims: jwt.map(|j| j.claims),
        ..Evidence::default()
    })
}

/// Checks a token found in the request against what is configured (something is).
fn evaluate(c: &BearerCheck, token: &str, now: i64) -> Verification {
    let jwt = Jwt::parse(token);
    let evidence = Evidence {
        received: Some(mask(token)),
        claims: jwt.as_ref().map(|j| j.claims.clone()),
        skew_secs: jwt
            .as_ref()
            .and_then(|j| j.claim_time("iat").ok().flatten())
            .map(|iat| now.saturating_sub(iat)),
        ..Evidence::default()
    };
    let fail = |hint: Option<Hint>, detail: String| {
        let v = Verification::new(Status::Failed, c.scheme, detail);
        Verification { hint, ..v }.with_evidence(evidence.clone())
    };
    if let Some(expected) = &c.static_token.value
        && ct_eq(token.as_bytes(), expected.expose().as_bytes())
    {
        return Verification::new(
            Status::Verified,
            c.scheme,
            format!(
                "The bearer token equals the configured {}.",
                c.static_token.setting
            ),
        )
        .with_evidence(evidence);
    }
    let jwt_keys = c.jwt_secret.value.is_some() || c.jwks_file.is_some();
    if let Some(expected) = c.static_token.value.as_ref().filter(|_| !jwt_keys) {
        let also = match &jwt {
            Some(j) => format!(
                " It is a JWT{}: set {} or {} to verify it as one.",
                j.issuer_note(),
                setting(c, "jwt_secret"),
                setting(c, "jwks_file")
            ),
            None => String::new(),
        };
        return fail(
            Some(Hint::WrongSecret),
            format!(
                "The bearer token ({}) is not the configured {} ({}).{also}",
                mask(token),
                c.static_token.setting,
                expected.masked()
            ),
        );
    }
    let Some(jwt) = jwt else {
        let detail = match &c.static_token.value {
            Some(_) => format!(
                "The bearer token ({}) is neither a JWT nor the configured {}.",
                mask(token),
                c.static_token.setting
            ),
            None => format!(
                "The bearer token ({}) is not a JWT, so a JWT key cannot check it; set {} to \
                 compare it as a static token.",
                mask(token),
                c.static_token.setting
            ),
        };
        return fail(Some(Hint::WrongSecret), detail);
    };
    let header = match &jwt.header {
        Ok(h) => h,
        Err(alg) => {
            let detail = if alg.trim_matches('"').eq_ignore_ascii_case("none") {
                "The JWT is unsigned (alg none); only signed tokens are accepted.".to_string()
            } else {
                format!(
                    "The JWT's alg {} is not one that can be verified (HS*, RS*, PS*, ES*, \
                     EdDSA).",
                    shown(alg)
                )
            };
            return fail(Some(Hint::WrongSecret), detail);
        }
    };
    let alg = header.alg;
    let keys = match candidate_keys(c, alg, header.kid.as_deref()) {
        Ok(keys) => keys,
        Err(detail) => return fail(None, detail),
    };
    if keys.is_empty() {
        let detail = if alg.family() == AlgorithmFamily::Hmac {
            format!(
                "The JWT is signed with {alg:?}, which needs {}; none is configured.",
                c.jwt_secret.setting
            )
        } else {
            let kid = header
                .kid
                .as_deref()
                .map_or(String::new(), |k| format!(" (kid {k})"));
            format!(
                "The JWT is signed with {alg:?}{kid}, but {} holds no key that can check it.",
                c.jwks_file
                    .as_deref()
                    .map_or_else(|| setting(c, "jwks_file"), |p| p.display().to_string())
            )
        };
        return fail(Some(Hint::WrongSecret), detail);
    }
    let Some(source) = keys
        .iter()
        .find(|(key, _)| {
            jsonwebtoken::crypto::verify(&jwt.signature, jwt.message.as_bytes(), key, alg)
                .unwrap_or(false)
        })
        .map(|(_, source)| source.clone())
    else {
        let sources: Vec<&str> = keys.iter().map(|(_, s)| s.as_str()).collect();
        return fail(
            Some(Hint::WrongSecret),
            format!(
                "The JWT's {alg:?} signature does not verify with {}: the token was signed with \
                 a different key.",
                sources.join(" or ")
            ),
        );
    };
    if let Some((hint, detail)) = claim_problem(c, &jwt, now) {
        return fail(Some(hint), detail);
    }
    let expires = match jwt.claim_time("exp") {
        Ok(Some(exp)) => format!(
            "; it expires in {}",
            human_duration(exp.saturating_sub(now).unsigned_abs())
        ),
        Ok(None) => "; it carries no exp claim, so it never expires: a leaked token stays \
                     valid for good"
            .to_string(),
        Err(_) => String::new(),
    };
    Verification::new(
        Status::Verified,
        c.scheme,
        format!(
            "JWT ({alg:?}){} verified with {source}{expires}.",
            jwt.issuer_note()
        ),
    )
    .with_evidence(evidence)
}
