//! Drawing: one function per part of the screen, all from `&App`. Nothing here reads
//! the store or changes state; the layout is the app's, so that clicks land where
//! things are drawn.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::App;

mod confirm;
mod footer;
mod header;
pub(crate) mod help;
mod resend;
mod table;

pub(crate) use super::layout::Areas;
pub use super::theme::Theme;

/// Draws the whole screen.
pub(crate) fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let areas = app.areas(area);
    let buf = frame.buffer_mut();
    header::render(app, areas.header, buf);
    match app.detail() {
        Some(detail) => detail.render(app.theme(), areas.main, buf),
        None => table::render(app, &areas, buf),
    }
    // Full screen but for the footer, which shows the editor's keys.
    let above_footer = Rect {
        height: areas.main.bottom().saturating_sub(area.y),
        ..area
    };
    resend::render_editor(app, above_footer, buf);
    footer::render_filter(app, areas.filter, buf);
    resend::render_prompt(app, areas.filter, buf);
    footer::render(app, areas.footer, buf);
    if let Some(scroll) = app.help_scroll() {
        help::render(app, scroll, area, buf);
    }
    confirm::render(app, area, buf);
}
