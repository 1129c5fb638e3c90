//! JSON objects for generated structs: one pass over the keys, known fields decoded in place and
//! unknown ones kept (no intermediate buffering, unlike `#[serde(flatten)]`), optional fields
//! left out when absent. [`object!`](macro@crate::object) writes the `Serialize`/`Deserialize` impls
//! from a table of fields.

use super::nullable::Nullable;
use super::Map;
use std::borrow::Cow;
use std::fmt;

/// The properties of an object that its schema does not declare, kept so that nothing a server
/// sends is lost. Costs one pointer, and no allocation, while there are none (the usual case).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Extra<T = serde_json::Value>(Option<Box<Map<T>>>);

impl<T> Default for Extra<T> {
    fn default() -> Self {
        Extra(None)
    }
}

impl<T> Extra<T> {
    /// None.
    pub const fn new() -> Self {
        Extra(None)
    }

    /// The value of `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.as_ref()?.get(key)
    }

    /// Adds or replaces `key`, returning the value it had.
    pub fn insert(&mut self, key: String, value: T) -> Option<T> {
        self.0.get_or_insert_with(Default::default).insert(key, value)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<T> {
        let map = self.0.as_mut()?;
        let value = map.remove(key);
        if map.is_empty() {
            self.0 = None;
        }
        value
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    /// There are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every key and value, ordered by key.
    pub fn iter(&self) -> std::iter::Flatten<std::option::IntoIter<&Map<T>>> {
        self.0.as_deref().into_iter().flatten()
    }
}

impl<'a, T> IntoIterator for &'a Extra<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = std::iter::Flatten<std::option::IntoIter<&'a Map<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> FromIterator<(String, T)> for Extra<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        let map: Map<T> = iter.into_iter().collect();
        Extra((!map.is_empty()).then(|| Box::new(map)))
    }
}

/// Like a map's: panics when `key` is not there.
impl<T> std::ops::Index<&str> for Extra<T> {
    type Output = T;
    fn index(&self, key: &str) -> &T {
        self.get(key).unwrap_or_else(|| panic!("no property `{key}`"))
    }
}

impl<T: fmt::Debug> fmt::Debug for Extra<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A key of a JSON object, borrowed from the input when the format allows (no allocation for
/// the keys a struct knows).
#[derive(Debug)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Optional fields: left out of the object when absent.
pub trait Absent {
    /// The field is absent (not `null`: absent).
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Nullable<T> {
    fn is_absent(&self) -> bool {
        Nullable::is_absent(self)
    }
}

/// Decodes the variant of an internally tagged union that the property `tag` selected: the
/// object without `tag` (the enum writes it, so the variant's struct has no field for it). A
/// mismatch is an error that names the variant and the field at fault, not an `Unknown`: an
/// object with a known tag is that variant or broken.
pub fn variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    mut value: serde_json::Value,
    tag: &str,
) -> Result<T, E> {
    let selected = value.as_object_mut().and_then(|o| o.remove(tag));
    let selected = selected.as_ref().and_then(serde_json::Value::as_str).unwrap_or_default();
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        let at = if at == "." { String::new() } else { format!(" at `{at}`") };
        E::custom(format_args!("the `{tag}: {selected}` variant{at}: {}", e.inner()))
    })
}

/// What [`object!`](macro@crate::object) writes per struct to decode it: its fields read from a
/// map. The serde visitor around it is [`FieldsVisitor`], one generic type here rather than a
/// visitor type and impl per struct in every generated crate (less for `cargo check` to do).
#[doc(hidden)]
pub trait Fields<'de>: Sized {
    /// What a value of the wrong shape is said not to be (`a Contact object`).
    const EXPECTING: &'static str;
    /// Reads the struct from the entries of a map.
    fn visit<A: serde::de::MapAccess<'de>>(m: A) -> Result<Self, A::Error>;
}

/// The serde visitor of every [`Fields`] struct.
#[doc(hidden)]
pub struct FieldsVisitor<T>(std::marker::PhantomData<fn() -> T>);

impl<T> FieldsVisitor<T> {
    /// The visitor.
    pub const fn new() -> Self {
        FieldsVisitor(std::marker::PhantomData)
    }
}

impl<T> Default for FieldsVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Fields<'de>> serde::de::Visitor<'de> for FieldsVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    #[inline]
    fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<T, A::Error> {
        T::visit(m)
    }
}

