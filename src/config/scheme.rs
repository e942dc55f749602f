//! `[schemes.NAME]`: an HMAC webhook the user describes, checked, shown, sent and
//! replayed like a built-in vendor. Every key is validated here, and an error names it
//! (`schemes.acme.algorithm: unknown "sha3"; expected sha1, sha256 or sha512`).

use serde::Deserialize;

use super::intern::intern;
use super::{DEFAULT_TOLERANCE_SECS, PROVIDER_NAMES, ResponseOverride, Secret, SenderOverride};
use crate::model::ProviderId;
use crate::signature::{Algorithm, Encoding, Part, SecretEncoding, Template};

/// The keys a scheme section may have, as listed in errors.
const KEYS: [&str; 16] = [
    "route",
    "header",
    "algorithm",
    "encoding",
    "prefix",
    "signed",
    "timestamp_header",
    "tolerance_secs",
    "id_header",
    "secret",
    "secret_encoding",
    "event",
    "event_header",
    "subject",
    "response",
    "sender",
];

/// Longest value an error repeats: enum-like values are short, and a longer one may be a
/// secret in the wrong place.
const MAX_ECHOED: usize = 16;

/// Where the event name of a delivery is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSource {
    /// A JSON pointer into the body, e.g. `/type`.
    Pointer(String),
    /// A request header, e.g. `X-Acme-Event` (lower-cased).
    Header(String),
}

/// One validated `[schemes.NAME]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeConfig {
    /// The scheme's name, registered as a provider id (`acme`).
    pub id: ProviderId,
    /// The path it is received at, e.g. `/acme`; unset, it is detected by its header only.
    pub route: Option<&'static str>,
    /// The signature header (lower-cased).
    pub header: String,
    pub algorithm: Algorithm,
    pub encoding: Encoding,
    pub prefix: Option<String>,
    pub signed: Template,
    /// The header carrying the signed timestamp (lower-cased).
    pub timestamp_header: Option<String>,
    pub tolerance_secs: u64,
    /// The header read for `{id}` (lower-cased).
    pub id_header: Option<String>,
    pub secret: Option<Secret>,
    pub secret_encoding: SecretEncoding,
    pub event: Option<EventSource>,
    /// A JSON pointer to what the delivery is about, e.g. `/data/id`.
    pub subject: Option<String>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

impl SchemeConfig {
    pub(crate) fn name(&self) -> &'static str {
        self.id.as_str()
    }

    /// `schemes.acme.secret`, interned: settings are named by `&'static str` everywhere.
    pub(crate) fn secret_setting(&self) -> &'static str {
        intern(&format!("schemes.{}.secret", self.name()))
    }

    /// Whether `path` is this scheme's route or below it.
    pub(crate) fn owns_path(&self, path: &str) -> bool {
        self.route.is_some_and(|r| {
            path.strip_prefix(r)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// Reads the `schemes` table: every section validated, in name order.
pub(super) fn parse(table: &toml::Table) -> Result<Vec<SchemeConfig>, String> {
    let mut out: Vec<SchemeConfig> = Vec::new();
    for (name, section) in table {
        let scheme = parse_one(name, section)?;
        if let Some(route) = scheme.route
            && let Some(other) = out.iter().find(|o| o.route == Some(route))
        {
            return Err(format!(
                "schemes.{name}.route: {route} is already schemes.{}.route",
                other.name()
            ));
        }
        if let Some(other) = out
            .iter()
            .find(|o| env_spelling(o.name()) == env_spelling(name))
        {
            return Err(format!(
                "schemes.{name}: its environment variables would be those of schemes.{}",
                other.name()
            ));
        }
        out.push(scheme);
    }
    Ok(out)
}

/// A provider id as an environment variable spells it.
pub(super) fn env_spelling(name: &str) -> String {
    name.replace('-', "_")
}

fn parse_one(name: &str, section: &toml::Value) -> Result<SchemeConfig, String> {
    check_name(name)?;
    let at = |key: &str| format!("schemes.{name}.{key}");
    let Some(t) = section.as_table() else {
        return Err(format!("schemes.{name}: expected a table of settings"));
    };
    if let Some(key) = t.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "{}: unknown key; expected one of {}",
            at(key),
            KEYS.join(", ")
        ));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{}: expected text in quotes", at(key))),
        }
    };
    let header_name = |key: &str| -> Result<Option<String>, String> {
        let Some(h) = text(key)? else { return Ok(None) };
        let h = h.trim();
        if h.is_empty() || !h.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(format!("{}: not a header name", at(key)));
        }
        Ok(Some(h.to_ascii_lowercase()))
    };
    let choice = |key: &str| -> Result<Option<String>, String> {
        Ok(text(key)?.map(|v| v.trim().to_ascii_lowercase()))
    };

    let header = header_name("header")?.ok_or_else(|| {
        format!(
            "{}: missing; name the header that carries the signature",
            at("header")
        )
    })?;
    let algorithm = match choice("algorithm")? {
        None => Algorithm::Sha256,
        Some(v) => Algorithm::parse(&v)
            .ok_or_else(|| unknown(&at("algorithm"), &v, "sha1, sha256 or sha512"))?,
    };
    let encoding = match choice("encoding")?.as_deref() {
        None | Some("hex") => Encoding::Hex,
        Some("base64") => Encoding::Base64,
        Some("base64url") => Encoding::Base64UrlNoPad,
        Some(v) => return Err(unknown(&at("encoding"), v, "hex, base64 or base64url")),
    };
    let secret_encoding = match choice("secret_encoding")? {
        None => SecretEncoding::Raw,
        Some(v) => SecretEncoding::parse(&v)
            .ok_or_else(|| unknown(&at("secret_encoding"), &v, "raw, base64 or hex"))?,
    };
    let timestamp_header = header_name("timestamp_header")?;
    let id_header = header_name("id_header")?;
    let signed_text = text("signed")?.unwrap_or_else(|| "{body}".into());
    let signed = Template::parse(&signed_text).map_err(|e| format!("{}: {e}", at("signed")))?;
    if signed.uses(&Part::Timestamp) && timestamp_header.is_none() {
        return Err(format!(
            "{}: uses {{timestamp}} but timestamp_header is not set",
            at("signed")
        ));
    }
    if signed.uses(&Part::Id) && id_header.is_none() {
        return Err(format!(
            "{}: uses {{id}} but id_header is not set",
            at("signed")
        ));
    }
    let tolerance_secs = match t.get("tolerance_secs") {
        None => DEFAULT_TOLERANCE_SECS,
        Some(toml::Value::Integer(n)) if *n >= 0 => *n as u64,
        Some(_) => {
            return Err(format!(
                "{}: expected a whole number of seconds",
                at("tolerance_secs")
            ));
        }
    };
    if t.contains_key("tolerance_secs") && timestamp_header.is_none() {
        return Err(format!(
            "{}: set timestamp_header too; without a timestamp there is nothing to hold to a tolerance",
            at("tolerance_secs")
        ));
    }
    let event = match (text("event")?, header_name("event_header")?) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "{}: set event or event_header, not both",
                at("event")
            ));
        }
        (Some(p), None) => Some(EventSource::Pointer(pointer(&at("event"), p)?)),
        (None, Some(h)) => Some(EventSource::Header(h)),
        (None, None) => None,
    };
    let subject = text("subject")?
        .map(|p| pointer(&at("subject"), p))
        .transpose()?;
    let route = text("route")?
        .map(|r| route(&at("route"), &r))
        .transpose()?;
    let prefix = text("prefix")?.filter(|p| !p.is_empty());
    let secret = match t.get("secret") {
        None => None,
        Some(v) => Some(
            Secret::deserialize(v.clone())
                .map_err(|_| format!("{}: expected text in quotes", at("secret")))?,
        ),
    };
    let sub = |key: &str| -> Result<Option<toml::Value>, String> {
        match t.get(key) {
            None => Ok(None),
            Some(v @ toml::Value::Table(_)) => Ok(Some(v.clone())),
            Some(_) => Err(format!("{}: expected a table", at(key))),
        }
    };
    let response = sub("response")?
        .map(ResponseOverride::deserialize)
        .transpose()
        .map_err(|e| format!("{}: {}", at("response"), e.message().trim()))?;
    let sender = sub("sender")?
        .map(SenderOverride::deserialize)
        .transpose()
        .map_err(|e| format!("{}: {}", at("sender"), e.message().trim()))?;
    Ok(SchemeConfig {
        id: ProviderId::UNKNOWN,
        route,
        header,
        algorithm,
        encoding,
        prefix,
        signed,
        timestamp_header,
        tolerance_secs,
        id_header,
        secret,
        secret_encoding,
        event,
        subject,
        response,
        sender,
    }
    .named(name))
}

