//! Loading: bytes → JSON tree (YAML or JSON) → version check (Swagger 2.0 converted to 3.0) →
//! bundling of `$ref`s (other files, deep pointers) → 3.1 normalization → `openapiv3::OpenAPI`.
//! serde_yaml stays inside this module.

use crate::bundle::bundle;
use crate::error::Error;
use crate::normalize::{normalize, Note};
use crate::pointer;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

/// A parsed document plus what normalization had to change.
pub struct Loaded {
    pub doc: openapiv3::OpenAPI,
    /// The normalized JSON tree (examples are read from here, untouched by openapiv3).
    pub raw: serde_json::Value,
    pub notes: Vec<Note>,
}

pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::new(path, "", format!("cannot read the document: {e}")))?;
    load_str(path, &text)
}

/// Parses `text`; `path` only names the document in errors and picks JSON vs YAML.
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Error> {
    let (mut raw, mut notes) = parse_tree_noted(path, text)?;
    if !raw.is_object() {
        return Err(Error::new(path, "#", "the document is not an object"));
    }
    // Swagger 2.0 first: the bundler then sees OpenAPI 3 references only.
    notes.extend(upgrade(path, &mut raw)?);
    bundle(path, &mut raw)?;
    notes.extend(normalize(&mut raw));
    let doc = to_openapi(path, &raw)?;
    Ok(Loaded { doc, raw, notes })
}

/// What the document says it is: OpenAPI 3.0 and 3.1 pass on, Swagger 2.0 is converted to 3.0
/// (with its notes), and anything else is refused with the version it names.
fn upgrade(path: &Path, raw: &mut serde_json::Value) -> Result<Vec<Note>, Error> {
    const SUPPORTED: &str = "this generator reads OpenAPI 3.0 and 3.1, and Swagger 2.0";
    // An unquoted YAML `3.1` or `2.0` is a number.
    let version = |key: &str| match raw.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    if let Some(v) = version("openapi") {
        if v.starts_with("3.0") || v.starts_with("3.1") {
            return Ok(Vec::new());
        }
        return Err(Error::new(path, "#/openapi", format!("OpenAPI {v} is not supported: {SUPPORTED}")));
    }
    if let Some(v) = version("swagger") {
        if v == "2.0" || v == "2" {
            return Ok(crate::swagger2::convert(raw));
        }
        return Err(Error::new(path, "#/swagger", format!("Swagger {v} is not supported: {SUPPORTED}")));
    }
    if let Some(v) = version("swaggerVersion") {
        return Err(Error::new(path, "#/swaggerVersion", format!("Swagger {v} is not supported: {SUPPORTED}")));
    }
    Err(Error::new(
        path,
        "#",
        format!("no `openapi` or `swagger` version field: not an OpenAPI document ({SUPPORTED})"),
    ))
}

/// Text → JSON tree. JSON is tried first when the name or the first byte says so; YAML otherwise.
pub fn parse_tree(path: &Path, text: &str) -> Result<serde_json::Value, Error> {
    parse_tree_noted(path, text).map(|(tree, _)| tree)
}

/// Like [`parse_tree`], plus a note for each value that has no exact JSON form (a YAML integer
/// beyond 64 bits, read as the nearest float; JSON ones serde_json reads as floats by itself).
pub fn parse_tree_noted(path: &Path, text: &str) -> Result<(serde_json::Value, Vec<Note>), Error> {
    let looks_json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    if looks_json {
        let tree = serde_json::from_str(text).map_err(|e| {
            Error::new(path, format!("line {}, column {}", e.line(), e.column()), format!("invalid JSON: {e}"))
        })?;
        return Ok((tree, Vec::new()));
    }
    let notes = RefCell::new(Vec::new());
    let yaml = Node { at: String::new(), notes: &notes }
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let at = e.location().map(|l| format!("line {}, column {}", l.line(), l.column())).unwrap_or_default();
            Error::new(path, at, format!("invalid YAML: {e}"))
        })?;
    Ok((yaml_to_json(path, yaml, "#", 0)?, notes.into_inner()))
}

