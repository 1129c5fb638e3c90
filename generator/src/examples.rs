//! The examples a document carries, and checking each against the type generated for it.
//!
//! [`collect`] walks the (normalized) document for every example: media-type `example` and
//! `examples` (request bodies, responses, shared components), schema and property `example`s and
//! parameter examples, each with the pointer of the schema it is an instance of. [`check`] then
//! follows that schema to the generated Rust type and round-trips the example through it: parse,
//! serialize back, compare as JSON. The round-trip itself is the caller's (the generated types
//! live in another crate): the contract tests call the dispatch in-process, `verify` asks its
//! verification binary.

use crate::model::{Api, Ty, TypeKind};
use crate::normalize::Kind;
use crate::pointer;
use serde::Serialize;
use serde_json::Value;

/// One example: where it is, its value, and the pointer of the schema that describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// JSON pointer of the example value (`#/…`).
    pub at: String,
    /// The example value.
    pub value: Value,
    /// JSON pointer of the schema the example is an instance of (it may not exist: a media type
    /// or parameter without a schema).
    pub schema_at: String,
    /// The media type, for an example of a request or response body.
    pub media_type: Option<String>,
    /// Whether it is something a client sends, receives, or either.
    pub role: Role,
}

/// Which way an example travels. OpenAPI 3.0 makes a required `readOnly` property optional in a
/// request and a required `writeOnly` one optional in a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    /// A request body or parameter.
    Request,
    /// A response body.
    Response,
    /// A schema's own example: either.
    Schema,
}

impl Example {
    /// Whether the example is JSON data the generated client reads or writes as such: not one in
    /// a serialized form of its own (an XML or plain-text body, an image).
    pub fn is_json(&self) -> bool {
        self.media_type.as_deref().is_none_or(|m| {
            let essence = m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            essence == "application/json"
                || essence.ends_with("+json")
                || essence == "*/*"
                || essence == "application/x-www-form-urlencoded"
                || essence == "multipart/form-data"
        })
    }
}

/// Every example in `raw`, in document order: the walk is the normalizer's, which knows where
/// in a document media types, parameters and schemas are (and that example data is none of them).
pub fn collect(raw: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    let mut doc = raw.clone();
    crate::normalize::visit(&mut doc, &mut |kind, node, ptr| {
        let Value::Object(map) = node else { return };
        let at = format!("#{ptr}");
        let media_type = (kind == Kind::Media).then(|| pointer::tokens(ptr).last().unwrap_or_default());
        // Media types sit in request bodies, responses or (content) parameters.
        let role = if kind == Kind::Media && pointer::tokens(ptr).any(|t| t == "responses") {
            Role::Response
        } else {
            Role::Request
        };
        // Response headers are parameters to the walk; the client reads parameters only.
        if kind == Kind::Media || (kind == Kind::Param && map.contains_key("in")) {
            // A media type or a parameter: its schema is the child `schema`.
            let schema_at = format!("{at}/schema");
            let mut push = |at: String, value: &Value| {
                let (schema_at, media_type) = (schema_at.clone(), media_type.clone());
                out.push(Example { at, value: value.clone(), schema_at, media_type, role });
            };
            if let Some(v) = map.get("example") {
                push(format!("{at}/example"), v);
            }
            for (name, ex) in map.get("examples").and_then(Value::as_object).into_iter().flatten() {
                let ex = match ex.get("$ref").and_then(Value::as_str) {
                    Some(r) => resolve(raw, r).unwrap_or(&Value::Null),
                    None => ex,
                };
                if let Some(v) = ex.get("value") {
                    push(pointer::child(&format!("{at}/examples"), name), v);
                }
            }
        } else if kind == Kind::Schema {
            if let Some(v) = map.get("example") {
                let (at, schema_at) = (format!("{at}/example"), at);
                out.push(Example { at, value: v.clone(), schema_at, media_type: None, role: Role::Schema });
            }
        }
    });
    out
}

/// The value a `#/…` pointer names in `raw`.
pub fn resolve<'a>(raw: &'a Value, at: &str) -> Option<&'a Value> {
    raw.pointer(at.strip_prefix('#')?)
}

/// What a round-trip through a generated type gave: the value serialized back and the client-side
/// rules it breaks (for types a request carries); an error when it does not parse.
pub type RoundTrip = Result<(Value, Vec<String>), String>;

/// Parses a value as the named generated type and serializes it back; `None` when there is no
/// such type.
pub type RoundTripFn<'f> = dyn FnMut(&str, &Value) -> Option<RoundTrip> + 'f;

