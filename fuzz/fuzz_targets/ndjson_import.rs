//! NDJSON import of any bytes into an in-memory store: no panic, and the report accounts
//! for every non-empty line exactly once.
#![no_main]

use std::sync::OnceLock;

use hookscope::redact::Redactor;
use hookscope::store::{Store, import_ndjson};
use libfuzzer_sys::fuzz_target;

/// One store for the whole run: a store per input would spend the run starting threads.
fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| Store::in_memory().expect("an in-memory store opens"))
}

fuzz_target!(|data: &[u8]| {
    let report = import_ndjson(store(), data, &Redactor::default())
        .expect("an in-memory store accepts every import");
    let lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    let non_empty = lines.iter().filter(|l| !l.trim_ascii().is_empty()).count() as u64;
    let accounted = report.imported + report.duplicates + report.errors.len() as u64;
    assert_eq!(accounted, non_empty, "{report:?}");
    let mut last = 0;
    for (line, message) in &report.errors {
        assert!(*line > last && *line <= lines.len(), "{report:?}");
        assert!(!message.is_empty());
        last = *line;
    }
});
