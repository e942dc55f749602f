//! The table's state: how many rows match, which one is selected, which are on screen,
//! whether it follows new deliveries, and a small cache of the rows around the viewport.
//! It never touches the store itself: the app asks it which page is missing and fills it.

use crate::store::Row;

/// Rows kept above and below the viewport, so that scrolling a little reads nothing.
/// Less than a page: a page read from a database server costs about a third of a
/// millisecond more per hundred rows, and the frame after a jump waits for it.
pub(crate) const CACHE_MARGIN: u64 = 20;

#[derive(Debug, Clone)]
pub struct List {
    /// Rows in the (filtered) sequence, oldest first.
    total: u64,
    selected: Option<u64>,
    /// Like `tail -f`: the last row stays selected as rows arrive.
    follow: bool,
    /// Index of the first row on screen.
    offset: u64,
    cache_start: u64,
    cache: Vec<Row>,
}

impl Default for List {
    fn default() -> Self {
        Self {
            total: 0,
            selected: None,
            follow: true,
            offset: 0,
            cache_start: 0,
            cache: Vec::new(),
        }
    }
}

impl List {
    pub fn total(&self) -> u64 {
        self.total
    }

    pub(crate) fn selected(&self) -> Option<u64> {
        self.selected
    }

    pub(crate) fn follow(&self) -> bool {
        self.follow
    }

    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// How many rows are held in memory.
    #[cfg(test)]
    pub(crate) fn cached(&self) -> usize {
        self.cache.len()
    }

    /// The row at `index`, when it is cached.
    pub(crate) fn row(&self, index: u64) -> Option<&Row> {
        let i = usize::try_from(index.checked_sub(self.cache_start)?).ok()?;
        self.cache.get(i)
    }

    fn last(&self) -> Option<u64> {
        self.total.checked_sub(1)
    }

    pub(crate) fn up(&mut self, n: u64) {
        self.follow = false;
        if let Some(last) = self.last() {
            self.selected = Some(self.selected.unwrap_or(last).saturating_sub(n));
        }
    }

    /// Moving down onto the last row resumes following.
    pub(crate) fn down(&mut self, n: u64) {
        if let Some(last) = self.last() {
            let to = self.selected.unwrap_or(last).saturating_add(n).min(last);
            self.select(to);
        }
    }

    pub(crate) fn top(&mut self) {
        self.follow = false;
        if self.total > 0 {
            self.selected = Some(0);
        }
    }

    pub(crate) fn bottom(&mut self) {
        self.follow = true;
        self.selected = self.last();
    }

    /// Selects `index` (a click); following resumes only on the last row.
    pub(crate) fn select(&mut self, index: u64) {
        if let Some(last) = self.last() {
            let index = index.min(last);
            self.selected = Some(index);
            self.follow = index == last;
        }
    }

    /// `n` more rows matched at the end. Cached rows keep their indexes.
    pub(crate) fn grow(&mut self, n: u64) {
        self.total += n;
    }

    /// A new sequence (the filter changed): `selected` is the index to keep selected,
    /// if any. Nothing cached is valid any more.
    pub(crate) fn reset(&mut self, total: u64, selected: Option<u64>) {
        self.total = total;
        self.selected = selected;
        self.cache.clear();
        self.cache_start = 0;
    }

    /// Applies following, clamps the selection and scrolls it into a viewport of
    /// `height` rows.
    pub(crate) fn settle(&mut self, height: u16) {
        let Some(last) = self.last() else {
            self.selected = None;
            self.offset = 0;
            return;
        };
        let selected = match self.selected {
            Some(s) if !self.follow => s.min(last),
            _ => last,
        };
        self.selected = Some(selected);
        let height = u64::from(height.max(1));
        if selected < self.offset {
            self.offset = selected;
        } else if selected >= self.offset + height {
            self.offset = selected + 1 - height;
        }
        self.offset = self.offset.min(self.total.saturating_sub(height));
    }

