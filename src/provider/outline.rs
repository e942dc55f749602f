//! A summary as labelled fields in sections: how the signed-scheme vendors (Stripe,
//! GitHub, Slack, …) show what a delivery says. Each unit picks the fields that matter
//! for its events; the detail screen draws any outline the same way.

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outline {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub heading: String,
    pub fields: Vec<Field>,
    /// Sentences about the section (what a field means, what is not sent).
    pub notes: Vec<String>,
}

/// One labelled value; `None` is shown as "not present".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: Option<String>,
}

impl Outline {
    /// Starts a new section; the field methods add to the last one.
    pub(crate) fn section(&mut self, heading: impl Into<String>) -> &mut Self {
        self.sections.push(Section {
            heading: heading.into(),
            fields: Vec::new(),
            notes: Vec::new(),
        });
        self
    }

    /// A field whose absence is worth saying.
    pub(crate) fn field(&mut self, label: &str, value: Option<String>) -> &mut Self {
        self.last().fields.push(Field {
            label: label.into(),
            value,
        });
        self
    }

    /// A field shown only when present.
    pub(crate) fn maybe(&mut self, label: &str, value: Option<String>) -> &mut Self {
        if value.is_some() {
            self.field(label, value);
        }
        self
    }

    pub(crate) fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.last().notes.push(text.into());
        self
    }

    /// The value of the first field with this label, in any section.
    #[cfg(test)]
    pub(crate) fn value(&self, label: &str) -> Option<&str> {
        self.sections
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.label == label)
            .and_then(|f| f.value.as_deref())
    }

    fn last(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.section("Payload");
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_go_to_the_last_section_and_absent_optional_ones_are_left_out() {
        let mut o = Outline::default();
        o.field("Orphan", None);
        o.section("Event")
            .field("Type", Some("push".into()))
            .maybe("Action", None)
            .note("n");
        assert_eq!(o.sections[0].heading, "Payload");
        assert_eq!(o.sections[1].fields.len(), 1);
        assert_eq!(o.value("Type"), Some("push"));
        assert_eq!(o.value("Orphan"), None);
        assert_eq!(o.sections[1].notes, vec!["n"]);
    }
}