/// How an example that passed came through; a container passes as the strongest of its elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Passed {
    /// Through a generated type: parsed, serialized back and equal as JSON.
    Typed,
    /// Its place holds a Rust primitive (string, number of its width, bool) or a container of
    /// them, and it is a value of that kind: it parses and serializes as itself.
    Primitive,
    /// Its place has no Rust type but any JSON value, which keeps any example as it is.
    Untyped,
}

/// Why an example did not come through its generated type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Cause {
    /// It does not parse as its type.
    Parse,
    /// It parses, but serializes back to different JSON.
    Differs,
    /// It round-trips but breaks the client-side rules generated from its own schema.
    Rules,
    /// Its value is not of the JSON kind (or integer width) its Rust type holds.
    Kind,
    /// The type the generator made for its schema is missing from the generated code.
    Missing,
    /// Its schema's references go in circles or nest too deeply to follow.
    Unresolved,
}

impl Cause {
    /// A few words for reports (`does not parse`).
    pub fn label(self) -> &'static str {
        match self {
            Cause::Parse => "does not parse",
            Cause::Differs => "differs after the round-trip",
            Cause::Rules => "breaks the generated rules",
            Cause::Kind => "wrong kind of value",
            Cause::Missing => "type missing",
            Cause::Unresolved => "schema unresolved",
        }
    }
}

/// An example that did not come through, and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// What went wrong.
    pub cause: Cause,
    /// Pointer inside the example value where it happened (empty for the whole value).
    pub at: String,
    /// The generated type involved.
    pub type_name: Option<String>,
    /// The first difference, the parse error or the broken rules.
    pub detail: String,
}

/// Checks `ex` against the generated types of `api` (built from `raw`), with `round_trip` doing
/// the parse and serialize of a named type.
pub fn check(api: &Api, raw: &Value, ex: &Example, round_trip: &mut RoundTripFn) -> Result<Passed, Failure> {
    Checker { api, raw, round_trip }.value(&ex.schema_at, &ex.value, "", 0)
}

struct Checker<'c, 'f> {
    api: &'c Api,
    raw: &'c Value,
    round_trip: &'c mut RoundTripFn<'f>,
}

/// References followed from one schema position before giving up.
const MAX_DEPTH: usize = 64;

impl Checker<'_, '_> {
    /// Checks `value` (at `at` inside the example) against the schema at `schema_at`, following
    /// it as the generator did: references, the generated type at that pointer, then arrays,
    /// maps and primitives by their items, values and JSON kind.
    fn value(&mut self, schema_at: &str, value: &Value, at: &str, depth: usize) -> Result<Passed, Failure> {
        let fail = |cause, detail: String| Failure { cause, at: at.to_string(), type_name: None, detail };
        if depth > MAX_DEPTH {
            return Err(fail(Cause::Unresolved, format!("references from {schema_at} nest too deeply")));
        }
        let Some(Value::Object(schema)) = resolve(self.raw, schema_at) else {
            // No schema (or a boolean one): the place is any JSON value.
            return Ok(Passed::Untyped);
        };
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return self.value(r, value, at, depth + 1);
        }
        // A nullable schema's every use is an `Option` (a named type's too), which holds `null`.
        if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
            return Ok(Passed::Primitive);
        }
        if let Some(name) = named_type(self.api, schema_at) {
            return self.named(&name, value, at);
        }
        // One alternative or part is that alternative (the generator reads it so).
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = schema.get(key) {
                if parts.len() == 1 {
                    return self.value(&format!("{schema_at}/{key}/0"), value, at, depth + 1);
                }
            }
        }
        let ty = schema.get("type").and_then(Value::as_str);
        if ty == Some("array") || schema.contains_key("items") {
            let Value::Array(items) = value else { return Err(fail(Cause::Kind, format!("{value} is not an array"))) };
            let mut passed = Passed::Untyped;
            for (i, item) in items.iter().enumerate() {
                passed =
                    passed.min(self.value(&format!("{schema_at}/items"), item, &format!("{at}/{i}"), depth + 1)?);
            }
            return Ok(if items.is_empty() { Passed::Primitive } else { passed });
        }
        if ty == Some("object") {
            let Value::Object(entries) = value else {
                return Err(fail(Cause::Kind, format!("{value} is not an object")));
            };
            if !schema.get("additionalProperties").is_some_and(Value::is_object) {
                return Ok(Passed::Untyped);
            }
            let mut passed = Passed::Untyped;
            for (k, v) in entries {
                let values = format!("{schema_at}/additionalProperties");
                passed = passed.min(self.value(&values, v, &pointer::child(at, k), depth + 1)?);
            }
            return Ok(if entries.is_empty() { Passed::Primitive } else { passed });
        }
        let ok = match ty {
            Some("string") => value.is_string(),
            Some("boolean") => value.is_boolean(),
            Some("number") => value.is_number(),
            Some("integer") => {
                let (bits, signed) = crate::build::int_width(schema.get("format").and_then(Value::as_str));
                fits(value, bits, signed)
            }
            _ => return Ok(Passed::Untyped),
        };
        let kind = ty.unwrap_or_default();
        if ok {
            Ok(Passed::Primitive)
        } else {
            Err(fail(Cause::Kind, format!("{value} is not the {kind} the Rust type holds")))
        }
    }

    /// Round-trips `value` through the generated type `name`.
    fn named(&mut self, name: &str, value: &Value, at: &str) -> Result<Passed, Failure> {
        let fail =
            |cause, detail: String| Failure { cause, at: at.to_string(), type_name: Some(name.to_string()), detail };
        let (back, violations) = match (self.round_trip)(name, value) {
            None => return Err(fail(Cause::Missing, format!("`{name}` is not in the generated code"))),
            Some(Err(e)) => return Err(fail(Cause::Parse, e)),
            Some(Ok(r)) => r,
        };
        if let Some(d) = first_difference(value, &back) {
            let mut failure = fail(Cause::Differs, d.to_string());
            failure.at = format!("{at}{}", d.at);
            return Err(failure);
        }
        if !violations.is_empty() {
            return Err(fail(Cause::Rules, violations.join("; ")));
        }
        Ok(Passed::Typed)
    }
}

