//! HMAC verification and diagnosis. Expected signatures are hard-coded, computed outside
//! this crate (Python's hmac module), so a bug shared by signer and verifier cannot hide.

use crate::model::Secret;
use crate::signature::{
    Check, Encoding, Hint, HmacCheck, Input, KeyRef, Status, Verification, verify,
};

const TS_SECRET: &str = "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA";
const TS_BODY: &str = r#"{"event":"interview.completed","id":"int_1"}"#;
const T: i64 = 1_763_650_000;
/// hex(HMAC(TS_SECRET, "1763650000." + TS_BODY))
const TS_OK: &str = "f7655d6b3dca7d7fa36788d22fbe558dc53fac0e393c0f3fffbc08724017b5bc";
/// Same message, key without the `whsec_` prefix.
const TS_BARE_KEY: &str = "e741b251a156d6693c69f3043b8cb7ccf2db583332e19dfb64cbac11848a23f8";
/// Same message, key = base64url-decoded part after `whsec_`.
const TS_DECODED_KEY: &str = "2ccf3f256269622cfc63447fd42a5b881f2d89b9629b0d94fa180c7eed7715dc";
/// Message with "\n" / "\r\n" appended to the body.
const TS_NL_ADDED: &str = "3accbcf8e2af195e133a090f378b586d1946365213230bcc18f94d1de50e949a";
const TS_CRLF_ADDED: &str = "07463d100b0ecbaa25cff870cfe0c8cc03264ab85e67fc60d952622d5b88b9ef";
/// Key "whsec_other".
const TS_OTHER_SECRET: &str = "ef29fefcc3ccaab0808a841e3f764f2654032736d42670c1b47b76e47e470683";

const CL_SECRET: &str = "classet_sig_secret_1b7e";
const CL_BODY: &str = r#"{"event":"candidate.interview.updated","data":{"candidate_id":"cand_1"}}"#;
const CL_PRETTY: &str = "{\n  \"event\": \"candidate.interview.updated\",\n  \"data\": {\n    \"candidate_id\": \"cand_1\"\n  }\n}";
/// base64url-no-pad(HMAC(CL_SECRET, CL_BODY)) and the same MAC in other encodings.
const CL_OK: &str = "XIZnNaEXobJRQ_uFXRa8bjlz_c8BGKnXOtOH0IrBTY0";
const CL_PADDED: &str = "XIZnNaEXobJRQ_uFXRa8bjlz_c8BGKnXOtOH0IrBTY0=";
const CL_STD: &str = "XIZnNaEXobJRQ/uFXRa8bjlz/c8BGKnXOtOH0IrBTY0=";
const CL_HEX: &str = "5c866735a117a1b25143fb855d16bc6e3973fdcf0118a9d73ad387d08ac14d8d";
/// Key "whsec_" + CL_SECRET.
const CL_WHSEC: &str = "lOhBduyfifBKQz9ZzQIs_bdoSxxmg8eAcZHbq4KurZ4";

fn ts_check(secret: Option<&str>) -> Check {
    Check::Hmac(HmacCheck::stripe(
        "talentsprout-hmac-sha256",
        "x-talentsprout-signature",
        300,
        KeyRef::new(
            "TalentSprout",
            secret.map(Secret::new).as_ref(),
            "providers.talentsprout.secret",
        ),
    ))
}

fn cl_check(secret: Option<&str>) -> Check {
    Check::Hmac(HmacCheck::body(
        "classet-hmac-sha256",
        "x-classet-webhook-signature",
        Encoding::Base64UrlNoPad,
        KeyRef::new(
            "Classet",
            secret.map(Secret::new).as_ref(),
            "providers.classet.secret",
        ),
    ))
}

/// Runs `check` and asserts that no secret leaks into what is shown.
fn run(check: &Check, headers: &[(&str, &str)], body: &str, now: i64) -> Verification {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect();
    let input = Input {
        headers: &headers,
        body: body.as_bytes(),
        method: "POST",
        path: "/",
        query: None,
        now,
    };
    let v = verify(check, &input);
    for secret in [TS_SECRET, &TS_SECRET[6..], CL_SECRET] {
        assert!(!v.detail.contains(secret), "secret in detail: {}", v.detail);
        if let Some(e) = &v.evidence {
            assert!(
                !format!("{e:?}").contains(secret),
                "secret in evidence: {e:?}"
            );
        }
    }
    v
}

