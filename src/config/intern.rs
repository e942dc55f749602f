//! Interned text, for names that configs define at run time.

use std::sync::RwLock;

/// Interned text: settings and routes are `&'static str` wherever they are named. It
/// grows with the distinct names configs define, never with deliveries.
pub(super) fn intern(text: &str) -> &'static str {
    static TEXTS: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());
    if let Some(t) = TEXTS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|t| **t == text)
    {
        return t;
    }
    let mut texts = TEXTS.write().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = texts.iter().find(|t| **t == text) {
        return t;
    }
    let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
    texts.push(leaked);
    leaked
}
