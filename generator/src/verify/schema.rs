//! Is an example valid against its own schema? OpenAPI 3.0 schemas (what the loader normalizes
//! every document to) become JSON Schema 2020-12 and the `jsonschema` crate judges.
//!
//! The translation: `nullable: true` admits `null` (added to `type` and `enum`; the keywords that
//! would still reject it — `allOf`, `oneOf`, `anyOf`, `not`, `$ref` — move under an `anyOf` beside
//! `{type: null}`), boolean `exclusiveMinimum`/`exclusiveMaximum` become numeric ones, and an
//! integer `format` (`int32`, `uint8`, …) becomes the bounds of its width. Other formats stay
//! annotations, as JSON Schema has them, except `email`, which the generated client checks too.
//! A required `readOnly` property is optional in a request, a required `writeOnly` one in a
//! response. A schema with `properties` and no `type` is an object, as the generated struct is
//! (JSON Schema alone would let any other JSON type through). References resolve inside the whole translated document, registered once per
//! document and role.

use crate::examples::Role;
use crate::normalize::visit_schemas;
use crate::pointer;
use jsonschema::{Draft, Registry, Validator};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The document's base URI inside the registry.
const BASE: &str = "urn:oas-client-gen:document";

/// The validators of one document's schemas, built as examples ask for them: one translation
/// of the document for each way an example travels (see [`Role`]).
pub struct Schemas {
    raw: Value,
    sides: HashMap<Role, Result<Side, String>>,
}

/// The document translated for examples of one role, and its validators.
struct Side {
    registry: Registry<'static>,
    doc: Value,
    /// Where translation moved what was under a pointer: (old prefix, new prefix), in order.
    moves: Vec<(String, String)>,
    validators: HashMap<String, Result<Validator, String>>,
}

/// What validating an example found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// Invalid: the first error, with where in the example it is.
    Invalid(String),
    /// The schema is not one JSON Schema can check (why).
    Unknown(String),
}

impl Schemas {
    /// The schemas of `raw`, a normalized document.
    pub fn new(raw: &Value) -> Self {
        Schemas { raw: raw.clone(), sides: HashMap::new() }
    }

    /// Validates `value`, travelling as `role`, against the schema at `schema_at` (`#/…`); a
    /// missing schema allows any value.
    pub fn check(&mut self, schema_at: &str, value: &Value, role: Role) -> Validity {
        let raw = &self.raw;
        match self.sides.entry(role).or_insert_with(|| Side::new(raw, role)) {
            Ok(side) => side.check(schema_at, value),
            Err(e) => Validity::Unknown(e.clone()),
        }
    }
}

impl Side {
    fn new(raw: &Value, role: Role) -> Result<Self, String> {
        let mut doc = raw.clone();
        let mut moves = Vec::new();
        visit_schemas(&mut doc, &mut |schema, at| translate(schema, at, role, &mut moves));
        // References into what moved follow it.
        visit_schemas(&mut doc, &mut |schema, _| {
            if let Some(Value::String(r)) = schema.get_mut("$ref") {
                if let Some(fragment) = r.strip_prefix('#') {
                    *r = format!("#{}", encode_fragment(&relocate(&decode_fragment(fragment), &moves)));
                }
            }
        });
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(BASE, doc.clone())
            .and_then(|b| b.prepare())
            .map_err(|e| format!("the document cannot be registered as a JSON Schema resource: {e}"))?;
        Ok(Side { registry, doc, moves, validators: HashMap::new() })
    }

    fn check(&mut self, schema_at: &str, value: &Value) -> Validity {
        let fragment = relocate(schema_at.trim_start_matches('#'), &self.moves);
        if self.doc.pointer(&fragment).is_none() {
            return Validity::Valid;
        }
        let registry = &self.registry;
        let validator = self.validators.entry(fragment.clone()).or_insert_with(|| {
            jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_registry(registry)
                .should_validate_formats(true)
                .build(&json!({ "$ref": format!("{BASE}#{}", encode_fragment(&fragment)) }))
                .map_err(|e| e.to_string())
        });
        let validator = match validator {
            Ok(v) => v,
            Err(e) => return Validity::Unknown(format!("the schema is not valid JSON Schema: {e}")),
        };
        let first = validator.iter_errors(value).next();
        match first {
            None => Validity::Valid,
            Some(e) => {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "the top".to_string() } else { at };
                Validity::Invalid(format!("at {at}: {e}"))
            }
        }
    }
}