/// A field that must be present: [`object!`](macro@crate::object)'s `req`. The per-field steps
/// are functions named by the field's kind (`object::req::ser`), not nested macro calls: one
/// call per field is less for `cargo check` to expand than a macro invocation per field.
#[doc(hidden)]
pub mod req {
    /// Writes the field.
    #[inline]
    pub fn ser<M: serde::ser::SerializeMap, T: serde::Serialize + ?Sized>(
        m: &mut M,
        wire: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        m.serialize_entry(wire, value)
    }

    /// The decoded value, or a missing-field error naming `wire`.
    #[inline]
    pub fn take<T, E: serde::de::Error>(slot: Option<T>, wire: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(wire))
    }
}

/// A field that may be absent: [`object!`](macro@crate::object)'s `opt`.
#[doc(hidden)]
pub mod opt {
    use super::Absent;

    /// Writes the field unless it is absent.
    #[inline]
    pub fn ser<M: serde::ser::SerializeMap, T: serde::Serialize + Absent>(
        m: &mut M,
        wire: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        if value.is_absent() {
            return Ok(());
        }
        m.serialize_entry(wire, value)
    }

    /// The decoded value, or its default (absent) when the key was not there.
    #[inline]
    pub fn take<T: Default, E>(slot: Option<T>, _wire: &'static str) -> Result<T, E> {
        Ok(slot.unwrap_or_default())
    }
}

/// `Serialize` and `Deserialize` for a generated struct, from its fields in declaration order:
/// `rust_name: "wire name" req` for a field that must be present (decoding fails without it),
/// `rust_name: "wire name" opt` for one that may be absent (its `Default` then; left out when
/// serializing while absent). After the fields, `..extra` names the map that keeps every other
/// key and value (or `..` alone: other keys are skipped).
#[macro_export]
macro_rules! object {
    ($name:ident { $($field:ident: $wire:literal $kind:ident),* $(,)? } ..$($extra:ident)?) => {
        impl $crate::__rt::serde::Serialize for $name {
            fn serialize<__S: $crate::__rt::serde::Serializer>(&self, s: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use $crate::__rt::serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(::std::option::Option::None)?;
                $($crate::__rt::object::$kind::ser(&mut m, $wire, &self.$field)?;)*
                $(for (k, v) in &self.$extra {
                    m.serialize_entry(k, v)?;
                })?
                m.end()
            }
        }
        // `#[inline]` on the decoding path lets it fuse with serde_json's map access the way
        // derived code does: 1.11× → 1.05× the instructions of derived structs on a 1000-row
        // body (tests/benches/serde_bulk.rs, callgrind).
        impl<'de> $crate::__rt::object::Fields<'de> for $name {
            const EXPECTING: &'static str = ::std::concat!("a ", ::std::stringify!($name), " object");
            #[inline]
            fn visit<__A: $crate::__rt::serde::de::MapAccess<'de>>(mut m: __A) -> ::std::result::Result<$name, __A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                $(let mut $extra = $crate::__rt::Extra::new();)?
                while let ::std::option::Option::Some(key) = m.next_key::<$crate::__rt::object::Key<'de>>()? {
                    match &*key.0 {
                        $($wire => $field = ::std::option::Option::Some(m.next_value()?),)*
                        _ => $crate::__object_field!(rest m, key $(, $extra)?),
                    }
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::__rt::object::$kind::take::<_, __A::Error>($field, $wire)?,)*
                    $($extra,)?
                })
            }
        }
        impl<'de> $crate::__rt::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<__D: $crate::__rt::serde::Deserializer<'de>>(d: __D) -> ::std::result::Result<Self, __D::Error> {
                d.deserialize_map($crate::__rt::object::FieldsVisitor::<Self>::new())
            }
        }
    };
}

/// What [`object!`](macro@crate::object) does with the keys a struct does not declare.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_field {
    (rest $m:ident, $key:ident, $extra:ident) => {{
        let value = $m.next_value()?;
        $extra.insert($key.0.into_owned(), value);
    }};
    (rest $m:ident, $key:ident) => {{
        let _ = $key;
        $m.next_value::<$crate::__rt::serde::de::IgnoredAny>()?;
    }};
}

#[cfg(test)]
mod tests {
    use crate::{Extra, Nullable};

    #[derive(Debug, Clone, PartialEq)]
    struct Contact {
        id: String,
        r#type: Option<String>,
        email: Nullable<String>,
        phone: Option<String>,
        tags: Option<Vec<u8>>,
        rest: Extra,
    }
    crate::object!(Contact {
        id: "id" req,
        r#type: "type" opt,
        email: "email" opt,
        phone: "phone" req,
        tags: "tags" opt,
    } ..rest);

