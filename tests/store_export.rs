//! NDJSON and HAR export, and NDJSON import.

mod store_support;

use hookscope::redact::Redactor;
use hookscope::store::{Store, export_har, export_ndjson, import_ndjson};
use serde_json::Value;
use store_support::{at, delivery, odd_delivery};

fn sample_store() -> Store {
    let store = Store::in_memory().unwrap();
    for n in 1..=3 {
        store
            .insert_blocking(&delivery(n, &format!("cand_{n}")))
            .unwrap();
    }
    store.insert_blocking(&odd_delivery(4)).unwrap();
    let mut empty = delivery(5, "cand_5");
    empty.request.body = bytes::Bytes::new();
    empty.request.body_bytes = 0;
    empty.request.method = "GET".into();
    store.insert_blocking(&empty).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fetched = serde_json::json!({"z": 1, "a": [true, null], "m": {"k": "v"}});
    assert!(
        rt.block_on(store.set_fetched(&delivery(2, "x").id, &fetched))
            .unwrap()
    );
    store
}

fn ndjson(store: &Store, since: Option<chrono::DateTime<chrono::Utc>>) -> Vec<u8> {
    let mut out = Vec::new();
    let n = export_ndjson(
        &store.reader().unwrap(),
        since,
        &mut out,
        &Redactor::default(),
    )
    .unwrap();
    assert_eq!(n as usize, out.iter().filter(|b| **b == b'\n').count());
    out
}

#[test]
fn ndjson_export_import_export_is_identical() {
    let original = sample_store();
    let first = ndjson(&original, None);

    let copy = Store::in_memory().unwrap();
    let report = import_ndjson(&copy, &first[..], &Redactor::default()).unwrap();
    assert_eq!((report.imported, report.duplicates), (5, 0), "{report:?}");
    assert!(report.errors.is_empty(), "{report:?}");
    let second = ndjson(&copy, None);
    assert_eq!(
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second)
    );
    assert_eq!(first, second);

    let (a, b) = (original.reader().unwrap(), copy.reader().unwrap());
    for id in [delivery(1, "").id, odd_delivery(4).id, delivery(5, "").id] {
        let (x, y) = (a.get(&id).unwrap().unwrap(), b.get(&id).unwrap().unwrap());
        assert_eq!(x.request.body, y.request.body);
        assert_eq!(x, y);
    }
    assert_eq!(
        b.fetched(&delivery(2, "").id).unwrap(),
        a.fetched(&delivery(2, "").id).unwrap()
    );

    // Importing again changes nothing.
    let again = import_ndjson(&copy, &first[..], &Redactor::default()).unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 5), "{again:?}");
    assert_eq!(copy.reader().unwrap().count().unwrap(), 5);
}

#[test]
fn ndjson_lines_carry_the_headless_fields_and_the_request() {
    let out = ndjson(&sample_store(), None);
    let lines: Vec<Value> = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let plain = &lines[0];
    let d = delivery(1, "cand_1");
    let headless = serde_json::to_value(d.line()).unwrap();
    for (key, value) in headless.as_object().unwrap() {
        assert_eq!(&plain[key], value, "{key}");
    }
    assert_eq!(plain["body_encoding"], "utf8");
    assert_eq!(
        plain["body"],
        String::from_utf8(d.request.body.to_vec()).unwrap()
    );
    assert_eq!(
        plain["headers"][0],
        serde_json::json!(["host", "hooks.example.test:8787"])
    );
    assert_eq!(plain["query"], "a=1&b=x%20y");
    assert_eq!(plain["peer"], "203.0.113.7:51234");
    assert_eq!(plain["body_truncated"], false);

    let odd = &lines[3];
    assert_eq!(odd["body_encoding"], "base64");
    assert_eq!(odd["body"], "//4AYcMoCoA=");
    assert_eq!(odd["headers"].as_array().unwrap().len(), 4);
    assert_eq!(odd["body_truncated"], true);
    assert_eq!(odd["body_bytes"], 1_000_000);
    assert_eq!(odd["replay_of"], "0193a5b0-0000-7000-8000-000000000001");
    assert_eq!(odd["verification"]["hint"], "trailing_newline");
    assert_eq!(odd["response"]["status"], 401);
}

#[test]
fn since_limits_the_export() {
    let store = sample_store();
    let out = ndjson(&store, Some(at(3)));
    let ids: Vec<String> = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        [delivery(3, "").id, odd_delivery(4).id, delivery(5, "").id]
    );
    assert!(ndjson(&store, Some(at(100))).is_empty());
}