/// A JSON pointer as a URI fragment: what a fragment may not hold raw (`{`, `}`, spaces,
/// non-ASCII, …) percent-encoded.
fn encode_fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode_fragment`] (and any other percent-encoding a document's `$ref` has).
fn decode_fragment(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Rewrites `fragment` by each move in turn (a move of an outer position comes first).
fn relocate(fragment: &str, moves: &[(String, String)]) -> String {
    let mut out = fragment.to_string();
    for (from, to) in moves {
        if out == *from || out.starts_with(&format!("{from}/")) {
            out = format!("{to}{}", &out[from.len()..]);
        }
    }
    out
}

/// Keywords that evaluate the instance as a whole, so would reject the `null` of a nullable schema.
const APPLICATORS: [&str; 5] = ["allOf", "oneOf", "anyOf", "not", "$ref"];

/// One OpenAPI 3.0 schema (at `at`) → JSON Schema 2020-12 for examples travelling as `role`, in
/// place; the walk then goes into the schemas it holds afterwards.
fn translate(schema: &mut Value, at: &str, role: Role, moves: &mut Vec<(String, String)>) {
    let Value::Object(map) = schema else { return };
    // A required readOnly property need not be sent, nor a required writeOnly one received.
    let skip = match role {
        Role::Request => Some("readOnly"),
        Role::Response => Some("writeOnly"),
        Role::Schema => None,
    };
    if let (Some(flag), Some(Value::Object(props))) = (skip, map.get("properties")) {
        let flagged: Vec<String> =
            props.iter().filter(|(_, p)| p.get(flag) == Some(&Value::Bool(true))).map(|(k, _)| k.clone()).collect();
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| !r.as_str().is_some_and(|r| flagged.iter().any(|f| f == r)));
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        match map.get(exclusive) {
            Some(Value::Bool(true)) => match map.shift_remove(bound) {
                Some(b) => {
                    map.insert(exclusive.into(), b);
                }
                None => {
                    map.shift_remove(exclusive);
                }
            },
            Some(Value::Bool(false)) => {
                map.shift_remove(exclusive);
            }
            _ => {}
        }
    }
    let format = map.get("format").and_then(Value::as_str).map(str::to_string);
    match format.as_deref() {
        Some("email") => {}
        Some(f) if map.get("type").and_then(Value::as_str) == Some("integer") => {
            map.shift_remove("format");
            if let Some((min, max)) = width_bounds(f) {
                tighten(map, "minimum", min, |old, new| new > old);
                tighten(map, "maximum", max, |old, new| new < old);
            }
        }
        Some(_) => {
            map.shift_remove("format");
        }
        None => {}
    }
    // `properties` without `type` (or alternatives, parts, items or values to choose from) is an
    // object to the generator, which makes a struct of it: checked as one, an example of another
    // JSON type is the document's mistake, not a value the generated type should have kept.
    let shaped_otherwise =
        ["type", "oneOf", "anyOf", "allOf", "not", "items", "enum"].iter().any(|k| map.contains_key(*k));
    if !shaped_otherwise && map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty()) {
        map.insert("type".into(), json!("object"));
    }
    if map.shift_remove("nullable") == Some(Value::Bool(true)) {
        match map.get_mut("type") {
            Some(Value::String(t)) => {
                let t = t.clone();
                map.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(ts)) if !ts.contains(&json!("null")) => ts.push(json!("null")),
            _ => {}
        }
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
        let mut inner = Map::new();
        for key in APPLICATORS {
            if let Some(v) = map.shift_remove(key) {
                inner.insert(key.into(), v);
            }
        }
        if !inner.is_empty() {
            let to = format!("{at}/anyOf/1");
            moves.extend(inner.keys().map(|k| (pointer::child(at, k), pointer::child(&to, k))));
            map.insert("anyOf".into(), json!([{ "type": "null" }, Value::Object(inner)]));
        }
    }
}

/// The range of an integer format's width, as the generated Rust integer holds it.
fn width_bounds(format: &str) -> Option<(i128, i128)> {
    let (bits, signed) = crate::build::int_width(Some(format));
    match (bits, signed) {
        (64, true) if format != "int64" => None, // no width: the format says nothing about range
        (bits, true) => Some((-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)),
        (bits, false) => Some((0, (1i128 << bits) - 1)),
    }
}

/// Sets `key` to `bound` unless the schema already has a tighter one.
fn tighten(map: &mut Map<String, Value>, key: &str, bound: i128, tighter: impl Fn(f64, f64) -> bool) {
    let keep = map.get(key).and_then(Value::as_f64).is_some_and(|old| !tighter(old, bound as f64));
    if !keep {
        let value = i64::try_from(bound).map(Value::from).unwrap_or_else(|_| Value::from(bound as u64));
        map.insert(key.into(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value) -> Value {
        json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {},
                "components": { "schemas": schemas } })
    }

    #[test]
    fn openapi_30_meaning() {
        let raw = doc(json!({
            "Name": { "type": "string", "nullable": true, "minLength": 2 },
            "Kind": { "type": "string", "enum": ["a", "b"], "nullable": true },
            "Pet": { "type": "object", "required": ["name"], "nullable": true,
                     "allOf": [{ "$ref": "#/components/schemas/Named" }],
                     "properties": { "age": { "type": "integer", "format": "int32", "minimum": 0 },
                                     "weight": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
                                     "mail": { "type": "string", "format": "email" },
                                     "born": { "type": "string", "format": "date-time" } } },
            "Named": { "type": "object", "required": ["name"], "properties": { "name": { "$ref": "#/components/schemas/Name" } } },
            "Byte": { "type": "integer", "format": "uint8" },
            "Any": {},
            "Untyped": { "properties": { "a": { "type": "string" } } },
            "NullableUntyped": { "nullable": true, "properties": { "a": { "type": "string" } } },
            "UntypedUnion": { "properties": { "a": { "type": "string" } }, "oneOf": [{ "type": "string" }, { "type": "object" }] }
        }));
        let mut s = Schemas::new(&raw);
        let valid =
            |s: &mut Schemas, at: &str, v: Value| s.check(&format!("#/components/schemas/{at}"), &v, Role::Schema);
        let cases = [
            ("Name", json!(null), true),
            ("Name", json!("ab"), true),
            ("Name", json!("a"), false),
            ("Kind", json!(null), true),
            ("Kind", json!("c"), false),
            ("Pet", json!(null), true),
            ("Pet", json!({ "name": "xy" }), true),
            ("Pet", json!({ "name": "x" }), false),
            ("Pet", json!({ "name": null }), true),
            ("Pet", json!({}), false),
            ("Pet/properties/age", json!(2147483647), true),
            ("Pet/properties/age", json!(2147483648i64), false),
            ("Pet/properties/age", json!(-1), false),
            ("Pet/properties/weight", json!(0), false),
            ("Pet/properties/weight", json!(0.5), true),
            ("Pet/properties/mail", json!("not an address"), false),
            ("Pet/properties/born", json!("yesterday"), true),
            ("Byte", json!(255), true),
            ("Byte", json!(256), false),
            ("Any", json!([1, "x"]), true),
            ("Untyped", json!({ "a": "x" }), true),
            ("Untyped", json!([{ "a": "x" }]), false),
            ("Untyped", json!("{\"a\": \"x\"}"), false),
            ("NullableUntyped", json!(null), true),
            ("NullableUntyped", json!(1), false),
            ("UntypedUnion", json!("x"), true),
            ("Missing", json!(1), true),
        ];
        for (at, value, want) in cases {
            let got = valid(&mut s, at, value.clone());
            assert_eq!(got == Validity::Valid, want, "{at} {value}: {got:?}");
        }
        // What moved under the nullable wrapper is still found by its old pointer.
        let got = valid(&mut s, "Pet/allOf/0", json!({}));
        assert!(matches!(&got, Validity::Invalid(e) if e.contains("name")), "{got:?}");
    }

    #[test]
    fn read_only_and_write_only_by_direction() {
        let raw = doc(json!({ "U": { "type": "object", "required": ["id", "password", "name"], "properties": {
            "id": { "type": "string", "readOnly": true }, "password": { "type": "string", "writeOnly": true },
            "name": { "type": "string" } } } }));
        let mut s = Schemas::new(&raw);
        let at = "#/components/schemas/U";
        let sent = json!({ "password": "p", "name": "n" });
        let received = json!({ "id": "i", "name": "n" });
        assert_eq!(s.check(at, &sent, Role::Request), Validity::Valid);
        assert_eq!(s.check(at, &received, Role::Response), Validity::Valid);
        assert!(matches!(s.check(at, &received, Role::Request), Validity::Invalid(_)));
        assert!(matches!(s.check(at, &sent, Role::Response), Validity::Invalid(_)));
        assert!(matches!(s.check(at, &sent, Role::Schema), Validity::Invalid(_)), "a schema's own example is either");
    }

    #[test]
    fn fragments() {
        for (pointer, fragment) in [("/paths/~1a~1{id}/get", "/paths/~1a~1%7Bid%7D/get"), ("/a b/é", "/a%20b/%C3%A9")]
        {
            assert_eq!(encode_fragment(pointer), fragment);
            assert_eq!(decode_fragment(fragment), pointer);
        }
        assert_eq!(decode_fragment("/100%/x%2"), "/100%/x%2", "a stray % stays");
    }

    #[test]
    fn errors_say_where() {
        let raw = doc(
            json!({ "P": { "type": "object", "properties": { "tags": { "type": "array", "items": { "type": "string" } } } } }),
        );
        let mut s = Schemas::new(&raw);
        let got = s.check("#/components/schemas/P", &json!({ "tags": ["a", 3] }), Role::Schema);
        assert!(matches!(&got, Validity::Invalid(e) if e.starts_with("at /tags/1: ")), "{got:?}");
    }
}
