//! Re-sending stored deliveries: byte for byte, with stored credentials restored, and
//! optionally with time-bound signatures refreshed.

use crate::config::Config;
use crate::forward;
use crate::ingest::{REPLAY_OF_HEADER, REPLAY_SIG_HEADER};
use crate::model::Delivery;
use crate::redact::{self, Redactor};
use crate::store::LinkKey;

use super::deliver::is_hop_by_hop;
use crate::model::Outgoing;
use crate::oauth as token;

/// `to` as given when it names a path; with only a host (`http://localhost:3000` or a
/// trailing `/`), the delivery's own path and query are appended.
pub(crate) fn replay_url(to: &str, path: &str, query: Option<&str>) -> String {
    let after_scheme = to.split_once("://").map_or(to, |(_, rest)| rest);
    let has_path = after_scheme
        .split_once('/')
        .is_some_and(|(_, p)| !p.is_empty());
    if has_path {
        to.to_string()
    } else {
        forward::target_url(to, path, query)
    }
}

/// The request that re-sends `d` to `to`. `resign` refreshes every timestamped signature
/// with the configured secret, since an exact replay of an old delivery fails the
/// tolerance check. With the key of the store `d` came from, a receiver writing to that
/// store links the replay to `d`.
pub(crate) fn prepare(
    d: &Delivery,
    to: &str,
    config: &Config,
    link: Option<&LinkKey>,
    resign: bool,
    now: i64,
) -> Result<Outgoing, String> {
    if d.request.body_truncated {
        return Err(format!(
            "only the first {} of {} body bytes were kept; it cannot be replayed exactly",
            d.request.body.len(),
            d.request.body_bytes
        ));
    }
    let redactor = Redactor::from_config(config);
    let path = redactor.restore_url(&d.request.path);
    let query = d.request.query.as_deref().map(|q| redactor.restore_url(q));
    let headers: Vec<(String, String)> = d
        .request
        .headers
        .iter()
        .filter(|(n, _)| {
            !is_hop_by_hop(n)
                && !n.eq_ignore_ascii_case(REPLAY_OF_HEADER)
                && !n.eq_ignore_ascii_case(REPLAY_SIG_HEADER)
        })
        .map(|(n, v)| (n.clone(), redactor.restore_text(v)))
        .collect();
    refuse_missing(&path, query.as_deref(), &headers)?;
    let mut out = Outgoing {
        method: d.request.method.clone(),
        url: replay_url(to, &path, query.as_deref()),
        headers,
        body: d.request.body.to_vec(),
    };
    if resign {
        crate::provider::resign(d.findings.provider, &mut out, config, now, false)?;
    }
    out.headers
        .push((REPLAY_OF_HEADER.to_string(), d.id.clone()));
    if let Some(key) = link {
        out.headers
            .push((REPLAY_SIG_HEADER.to_string(), key.sign(&d.id)));
    }
    Ok(out)
}

/// A credential stored as a marker whose setting is gone would go out as the marker
/// text: refused, naming the setting and where it was.
fn refuse_missing(
    path: &str,
    query: Option<&str>,
    headers: &[(String, String)],
) -> Result<(), String> {
    let mut missing: Vec<String> = Vec::new();
    let places = [("the URL path", path), ("the query", query.unwrap_or(""))]
        .into_iter()
        .map(|(place, text)| (place.to_string(), text))
        .chain(
            headers
                .iter()
                .map(|(n, v)| (format!("the {n} header"), v.as_str())),
        );
    for (place, text) in places {
        for setting in redact::markers_in(text) {
            missing.push(format!("{setting} (in {place})"));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the stored credential needs {}, which is no longer configured; set it again to replay",
        missing.join(" and ")
    ))
}

/// Clearspeed fetches a fresh token (client credentials) before each delivery; a replay of
/// a delivery that carried such a token does the same rather than send the stored one.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRefresh {
    token_url: String,
    client_id: String,
    client_secret: crate::config::Secret,
    audience: Option<String>,
}

impl TokenRefresh {
    /// `None` unless `d` carried a fetched bearer token (not a configured credential, which
    /// is stored as a marker) and the token flow is configured.
    pub(crate) fn for_delivery(d: &Delivery, config: &Config) -> Option<TokenRefresh> {
        if !crate::provider::vendor(d.findings.provider).is_some_and(|v| v.uses_token_flow()) {
            return None;
        }
        let stored = d.request.header("authorization")?;
        let fetched = stored
            .get(..7)
            .is_some_and(|b| b.eq_ignore_ascii_case("bearer "))
            && redact::markers_in(stored).is_empty();
        let c = &config.providers.clearspeed;
        match (fetched, &c.token_url, &c.client_id, &c.client_secret) {
            (true, Some(url), Some(id), Some(secret)) => Some(TokenRefresh {
                token_url: url.clone(),
                client_id: id.clone(),
                client_secret: secret.clone(),
                audience: c.audience.clone(),
            }),
            _ => None,
        }
    }

    /// Fetches a token and puts it in `out`'s `Authorization` header.
    pub(crate) async fn apply(
        &self,
        client: &reqwest::Client,
        out: &mut Outgoing,
    ) -> Result<(), String> {
        let cfg = crate::config::ClearspeedConfig {
            token_url: Some(self.token_url.clone()),
            client_id: Some(self.client_id.clone()),
            client_secret: Some(self.client_secret.clone()),
            audience: self.audience.clone(),
            ..Default::default()
        };
        let token = token::fetch_token(client, &cfg)
            .await?
            .ok_or("the token flow is not configured")?;
        for (name, value) in &mut out.headers {
            if name.eq_ignore_ascii_case("authorization") {
                *value = format!("Bearer {token}");
            }
        }
        Ok(())
    }
}

/// Whether a stored delivery failed for its vendor: our answer (or the app's, when it was
/// forwarded) would not count as delivered. This is what `replay --failed` re-sends.
pub(crate) fn failed_for_vendor(d: &Delivery) -> bool {
    let policy =
        super::Policy::for_provider(d.findings.provider, std::time::Duration::from_secs(1));
    match &d.forward {
        Some(f) => !forward::acknowledged(f, d.findings.provider),
        None => !policy.acknowledges(d.response_status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_url_keeps_an_explicit_path_and_appends_otherwise() {
        assert_eq!(
            replay_url("http://a:1", "/classet", None),
            "http://a:1/classet"
        );
        assert_eq!(
            replay_url("http://a:1/", "/classet", Some("k=1")),
            "http://a:1/classet?k=1"
        );
        assert_eq!(
            replay_url("http://a:1/hooks/in", "/classet", None),
            "http://a:1/hooks/in"
        );
    }
}