    #[derive(Debug, PartialEq)]
    struct Closed {
        a: u8,
    }
    crate::object!(Closed { a: "a" req } ..);

    // Names the macros use inside must not clash with the type's own name.
    #[derive(Debug, PartialEq)]
    struct A {
        v: Option<u8>,
    }
    crate::object!(A { v: "v" opt } ..);

    #[derive(Debug, PartialEq)]
    struct Visitor {
        d: u8,
    }
    crate::object!(Visitor { d: "d" req } ..);

    #[test]
    fn one_pass_keeps_unknown_keys_and_absent_versus_null() {
        let text = r#"{"id":"c1","email":null,"phone":null,"x":{"y":[1]},"type":"lead","z":2}"#;
        let c: Contact = serde_json::from_str(text).unwrap();
        assert_eq!(c.email, Nullable::Null);
        assert_eq!(c.phone, None, "required and null");
        assert_eq!(c.tags, None);
        assert_eq!(c.r#type.as_deref(), Some("lead"));
        assert_eq!(c.rest.len(), 2);
        assert_eq!(c.rest["z"], serde_json::json!(2));
        assert_eq!(c.rest.get("nope"), None);
        // Fields in declaration order, then the unknown keys; absent fields left out.
        let back = serde_json::to_string(&c).unwrap();
        assert_eq!(back, r#"{"id":"c1","type":"lead","email":null,"phone":null,"x":{"y":[1]},"z":2}"#);
        let again: Contact = serde_json::from_str(&back).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn extra_costs_nothing_until_used() {
        assert_eq!(std::mem::size_of::<Extra>(), std::mem::size_of::<usize>());
        let mut e: Extra<u8> = Extra::new();
        assert!(e.is_empty() && e.iter().next().is_none());
        assert_eq!(e.insert("b".into(), 2), None);
        assert_eq!(e.insert("a".into(), 1), None);
        assert_eq!(e.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("a", 1), ("b", 2)]);
        assert_eq!(format!("{e:?}"), r#"{"a": 1, "b": 2}"#);
        assert_eq!((e.remove("a"), e.remove("b"), e.len()), (Some(1), Some(2), 0));
        assert_eq!(e, Extra::new(), "emptied, it holds no allocation again");
    }

    #[test]
    fn missing_required_fields_and_wrong_types_are_errors() {
        let e = serde_json::from_str::<Contact>(r#"{"id":"c1"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `phone`"), "{e}");
        let e = serde_json::from_str::<Contact>(r#"{"id":1,"phone":"p"}"#).unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = serde_json::from_str::<Contact>("[1]").unwrap_err();
        assert!(e.to_string().contains("a Contact object"), "{e}");
    }

    #[test]
    fn closed_objects_skip_unknown_keys_and_escaped_keys_match() {
        assert_eq!(serde_json::from_str::<A>(r#"{"v":1}"#).unwrap(), A { v: Some(1) });
        assert_eq!(serde_json::from_str::<Visitor>(r#"{"d":2}"#).unwrap(), Visitor { d: 2 });
        let c: Closed = serde_json::from_str(r#"{"\u0061":1,"b":[{}]}"#).unwrap();
        assert_eq!(c, Closed { a: 1 });
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"a":1}"#);
        // Through a serde_json::Value too (another deserializer).
        let v = serde_json::json!({"id": "c", "phone": "p", "k": true});
        let c: Contact = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
    }

    #[test]
    fn a_tagged_variant_decodes_without_its_tag_and_its_errors_name_the_field() {
        let v = serde_json::json!({"kind": "person", "id": "c", "phone": "p"});
        let c: Contact = super::variant::<_, serde_json::Error>(v, "kind").unwrap();
        assert!(c.rest.is_empty(), "the tag is the enum's, not an unknown field: {:?}", c.rest);
        let v = serde_json::json!({"kind": "person", "id": 7, "phone": "p"});
        let e = super::variant::<Contact, serde_json::Error>(v, "kind").unwrap_err();
        assert_eq!(e.to_string(), "the `kind: person` variant at `id`: invalid type: integer `7`, expected a string");
        let e = super::variant::<Contact, serde_json::Error>(serde_json::json!({"kind": "person"}), "kind");
        assert_eq!(e.unwrap_err().to_string(), "the `kind: person` variant: missing field `id`");
    }
}