    /// The rows on screen in a viewport of `height`: `offset..end`.
    pub(crate) fn visible(&self, height: u16) -> std::ops::Range<u64> {
        let end = self
            .offset
            .saturating_add(u64::from(height))
            .min(self.total);
        self.offset.min(end)..end
    }

    /// The page to read (start, count) when some visible row is not cached: the viewport
    /// and a margin either side.
    pub(crate) fn missing(&self, height: u16) -> Option<(u64, usize)> {
        let visible = self.visible(height);
        if visible.is_empty() {
            return None;
        }
        let cached_end = self.cache_start + self.cache.len() as u64;
        if self.cache_start <= visible.start && visible.end <= cached_end {
            return None;
        }
        let start = visible.start.saturating_sub(CACHE_MARGIN);
        let end = visible.end.saturating_add(CACHE_MARGIN).min(self.total);
        Some((start, usize::try_from(end - start).unwrap_or(usize::MAX)))
    }

    /// Replaces the cache with `rows`, the page starting at `start`.
    /// The cached row with this id, if it is cached: for what is learnt about a
    /// delivery after it was stored (its forward).
    pub(crate) fn cached_mut(&mut self, id: &str) -> Option<&mut Row> {
        self.cache.iter_mut().rev().find(|r| r.id == id)
    }

    pub(crate) fn fill(&mut self, start: u64, rows: Vec<Row>) {
        self.cache_start = start;
        self.cache = rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(total: u64, height: u16) -> List {
        let mut l = List::default();
        l.reset(total, None);
        l.settle(height);
        l
    }

    #[test]
    fn following_keeps_the_last_row_selected_as_rows_arrive() {
        let mut l = list(10, 5);
        assert_eq!(l.selected(), Some(9));
        l.grow(3);
        l.settle(5);
        assert_eq!(l.selected(), Some(12));
        assert_eq!(l.visible(5), 8..13);
    }

    #[test]
    fn moving_up_pauses_and_bottom_resumes() {
        let mut l = list(10, 5);
        l.up(1);
        assert!(!l.follow());
        l.grow(5);
        l.settle(5);
        assert_eq!(l.selected(), Some(8), "paused selection stays on its row");
        l.bottom();
        l.settle(5);
        assert!(l.follow());
        assert_eq!(l.selected(), Some(14));
    }

    #[test]
    fn moving_down_onto_the_last_row_resumes_following() {
        let mut l = list(10, 5);
        l.up(2);
        l.down(1);
        assert!(!l.follow());
        l.down(1);
        assert!(l.follow());
    }

    #[test]
    fn moves_stop_at_the_ends_and_scroll_the_viewport() {
        let mut l = list(100, 10);
        l.top();
        l.settle(10);
        assert_eq!((l.selected(), l.offset()), (Some(0), 0));
        l.up(5);
        assert_eq!(l.selected(), Some(0));
        l.down(25);
        l.settle(10);
        assert_eq!((l.selected(), l.offset()), (Some(25), 16));
        l.down(1000);
        l.settle(10);
        assert_eq!((l.selected(), l.offset()), (Some(99), 90));
    }

    #[test]
    fn an_empty_list_selects_nothing() {
        let mut l = list(0, 10);
        l.up(1);
        l.down(1);
        l.top();
        l.bottom();
        l.settle(10);
        assert_eq!(l.selected(), None);
        assert_eq!(l.missing(10), None);
    }

    #[test]
    fn only_the_viewport_and_a_margin_are_requested() {
        let mut l = list(1_000_000, 20);
        assert_eq!(l.missing(20), Some((1_000_000 - 20 - 20, 40)));
        l.top();
        l.settle(20);
        assert_eq!(l.missing(20), Some((0, 40)));
        l.select(500_000);
        l.settle(20);
        let (start, count) = l.missing(20).unwrap();
        assert!(start <= l.offset() && count <= 20 + 2 * CACHE_MARGIN as usize);
    }
}
