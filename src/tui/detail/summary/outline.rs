//! The signed-scheme vendors' summaries: each section's labelled fields, as the vendor
//! unit chose them.

use crate::provider::outline::Outline;
use crate::tui::widgets::doc::Doc;

pub(crate) fn render(d: &mut Doc, o: &Outline) {
    for s in &o.sections {
        d.heading(&s.heading);
        for f in &s.fields {
            d.field_opt(&f.label, f.value.as_deref());
        }
        for n in &s.notes {
            d.note(n);
        }
    }
}
