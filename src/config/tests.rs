use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_parts(text, Some(PathBuf::from("/tmp/h.toml")), &[])
}

#[test]
fn defaults_without_a_file() {
    let c = parse("").unwrap();
    assert_eq!(c.server.addr, "127.0.0.1:8787");
    assert_eq!(c.server.max_body_bytes, 10 * 1024 * 1024);
    assert_eq!(c.providers.talentsprout.tolerance_secs, 300);
    assert_eq!(c.providers.clearspeed.api_key_header, "x-api-key");
}

#[test]
fn unknown_key_is_an_error_naming_key_and_file() {
    let err = parse("[providers.talentsprout]\nscret = \"x\"\n").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("scret"), "{msg}");
    assert!(msg.contains("/tmp/h.toml"), "{msg}");
}

#[test]
fn env_overrides_secret_and_numbers() {
    let env = vec![
        (
            "HOOKSCOPE_TALENTSPROUT_SECRET".to_string(),
            "whsec_env".to_string(),
        ),
        (
            "HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS".to_string(),
            "600".to_string(),
        ),
        ("HOOKSCOPE_LOG".to_string(), "debug".to_string()),
    ];
    let c = Config::from_parts("", None, &env).unwrap();
    assert_eq!(
        c.providers.talentsprout.secret.unwrap().expose(),
        "whsec_env"
    );
    assert_eq!(c.providers.talentsprout.tolerance_secs, 600);
}

#[test]
fn scheme_sections_read_from_the_file_and_the_environment() {
    let text = "[providers.standard-webhooks]\nsecret = \"whsec_from_file_1\"\n\
                tolerance_secs = 60\n[providers.twilio]\npublic_url = \"https://t.example/twilio\"\n\
                [providers.github.response]\nstatus = 202\n";
    let env = vec![
        (
            "HOOKSCOPE_STANDARD_WEBHOOKS_SECRET".to_string(),
            "whsec_from_env_1".to_string(),
        ),
        (
            "HOOKSCOPE_TWILIO_AUTH_TOKEN".to_string(),
            "twilio_token_1".to_string(),
        ),
        (
            "HOOKSCOPE_STRIPE_TOLERANCE_SECS".to_string(),
            "90".to_string(),
        ),
        (
            "HOOKSCOPE_SLACK_SECRET".to_string(),
            "slack_secret_1".to_string(),
        ),
    ];
    let c = Config::from_parts(text, None, &env).unwrap();
    let p = &c.providers;
    assert_eq!(
        p.standard_webhooks.secret.as_ref().unwrap().expose(),
        "whsec_from_env_1"
    );
    assert_eq!(p.standard_webhooks.tolerance_secs, 60);
    assert_eq!(p.stripe.tolerance_secs, 90);
    assert_eq!(
        p.twilio.auth_token.as_ref().unwrap().expose(),
        "twilio_token_1"
    );
    assert_eq!(
        p.twilio.public_url.as_deref(),
        Some("https://t.example/twilio")
    );
    assert_eq!(c.response_for(Some("github")).status, 202);
    assert_eq!(c.response_for(Some("shopify")).status, 200);
    let names: Vec<&str> = c.secrets().iter().map(|(n, _)| *n).collect();
    assert!(
        names.contains(&"providers.standard-webhooks.secret"),
        "{names:?}"
    );
    assert!(names.contains(&"providers.twilio.auth_token"), "{names:?}");
    assert_eq!(
        env_var_name("standard-webhooks", "secret"),
        "HOOKSCOPE_STANDARD_WEBHOOKS_SECRET"
    );
    let mut c = c;
    assert!(c.secret_slot("providers.slack.secret").is_some());
    let err = parse("[providers.github]\ntolerance_secs = 5\n").unwrap_err();
    assert!(err.to_string().contains("tolerance_secs"), "{err}");
}

#[test]
fn unknown_env_key_is_an_error() {
    let env = vec![("HOOKSCOPE_CLASSET_SCRET".to_string(), "x".to_string())];
    let err = Config::from_parts("", None, &env).unwrap_err();
    assert!(err.to_string().contains("scret"), "{err}");
}