#[test]
fn har_is_one_document_with_an_entry_per_delivery() {
    let mut out = Vec::new();
    let n = export_har(
        &sample_store().reader().unwrap(),
        None,
        &mut out,
        &Redactor::default(),
    )
    .unwrap();
    assert_eq!(n, 5);
    let har: Value = serde_json::from_slice(&out).unwrap();
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "hookscope");
    assert_eq!(log["creator"]["version"], env!("CARGO_PKG_VERSION"));
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);

    let e = &entries[0];
    assert_eq!(e["startedDateTime"], hookscope::model::rfc3339(at(1)));
    let req = &e["request"];
    assert_eq!(req["method"], "POST");
    assert_eq!(
        req["url"],
        "http://hooks.example.test:8787/talentsprout?a=1&b=x%20y"
    );
    assert_eq!(req["httpVersion"], "HTTP/1.1");
    assert_eq!(
        req["queryString"],
        serde_json::json!([{"name": "a", "value": "1"}, {"name": "b", "value": "x y"}])
    );
    assert_eq!(
        req["headers"][1],
        serde_json::json!({"name": "content-type", "value": "application/json"})
    );
    assert_eq!(req["cookies"], serde_json::json!([]));
    assert_eq!(req["headersSize"], -1);
    assert_eq!(req["postData"]["mimeType"], "application/json");
    assert!(
        req["postData"]["text"]
            .as_str()
            .unwrap()
            .starts_with("{\"event\"")
    );
    assert_eq!(e["response"]["status"], 200);
    assert_eq!(e["response"]["statusText"], "OK");
    assert_eq!(
        e["response"]["content"],
        serde_json::json!({"size": 0, "mimeType": ""})
    );
    assert_eq!(e["cache"], serde_json::json!({}));
    assert_eq!(
        e["timings"],
        serde_json::json!({"send": 0, "wait": 0, "receive": 0})
    );

    let odd = &entries[3];
    assert_eq!(odd["request"]["url"], "http://localhost/somewhere/else");
    assert_eq!(odd["request"]["postData"]["encoding"], "base64");
    assert_eq!(odd["request"]["postData"]["text"], "//4AYcMoCoA=");
    assert_eq!(odd["request"]["bodySize"], 1_000_000);
    assert_eq!(odd["response"]["statusText"], "Unauthorized");
    assert!(entries[4]["request"].get("postData").is_none());
}

#[test]
fn har_of_an_empty_store_is_valid() {
    let mut out = Vec::new();
    let n = export_har(
        &Store::in_memory().unwrap().reader().unwrap(),
        None,
        &mut out,
        &Redactor::default(),
    )
    .unwrap();
    assert_eq!(n, 0);
    let har: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(har["log"]["entries"], serde_json::json!([]));
}

#[test]
fn bad_import_lines_are_reported_and_skipped() {
    let good = ndjson(&sample_store(), None);
    let good: Vec<&[u8]> = good
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut missing_id: Value = serde_json::from_slice(good[1]).unwrap();
    missing_id.as_object_mut().unwrap().remove("id");
    let mut bad_base64: Value = serde_json::from_slice(good[3]).unwrap();
    bad_base64["body"] = "***not base64***".into();
    let mut bad_time: Value = serde_json::from_slice(good[2]).unwrap();
    bad_time["received_at"] = "last tuesday".into();

    let mut input = Vec::new();
    for line in [
        good[0].to_vec(),                    // 1
        b"{not json".to_vec(),               // 2
        missing_id.to_string().into_bytes(), // 3
        bad_base64.to_string().into_bytes(), // 4
        b"   ".to_vec(),                     // 5: blank, ignored
        bad_time.to_string().into_bytes(),   // 6
        vec![0xff, 0xfe, b'{'],              // 7
        b"[1, 2, 3]".to_vec(),               // 8
        good[4].to_vec(),                    // 9, no trailing newline
    ] {
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    input.pop();

    let store = Store::in_memory().unwrap();
    let report = import_ndjson(&store, &input[..], &Redactor::default()).unwrap();
    assert_eq!((report.imported, report.duplicates), (2, 0), "{report:?}");
    let lines: Vec<usize> = report.errors.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [2, 3, 4, 6, 7, 8], "{report:?}");
    assert!(
        report.errors[1].1.contains("missing field `id`"),
        "{report:?}"
    );
    assert!(report.errors[2].1.contains("base64"), "{report:?}");
    assert!(report.errors[3].1.contains("received_at"), "{report:?}");
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 2);
    assert!(reader.get(&delivery(5, "").id).unwrap().is_some());
}
