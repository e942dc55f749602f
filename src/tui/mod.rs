//! The terminal UI.
pub mod view;
