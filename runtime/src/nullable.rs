//! Absent versus `null` in generated fields.

use super::validate::{FieldPath, Items, Rules, Validate, Violations};

/// A field the spec marks optional and nullable: absent, present as `null`, or present with a
/// value. All three survive a round trip (`Absent` is not serialized at all).
///
/// Generated structs read and write it through [`object!`](macro@crate::object): an `Absent` field
/// is left out, and a missing one reads as `Absent`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not in the object.
    #[default]
    Absent,
    /// Present as `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Not in the object (what `skip_serializing_if` asks).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Present as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `None` → `Null`, `Some(v)` → `Value(v)`: what sending an `Option` means.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(s),
            Nullable::Absent | Nullable::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Nullable::from_option)
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        if let Nullable::Value(v) = self {
            v.validate(at, rules, out)
        }
    }
}

impl<T: Items> Items for Nullable<T> {
    fn items(&self) -> Option<usize> {
        self.value().and_then(Items::items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As generated code declares a required nullable and an optional nullable field.
    #[derive(Debug, PartialEq)]
    struct T {
        req: Option<u8>,
        opt: Nullable<u8>,
    }
    crate::object!(T { req: "req" req, opt: "opt" opt } ..);

    #[test]
    fn absent_and_null_stay_distinct() {
        let t: T = serde_json::from_str(r#"{"req":null,"opt":null}"#).unwrap();
        assert_eq!(t, T { req: None, opt: Nullable::Null });
        let t: T = serde_json::from_str(r#"{"req":1}"#).unwrap();
        assert_eq!(t, T { req: Some(1), opt: Nullable::Absent });
        let t: T = serde_json::from_str(r#"{"req":1,"opt":7}"#).unwrap();
        assert_eq!((t.opt.value(), serde_json::to_string(&t).unwrap().as_str()), (Some(&7), r#"{"req":1,"opt":7}"#));
        assert_eq!(serde_json::to_string(&T { req: None, opt: Nullable::Null }).unwrap(), r#"{"req":null,"opt":null}"#);
        assert!(serde_json::from_str::<T>(r#"{"opt":1}"#).is_err(), "a missing required nullable field is an error");
    }

    #[cfg(feature = "verify")]
    #[test]
    fn null_survives_the_example_round_trip() {
        let (back, v) = crate::verify::round_trip::<T>(serde_json::json!({"req": null, "opt": null}), None).unwrap();
        assert_eq!(back, serde_json::json!({"req": null, "opt": null}));
        assert!(v.is_empty());
    }
}