/// One YAML node read into a `serde_yaml::Value`, knowing its JSON pointer. serde_yaml's own
/// `Value` rejects integers beyond 64 bits, which would lose the whole document over one bound
/// (`minimum: -9223372036854776000` is real); here they become the nearest float, with a note.
struct Node<'n> {
    at: String,
    notes: &'n RefCell<Vec<Note>>,
}

impl Node<'_> {
    fn child(&self, token: &str) -> Self {
        Node { at: pointer::child(&self.at, token), notes: self.notes }
    }

    fn wide(&self, text: String, value: f64) -> serde_yaml::Value {
        let message = format!("the integer {text} does not fit in 64 bits; read as the float {value:e}");
        self.notes.borrow_mut().push(Note { pointer: self.at.clone(), message });
        serde_yaml::Value::Number(value.into())
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = serde_yaml::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(self.wide(v.to_string(), v as f64))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(self.wide(v.to_string(), v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(&items.len().to_string()))? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some(key) = map.next_key_seed(self.child(""))? {
            let value = map.next_value_seed(self.child(&key_token(&key).unwrap_or_default()))?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate entry with key {}",
                    key_token(&key).unwrap_or_default()
                )));
            }
            out.insert(key, value);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }

    /// A tagged node (`!tag value`): serde_yaml hands it over as an enum.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (tag, contents) = data.variant::<String>()?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(serde_yaml::Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// A mapping key as JSON needs it: a string (YAML allows `200:` and `true:`).
fn key_token(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// YAML allows non-string keys (`200:` is an integer) and merge keys; JSON needs strings.
fn yaml_to_json(path: &Path, v: serde_yaml::Value, at: &str, depth: usize) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    if depth > 512 {
        return Err(Error::new(path, at, "the document nests deeper than 512 levels"));
    }
    Ok(match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                // NaN/inf have no JSON form; keep them visible as strings rather than dropping them.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .unwrap_or_else(|| J::String(n.to_string()))
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(path, item, &format!("{at}/{i}"), depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mut map) => {
            if map.contains_key("<<") {
                let mut merged = serde_yaml::Value::Mapping(map);
                merged.apply_merge().map_err(|e| Error::new(path, at, format!("invalid YAML merge key: {e}")))?;
                map = match merged {
                    Y::Mapping(m) => m,
                    _ => unreachable_mapping(),
                };
            }
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let Some(key) = key_token(&k) else {
                    return Err(Error::new(path, at, format!("unsupported mapping key {k:?}: keys must be scalars")));
                };
                let child = yaml_to_json(path, v, &pointer::child(at, &key), depth + 1)?;
                out.insert(key, child);
            }
            J::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(path, t.value, at, depth + 1)?,
    })
}

fn unreachable_mapping() -> serde_yaml::Mapping {
    // apply_merge keeps a mapping a mapping; an empty one is the harmless answer if it ever did not.
    serde_yaml::Mapping::new()
}

/// JSON tree → openapiv3, with the failing field's JSON pointer in the error.
fn to_openapi(path: &Path, raw: &serde_json::Value) -> Result<openapiv3::OpenAPI, Error> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw).map_err(|e| {
        let pointer = serde_path_to_pointer(&e.path().to_string());
        Error::new(path, pointer, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    })
}

