//! A structural diff of two JSON documents: the paths that were added, removed or
//! changed, named like `evaluation.categories[2].score`.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    pub kind: Kind,
    /// `evaluation.categories[2].score`; `(root)` when the documents differ as a whole.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every difference from `old` to `new`, in document order: within an object the old
/// keys first (changed or removed), then the keys only `new` has. Arrays are compared
/// index by index, so an insertion shows as changes plus an addition at the end.
pub(crate) fn diff(old: &Value, new: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(&mut String::new(), old, new, &mut out);
    out
}

fn walk(path: &mut String, old: &Value, new: &Value, out: &mut Vec<Difference>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let len = push_key(path, k);
                match b.get(k) {
                    Some(vb) => walk(path, va, vb, out),
                    None => out.push(change(Kind::Removed, path, Some(va), None)),
                }
                path.truncate(len);
            }
            for (k, vb) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                let len = push_key(path, k);
                out.push(change(Kind::Added, path, None, Some(vb)));
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                match (a.get(i), b.get(i)) {
                    (Some(va), Some(vb)) => walk(path, va, vb, out),
                    (Some(va), None) => out.push(change(Kind::Removed, path, Some(va), None)),
                    (None, Some(vb)) => out.push(change(Kind::Added, path, None, Some(vb))),
                    (None, None) => {}
                }
                path.truncate(len);
            }
        }
        _ if old != new => out.push(change(Kind::Changed, path, Some(old), Some(new))),
        _ => {}
    }
}

fn change(kind: Kind, path: &str, old: Option<&Value>, new: Option<&Value>) -> Difference {
    Difference {
        kind,
        path: if path.is_empty() {
            "(root)".into()
        } else {
            path.to_string()
        },
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// Appends `.key` (or `["odd key"]`) and returns the length to truncate back to.
fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("{key:?}"));
        path.push('[');
        path.push_str(&quoted);
        path.push(']');
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(d: &[Difference]) -> Vec<(Kind, &str)> {
        d.iter().map(|d| (d.kind, d.path.as_str())).collect()
    }

    #[test]
    fn objects_report_added_removed_and_changed_paths() {
        let old = json!({"a": 1, "b": {"c": "x", "gone": true}, "same": [1]});
        let new = json!({"a": 2, "b": {"c": "x", "d": null}, "same": [1], "new": {"k": 1}});
        let d = diff(&old, &new);
        assert_eq!(
            paths(&d),
            vec![
                (Kind::Changed, "a"),
                (Kind::Removed, "b.gone"),
                (Kind::Added, "b.d"),
                (Kind::Added, "new"),
            ]
        );
        assert_eq!(d[0].old, Some(json!(1)));
        assert_eq!(d[0].new, Some(json!(2)));
        assert_eq!(d[3].new, Some(json!({"k": 1})));
    }

    #[test]
    fn arrays_compare_by_index_and_name_the_index() {
        let old = json!({"evaluation": {"categories": [{"score": 1}, {"score": 2}, {"score": 3}]}});
        let new = json!({"evaluation": {"categories": [{"score": 1}, {"score": 2}, {"score": 4}, {"score": 5}]}});
        let d = diff(&old, &new);
        assert_eq!(
            paths(&d),
            vec![
                (Kind::Changed, "evaluation.categories[2].score"),
                (Kind::Added, "evaluation.categories[3]"),
            ]
        );
        let shorter = diff(&json!([1, 2, 3]), &json!([1]));
        assert_eq!(
            paths(&shorter),
            vec![(Kind::Removed, "[1]"), (Kind::Removed, "[2]")]
        );
    }

    #[test]
    fn type_changes_and_roots_are_whole_changes() {
        let d = diff(&json!({"a": {"b": 1}}), &json!({"a": [1]}));
        assert_eq!(paths(&d), vec![(Kind::Changed, "a")]);
        assert_eq!(
            paths(&diff(&json!(1), &json!("1"))),
            vec![(Kind::Changed, "(root)")]
        );
        assert!(
            diff(
                &json!({"a": [1, {"b": null}]}),
                &json!({"a": [1, {"b": null}]})
            )
            .is_empty()
        );
    }

    #[test]
    fn odd_keys_are_quoted() {
        let d = diff(
            &json!({"a b": 1, "x.y": {"1st": 2}}),
            &json!({"a b": 2, "x.y": {"1st": 3}}),
        );
        assert_eq!(
            paths(&d),
            vec![
                (Kind::Changed, "[\"a b\"]"),
                (Kind::Changed, "[\"x.y\"][\"1st\"]")
            ]
        );
    }
}
