//! The vocabulary every layer speaks: what arrived, who sent it, what we found. It
//! imports nothing else of ours, so every other module can depend on it.

mod delivery;
mod findings;
mod provider;
mod request;
mod secret;
mod verification;

pub use delivery::{Delivery, Forward, Line, LineRef, ResponseSummary, new_id, rfc3339};
pub use findings::Findings;
pub use provider::{DetectedBy, ProviderId};
pub use request::{Outgoing, Request};
pub use secret::{Secret, env_var_name, mask};
pub use verification::{Evidence, Hint, Status, Verification};