fn ts(header: &str, body: &str, now: i64) -> Verification {
    run(
        &ts_check(Some(TS_SECRET)),
        &[("X-TalentSprout-Signature", header)],
        body,
        now,
    )
}

fn cl(sig: &str, body: &str) -> Verification {
    run(
        &cl_check(Some(CL_SECRET)),
        &[("x-classet-webhook-signature", sig)],
        body,
        0,
    )
}

fn assert_failed(v: &Verification, hint: Hint, needle: &str) {
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(hint), "{}", v.detail);
    assert!(
        v.detail.contains(needle),
        "detail {:?} lacks {needle:?}",
        v.detail
    );
}

#[test]
fn talentsprout_valid_signature_verifies() {
    let v = ts(&format!("t={T},v1={TS_OK}"), TS_BODY, T + 5);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    assert_eq!(v.hint, None);
    assert_eq!(v.scheme, "talentsprout-hmac-sha256");
    assert!(
        v.detail.contains("signed 5 s before receipt"),
        "{}",
        v.detail
    );
}

#[test]
fn evidence_shows_expected_received_payload_and_skew() {
    let header = format!("t={T},v1={TS_OTHER_SECRET}");
    let v = ts(&header, TS_BODY, T + 5);
    let e = v.evidence.expect("evidence");
    assert_eq!(e.expected.as_deref(), Some(TS_OK));
    assert_eq!(e.received.as_deref(), Some(header.as_str()));
    assert_eq!(
        e.signed_payload.as_deref(),
        Some(format!("{T}.{TS_BODY}").as_str())
    );
    assert_eq!(e.skew_secs, Some(5));
}

#[test]
fn any_of_several_v1_values_verifies() {
    let v = ts(
        &format!("t={T}, v1={TS_OTHER_SECRET}, v1={TS_OK}, v0=deadbeef"),
        TS_BODY,
        T,
    );
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    assert!(v.detail.contains("v1 value 2 of 2"), "{}", v.detail);
}

#[test]
fn stale_timestamp_says_by_how_much() {
    let v = ts(
        &format!("t={T},v1={TS_OK}"),
        TS_BODY,
        T + 2 * 3600 + 13 * 60,
    );
    assert_failed(
        &v,
        Hint::TimestampOutsideTolerance,
        "Signed 2 h 13 min before receipt; tolerance is 5 min.",
    );
    assert_eq!(v.evidence.and_then(|e| e.skew_secs), Some(7980));
}

#[test]
fn future_timestamp_suggests_clock_skew() {
    let v = ts(&format!("t={T},v1={TS_OK}"), TS_BODY, T - 600);
    assert_failed(
        &v,
        Hint::TimestampOutsideTolerance,
        "Signed 10 min after receipt (clock skew?); tolerance is 5 min.",
    );
}

#[test]
fn timestamp_at_the_tolerance_edge_verifies() {
    let v = ts(&format!("t={T},v1={TS_OK}"), TS_BODY, T + 300);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    let v = ts(&format!("t={T},v1={TS_OK}"), TS_BODY, T + 301);
    assert_eq!(v.hint, Some(Hint::TimestampOutsideTolerance));
}

#[test]
fn key_without_whsec_prefix_is_named() {
    let v = ts(&format!("t={T},v1={TS_BARE_KEY}"), TS_BODY, T);
    assert_failed(&v, Hint::SecretPrefix, "without its whsec_ prefix");
    assert!(
        v.detail
            .contains("TalentSprout signs with the whole whsec_")
    );
}

#[test]
fn base64_decoded_key_is_named() {
    let v = ts(&format!("t={T},v1={TS_DECODED_KEY}"), TS_BODY, T);
    assert_failed(&v, Hint::SecretPrefix, "base64-decoded part after whsec_");
}

#[test]
fn key_with_whsec_prefix_added_is_named() {
    let v = cl(CL_WHSEC, CL_BODY);
    assert_failed(&v, Hint::SecretPrefix, "whsec_ is put in front");
    assert!(
        v.detail.contains("providers.classet.secret"),
        "{}",
        v.detail
    );
}

#[test]
fn secret_prefix_wins_over_a_stale_timestamp() {
    let v = ts(&format!("t={T},v1={TS_BARE_KEY}"), TS_BODY, T + 7200);
    assert_eq!(v.hint, Some(Hint::SecretPrefix), "{}", v.detail);
}

