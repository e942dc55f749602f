//! The right secret, but another hash, or other content than the scheme signs.

use strum::IntoEnumIterator;

use super::Case;
use crate::signature::encoding::{decode_any, form_of};
use crate::signature::{Algorithm, Hint, Part, Template, Verification};

impl Case<'_> {
    /// The presented values, each without a leading `sha1=`-style label.
    fn unlabelled(&self) -> Vec<&str> {
        self.presented
            .values
            .iter()
            .map(|v| match v.split_once('=') {
                Some((label, rest)) if Algorithm::parse(label).is_some() => rest,
                _ => v.as_str(),
            })
            .collect()
    }

    /// Whether a presented value (in any encoding) is `mac`.
    fn carries(&self, mac: &[u8]) -> bool {
        self.unlabelled()
            .iter()
            .any(|v| form_of(v, mac, self.c.encoding).is_some())
    }

    /// Step 3b: the digest has another algorithm's length, and that algorithm verifies.
    pub(super) fn wrong_algorithm(&self) -> Option<Verification> {
        let lengths: Vec<usize> = self
            .unlabelled()
            .iter()
            .flat_map(|v| decode_any(v))
            .map(|d| d.bytes.len())
            .collect();
        let message = self.material.message(self.c, self.input.body);
        let other = Algorithm::iter()
            .filter(|a| *a != self.c.algorithm && lengths.contains(&a.digest_len()))
            .find(|a| self.carries(&a.mac(&self.key, &message)))?;
        Some(self.failed(
            Hint::WrongAlgorithm,
            format!(
                "The signature is an {} ({} bytes) of the right content with the configured \
                 secret; {}'s scheme uses {}.",
                other.label(),
                other.digest_len(),
                self.vendor,
                self.c.algorithm.label()
            ),
        ))
    }

    /// Step 3c: the signature is over other content than the scheme's: the body alone, the
    /// timestamp and body without the id, and the like.
    pub(super) fn signed_content(&self) -> Option<Verification> {
        let scheme = self.c.signed.to_string();
        let has_timestamp = self.material.timestamp.is_some();
        let has_id = self.material.id.is_some();
        let candidates = [
            Some(Template::body()),
            Some(Template::timestamp_dot_body()),
            Template::parse("{timestamp}{body}").ok(),
            Template::parse("{id}.{timestamp}.{body}").ok(),
            Some(without_id(&self.c.signed)),
        ];
        let found = candidates.into_iter().flatten().find(|t| {
            let text = t.to_string();
            text != scheme
                && (has_timestamp || !t.uses(&Part::Timestamp))
                && (has_id || !t.uses(&Part::Id))
                && self.matches(&self.c.mac(
                    &self.key,
                    &t.render(&self.material.context(), self.input.body),
                ))
        })?;
        let what = if found == Template::body() {
            "the body alone".to_string()
        } else {
            format!("{found}")
        };
        Some(self.failed(
            Hint::SignedContent,
            format!(
                "The signature matches {what}, not {scheme}: the sender signs other content \
                 than {}'s scheme.",
                self.vendor
            ),
        ))
    }
}

/// The template with `{id}` and the separator after it (or before it, at the end) left out.
fn without_id(t: &Template) -> Template {
    let parts = t.parts();
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    let mut skip_literal = false;
    for part in parts {
        match part {
            Part::Id => {
                if matches!(out.last(), Some(Part::Literal(_)))
                    && part == parts.last().unwrap_or(part)
                {
                    out.pop();
                }
                skip_literal = true;
            }
            Part::Literal(_) if skip_literal => skip_literal = false,
            other => {
                skip_literal = false;
                out.push(other.clone());
            }
        }
    }
    Template::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_out_the_id_takes_its_separator_with_it() {
        let t = |s: &str| Template::parse(s).unwrap();
        assert_eq!(
            without_id(&t("{id}.{timestamp}.{body}")),
            t("{timestamp}.{body}")
        );
        assert_eq!(without_id(&t("{body}:{id}")), t("{body}"));
        assert_eq!(without_id(&t("{body}")), t("{body}"));
    }
}
