//! The detail view's tabs, named where keys are bound to them as well as where they
//! are drawn.

/// One tab of the detail view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Transcript,
    Changes,
    Verification,
    Headers,
    Body,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Summary,
        Tab::Transcript,
        Tab::Changes,
        Tab::Verification,
        Tab::Headers,
        Tab::Body,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Transcript => "Transcript",
            Tab::Changes => "Changes",
            Tab::Verification => "Verification",
            Tab::Headers => "Headers",
            Tab::Body => "Body",
        }
    }

    /// For narrow bars.
    pub(crate) fn short_title(self) -> &'static str {
        match self {
            Tab::Summary => "Sum",
            Tab::Transcript => "Trn",
            Tab::Changes => "Chg",
            Tab::Verification => "Ver",
            Tab::Headers => "Hdr",
            Tab::Body => "Body",
        }
    }

    pub(crate) fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab for key `1`…`6`.
    #[cfg(test)]
    pub(crate) fn from_digit(c: char) -> Option<Tab> {
        let n = c.to_digit(10)? as usize;
        Tab::ALL.get(n.checked_sub(1)?).copied()
    }

    pub(crate) fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub(crate) fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}