/// The generated type for the schema at `at`, if the generator made one there.
pub fn named_type(api: &Api, at: &str) -> Option<String> {
    let def = api.types.values().find(|t| t.origin == at)?;
    match &def.kind {
        TypeKind::Alias { ty: Ty::Named(n) } => Some(n.clone()),
        TypeKind::Alias { .. } => None,
        _ => Some(def.name.clone()),
    }
}

/// Whether `value` is an integer that fits in `bits` bits.
fn fits(value: &Value, bits: u8, signed: bool) -> bool {
    match (value.as_i64(), value.as_u64(), signed) {
        (Some(i), _, true) => bits >= 64 || (i >= -(1 << (bits - 1)) && i < 1 << (bits - 1)),
        (_, Some(u), false) => bits >= 64 || u < 1 << bits,
        _ => false,
    }
}

/// Where two JSON values first differ, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// Pointer inside the values.
    pub at: String,
    /// What the first value has there (`None`: nothing).
    pub expected: Option<Value>,
    /// What the second value has there.
    pub actual: Option<Value>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| match v {
            None => "nothing".to_string(),
            Some(v) => {
                let text = v.to_string();
                match text.char_indices().nth(120) {
                    Some((cut, _)) => format!("{}…", &text[..cut]),
                    None => text,
                }
            }
        };
        let at = if self.at.is_empty() { "the top" } else { &self.at };
        write!(f, "at {at}: the example has {}, the round-trip gives {}", show(&self.expected), show(&self.actual))
    }
}

