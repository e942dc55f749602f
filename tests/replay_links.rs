//! `x-hookscope-replay-of` links a new row to the delivery it re-sends only when the
//! request carries the store's own signature of that id and the id is stored: any other
//! sender can set the header, and then it is recorded as data and nothing more.

mod common;

use std::process::Command;

use common::*;
use hookscope::store::{LinkKey, Reader};

const CFG: &str = "[providers.classet]\nsecret = \"classet_sig_secret_1b7e\"\n";
const MISSING: &str = "0193a5b0-0000-7000-8000-00000000dead";

/// The store's key, as hookscope's own sender finds it.
fn key(s: &Server) -> LinkKey {
    Reader::open_read_only(&s.db)
        .unwrap()
        .link_key()
        .expect("a link key beside the store")
}

/// Posts a signed Classet delivery with `extra` headers; its id and recorded link.
fn post(s: &Server, n: usize, extra: &[(&str, &str)]) -> (String, Option<String>, String) {
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    let mut headers = vec![("x-classet-webhook-signature", sig.as_str())];
    headers.extend_from_slice(extra);
    let (status, answer) = s.post("/classet", &headers, &body);
    assert_eq!(status, 200, "{answer}");
    let id = s.line(n)["id"].as_str().unwrap().to_string();
    let (replay_of, headers): (Option<String>, String) = s
        .db()
        .query_row(
            "SELECT replay_of, headers FROM deliveries WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (id, replay_of, headers)
}

#[test]
fn a_link_named_by_any_sender_is_kept_as_data_but_not_made() {
    let s = Server::start(CFG);
    let (original, _, _) = post(&s, 0, &[]);
    let key = key(&s);
    let other = LinkKey::random().unwrap();

    // Named without a signature.
    let (_, link, headers) = post(&s, 1, &[("x-hookscope-replay-of", &original)]);
    assert_eq!(link, None);
    assert!(headers.contains(&original), "recorded as data: {headers}");
    // Signed with another store's key, or with garbage.
    let forged = other.sign(&original);
    let (_, link, headers) = post(
        &s,
        2,
        &[
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", &forged),
        ],
    );
    assert_eq!(link, None);
    assert!(headers.contains(&forged), "{headers}");
    let (_, link, _) = post(
        &s,
        3,
        &[
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", "not hex at all"),
        ],
    );
    assert_eq!(link, None);
    // Another id's genuine signature does not carry over.
    let (_, link, _) = post(
        &s,
        4,
        &[
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", &key.sign(MISSING)),
        ],
    );
    assert_eq!(link, None);
    // Genuinely signed, but no such delivery in this store.
    let (_, link, _) = post(
        &s,
        5,
        &[
            ("x-hookscope-replay-of", MISSING),
            ("x-hookscope-replay-sig", &key.sign(MISSING)),
        ],
    );
    assert_eq!(link, None);
    // Signed with this store's key, for a stored id: linked.
    let (_, link, _) = post(
        &s,
        6,
        &[
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", &key.sign(&original)),
        ],
    );
    assert_eq!(link.as_deref(), Some(original.as_str()));
}

#[test]
fn hookscope_replay_into_a_receiver_on_the_same_store_is_linked_by_it() {
    let s = Server::start(CFG);
    let (original, _, _) = post(&s, 0, &[]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("h.toml");
    std::fs::write(&cfg, CFG).unwrap();
    let out = Command::new(bin())
        .args(["replay", &original, "--to", &s.url(""), "--store"])
        .arg(&s.db)
        .arg("--config")
        .arg(&cfg)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // The receiver's own row is the link (replay did not have to record one itself).
    let replay = s.line(1)["id"].as_str().unwrap().to_string();
    let link: Option<String> = s
        .db()
        .query_row(
            "SELECT replay_of FROM deliveries WHERE id = ?1",
            [&replay],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(link.as_deref(), Some(original.as_str()));
    let count: i64 = s
        .db()
        .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 2);
}

#[test]
fn a_replay_into_a_receiver_on_another_store_is_not_linked() {
    let first = Server::start(CFG);
    let second = Server::start(CFG);
    let (original, _, _) = post(&first, 0, &[]);
    // The signature is good for `first`'s store only.
    let sig = key(&first).sign(&original);
    let (_, link, _) = post(
        &second,
        0,
        &[
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", &sig),
        ],
    );
    assert_eq!(link, None);
}