impl SchemeConfig {
    fn named(mut self, name: &str) -> Self {
        self.id = ProviderId::register(name);
        self
    }
}

/// A scheme's name becomes a provider id, a route segment and an environment variable:
/// lowercase letters, digits, `-` and `_`, and no built-in id.
fn check_name(name: &str) -> Result<(), String> {
    let well_formed = !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(format!(
            "schemes.{name}: a scheme's name is a lowercase letter, then lowercase letters, \
             digits, - and _ (at most 40)"
        ));
    }
    let clashes = PROVIDER_NAMES
        .into_iter()
        .chain([ProviderId::UNKNOWN.as_str()])
        .find(|b| env_spelling(b) == env_spelling(name));
    if let Some(b) = clashes {
        return Err(format!(
            "schemes.{name}: the name is the built-in provider {b}'s; choose another"
        ));
    }
    Ok(())
}

fn unknown(key: &str, value: &str, expected: &str) -> String {
    if value.chars().count() <= MAX_ECHOED {
        format!("{key}: unknown {value:?}; expected {expected}")
    } else {
        format!("{key}: unknown value; expected {expected}")
    }
}

fn pointer(key: &str, p: String) -> Result<String, String> {
    if p.starts_with('/') {
        Ok(p)
    } else if p.chars().count() <= MAX_ECHOED {
        Err(format!(
            "{key}: {p:?} is not a JSON pointer; write it from the root, e.g. \"/{p}\""
        ))
    } else {
        Err(format!(
            "{key}: not a JSON pointer; write it from the root, e.g. \"/type\""
        ))
    }
}

/// A route is an absolute path of its own: not `/`, no query, and not under a built-in
/// vendor's route (which would take its deliveries first).
fn route(key: &str, r: &str) -> Result<&'static str, String> {
    let r = r.trim();
    let trimmed = r.trim_end_matches('/');
    if !r.starts_with('/') || trimmed.is_empty() || r.contains(['?', '#', ' ']) {
        return Err(format!(
            "{key}: a route is a path of its own such as \"/acme\" (no query)"
        ));
    }
    let first = trimmed[1..].split('/').next().unwrap_or_default();
    if let Some(b) = PROVIDER_NAMES
        .iter()
        .find(|b| b.eq_ignore_ascii_case(first))
    {
        return Err(format!(
            "{key}: {trimmed} is under /{b}, the built-in {b} route"
        ));
    }
    if first.eq_ignore_ascii_case("oauth") {
        return Err(format!(
            "{key}: {trimmed} is under /oauth, hookscope's token endpoint"
        ));
    }
    Ok(intern(trimmed))
}
