//! Event and subject of a `candidate.interview.updated` body, read without building a
//! `Value` tree or the summary: all the receiver records at ingest.
//!
//! It accepts exactly the bodies `serde_json::from_slice::<Value>` accepts (the skipped
//! parts go through the same checks: depth limit, strings, numbers) and reads them as
//! [`super::parse`] does, last duplicate key winning. Anything else (another shape, a
//! non-object, a body that is not JSON) is `None`, for the full reader to handle.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::INTERVIEW_UPDATED;
use crate::provider::tolerant::text;

/// `(event, subject)` of an interview update; `None` when the full reader must decide.
pub(crate) fn read(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let top = de.deserialize_any(TopVisitor).ok()?;
    de.end().ok()?;
    let event = top.event.as_ref().and_then(text);
    let data_is_object = matches!(top.data, Some(Shape::Object(_)));
    let changes_is_container = matches!(top.changes, Some(Shape::Object(_) | Shape::Array));
    if event.as_deref() != Some(INTERVIEW_UPDATED) && !changes_is_container && !data_is_object {
        return None;
    }
    let subject = match top.data {
        Some(Shape::Object(candidate_id)) => candidate_id.as_ref().and_then(text),
        _ => None,
    };
    Some((event, subject))
}

/// The top-level keys the reader looks at.
#[derive(Default)]
struct Top {
    event: Option<Value>,
    changes: Option<Shape>,
    data: Option<Shape>,
}

/// What kind of value a key holds; for an object, its `candidate_id`.
enum Shape {
    Object(Option<Value>),
    Array,
    Other,
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key.0 {
                Some("event") => top.event = Some(map.next_value()?),
                Some("changes") => top.changes = Some(map.next_value_seed(ShapeOf)?),
                Some("data") => top.data = Some(map.next_value_seed(ShapeOf)?),
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(top)
    }
}

/// A map key: kept only when it is one the reader looks at.
struct Key(Option<&'static str>);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> Result<Key, E> {
                const KNOWN: [&str; 3] = ["event", "changes", "data"];
                Ok(Key(KNOWN.into_iter().find(|known| *known == k)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads a value's [`Shape`], keeping only an object's `candidate_id`.
struct ShapeOf;

impl<'de> DeserializeSeed<'de> for ShapeOf {
    type Value = Shape;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut candidate_id = None;
        while let Some(key) = map.next_key::<CandidateKey>()? {
            if key.0 {
                candidate_id = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(Shape::Object(candidate_id))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| Shape::Array)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
}

/// Whether a key inside `data` is `candidate_id`.
struct CandidateKey(bool);

impl<'de> de::Deserialize<'de> for CandidateKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CandidateKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> Result<CandidateKey, E> {
                Ok(CandidateKey(k == "candidate_id"))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any value, checked as the `Value` parser checks it (unlike `IgnoredAny`, which skips
/// the depth limit and escape checks) and then dropped.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
}
