//! Brilliant: the lifecycle event and its ResponseId, and the full response when fetched.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::super::json_view::JsonRows;
use crate::provider::brilliant::Summary;
use crate::tui::widgets::doc::Doc;

pub(crate) fn render(d: &mut Doc, s: &Summary, fetched: Option<&Value>, configured: bool) {
    let t = d.theme;
    d.heading("Brilliant response event");
    d.field_opt("Event", s.event.as_deref());
    d.field_opt("ResponseId", s.response_id.as_deref());
    match (s.timestamp, s.time()) {
        (Some(t), Some(at)) => d.field(
            "Timestamp",
            &format!("{} ({t})", at.format("%Y-%m-%d %H:%M:%S UTC")),
        ),
        (Some(t), None) => d.field("Timestamp", &format!("{t} (not a valid Unix time)")),
        (None, _) => d.missing("Timestamp"),
    }
    d.heading("Full response");
    // The event carries only an id: the response itself comes from the API.
    match fetched.or(s.fetched.as_ref()) {
        Some(v) => {
            d.push(Line::from(Span::styled(
                "From GET /api/v2/responses/{id}:",
                Style::new(),
            )));
            for line in JsonRows::new(v).all_lines(d.theme) {
                d.push(line);
            }
        }
        None if configured => d.text(
            "Not fetched yet: Brilliant's API access is set, but no response has been \
             stored for this delivery (fetches wait their turn within the API's limits).",
            0,
            t.missing(),
        ),
        None if s.response_id.is_none() => d.text(
            "The event names no ResponseId, so there is nothing to fetch.",
            0,
            t.missing(),
        ),
        None => d.text(
            "Set providers.brilliant.api_base, public_key and private_key (API V2) to fetch \
             the full response of verified deliveries with GET /api/v2/responses/{id}.",
            0,
            t.missing(),
        ),
    }
}
