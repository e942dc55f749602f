//! Views.
pub mod detail;