#[test]
fn errors_name_the_setting_and_never_echo_a_value() {
    let secret = "whsec_misplaced_SECRET_42";
    let texts = [
        format!("[providers.talentsprout]\ntolerance_secs = \"{secret}\"\n"),
        format!("[providers.classet]\nresponse = \"{secret}\"\n"),
        format!("[providers.clearspeed]\napi_key = [\"{secret}\"]\n"),
        format!("[server]\nmax_body_bytes = \"{secret}\"\n"),
        format!("[providers.classet]\nsecret = \"{secret}\" junk\n"),
        format!("[providers.classet]\nsecret = \"{secret}\"\nsecret = \"{secret}\"\n"),
        format!("[providers.classet]\nsecret = {secret}\n"),
    ];
    for text in &texts {
        let err = parse(text).unwrap_err().to_string();
        assert!(!err.contains(secret), "{text}: {err}");
    }
    let err = parse(&texts[0]).unwrap_err().to_string();
    assert!(
        err.contains("[redacted:providers.talentsprout.tolerance_secs]"),
        "{err}"
    );
    for (var, value) in [
        ("HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS", secret),
        ("HOOKSCOPE_CLASSET_RESPONSE", secret),
    ] {
        let env = vec![(var.to_string(), value.to_string())];
        let err = Config::from_parts("", None, &env).unwrap_err().to_string();
        assert!(!err.contains(secret), "{var}: {err}");
    }
}

#[test]
fn a_status_outside_http_is_an_error_naming_the_key() {
    let err = parse("[response]\nstatus = 700\n").unwrap_err().to_string();
    assert!(err.contains("response.status = 700"), "{err}");
    let err = parse("[providers.classet.response]\nstatus = 42\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("providers.classet.response.status"), "{err}");
    assert!(parse("[response]\nstatus = 599\n").is_ok());
}

#[test]
fn an_environment_error_names_the_variable_not_the_file() {
    let env = vec![(
        "HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS".to_string(),
        "soon".to_string(),
    )];
    let err = Config::from_parts("", Some(PathBuf::from("/tmp/h.toml")), &env)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS"),
        "{err}"
    );
    assert!(!err.contains("/tmp/h.toml"), "{err}");
}

#[test]
fn short_secrets_are_warned_about() {
    let c =
        parse("[providers.classet]\nsecret = \"abc\"\napi_key = \"long_enough_key\"\n").unwrap();
    let w = c.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("providers.classet.secret"), "{w:?}");
    let tight = parse("[server]\nmax_inflight_bytes = 1048576\n").unwrap();
    assert!(tight.warnings()[0].contains("always answered 503"));
    assert!(parse("").unwrap().warnings().is_empty());
}

#[test]
fn provider_response_override_falls_back() {
    let c = parse(
        "[response]\nstatus = 202\ndelay_ms = 5\n[providers.clearspeed.response]\nstatus = 204\n",
    )
    .unwrap();
    let r = c.response_for(Some("clearspeed"));
    assert_eq!((r.status, r.delay_ms), (204, 5));
    assert_eq!(c.response_for(Some("classet")).status, 202);
}

#[test]
fn secrets_are_masked_in_debug() {
    let c = parse("[providers.classet]\nsecret = \"classet_sig_secret_1b7e\"\n").unwrap();
    let dump = format!("{c:?}");
    assert!(!dump.contains("classet_sig_secret_1b7e"), "{dump}");
    assert_eq!(c.secrets().len(), 1);
}

mod example {
    #[test]
    fn shipped_example_config_parses() {
        let text = include_str!("../../assets/hookscope.example.toml");
        let c = super::Config::from_parts(text, None, &[]).unwrap();
        assert_eq!(c.server.addr, super::DEFAULT_ADDR);
        // The commented scheme is the README's example: valid once uncommented.
        let scheme: String = text
            .lines()
            .skip_while(|l| !l.starts_with("# [schemes.acme]"))
            .map(|l| format!("{}\n", l.trim_start_matches("# ")))
            .collect();
        let c = super::Config::from_parts(&scheme, None, &[]).unwrap();
        assert_eq!(c.schemes[0].route, Some("/acme"));
    }
}
