//! How the detail's tabs name a delivery: a short id, a time, the vendor.

use chrono::{DateTime, Utc};

use crate::model::ProviderId;
use crate::provider;

/// `0190abcd-1234…`: enough of a time-ordered id to tell deliveries apart.
pub(crate) fn short_id(id: &str) -> String {
    let cut: String = id.chars().take(13).collect();
    if cut.len() < id.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The vendor's own spelling of its name.
pub(crate) fn vendor_name(p: ProviderId) -> &'static str {
    provider::vendor(p).map_or("unknown", |v| v.name())
}
