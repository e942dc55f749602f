//! What a sender signs, written as a template such as `{timestamp}.{body}`.

use std::fmt;

/// One piece of the signed content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(String),
    /// The raw body bytes.
    Body,
    /// The timestamp exactly as written by the sender.
    Timestamp,
    /// The value of the id header.
    Id,
    /// The HTTP method, e.g. `POST`.
    Method,
    /// The full URL the sender signed (the public URL when one is configured).
    Url,
    /// The path, without the query.
    Path,
    /// The value of the named request header.
    Header(String),
    /// Form parameters sorted by name, each name then value appended (nothing when the
    /// body is not form-encoded).
    FormParamsSorted,
}

/// The placeholders a template may use, as written.
pub(crate) const PLACEHOLDERS: &str =
    "{body} {timestamp} {id} {method} {url} {path} {header:Name} {form_params_sorted}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Part>);

/// What a template is filled from, apart from the body.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub timestamp: Option<&'a str>,
    pub id: Option<&'a str>,
    pub method: &'a str,
    pub url: &'a str,
    pub path: &'a str,
    /// Header names lower-cased.
    pub headers: &'a [(String, String)],
}

impl Template {
    pub(crate) fn new(parts: Vec<Part>) -> Self {
        Self(parts)
    }

    /// The body alone.
    pub(crate) fn body() -> Self {
        Self(vec![Part::Body])
    }

    /// `{timestamp}.{body}`.
    pub(crate) fn timestamp_dot_body() -> Self {
        Self(vec![Part::Timestamp, Part::Literal(".".into()), Part::Body])
    }

    pub(crate) fn parts(&self) -> &[Part] {
        &self.0
    }

    pub(crate) fn uses(&self, part: &Part) -> bool {
        self.0.contains(part)
    }

    /// Parses `{timestamp}.{body}`; `{{` and `}}` stand for braces. `Err` names the bad
    /// placeholder.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err("a '}' without its '{' (write '}}' for a brace)".into()),
                '{' => {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    if !text.contains(&format!("{{{name}}}")) {
                        return Err(format!("{{{name} is not closed with '}}'"));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(placeholder(&name)?);
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        if parts.is_empty() {
            return Err(format!(
                "it is empty; use placeholders such as {PLACEHOLDERS}"
            ));
        }
        Ok(Self(parts))
    }

    /// The exact bytes signed, with `body` for `{body}`.
    pub(crate) fn render(&self, ctx: &Context<'_>, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len() + 64);
        for part in &self.0 {
            match part {
                Part::Literal(s) => out.extend_from_slice(s.as_bytes()),
                Part::Body => out.extend_from_slice(body),
                Part::Timestamp => out.extend_from_slice(ctx.timestamp.unwrap_or("").as_bytes()),
                Part::Id => out.extend_from_slice(ctx.id.unwrap_or("").as_bytes()),
                Part::Method => out.extend_from_slice(ctx.method.as_bytes()),
                Part::Url => out.extend_from_slice(ctx.url.as_bytes()),
                Part::Path => out.extend_from_slice(ctx.path.as_bytes()),
                Part::Header(name) => {
                    let value = header(ctx.headers, name).unwrap_or("");
                    out.extend_from_slice(value.as_bytes());
                }
                Part::FormParamsSorted => {
                    if is_form(ctx.headers) {
                        for (k, v) in sorted_params(body) {
                            out.extend_from_slice(k.as_bytes());
                            out.extend_from_slice(v.as_bytes());
                        }
                    }
                }
            }
        }
        out
    }
}

/// Whether the request says its body is form-encoded.
fn is_form(headers: &[(String, String)]) -> bool {
    header(headers, "content-type").is_some_and(|t| {
        t.to_ascii_lowercase()
            .contains("application/x-www-form-urlencoded")
    })
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Form parameters sorted by name, then value.
fn sorted_params(body: &[u8]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    params
}

fn placeholder(name: &str) -> Result<Part, String> {
    Ok(match name {
        "body" => Part::Body,
        "timestamp" => Part::Timestamp,
        "id" => Part::Id,
        "method" => Part::Method,
        "url" => Part::Url,
        "path" => Part::Path,
        "form_params_sorted" => Part::FormParamsSorted,
        _ => match name.strip_prefix("header:") {
            Some(h) if !h.trim().is_empty() => Part::Header(h.trim().to_ascii_lowercase()),
            Some(_) => return Err("{header:} names no header; write {header:Name}".into()),
            None => {
                return Err(format!(
                    "{{{name}}} is not a placeholder; use {PLACEHOLDERS}"
                ));
            }
        },
    })
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match part {
                Part::Literal(s) => f.write_str(&s.replace('{', "{{").replace('}', "}}"))?,
                Part::Body => f.write_str("{body}")?,
                Part::Timestamp => f.write_str("{timestamp}")?,
                Part::Id => f.write_str("{id}")?,
                Part::Method => f.write_str("{method}")?,
                Part::Url => f.write_str("{url}")?,
                Part::Path => f.write_str("{path}")?,
                Part::Header(h) => write!(f, "{{header:{h}}}")?,
                Part::FormParamsSorted => f.write_str("{form_params_sorted}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(headers: &'a [(String, String)]) -> Context<'a> {
        Context {
            timestamp: Some("17"),
            id: Some("msg_1"),
            method: "POST",
            url: "https://h/p?q=1",
            path: "/p",
            headers,
        }
    }

    #[test]
    fn parses_every_placeholder_and_renders_it() {
        let t = Template::parse(
            "{method} {url} {path}|{id}.{timestamp}.{body}|{header:X-Acme}|{{lit}}",
        )
        .unwrap();
        let headers = [("x-acme".to_string(), "v".to_string())];
        let out = t.render(&ctx(&headers), b"B");
        assert_eq!(out, b"POST https://h/p?q=1 /p|msg_1.17.B|v|{lit}");
        assert_eq!(
            t.to_string(),
            "{method} {url} {path}|{id}.{timestamp}.{body}|{header:x-acme}|{{lit}}"
        );
    }

    #[test]
    fn errors_name_the_bad_placeholder() {
        let e = Template::parse("{timestamp}.{bdy}").unwrap_err();
        assert!(e.contains("{bdy}") && e.contains("{body}"), "{e}");
        assert!(Template::parse("{body").unwrap_err().contains("not closed"));
        assert!(Template::parse("a}").is_err());
        assert!(Template::parse("").is_err());
        assert!(Template::parse("{header:}").unwrap_err().contains("header"));
    }

    #[test]
    fn form_params_are_sorted_by_name_and_only_for_form_bodies() {
        let t = Template::parse("{url}{form_params_sorted}").unwrap();
        let form = [(
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        )];
        let out = t.render(&ctx(&form), b"b=2&a=x%20y&a=0");
        assert_eq!(out, b"https://h/p?q=1a0ax yb2");
        let json = [("content-type".to_string(), "application/json".to_string())];
        assert_eq!(t.render(&ctx(&json), b"{}"), b"https://h/p?q=1");
    }
}
