//! `t=…,v1=…` headers: any text parses or is refused with a reason, and what parses is
//! usable as is.
#![no_main]

use hookscope::signature::parse_stripe_header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_stripe_header(&text) {
        Ok(h) => {
            let t = h.t.expect("a parsed header has a timestamp");
            let t_text = h.t_text.as_deref().expect("and the text that was signed");
            assert_eq!(t_text.parse::<i64>().ok(), Some(t));
            assert!(text.contains(t_text));
            assert!(!h.v1.is_empty());
            assert!(
                h.v1.iter()
                    .all(|v| !v.is_empty() && text.contains(v.as_str()))
            );
        }
        Err(reason) => assert!(!reason.is_empty()),
    }
});
