//! Finding deliveries by the start of their id, as the UI shows it shortened.

use rusqlite::params;

use super::{ROW_COLUMNS, Row, SqliteReader, read_row};
use crate::store::StoreError;

/// A range of the id index: `id >= prefix AND id < successor`, never a scan.
fn range_sql(bounded: bool) -> String {
    let upper = if bounded {
        "AND id < ?2"
    } else {
        "AND ?2 IS NULL"
    };
    format!("SELECT {ROW_COLUMNS} FROM deliveries WHERE id >= ?1 {upper} ORDER BY id LIMIT ?3")
}

impl SqliteReader {
    /// Rows whose id starts with `prefix`, in id order, at most `limit`.
    pub(crate) fn with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Row>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let end = prefix_successor(prefix);
        self.conn
            .prepare_cached(&range_sql(end.is_some()))
            .and_then(|mut s| {
                s.query_map(params![prefix, end, limit], read_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.err(e))
    }
}

/// The least string greater than every string starting with `prefix` (`None`: there is
/// none, every string from `prefix` on starts with it).
pub(in crate::store) fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn the_successor_bounds_exactly_the_strings_with_the_prefix() {
        assert_eq!(
            prefix_successor("019aa1b2-c3").as_deref(),
            Some("019aa1b2-c4")
        );
        assert_eq!(prefix_successor("ab\u{10FFFF}").as_deref(), Some("ac"));
        assert_eq!(prefix_successor(""), None);
    }

    #[test]
    fn the_lookup_is_a_range_of_the_id_index() {
        let store = Store::in_memory().unwrap();
        let reader = store.inner.location.open_reader().unwrap();
        let plan: Vec<String> = reader
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", range_sql(true)))
            .unwrap()
            .query_map(params!["019a", "019b", 2], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(
            plan.contains("SEARCH deliveries USING INDEX") && plan.contains("(id>? AND id<?)"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN"), "{plan}");
    }
}
