//! What hookscope made of a request: who sent it, what it is about, whether it is
//! authentic. Embedded wherever those facts travel (delivery, headless line, store row).

use serde::{Deserialize, Serialize};

use super::{DetectedBy, ProviderId, Verification};

/// Field order is the headless line's order: the struct is flattened into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    pub provider: ProviderId,
    pub event: Option<String>,
    /// The event name was inferred from the body rather than named by the vendor.
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub detected_by: DetectedBy,
    pub verification: Verification,
}
