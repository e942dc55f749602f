//! Stripe-style signature headers: `t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`.

/// A parsed `t=…,v1=…` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StripeHeader {
    pub t: Option<i64>,
    /// `t` exactly as written: the sender signs this text, not a re-formatted number.
    pub t_text: Option<String>,
    /// Every `v1=` value, in order: more than one during a secret rotation.
    pub v1: Vec<String>,
    /// Schemes other than `t` and `v1` (e.g. `v0`), ignored for verification.
    pub ignored: Vec<String>,
}

/// Parses a Stripe-style header; `Err` says in plain words what is wrong with it.
pub fn parse_stripe_header(s: &str) -> Result<StripeHeader, String> {
    let mut header = StripeHeader::default();
    let mut bad_t = None;
    if s.trim().is_empty() {
        return Err("the header is empty".into());
    }
    for part in s.split(',') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "t" if header.t.is_none() => match value.parse::<i64>() {
                Ok(t) => {
                    header.t = Some(t);
                    header.t_text = Some(value.to_string());
                }
                Err(_) => bad_t = Some(value.to_string()),
            },
            "t" => {}
            "v1" if !value.is_empty() => header.v1.push(value.to_string()),
            "v1" => {}
            other => header.ignored.push(other.to_string()),
        }
    }
    if header.t.is_none() {
        return Err(match bad_t {
            Some(v) => format!("t={v} is not a Unix timestamp in seconds"),
            None => "it has no t=<unix seconds> part".into(),
        });
    }
    if header.v1.is_empty() {
        return Err(if header.ignored.iter().any(|k| k == "v0") {
            "it carries only v0= signatures and no v1= signature".into()
        } else {
            "it has no v1=<signature> part".into()
        });
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let h = parse_stripe_header("t=1763650000,v1=abc123").unwrap();
        assert_eq!(h.t, Some(1_763_650_000));
        assert_eq!(h.v1, ["abc123"]);
    }

    #[test]
    fn tolerates_spaces_rotation_and_unknown_schemes() {
        let h = parse_stripe_header(" t = 17 , v1=aa ,v0=zz, v1= bb,x=1").unwrap();
        assert_eq!(h.t, Some(17));
        assert_eq!(h.t_text.as_deref(), Some("17"));
        assert_eq!(h.v1, ["aa", "bb"]);
        assert_eq!(h.ignored, ["v0", "x"]);
    }

    #[test]
    fn order_of_parts_does_not_matter() {
        let h = parse_stripe_header("v1=aa,t=5").unwrap();
        assert_eq!((h.t, h.v1.len()), (Some(5), 1));
    }

    #[test]
    fn keeps_the_timestamp_text_that_was_signed() {
        let h = parse_stripe_header("t=+0017,v1=aa").unwrap();
        assert_eq!((h.t, h.t_text.as_deref()), (Some(17), Some("+0017")));
    }

    #[test]
    fn negative_timestamps_parse() {
        assert_eq!(parse_stripe_header("t=-5,v1=aa").unwrap().t, Some(-5));
    }

    #[test]
    fn explains_a_missing_timestamp() {
        let e = parse_stripe_header("v1=abc").unwrap_err();
        assert!(e.contains("no t="), "{e}");
    }

    #[test]
    fn explains_a_non_numeric_timestamp() {
        let e = parse_stripe_header("t=yesterday,v1=abc").unwrap_err();
        assert!(e.contains("t=yesterday is not a Unix timestamp"), "{e}");
        let e = parse_stripe_header("t=1.5,v1=abc").unwrap_err();
        assert!(e.contains("t=1.5"), "{e}");
    }

    #[test]
    fn explains_a_missing_v1() {
        let e = parse_stripe_header("t=1").unwrap_err();
        assert!(e.contains("no v1="), "{e}");
        let e = parse_stripe_header("t=1,v0=abc").unwrap_err();
        assert!(e.contains("only v0="), "{e}");
        let e = parse_stripe_header("t=1,v1=").unwrap_err();
        assert!(e.contains("no v1="), "{e}");
    }

    #[test]
    fn empty_and_bare_values_are_errors() {
        assert!(parse_stripe_header("").is_err());
        assert!(parse_stripe_header("   ").is_err());
        assert!(parse_stripe_header("36c36c75c8299ec1").is_err());
    }
}
