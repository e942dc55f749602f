//! The vendors' published signing examples, verified by the general HMAC check and
//! reproduced by signing. The expected values are the vendors' own, not computed here.

use crate::model::Secret;
use crate::model::{Outgoing, Status};
use crate::signature::{
    Algorithm, Check, Credential, Encoding, HeaderFormat, HmacCheck, Input, KeyRef, SecretEncoding,
    Template, sign, verify,
};

fn key(secret: &str) -> KeyRef {
    KeyRef::new("Sender", Some(&Secret::new(secret)), "providers.x.secret")
}

/// One published example: the check, the request as it arrives and the header value.
struct Vector {
    check: HmacCheck,
    url: &'static str,
    /// Headers other than the signature (timestamp, id, content type).
    headers: Vec<(&'static str, &'static str)>,
    body: &'static [u8],
    now: i64,
    signature: &'static str,
}

impl Vector {
    fn verify(&self) -> crate::model::Verification {
        let u = reqwest::Url::parse(self.url).unwrap();
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        headers.push((self.check.header.to_string(), self.signature.to_string()));
        headers.push(("host".into(), "127.0.0.1:8080".into()));
        let input = Input {
            headers: &headers,
            body: self.body,
            method: "POST",
            path: u.path(),
            query: u.query(),
            now: self.now,
        };
        verify(&Check::Hmac(self.check.clone()), &input)
    }

    /// The headers signing adds, by name.
    fn sign(&self) -> Vec<(String, String)> {
        let out = Outgoing {
            method: "POST".into(),
            url: self.url.into(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: self.body.to_vec(),
        };
        match sign(&Check::Hmac(self.check.clone()), &out, self.now, false) {
            Some(Credential::Headers(h)) => h,
            other => panic!("an HMAC check signs headers: {other:?}"),
        }
    }

    fn assert_round(&self) {
        let v = self.verify();
        assert_eq!(v.status, Status::Verified, "{}", v.detail);
        let signed = self.sign();
        assert_eq!(signed[0].1, self.signature, "{signed:?}");
        for (name, value) in &self.headers {
            if let Some((_, v)) = signed.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                assert_eq!(v, value, "{name}");
            }
        }
    }
}

#[test]
fn standard_webhooks_published_vector() {
    Vector {
        check: HmacCheck::body(
            "standard-webhooks",
            "webhook-signature",
            Encoding::Base64,
            key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        )
        .format(HeaderFormat::StandardWebhooks)
        .signed(Template::parse("{id}.{timestamp}.{body}").unwrap())
        .timestamp(Some("webhook-timestamp"), 300)
        .id_header("webhook-id")
        .secret_encoding(SecretEncoding::Base64),
        url: "http://127.0.0.1:8080/standard-webhooks",
        headers: vec![
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
        ],
        body: br#"{"test": 2432232314}"#,
        now: 1_614_265_330,
        signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    .assert_round();
}

#[test]
fn standard_webhooks_any_v1_in_the_list_verifies_and_other_versions_are_ignored() {
    let mut v = Vector {
        check: HmacCheck::body(
            "standard-webhooks",
            "webhook-signature",
            Encoding::Base64,
            key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        )
        .format(HeaderFormat::StandardWebhooks)
        .signed(Template::parse("{id}.{timestamp}.{body}").unwrap())
        .timestamp(Some("webhook-timestamp"), 300)
        .id_header("webhook-id")
        .secret_encoding(SecretEncoding::Base64),
        url: "http://127.0.0.1:8080/standard-webhooks",
        headers: vec![
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
        ],
        body: br#"{"test": 2432232314}"#,
        // Within tolerance, after.
        now: 1_614_265_330 + 299,
        signature: "v1a,abc v2,Zm9v v1,AAAA v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    let verdict = v.verify();
    assert_eq!(verdict.status, Status::Verified, "{}", verdict.detail);
    // Tolerance holds both ways.
    v.now = 1_614_265_330 - 301;
    assert_eq!(v.verify().status, Status::Failed);
    v.now = 1_614_265_330 + 301;
    assert_eq!(v.verify().status, Status::Failed);
    v.signature = "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    v.now = 1_614_265_330;
    assert_eq!(v.verify().status, Status::Failed, "only v1 counts");
}

#[test]
fn github_published_vector() {
    Vector {
        check: HmacCheck::body(
            "github",
            "x-hub-signature-256",
            Encoding::Hex,
            key("It's a Secret to Everybody"),
        )
        .prefix("sha256="),
        url: "http://127.0.0.1:8080/github",
        headers: vec![],
        body: b"Hello, World!",
        now: 0,
        signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    }
    .assert_round();
}

const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

#[test]
fn slack_published_vector() {
    Vector {
        check: HmacCheck::body(
            "slack",
            "x-slack-signature",
            Encoding::Hex,
            key("8f742231b10e8888abcd99yyyzzz85a5"),
        )
        .prefix("v0=")
        .signed(Template::parse("v0:{timestamp}:{body}").unwrap())
        .timestamp(Some("x-slack-request-timestamp"), 300),
        url: "http://127.0.0.1:8080/slack",
        headers: vec![
            ("x-slack-request-timestamp", "1531420618"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        body: SLACK_BODY,
        now: 1_531_420_618,
        signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    .assert_round();
}

#[test]
fn twilio_published_vector_behind_a_tunnel() {
    let body: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";
    for public in [
        "https://mycompany.com",
        "https://mycompany.com/myapp.php?foo=1&bar=2",
    ] {
        Vector {
            check: HmacCheck::body(
                "twilio",
                "x-twilio-signature",
                Encoding::Base64,
                key("12345"),
            )
            .algorithm(Algorithm::Sha1)
            .signed(Template::parse("{url}{form_params_sorted}").unwrap())
            .public_url(Some(public.into())),
            // What hookscope sees behind a tunnel: another host, the same path and query.
            url: "http://127.0.0.1:8080/myapp.php?foo=1&bar=2",
            headers: vec![("content-type", "application/x-www-form-urlencoded")],
            body,
            now: 0,
            signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
        }
        .assert_round();
    }
}

#[test]
fn twilio_without_the_public_url_does_not_verify_behind_a_tunnel() {
    let v = Vector {
        check: HmacCheck::body("twilio", "x-twilio-signature", Encoding::Base64, key("12345"))
            .algorithm(Algorithm::Sha1)
            .signed(Template::parse("{url}{form_params_sorted}").unwrap()),
        url: "http://127.0.0.1:8080/myapp.php?foo=1&bar=2",
        headers: vec![("content-type", "application/x-www-form-urlencoded")],
        body: b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212",
        now: 0,
        signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    };
    assert_eq!(v.verify().status, Status::Failed);
}