#[test]
fn uppercase_hex_is_a_wrong_encoding() {
    let v = ts(&format!("t={T},v1={}", TS_OK.to_uppercase()), TS_BODY, T);
    assert_failed(
        &v,
        Hint::WrongEncoding,
        "The signature is uppercase hex; TalentSprout sends lowercase hex.",
    );
}

#[test]
fn padded_base64url_is_a_wrong_encoding() {
    let v = cl(CL_PADDED, CL_BODY);
    assert_failed(
        &v,
        Hint::WrongEncoding,
        "The signature is base64url with '=' padding; Classet sends base64url without padding.",
    );
}

#[test]
fn standard_base64_and_hex_are_wrong_encodings() {
    let v = cl(CL_STD, CL_BODY);
    assert_failed(
        &v,
        Hint::WrongEncoding,
        "base64 (standard alphabet) with '=' padding",
    );
    let v = cl(CL_HEX, CL_BODY);
    assert_failed(&v, Hint::WrongEncoding, "The signature is lowercase hex");
    let v = cl(&format!("sha256={CL_OK}"), CL_BODY);
    assert_failed(&v, Hint::WrongEncoding, "sha256= prefix");
}

#[test]
fn trailing_newline_added_in_transit() {
    let v = ts(&format!("t={T},v1={TS_OK}"), &format!("{TS_BODY}\n"), T);
    assert_failed(&v, Hint::TrailingNewline, r#"without its trailing "\n""#);
}

#[test]
fn one_newline_too_many_is_a_trailing_newline() {
    // Signed as `X\n`, received as `X\n\n`.
    let v = ts(
        &format!("t={T},v1={TS_NL_ADDED}"),
        &format!("{TS_BODY}\n\n"),
        T,
    );
    assert_failed(&v, Hint::TrailingNewline, r#"without its trailing "\n""#);
}

#[test]
fn newline_signed_but_not_sent() {
    let v = ts(&format!("t={T},v1={TS_NL_ADDED}"), TS_BODY, T);
    assert_failed(&v, Hint::TrailingNewline, r#"plus a trailing "\n""#);
    let v = ts(&format!("t={T},v1={TS_CRLF_ADDED}"), TS_BODY, T);
    assert_failed(&v, Hint::TrailingNewline, r#"plus a trailing "\r\n""#);
}

#[test]
fn classet_valid_signature_verifies() {
    let v = cl(CL_OK, CL_BODY);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    let e = v.evidence.expect("evidence");
    assert_eq!(e.expected.as_deref(), Some(CL_OK));
    assert_eq!(e.signed_payload.as_deref(), Some(CL_BODY));
    assert_eq!(e.skew_secs, None);
}

#[test]
fn pretty_printed_body_is_reserialized() {
    let v = cl(CL_OK, CL_PRETTY);
    assert_failed(&v, Hint::BodyReserialized, "compact JSON (JSON.stringify)");
    assert!(v.detail.contains("reformatted"), "{}", v.detail);
}

#[test]
fn reserialization_models_javascript_numbers() {
    // What a Node sender signs for this body: JSON.stringify writes 1.0 as 1 and 1e21 as
    // 1e+21, which serde_json would write as 1.0 and 1e21.
    let body = "{ \"score\": 1.0, \"big\": 1e21, \"small\": 0.0000001 }";
    let signed = r#"{"score":1,"big":1e+21,"small":1e-7}"#;
    let sig = Encoding::Base64UrlNoPad.encode(&crate::signature::hmac_sha256(
        CL_SECRET.as_bytes(),
        signed.as_bytes(),
    ));
    let v = cl(&sig, body);
    assert_failed(&v, Hint::BodyReserialized, "compact JSON (JSON.stringify)");
}

#[test]
fn trailing_newline_wins_over_reserialization() {
    // Both explanations fit; the less invasive one is reported.
    let v = cl(CL_OK, &format!("{CL_BODY}\n"));
    assert_eq!(v.hint, Some(Hint::TrailingNewline), "{}", v.detail);
}

#[test]
fn non_json_body_skips_reserialization() {
    let v = cl(CL_OK, "not json at all");
    assert_eq!(v.hint, Some(Hint::WrongSecret), "{}", v.detail);
}

#[test]
fn signature_in_another_header_is_named() {
    let v = run(
        &cl_check(Some(CL_SECRET)),
        &[("content-type", "application/json"), ("x-signature", CL_OK)],
        CL_BODY,
        0,
    );
    assert_failed(&v, Hint::HeaderName, "arrived in the x-signature header");
    let v = run(
        &ts_check(Some(TS_SECRET)),
        &[
            ("x-talentsprout-signature", "t=1,v1=00"),
            ("x-signature", &format!("t={T},v1={TS_OK}")),
        ],
        TS_BODY,
        T,
    );
    assert_failed(&v, Hint::HeaderName, "x-signature");
}

#[test]
fn absent_header_is_a_missing_credential() {
    let v = run(&cl_check(Some(CL_SECRET)), &[], CL_BODY, 0);
    assert_failed(
        &v,
        Hint::MissingCredential,
        "No x-classet-webhook-signature header arrived",
    );
}

#[test]
fn other_secret_is_a_wrong_secret_and_shows_the_mask_only() {
    let v = ts(&format!("t={T},v1={TS_OTHER_SECRET}"), TS_BODY, T);
    assert_failed(&v, Hint::WrongSecret, "most likely a different secret");
    assert!(v.detail.contains("whsec_••••dA"), "{}", v.detail);
}

#[test]
fn tampered_body_is_a_wrong_secret() {
    let v = cl(CL_OK, &CL_BODY.replace("cand_1", "cand_2"));
    assert_eq!(v.hint, Some(Hint::WrongSecret));
}

#[test]
fn unreadable_or_short_signatures_say_so() {
    let v = cl("not-a-mac!", CL_BODY);
    assert_failed(&v, Hint::WrongSecret, "not readable as hex or base64");
    let v = cl("abcd", CL_BODY);
    assert_failed(&v, Hint::WrongSecret, "not the 32 of an HMAC-SHA256");
}

#[test]
fn header_without_timestamp_is_malformed() {
    let v = ts(&format!("v1={TS_OK}"), TS_BODY, T);
    assert_failed(&v, Hint::WrongEncoding, "malformed: it has no t=");
    assert!(v.detail.contains("t=<unix seconds>,v1=<lowercase hex>"));
}

#[test]
fn header_without_signature_is_a_missing_credential() {
    let v = ts(&format!("t={T}"), TS_BODY, T);
    assert_failed(&v, Hint::MissingCredential, "no v1=");
    let v = ts("garbage", TS_BODY, T);
    assert_failed(&v, Hint::MissingCredential, "malformed");
    let v = ts(&format!("t=soon,v1={TS_OK}"), TS_BODY, T);
    assert_failed(&v, Hint::WrongEncoding, "t=soon is not a Unix timestamp");
    let v = cl("", CL_BODY);
    assert_failed(&v, Hint::MissingCredential, "empty");
}

#[test]
fn signature_without_secret_is_unchecked() {
    let v = run(
        &ts_check(None),
        &[("x-talentsprout-signature", &format!("t={T},v1={TS_OK}"))],
        TS_BODY,
        T,
    );
    assert_eq!(v.status, Status::Unchecked);
    assert_eq!(v.hint, None);
    assert!(
        v.detail.contains(
            "providers.talentsprout.secret in the config (or HOOKSCOPE_TALENTSPROUT_SECRET)"
        ),
        "{}",
        v.detail
    );
}

#[test]
fn nothing_configured_and_nothing_sent_is_unsigned() {
    let v = run(&cl_check(None), &[], CL_BODY, 0);
    assert_eq!(v.status, Status::Unsigned);
    // An empty secret counts as none.
    let v = run(&cl_check(Some("")), &[], CL_BODY, 0);
    assert_eq!(v.status, Status::Unsigned);
}

#[test]
fn header_lookup_ignores_case() {
    let headers = vec![("X-Classet-Webhook-Signature".to_string(), CL_OK.to_string())];
    let input = Input {
        headers: &headers,
        body: CL_BODY.as_bytes(),
        method: "POST",
        path: "/classet",
        query: None,
        now: 0,
    };
    assert_eq!(
        verify(&cl_check(Some(CL_SECRET)), &input).status,
        Status::Verified
    );
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let v = ts(&format!("t={},v1={TS_OK}", i64::MIN), TS_BODY, i64::MAX);
    assert_eq!(v.status, Status::Failed);
}

#[test]
fn sender_text_in_details_is_escaped_and_capped() {
    use super::shown;
    assert_eq!(shown("x-sig"), "x-sig");
    assert_eq!(shown("a\n\u{1b}[31mb"), "a\\n\\u{1b}[31mb");
    let long = "k".repeat(200);
    assert_eq!(shown(&long).chars().count(), 81);
    assert!(shown(&long).ends_with('…'));
}
