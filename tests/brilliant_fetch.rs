//! Brilliant's follow-up fetch, through the real receiver: only verified deliveries are
//! fetched, with API V2's key pair, and never faster than the vendor's limits allow.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use common::*;

const URL_KEY: &str = "br-url-key-7781";

/// Each request the API got: when, for which id, with which key headers.
type Seen = Arc<Mutex<Vec<(Instant, String, Option<String>, Option<String>)>>>;

fn api() -> (String, Seen, tokio::runtime::Runtime) {
    async fn response(
        State(seen): State<Seen>,
        Path(id): Path<String>,
        headers: HeaderMap,
    ) -> String {
        let h = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        seen.lock().unwrap().push((
            Instant::now(),
            id.clone(),
            h("x-public-key"),
            h("x-private-key"),
        ));
        format!("{{\"ResponseId\":{id},\"Score\":42}}")
    }
    let seen = Seen::default();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/api/v2/responses/{id}", get(response))
        .with_state(Arc::clone(&seen));
    rt.spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen, rt)
}

fn body(id: u64) -> Vec<u8> {
    format!(
        "{{\"EventType\":\"response.completed\",\"Timestamp\":1773859449,\
         \"Data\":{{\"ResponseId\":{id}}}}}"
    )
    .into_bytes()
}

fn fetched(s: &Server, id_of_body: u64) -> Option<String> {
    s.db()
        .query_row(
            "SELECT fetched FROM deliveries WHERE subject = ?1",
            [id_of_body.to_string()],
            |r| r.get::<_, Option<String>>(0),
        )
        .ok()
        .flatten()
}

fn wait_for(s: &Server, id: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(f) = fetched(s, id) {
            return f;
        }
        assert!(Instant::now() < deadline, "nothing fetched for {id}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn only_verified_deliveries_are_fetched_with_the_key_pair_within_the_limits() {
    let (base, seen, _rt) = api();
    let s = Server::start(&format!(
        "[providers.brilliant]\nurl_key = \"{URL_KEY}\"\napi_base = \"{base}\"\n\
         public_key = \"pub-tenant-1\"\nprivate_key = \"priv-SECRET-2\"\n"
    ));

    // A wrong URL key: recorded as failed, and the API is not asked.
    let (status, _) = s.post("/brilliant/not-the-key", &[], &body(1));
    assert_eq!(status, 200);
    let refused = wait_for(&s, 1);
    assert!(refused.contains("only verified deliveries"), "{refused}");

    let path = format!("/brilliant/{URL_KEY}");
    for id in [2, 3, 4] {
        s.post(&path, &[], &body(id));
    }
    for id in [2, 3, 4] {
        let f = wait_for(&s, id);
        assert!(f.contains("\"Score\":42"), "{f}");
    }
    let seen = seen.lock().unwrap().clone();
    let ids: Vec<&str> = seen.iter().map(|(_, id, _, _)| id.as_str()).collect();
    assert_eq!(ids, ["2", "3", "4"], "only the verified ones, in order");
    for (_, _, public, private) in &seen {
        assert_eq!(public.as_deref(), Some("pub-tenant-1"));
        assert_eq!(private.as_deref(), Some("priv-SECRET-2"));
    }
    // 1 request per second: three requests span at least two seconds.
    for pair in seen.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!(gap >= Duration::from_millis(950), "{gap:?} between fetches");
    }
    assert!(!s.all_stdout().contains("priv-SECRET-2"));
}

#[test]
fn an_incomplete_key_pair_is_recorded_as_the_reason_nothing_was_fetched() {
    let (base, seen, _rt) = api();
    let s = Server::start(&format!(
        "[providers.brilliant]\nurl_key = \"{URL_KEY}\"\napi_base = \"{base}\"\n\
         public_key = \"pub-tenant-1\"\n"
    ));
    s.post(&format!("/brilliant/{URL_KEY}"), &[], &body(5));
    let f = wait_for(&s, 5);
    assert!(f.contains("private_key is not"), "{f}");
    assert!(seen.lock().unwrap().is_empty());
}
