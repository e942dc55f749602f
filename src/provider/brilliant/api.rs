//! Brilliant's API, asked for the full response a webhook names only by its ResponseId.
//! V2 authenticates with a Public Key and a Private Key on every request; the header
//! names are not given in the vendor's public pages, so they are configurable.

use std::time::Duration;

use serde_json::Value;

use crate::config::{BrilliantConfig, Secret};
use crate::provider::follow_up::Limit;

const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error answer's body to quote.
const EXCERPT_CHARS: usize = 200;

/// The vendor's documented request limits (per IP address).
pub(crate) const LIMITS: [Limit; 4] = [
    Limit::new(1, 1),
    Limit::new(10, 60),
    Limit::new(200, 3600),
    Limit::new(1500, 86_400),
];

pub(crate) const DEFAULT_PUBLIC_KEY_HEADER: &str = "X-Public-Key";
pub(crate) const DEFAULT_PRIVATE_KEY_HEADER: &str = "X-Private-Key";

/// How requests to the API authenticate.
#[derive(Debug, Clone)]
enum Auth {
    /// API V2: both keys on every request.
    KeyPair {
        public_header: String,
        public: Secret,
        private_header: String,
        private: Secret,
    },
    /// A single key as a bearer token (`providers.brilliant.api_key`).
    Bearer(Secret),
}

/// Where and how to reach the API, from the config.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    base: String,
    auth: Auth,
}

impl Access {
    /// `Ok(None)` when no API access is configured; `Err` says what is missing.
    pub(crate) fn from_config(cfg: &BrilliantConfig) -> Result<Option<Self>, String> {
        let set = |s: &Option<Secret>| s.clone().filter(|s| !s.expose().trim().is_empty());
        let base = cfg
            .api_base
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        let auth = match (
            set(&cfg.public_key),
            set(&cfg.private_key),
            set(&cfg.api_key),
        ) {
            (Some(public), Some(private), _) => Some(Auth::KeyPair {
                public_header: header_or(&cfg.public_key_header, DEFAULT_PUBLIC_KEY_HEADER),
                public,
                private_header: header_or(&cfg.private_key_header, DEFAULT_PRIVATE_KEY_HEADER),
                private,
            }),
            (Some(_), None, _) => {
                return Err(
                    "providers.brilliant.public_key is set but private_key is not: \
                            API V2 needs both on every request."
                        .into(),
                );
            }
            (None, Some(_), _) => {
                return Err(
                    "providers.brilliant.private_key is set but public_key is not: \
                            API V2 needs both on every request."
                        .into(),
                );
            }
            (None, None, Some(key)) => Some(Auth::Bearer(key)),
            (None, None, None) => None,
        };
        match (base, auth) {
            (Some(base), Some(auth)) => Ok(Some(Self {
                base: base.to_string(),
                auth,
            })),
            (None, Some(_)) => Err(
                "Brilliant API keys are set but providers.brilliant.api_base \
                                    is not (e.g. https://apiv2.brilliantassessments.com)."
                    .into(),
            ),
            (_, None) => Ok(None),
        }
    }

    /// `GET {api_base}/api/v2/responses/{id}`.
    pub(crate) async fn fetch_response(
        &self,
        client: &reqwest::Client,
        response_id: &str,
    ) -> Result<Value, String> {
        // The id comes from the sender: only a plain id may go into the path, so a crafted
        // one cannot point the authenticated request elsewhere.
        let plain = !response_id.is_empty()
            && response_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return Err(format!(
                "ResponseId {response_id:?} is not a plain id; not fetching it."
            ));
        }
        let url = format!(
            "{}/api/v2/responses/{response_id}",
            self.base.trim_end_matches('/')
        );
        let request = client.get(&url).timeout(FETCH_TIMEOUT);
        let request = match &self.auth {
            Auth::KeyPair {
                public_header,
                public,
                private_header,
                private,
            } => request
                .header(public_header.as_str(), public.expose())
                .header(private_header.as_str(), private.expose()),
            Auth::Bearer(key) => request.bearer_auth(key.expose()),
        };
        let answer = request
            .send()
            .await
            .map_err(|e| format!("GET {url} failed: {}", e.without_url()))?;
        let status = answer.status();
        let body = answer
            .bytes()
            .await
            .map_err(|e| format!("GET {url}: reading the answer failed: {}", e.without_url()))?;
        if !status.is_success() {
            return Err(format!("GET {url} answered {status}: {}", excerpt(&body)));
        }
        serde_json::from_slice(&body)
            .map_err(|e| format!("GET {url}: the answer is not JSON ({e})"))
    }
}

fn header_or(configured: &Option<String>, default: &str) -> String {
    configured
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .unwrap_or(default)
        .to_string()
}

/// The start of a body on one line, for error messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".into();
    }
    let mut cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests;
