use super::*;
use crate::config::Config;

#[test]
fn secrets_in_headers_path_and_query_become_markers_and_back() {
    let config = Config::from_parts(
        "[providers.clearspeed]\napi_key = \"cs_live_key_123\"\n[providers.brilliant]\nurl_key = \"brkey999\"\n",
        None,
        &[],
    )
    .unwrap();
    let r = Redactor::from_config(&config);
    let mut req = Request {
        method: "POST".into(),
        path: "/brilliant/brkey999".into(),
        query: Some("key=brkey999".into()),
        headers: vec![("x-api-key".into(), "cs_live_key_123".into())],
        body: bytes::Bytes::from_static(b"cs_live_key_123 stays in the body"),
        body_bytes: 33,
        body_truncated: false,
        peer: None,
    };
    r.apply(&mut req);
    assert_eq!(req.headers[0].1, "[redacted:providers.clearspeed.api_key]");
    assert_eq!(
        req.path,
        "/brilliant/[redacted:providers.brilliant.url_key]"
    );
    assert_eq!(
        req.query.as_deref(),
        Some("key=[redacted:providers.brilliant.url_key]")
    );
    assert!(req.body.starts_with(b"cs_live_key_123"));
    assert_eq!(r.restore_text(&req.path), "/brilliant/brkey999");
}

#[test]
fn percent_encoded_secrets_in_the_url_are_redacted_too() {
    let config = Config::from_parts(
        "[providers.brilliant]\nurl_key = \"br+key=a/b\"\n",
        None,
        &[],
    )
    .unwrap();
    let r = Redactor::from_config(&config);
    let mut req = Request {
        method: "POST".into(),
        path: "/brilliant/br%2Bkey%3Da%2Fb".into(),
        query: Some("x=1&key=br%2bkey%3Da%2Fb&tail=br%2Bkey%3Da%2Fb%20and%26more".into()),
        headers: Vec::new(),
        body: bytes::Bytes::new(),
        body_bytes: 0,
        body_truncated: false,
        peer: None,
    };
    r.apply(&mut req);
    let marker = "[redacted:providers.brilliant.url_key]";
    assert_eq!(req.path, format!("/brilliant/{marker}"));
    assert_eq!(
        req.query.as_deref(),
        Some(format!("x=1&key={marker}&tail={marker}%20and%26more").as_str())
    );
    // Restored into a URL, the key is encoded again and reads back the same.
    let path = r.restore_url(&req.path);
    assert_eq!(path, "/brilliant/br%2Bkey%3Da%2Fb");
    let route = crate::provider::route(&path, None);
    assert_eq!(route.url_key.as_deref(), Some("br+key=a/b"));
    let query = r.restore_url(req.query.as_deref().unwrap());
    assert_eq!(
        crate::provider::query_param(Some(&query), "key").as_deref(),
        Some("br+key=a/b")
    );
}

#[test]
fn a_secret_across_path_segments_is_redacted() {
    let config = Config::from_parts(
        "[providers.brilliant]\nurl_key = \"br+key=a/b\"\n",
        None,
        &[],
    )
    .unwrap();
    let r = Redactor::from_config(&config);
    let marker = "[redacted:providers.brilliant.url_key]";
    let mut req = Request {
        method: "POST".into(),
        path: "/xbr+key=a/by/%41".into(),
        query: Some("k=br%2Bkey=a/b&x=1".into()),
        headers: Vec::new(),
        body: bytes::Bytes::new(),
        body_bytes: 0,
        body_truncated: false,
        peer: None,
    };
    r.apply(&mut req);
    assert_eq!(req.path, format!("/x{marker}y/%41"));
    // Spread over two query parts: stored decoded, its separators kept.
    assert_eq!(
        req.query.as_deref(),
        Some(format!("k={marker}&x=1").as_str())
    );

    let mut req = Request {
        path: "/brilliant/br%2Bkey%3Da/b".into(),
        query: None,
        ..req
    };
    r.apply(&mut req);
    assert_eq!(req.path, format!("/brilliant/{marker}"));
}

#[test]
fn url_parts_without_a_secret_are_kept_as_written() {
    let config =
        Config::from_parts("[providers.brilliant]\nurl_key = \"brkey999\"\n", None, &[]).unwrap();
    let r = Redactor::from_config(&config);
    let mut req = Request {
        method: "POST".into(),
        path: "/brilliant/a%2Fb/brkey999".into(),
        query: Some("q=%41+b&&key=brkey999&=".into()),
        headers: Vec::new(),
        body: bytes::Bytes::new(),
        body_bytes: 0,
        body_truncated: false,
        peer: None,
    };
    r.apply(&mut req);
    assert_eq!(
        req.path,
        "/brilliant/a%2Fb/[redacted:providers.brilliant.url_key]"
    );
    assert_eq!(
        req.query.as_deref(),
        Some("q=%41+b&&key=[redacted:providers.brilliant.url_key]&=")
    );
}

#[test]
fn text_loses_every_written_form_of_a_secret() {
    let config = Config::from_parts(
        "[providers.brilliant]\nurl_key = \"br+key=\\\"a/b\\\"\"\n",
        None,
        &[],
    )
    .unwrap();
    let r = Redactor::from_config(&config);
    let marker = "[redacted:providers.brilliant.url_key]";
    for form in [
        "br+key=\"a/b\"",
        "br%2Bkey%3D%22a%2Fb%22",
        "br%2bkey%3d%22a%2fb%22",
        "br+key=\\\"a/b\\\"",
    ] {
        assert_eq!(
            r.redact_text(&format!("x {form} y")),
            format!("x {marker} y")
        );
    }
    let mut v = serde_json::json!({"br+key=\"a/b\"": ["GET /br%2Bkey%3D%22a%2Fb%22", 1]});
    r.apply(&mut v);
    assert_eq!(
        v,
        serde_json::json!({marker: [format!("GET /{marker}"), 1]})
    );
    assert_eq!(
        markers_in(&format!("{marker} and {marker} [redacted:x.y]")),
        ["providers.brilliant.url_key", "x.y"]
    );
}
