//! hookscope: receive, verify, store and inspect webhook deliveries from hiring-assessment
//! and AI-interview platforms.

pub mod cli;
pub mod config;
pub mod config_file;
pub mod forward;
pub mod headless;
pub mod ingest;
pub mod model;
pub mod oauth;
pub mod provider;
pub mod redact;
pub mod sanitize;
pub mod sender;
pub mod signature;
pub mod store;
pub mod tui;
