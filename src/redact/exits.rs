//! What can leave hookscope, and which of its parts can hold a secret. The body of a
//! request is the vendor's data: it is kept exactly and never rewritten.

use crate::model::{Delivery, Forward, Request, Verification};

use super::Redactor;

/// A value that is written somewhere: [`Redactor::apply`] masks it in place.
pub trait Redact {
    fn redact_with(&mut self, r: &Redactor);
}

impl Redact for String {
    fn redact_with(&mut self, r: &Redactor) {
        if r.forms.iter().any(|(form, _)| self.contains(form.as_str())) {
            *self = r.redact_text(self);
        }
    }
}

impl<T: Redact> Redact for Option<T> {
    fn redact_with(&mut self, r: &Redactor) {
        if let Some(v) = self {
            v.redact_with(r);
        }
    }
}

impl<T: Redact> Redact for Vec<T> {
    fn redact_with(&mut self, r: &Redactor) {
        for v in self {
            v.redact_with(r);
        }
    }
}

impl Redact for Request {
    fn redact_with(&mut self, r: &Redactor) {
        r.redact_request(self);
    }
}

impl Redact for Forward {
    fn redact_with(&mut self, r: &Redactor) {
        self.url.redact_with(r);
        self.error.redact_with(r);
        self.body.redact_with(r);
        self.warnings.redact_with(r);
    }
}

impl Redact for Verification {
    fn redact_with(&mut self, r: &Redactor) {
        self.detail.redact_with(r);
    }
}

impl Redact for Delivery {
    fn redact_with(&mut self, r: &Redactor) {
        self.request.redact_with(r);
        self.findings.event.redact_with(r);
        self.findings.subject.redact_with(r);
        self.findings.verification.redact_with(r);
        self.forward.redact_with(r);
    }
}

/// Fetched API answers and anything else kept as JSON: every string, keys included.
impl Redact for serde_json::Value {
    fn redact_with(&mut self, r: &Redactor) {
        match self {
            serde_json::Value::String(s) => s.redact_with(r),
            serde_json::Value::Array(items) => items.redact_with(r),
            serde_json::Value::Object(map) => {
                let needs_new_keys = map.keys().any(|k| r.redact_text(k) != *k);
                if needs_new_keys {
                    let old = std::mem::take(map);
                    for (k, mut v) in old {
                        v.redact_with(r);
                        map.insert(r.redact_text(&k), v);
                    }
                } else {
                    for v in map.values_mut() {
                        v.redact_with(r);
                    }
                }
            }
            _ => {}
        }
    }
}
