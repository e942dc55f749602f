//! Input details at the edges: payload text that could act on a terminal, `export` of a
//! store it cannot write, and durations past any date.

mod abuse_support;
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use abuse_support::*;
use common::*;

#[test]
fn del_c1_and_bidi_in_payload_text_are_escaped_in_the_line_and_the_export() {
    let s = Server::start(&classet_config());
    let body = String::from_utf8(compact("classet/candidate_interview_updated.json")).unwrap();
    assert!(body.contains(SUBJECT));
    let hostile = body.replace(SUBJECT, "cand_\\u202e1\\u0085\\u007f");
    let (status, _) = s.post("/classet", &[], hostile.as_bytes());
    assert_eq!(status, 200);
    wait_for_lines(&s, 1, Duration::from_secs(20));
    let line = s.lines.lock().unwrap()[0].clone();
    for c in ['\u{202e}', '\u{85}', '\u{7f}'] {
        assert!(!line.contains(c), "raw {c:?} in {line}");
    }
    assert!(line.contains(r"cand_\u202e1\u0085\u007f"), "{line}");
    assert_eq!(s.line(0)["subject"], "cand_\u{202e}1\u{85}\u{7f}");
    for format in ["ndjson", "har"] {
        let out = Command::new(bin())
            .args(["export", "--format", format, "--store"])
            .arg(&s.db)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{85}'),
            "{text}"
        );
        assert!(text.contains(r"\u202e"), "{format}: {text}");
    }
}

#[test]
fn export_since_far_before_any_date_is_an_error_not_a_panic() {
    let s = Server::start("");
    assert_eq!(s.post("/x", &[], b"{}").0, 200);
    let out = Command::new(bin())
        .args(["export", "--since", "99999999999d", "--store"])
        .arg(&s.db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("--since 99999999999d"), "{err}");
}

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn export_as(store: &Path, unprivileged: bool) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(["export", "--store"])
        .arg(store)
        .current_dir("/")
        .stdin(Stdio::null());
    if unprivileged {
        use std::os::unix::process::CommandExt;
        cmd.uid(NOBODY).gid(NOBODY);
    }
    cmd.output().unwrap()
}

#[test]
fn export_reads_a_store_in_a_folder_it_cannot_write() {
    let root = is_root();
    let runnable = Path::new(bin()).ancestors().all(|p| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0)
    });
    // As root, permissions stop nothing: the export runs as nobody instead.
    assert!(
        !root || runnable,
        "running as root, and uid {NOBODY} cannot reach {} to export unprivileged",
        bin()
    );
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("history");
    let store = folder.join("deliveries.db");
    {
        let mut s = Server::start_opts(
            "",
            Options {
                store: Some(store.clone()),
                ..Options::default()
            },
            &[],
        );
        assert_eq!(s.post("/x", &[], b"{\"n\":1}").0, 200);
        wait_for_lines(&s, 1, Duration::from_secs(20));
        // A clean stop folds the WAL into the file, as a finished session leaves it.
        // SAFETY: a plain signal to our own child process.
        assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGTERM) }, 0);
        assert!(s.child.wait().unwrap().success());
    }
    chmod(dir.path(), 0o755);
    chmod(&store, 0o444);
    chmod(&folder, 0o555);
    let out = export_as(&store, root);
    chmod(&folder, 0o755);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1, "{lines:?} {err}");
}

#[test]
fn event_and_subject_are_found_behind_a_bom_and_past_deep_nesting() {
    let s = Server::start(&classet_config());
    let body = compact("classet/candidate_interview_updated.json");
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&body);
    let text = String::from_utf8(body).unwrap();
    let deep = format!(
        "{{\"nested\":{}0{},{}",
        "[".repeat(2000),
        "]".repeat(2000),
        &text[1..]
    );
    for (i, body) in [with_bom, deep.into_bytes()].iter().enumerate() {
        let sig = classet_header(CL_SECRET, body);
        let (status, answer) = s.post("/classet", &[("x-classet-webhook-signature", &sig)], body);
        assert_eq!(status, 200, "{answer}");
        let line = s.line(i);
        assert_eq!(line["event"], "candidate.interview.updated", "{line}");
        assert_eq!(line["subject"], SUBJECT, "{line}");
        assert_eq!(line["verification"]["status"], "verified", "{line}");
    }
}