/// The first place where `expected` and `actual` differ as JSON, in document order. Numbers are
/// equal when their values are (JSON does not tell `1` from `1.0`).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<Difference> {
    let differ =
        |at: &str| Difference { at: at.to_string(), expected: Some(expected.clone()), actual: Some(actual.clone()) };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let at = pointer::child("", k);
                match a.get(k) {
                    None => return Some(Difference { at, expected: Some(ev.clone()), actual: None }),
                    Some(av) => {
                        if let Some(mut d) = first_difference(ev, av) {
                            d.at = format!("{at}{}", d.at);
                            return Some(d);
                        }
                    }
                }
            }
            let (k, av) = a.iter().find(|(k, _)| !e.contains_key(*k))?;
            Some(Difference { at: pointer::child("", k), expected: None, actual: Some(av.clone()) })
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                if let Some(mut d) = first_difference(ev, av) {
                    d.at = format!("/{i}{}", d.at);
                    return Some(d);
                }
            }
            let i = e.len().min(a.len());
            (e.len() != a.len()).then(|| Difference {
                at: format!("/{i}"),
                expected: e.get(i).cloned(),
                actual: a.get(i).cloned(),
            })
        }
        (Value::Number(e), Value::Number(a)) => {
            let same = match (e.as_i64(), a.as_i64(), e.as_u64(), a.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => e.as_f64() == a.as_f64(),
            };
            (!same).then(|| differ(""))
        }
        _ => (expected != actual).then(|| differ("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences() {
        let cases = [
            (json!({"a": 1, "b": [1, 2]}), json!({"b": [1, 2], "a": 1.0}), None),
            (json!({"a": 1}), json!({"a": 2}), Some(("/a", Some(json!(1)), Some(json!(2))))),
            (json!({"a": 1}), json!({}), Some(("/a", Some(json!(1)), None))),
            (json!({}), json!({"x/y": null}), Some(("/x~1y", None, Some(json!(null))))),
            (json!([1, 2, 3]), json!([1, 2]), Some(("/2", Some(json!(3)), None))),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [{"b": "d"}]}),
                Some(("/a/0/b", Some(json!("c")), Some(json!("d")))),
            ),
            (json!(u64::MAX), json!(u64::MAX), None),
            (json!(1), json!("1"), Some(("", Some(json!(1)), Some(json!("1"))))),
            (json!(0.1), json!(0.1f32 as f64), Some(("", Some(json!(0.1)), Some(json!(0.1f32 as f64))))),
        ];
        for (e, a, want) in cases {
            let got = first_difference(&e, &a);
            let want = want.map(|(at, expected, actual)| Difference { at: at.into(), expected, actual });
            assert_eq!(got, want, "{e} vs {a}");
        }
    }

    #[test]
    fn integer_widths() {
        assert!(fits(&json!(127), 8, true) && !fits(&json!(128), 8, true) && fits(&json!(-128), 8, true));
        assert!(fits(&json!(255), 8, false) && !fits(&json!(256), 8, false) && !fits(&json!(-1), 8, false));
        assert!(
            fits(&json!(i64::MIN), 64, true) && !fits(&json!(u64::MAX), 64, true) && fits(&json!(u64::MAX), 64, false)
        );
        assert!(!fits(&json!(1.0), 64, true), "serde reads no float as an integer");
    }

    #[test]
    fn collects_every_kind_of_example_with_its_schema() {
        let raw = json!({
            "paths": { "/a/{id}": { "post": {
                "parameters": [{ "name": "id", "in": "path", "schema": { "type": "integer" }, "example": 3,
                                 "examples": { "big": { "value": 9 } } }],
                "requestBody": { "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/P" },
                        "examples": { "one": { "$ref": "#/components/examples/E" } } },
                    "application/xml": { "example": "<p/>" } } },
                "responses": { "200": { "headers": { "X-Rate": { "schema": { "type": "integer" }, "example": 1 } },
                                         "content": { "application/json": { "example": { "x": 1 } } } } } } } },
            "components": {
                "schemas": { "P": { "type": "object", "example": { "n": "a" },
                    "properties": { "n": { "type": "string", "example": "b" }, "example": { "type": "string" },
                                   "any": { "example": [1] } } } },
                "examples": { "E": { "value": { "n": "c" }, "example": { "type": "string", "example": "no" } } } }
        });
        let got: Vec<(String, Value, String, Option<String>)> =
            collect(&raw).into_iter().map(|e| (e.at, e.value, e.schema_at, e.media_type)).collect();
        let op = "#/paths/~1a~1{id}/post";
        let body = format!("{op}/requestBody/content");
        let want = vec![
            (format!("{op}/parameters/0/example"), json!(3), format!("{op}/parameters/0/schema"), None),
            (format!("{op}/parameters/0/examples/big"), json!(9), format!("{op}/parameters/0/schema"), None),
            (
                format!("{body}/application~1json/examples/one"),
                json!({"n": "c"}),
                format!("{body}/application~1json/schema"),
                Some("application/json".into()),
            ),
            (
                format!("{body}/application~1xml/example"),
                json!("<p/>"),
                format!("{body}/application~1xml/schema"),
                Some("application/xml".into()),
            ),
            (
                format!("{op}/responses/200/content/application~1json/example"),
                json!({"x": 1}),
                format!("{op}/responses/200/content/application~1json/schema"),
                Some("application/json".into()),
            ),
            ("#/components/schemas/P/example".into(), json!({"n": "a"}), "#/components/schemas/P".into(), None),
            (
                "#/components/schemas/P/properties/n/example".into(),
                json!("b"),
                "#/components/schemas/P/properties/n".into(),
                None,
            ),
            (
                "#/components/schemas/P/properties/any/example".into(),
                json!([1]),
                "#/components/schemas/P/properties/any".into(),
                None,
            ),
        ];
        assert_eq!(got, want);
        let roles: Vec<Role> = collect(&raw).into_iter().map(|e| e.role).collect();
        use Role::*;
        assert_eq!(roles, [Request, Request, Request, Request, Response, Schema, Schema, Schema]);
    }
}
