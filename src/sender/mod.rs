//! Playing the vendor's side: sample deliveries signed as each vendor signs them, the
//! token flow, retry policies, the demo stream, forwarding and replay.

pub mod deliver;
pub mod demo;
pub mod failed;
pub mod replay;
pub mod samples;

pub(crate) use crate::model::Outgoing;
pub(crate) use crate::provider::{Policy, sign};
pub(crate) use deliver::{Attempt, deliver, send_once};
