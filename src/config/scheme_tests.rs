//! `[schemes.NAME]` as the config reads it: defaults, the environment, errors naming keys.

use crate::config::{Config, ConfigError};

const BASE: &str = "[schemes.cfg-acme]\nheader = \"X-Acme-Signature\"\n";

fn parse(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_parts(text, None, &env)
}

fn error(text: &str) -> String {
    parse(text, &[]).unwrap_err().to_string()
}

#[test]
fn defaults_and_the_environment_by_the_longest_name() {
    let text = format!(
        "{BASE}[schemes.cfg-acme-pay]\nheader = \"X-Pay-Sig\"\ntimestamp_header = \"X-Pay-Ts\"\n"
    );
    let env = [
        ("HOOKSCOPE_CFG_ACME_SECRET", "acme_secret_from_env"),
        ("HOOKSCOPE_CFG_ACME_PAY_SECRET", "pay_secret_from_env"),
        ("HOOKSCOPE_CFG_ACME_PAY_TOLERANCE_SECS", "60"),
    ];
    let mut c = parse(&text, &env).unwrap();
    let acme = c.scheme("cfg-acme").unwrap();
    assert_eq!(
        acme.secret.as_ref().unwrap().expose(),
        "acme_secret_from_env"
    );
    assert_eq!(acme.algorithm, crate::signature::Algorithm::Sha256);
    assert_eq!(acme.signed.to_string(), "{body}");
    let pay = c.scheme("cfg-acme-pay").unwrap();
    assert_eq!(pay.secret.as_ref().unwrap().expose(), "pay_secret_from_env");
    assert_eq!(pay.tolerance_secs, 60);
    let names: Vec<&str> = c.secrets().iter().map(|(n, _)| *n).collect();
    assert!(names.contains(&"schemes.cfg-acme-pay.secret"), "{names:?}");
    let slot = c.secret_slot("schemes.cfg-acme.secret").unwrap();
    *slot = Some(crate::config::Secret::new("edited_secret_value"));
    assert_eq!(
        c.scheme("cfg-acme")
            .unwrap()
            .secret
            .as_ref()
            .unwrap()
            .expose(),
        "edited_secret_value"
    );
    let err = parse(BASE, &[("HOOKSCOPE_CFG_ACME_ALGORITHM", "md5")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("schemes.cfg-acme.algorithm: unknown \"md5\""),
        "{err}"
    );
}

#[test]
fn answer_and_sender_overrides_and_short_secrets_work_as_for_a_vendor() {
    let c = parse(
        &format!("{BASE}secret = \"short\"\n[schemes.cfg-acme.response]\nstatus = 202\n[schemes.cfg-acme.sender]\nretries = 4\n"),
        &[],
    )
    .unwrap();
    assert_eq!(c.response_for(Some("cfg-acme")).status, 202);
    assert_eq!(c.sender_for("cfg-acme").and_then(|s| s.retries), Some(4));
    assert!(
        c.warnings()[0].contains("schemes.cfg-acme.secret"),
        "{:?}",
        c.warnings()
    );
    let err = error(&format!("{BASE}[schemes.cfg-acme.response]\nstatus = 42\n"));
    assert!(err.contains("schemes.cfg-acme.response.status"), "{err}");
}

#[test]
fn errors_name_the_key_and_never_a_long_value() {
    let long = "whsec_misplaced_secret_value_123";
    let cases = [
        (
            format!("{BASE}algorithm = \"{long}\"\n"),
            "schemes.cfg-acme.algorithm: unknown value",
        ),
        (
            format!("{BASE}signed = \"{{timestamp}}.{{body}}\"\n"),
            "timestamp_header is not set",
        ),
        (
            format!("{BASE}signed = \"{{id}}.{{body}}\"\n"),
            "id_header is not set",
        ),
        (
            format!("{BASE}tolerance_secs = 5\n"),
            "schemes.cfg-acme.tolerance_secs",
        ),
        (
            format!("{BASE}tolerance_secs = \"{long}\"\n"),
            "schemes.cfg-acme.tolerance_secs",
        ),
        (
            format!("{BASE}event = \"/a\"\nevent_header = \"X-E\"\n"),
            "not both",
        ),
        (
            format!("{BASE}subject = \"{long}\"\n"),
            "schemes.cfg-acme.subject: not a JSON pointer",
        ),
        (format!("{BASE}route = \"/\"\n"), "schemes.cfg-acme.route"),
        (format!("{BASE}route = \"/oauth/x\"\n"), "token endpoint"),
        (
            format!("{BASE}route = \"/Classet/x\"\n"),
            "built-in classet route",
        ),
        (
            "[schemes.cfg-acme]\nheader = \"X Bad\"\n".to_string(),
            "schemes.cfg-acme.header: not a header name",
        ),
        (
            format!("{BASE}secret = 5\n"),
            "schemes.cfg-acme.secret: expected text",
        ),
        (
            "[schemes.Acme]\nheader = \"x\"\n".to_string(),
            "schemes.Acme: a scheme's name",
        ),
        (
            "[schemes.standard_webhooks]\nheader = \"x\"\n".to_string(),
            "built-in provider standard-webhooks",
        ),
        (
            "[schemes.unknown]\nheader = \"x\"\n".to_string(),
            "built-in provider unknown",
        ),
        (
            "[schemes.a-b]\nheader = \"x\"\n[schemes.a_b]\nheader = \"y\"\n".to_string(),
            "environment variables",
        ),
        ("schemes = 3\n".to_string(), "schemes: expected"),
    ];
    for (text, expected) in cases {
        let err = error(&text);
        assert!(err.contains(expected), "{text}: {err}");
        assert!(!err.contains(long), "{text}: {err}");
    }
}

#[test]
fn a_route_owns_its_path_and_what_is_below_it() {
    let c = parse(&format!("{BASE}route = \"/hooks/acme/\"\n"), &[]).unwrap();
    let s = c.scheme("cfg-acme").unwrap();
    assert_eq!(s.route, Some("/hooks/acme"));
    assert!(s.owns_path("/hooks/acme"));
    assert!(s.owns_path("/hooks/acme/x"));
    assert!(!s.owns_path("/hooks/acmex"));
}

#[test]
fn an_error_from_the_environment_names_the_variable() {
    let env = [("HOOKSCOPE_CFG_ACME_ENCODING", "base32")];
    let e = parse(BASE, &env).unwrap_err().to_string();
    assert!(e.contains("HOOKSCOPE_CFG_ACME_ENCODING"), "{e}");
    assert!(e.contains("encoding"), "{e}");
    assert!(!e.contains("<defaults>"), "{e}");
    // The same mistake in the file names the file's key.
    let e = error(&format!("{BASE}encoding = \"base32\"\n"));
    assert!(e.contains("schemes.cfg-acme.encoding"), "{e}");
}