/// `paths./a.get.responses` → `#/paths/~1a/get/responses` (best effort: dots inside keys are ambiguous).
fn serde_path_to_pointer(p: &str) -> String {
    if p == "." || p.is_empty() {
        return "#".into();
    }
    let mut out = String::from("#");
    for seg in p.split('.') {
        let seg = seg.trim_start_matches('[').trim_end_matches(']');
        out.push('/');
        out.push_str(&pointer::escape(seg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Result<Loaded, Error> {
        load_str(Path::new("doc.yaml"), yaml)
    }

    fn notes(loaded: &Loaded) -> Vec<(String, String)> {
        loaded.notes.iter().map(|n| (n.pointer.clone(), n.message.clone())).collect()
    }

    #[test]
    fn integers_beyond_64_bits_load_as_floats_with_a_note() {
        let loaded = load(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
             N: {type: number, minimum: -9223372036854776000, example: 123456789012345678901234567890}\n",
        )
        .unwrap();
        let n = &loaded.raw["components"]["schemas"]["N"];
        assert_eq!(n["minimum"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(n["example"].as_f64(), Some(1.2345678901234568e29));
        let notes = notes(&loaded);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].0, "/components/schemas/N/minimum");
        assert!(notes[0].1.contains("-9223372036854776000 does not fit in 64 bits"), "{notes:?}");
        assert_eq!(notes[1].0, "/components/schemas/N/example");
    }

    #[test]
    fn yaml_tags_merge_keys_and_duplicates_read_as_before() {
        let tree =
            parse_tree(Path::new("d.yaml"), "a: !tag {b: 1}\nc: &x {d: 1}\ne:\n  <<: *x\n  f: 2\n200: ok\n").unwrap();
        assert_eq!(tree, serde_json::json!({"a": {"b": 1}, "c": {"d": 1}, "e": {"d": 1, "f": 2}, "200": "ok"}));
        let e = parse_tree(Path::new("d.yaml"), "a: 1\nb: [1, {c: 2, c: 3}]\n").unwrap_err();
        assert!(e.to_string().contains("duplicate entry with key c"), "{e}");
    }

    #[test]
    fn operations_without_responses_load() {
        let loaded =
            load("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: a}\n").unwrap();
        let op = loaded.doc.paths.paths["/a"].as_item().and_then(|p| p.get.as_ref()).unwrap();
        assert!(op.responses.responses.is_empty() && op.responses.default.is_none());
        assert_eq!(
            notes(&loaded),
            [("/paths/~1a/get".into(), "no `responses`: the operation has no documented responses".into())]
        );
    }

    #[test]
    fn missing_or_numeric_info_fields_load() {
        let loaded = load("openapi: 3.0.3\ninfo: {version: 1.0}\npaths: {}\n").unwrap();
        assert_eq!((loaded.doc.info.title.as_str(), loaded.doc.info.version.as_str()), ("", "1.0"));
        let notes = notes(&loaded);
        assert_eq!(notes[0].0, "/info/title");
        assert_eq!(notes[1], ("/info/version".into(), "`version` 1.0 is not a string: read as \"1.0\"".into()));
        let loaded = load("openapi: 3.0.3\npaths: {}\n").unwrap();
        assert_eq!(loaded.doc.info.version, "");
        assert_eq!(loaded.notes.len(), 2);
    }

    #[test]
    fn swagger_2_is_converted_and_other_versions_are_refused_by_name() {
        let loaded = load("swagger: 2.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, type: string}]\n      responses: {'200': {description: ok}}\n").unwrap();
        assert_eq!(loaded.doc.openapi, "3.0.3");
        assert_eq!(loaded.doc.operations().count(), 1);
        for (text, at, message) in [
            ("swagger: '1.2'\n", "#/swagger", "Swagger 1.2 is not supported"),
            ("swaggerVersion: '1.2'\napis: []\n", "#/swaggerVersion", "Swagger 1.2 is not supported"),
            ("openapi: 4.0.0\npaths: {}\n", "#/openapi", "OpenAPI 4.0.0 is not supported"),
            ("openapi: 2.0\npaths: {}\n", "#/openapi", "OpenAPI 2.0 is not supported"),
            ("info: {title: t}\npaths: {}\n", "#", "no `openapi` or `swagger` version field"),
        ] {
            let e = load(text).err().unwrap_or_else(|| panic!("{text} loads"));
            assert_eq!(e.location, at, "{text}");
            assert!(e.message.starts_with(message), "{e}");
            assert!(e.message.contains("reads OpenAPI 3.0 and 3.1, and Swagger 2.0"), "{e}");
        }
        assert!(load("openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n").is_ok());
    }
}
