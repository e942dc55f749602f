//! The Headers tab: the request line and every header, credentials masked until revealed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::DetailOutcome;
use super::component::{Component, Hint, SCROLL, hint};
use crate::config::{Config, mask};
use crate::model::ProviderId;
use crate::model::{Delivery, Request};
use crate::provider::{classet, route, talentsprout};
use crate::sanitize;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{self, Doc, text_width, truncate, wrap};
use crate::tui::widgets::scroll::{self, Scroll};

/// Headers whose value is a credential whatever the configuration.
const CREDENTIAL_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "cookie",
    "set-cookie",
    classet::KEY_HEADER,
];
/// Words that make any header name a credential.
const CREDENTIAL_WORDS: [&str; 4] = ["token", "key", "secret", "password"];
/// Signatures are derived from the body and prove nothing without the secret.
const SIGNATURE_HEADERS: [&str; 2] = [talentsprout::SIGNATURE_HEADER, classet::SIGNATURE_HEADER];

impl Component for HeadersView {
    fn render(&self, delivery: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        self.draw(&delivery.request, theme, area, buf);
    }

    fn handle(&mut self, action: Action) -> DetailOutcome {
        if action == Action::Reveal {
            self.revealed = !self.revealed;
            return DetailOutcome::Consumed;
        }
        if self.scroll.act(action) {
            DetailOutcome::Consumed
        } else {
            DetailOutcome::Ignored
        }
    }

    fn hints(&self) -> Vec<Hint> {
        let v = if self.revealed { "mask" } else { "reveal" };
        vec![SCROLL, hint(&[Action::Reveal], v)]
    }
}

pub(crate) struct HeadersView {
    /// Header names configured to carry credentials (lower-case).
    configured: Vec<String>,
    brilliant: bool,
    revealed: bool,
    scroll: Scroll,
}

/// Whether a header's value must be masked.
pub(crate) fn is_credential(name: &str, configured: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    if SIGNATURE_HEADERS.contains(&name.as_str()) {
        return false;
    }
    CREDENTIAL_HEADERS.contains(&name.as_str())
        || configured.contains(&name)
        || CREDENTIAL_WORDS.iter().any(|w| name.contains(w))
}

/// The value with its secret part masked: `Bearer ey••••J9`. Redaction markers name a
/// setting, not a secret, and stay readable.
pub(crate) fn masked(value: &str) -> String {
    if value.contains("[redacted:") {
        return value.to_string();
    }
    let v = value.trim();
    match v.split_once(' ') {
        Some((scheme, rest))
            if !rest.trim().is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!("{scheme} {}", mask(rest.trim()))
        }
        _ => mask(v),
    }
}

impl HeadersView {
    pub(crate) fn new(config: &Config, provider: ProviderId) -> Self {
        let p = &config.providers;
        let configured = [
            Some(p.clearspeed.api_key_header.as_str()),
            p.jobmojito.header.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
        Self {
            configured,
            brilliant: provider == ProviderId::BRILLIANT,
            revealed: false,
            scroll: Scroll::default(),
        }
    }

    /// The path or query with a Brilliant URL key masked, unless revealed.
    fn url_part(&self, text: &str, key: Option<&str>) -> String {
        match key {
            Some(k) if !self.revealed && !k.is_empty() && !k.contains("[redacted:") => {
                text.replace(k, &mask(k))
            }
            _ => text.to_string(),
        }
    }

    fn doc(&self, req: &Request, t: Theme, width: usize) -> Doc {
        let mut d = Doc::new(width, t);
        let url_key = self
            .brilliant
            .then(|| route(&req.path, req.query.as_deref()).url_key)
            .flatten();
        d.heading("Request");
        d.field("Method", &req.method);
        d.field("Path", &self.url_part(&req.path, url_key.as_deref()));
        match &req.query {
            Some(q) => d.field("Query", &self.url_part(q, url_key.as_deref())),
            None => d.field_spans("Query", vec![Span::styled("none", t.dim())]),
        }
        d.field_opt("Peer", req.peer.as_deref());
        let size = doc::bytes(req.body_bytes);
        if req.body_truncated {
            d.field_styled(
                "Body",
                &format!(
                    "{size}, truncated: only the first {} were kept",
                    doc::bytes(req.body.len() as u64)
                ),
                t.warn(),
            );
        } else {
            d.field("Body", &format!("{size}, complete"));
        }
        let state = if self.revealed {
            "credentials shown · v to mask"
        } else {
            "credentials masked · v to reveal"
        };
        d.heading(&format!("Headers ({})", req.headers.len()));
        d.push(Line::styled(state, t.dim()));
        let name_w = req
            .headers
            .iter()
            .map(|(n, _)| text_width(&sanitize::line(n)))
            .max()
            .unwrap_or(0)
            .clamp(4, (width / 3).max(4))
            + 2;
        let value_w = width.saturating_sub(name_w).max(1);
        for (name, value) in &req.headers {
            let secret = is_credential(name, &self.configured);
            let shown = if secret && !self.revealed {
                masked(value)
            } else {
                value.clone()
            };
            let style = if secret {
                t.warn()
            } else {
                ratatui::style::Style::new()
            };
            let name = truncate(&sanitize::line(name), name_w.saturating_sub(2));
            let pad = " ".repeat(name_w.saturating_sub(text_width(&name)));
            for (i, row) in wrap(&sanitize::line(&shown), value_w)
                .into_iter()
                .enumerate()
            {
                let head = if i == 0 {
                    Span::styled(format!("{name}{pad}"), t.label())
                } else {
                    Span::raw(" ".repeat(name_w))
                };
                d.push(Line::from(vec![head, Span::styled(row, style)]));
            }
        }
        d
    }

    fn draw(&self, req: &Request, t: Theme, area: Rect, buf: &mut Buffer) {
        let inner = scroll::text_area(area);
        let d = self.doc(req, t, usize::from(inner.width));
        scroll::render_lines(&d.lines, &self.scroll, t, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_are_recognised_but_signatures_are_not() {
        let configured = vec!["x-clearspeed-auth".to_string()];
        for name in [
            "Authorization",
            "x-api-key",
            "Cookie",
            "x-classet-key",
            "X-Auth-Token",
            "x-clearspeed-auth",
            "x-my-secret",
        ] {
            assert!(is_credential(name, &configured), "{name}");
        }
        for name in [
            "x-talentsprout-signature",
            "x-classet-webhook-signature",
            "content-type",
            "user-agent",
        ] {
            assert!(!is_credential(name, &configured), "{name}");
        }
    }

    #[test]
    fn masking_keeps_the_scheme_and_markers() {
        assert_eq!(masked("Bearer eyJhbGciOiJIUzI1NiJ9.x.y"), "Bearer ey••••.y");
        assert_eq!(masked("cs_live_key_123"), "cs••••23");
        assert_eq!(masked("short"), "•••••");
        let marker = "[redacted:providers.clearspeed.api_key]";
        assert_eq!(masked(marker), marker);
    }
}
