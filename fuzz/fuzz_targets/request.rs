//! Turns fuzz input into a request. The format is readable so that seeds can be written by
//! hand: `METHOD /path?query`, then `name: value` lines, a blank line, and the body bytes.

use bytes::Bytes;
use hookscope::model::Request;

/// Receipt time for every input: seeds sign their timestamps for this instant.
pub const NOW: i64 = 1_763_650_000;

pub fn parse(data: &[u8]) -> Request {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let (method, target) = first.split_once(' ').unwrap_or(("POST", first));
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Bytes::copy_from_slice(body),
        body_bytes: body.len() as u64,
        body_truncated: false,
        peer: Some("127.0.0.1:9".into()),
    }
}

/// Every configured secret, as the config file below sets them.
pub const SECRETS: [&str; 10] = [
    "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA",
    "classet_sig_secret_1b7e",
    "classet_legacy_key_44c1",
    "cs_api_key_SECRET_77",
    "cs_bearer_SECRET_91",
    "cs_jwt_secret_SECRET_12",
    "cs_client_secret_SECRET_35",
    "br+url/key=SECRET_88",
    "br_api_key_SECRET_64",
    "jm_token_SECRET_53",
];

/// A config with a secret set for every provider.
#[allow(
    dead_code,
    reason = "each target includes this module; only some build a config"
)]
pub fn config_text() -> String {
    let jwks = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/jwt/jwks.json"
    );
    let s = SECRETS;
    format!(
        "[providers.talentsprout]\nsecret = \"{}\"\n\
         [providers.classet]\nsecret = \"{}\"\napi_key = \"{}\"\n\
         [providers.clearspeed]\napi_key = \"{}\"\nbearer_token = \"{}\"\njwt_secret = \"{}\"\n\
         client_secret = \"{}\"\nclient_id = \"hookscope-fuzz\"\naudience = \"hookscope\"\n\
         jwks_file = \"{jwks}\"\n\
         [providers.brilliant]\nurl_key = \"{}\"\napi_key = \"{}\"\n\
         [providers.jobmojito]\nheader = \"x-jobmojito-token\"\nvalue = \"{}\"\n",
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]
    )
}
