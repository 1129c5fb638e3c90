//! Rewrites a raw OpenAPI document (a JSON tree) so that `openapiv3` 2.2, which models
//! OpenAPI 3.0 only, can read OpenAPI 3.1 documents and common sloppy 3.0 ones.
//!
//! openapiv3 ignores keys it does not know, so two kinds of construct need work: those it
//! rejects outright (a `type` array, a numeric `exclusiveMinimum`, a boolean schema, a
//! callback `$ref`, ...) and those it silently misreads (`$ref` siblings, a `{type: null}`
//! alternative). JSON Schema constraints with no 3.0 form are removed with a [`Note`], so
//! the loss is visible rather than silent.
//!
//! The walk follows the OpenAPI object structure to every schema position; example values
//! and `x-` extensions are data and are never touched.

use crate::{pointer, repair};
use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

/// One thing the normalizer changed or could not express, with its JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub pointer: String,
    pub message: String,
}

/// Nesting limit for the walk; real documents stay far below it.
const MAX_DEPTH: usize = 256;

/// JSON Schema keywords with no OpenAPI 3.0 equivalent (openapiv3 would ignore them).
const UNSUPPORTED: &str = "if then else dependentRequired dependentSchemas unevaluatedProperties \
    unevaluatedItems propertyNames contains minContains maxContains";

/// Rewrites `doc` in place so that openapiv3 (3.0 model) can read it. Returns notes for
/// anything lossy (e.g. a type union that became a oneOf, a construct dropped).
pub fn normalize(doc: &mut Value) -> Vec<Note> {
    let mut n = Normalizer::default();
    let Value::Object(root) = doc else {
        n.note("", "document is not an object");
        return n.notes;
    };
    if let Some(v) = root.get_mut("openapi") {
        if v.is_number() {
            *v = Value::String(v.to_string()); // unquoted YAML `openapi: 3.1`
        }
        if v.as_str().is_some_and(|s| s.starts_with("3.1")) {
            *v = json!("3.0.3"); // what the rewritten document now is
        }
    }
    // 3.1 makes `paths` optional; openapiv3 requires it.
    root.entry("paths").or_insert_with(|| json!({}));
    n.info(root);
    if root.contains_key("webhooks") {
        n.note("/webhooks", "webhooks have no OpenAPI 3.0 equivalent; ignored");
    }
    // Copies of the components that `$ref`s get inlined from (bounded: clone recurses).
    if let Some(Value::Object(c)) = root.get("components") {
        n.components = (c.iter())
            .filter(|(k, s)| matches!(k.as_str(), "callbacks" | "pathItems") && !deeper_than(s, MAX_DEPTH))
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
    }
    // The `type` of each named schema, to spot a `$ref` sibling that merely repeats it.
    if let Some(Value::Object(schemas)) = root.get("components").and_then(|c| c.get("schemas")) {
        n.schema_types = (schemas.iter())
            .filter_map(|(k, s)| {
                Some((pointer::child("#/components/schemas", k), s.get("type")?.as_str()?.to_string()))
            })
            .collect();
    }
    if let Some(Value::Object(c)) = root.get_mut("components") {
        n.unplaced = repair::component_params(c, &mut n.notes);
    }
    n.component_names = repair::component_names(root.get("components"));
    n.component_params = repair::component_param_names(root.get("components"));
    walk(Kind::Doc, doc, "", 0, &mut |kind, v, ptr, too_deep| n.visit(kind, v, ptr, too_deep));
    if n.left_out {
        repair::drop_left_out(doc);
    }
    n.notes
}

/// Calls `f` on every OpenAPI object the walk to the schemas passes (with its kind and pointer),
/// before the objects inside it.
pub(crate) fn visit(doc: &mut Value, f: &mut dyn FnMut(Kind, &mut Value, &str)) {
    walk(Kind::Doc, doc, "", 0, &mut |kind, v, ptr, too_deep| {
        if !too_deep {
            f(kind, v, ptr)
        }
    });
}

/// Calls `f` on every schema of an OpenAPI document (components, inline, nested; not inside
/// example data or `x-` extensions) with its JSON pointer, before the schemas inside it: the
/// positions the normalizer rewrites, for anything else that rewrites schemas (`verify`).
#[cfg(any(test, feature = "verify"))]
pub fn visit_schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Value, &str)) {
    visit(doc, &mut |kind, v, ptr| {
        if kind == Kind::Schema {
            f(v, ptr)
        }
    });
}

/// The walk over a document's OpenAPI objects, following the structure to every schema position:
/// `visit` sees each object with its kind (and whether it is past the nesting limit, where the
/// walk stops) before the walk goes into the children it then has.
fn walk(kind: Kind, v: &mut Value, ptr: &str, depth: usize, visit: &mut dyn FnMut(Kind, &mut Value, &str, bool)) {
    if depth >= MAX_DEPTH {
        return visit(kind, v, ptr, true);
    }
    visit(kind, v, ptr, false);
    let Value::Object(map) = v else { return };
    for (key, value) in map.iter_mut() {
        let p = pointer::child(ptr, key);
        match child(kind, key) {
            // `additionalProperties: true/false` is valid 3.0 and must stay a bool.
            Some(Child::One(_)) if key == "additionalProperties" && value.is_boolean() => {}
            Some(Child::One(k)) => walk(k, value, &p, depth + 1, visit),
            Some(Child::Map(k)) => {
                for (name, item) in value.as_object_mut().into_iter().flatten() {
                    if k == Kind::Schema || !name.starts_with("x-") {
                        walk(k, item, &pointer::child(&p, name), depth + 1, visit);
                    }
                }
            }
            Some(Child::List(k)) => {
                for (i, item) in value.as_array_mut().into_iter().flatten().enumerate() {
                    walk(k, item, &pointer::child(&p, &i.to_string()), depth + 1, visit);
                }
            }
            None => {}
        }
    }
}

/// What an object of an OpenAPI document is, as far as the walk to its schemas cares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Doc,
    Components,
    PathItem,
    Operation,
    Param, // parameters and headers
    Body,
    Response,
    Media,
    Encoding,
    Callback,
    Schema,
}

pub(crate) enum Child {
    One(Kind),
    Map(Kind),
    List(Kind),
}

/// What the value under `key` of a `kind` object is, if it can contain a schema.
pub(crate) fn child(kind: Kind, key: &str) -> Option<Child> {
    use {Child::*, Kind::*};
    Some(match (kind, key) {
        (Doc, "paths") | (Components, "pathItems") => Map(PathItem),
        (Doc, "components") => One(Components),
        (Components, "schemas") => Map(Schema),
        (Components | Operation, "responses") => Map(Response),
        (Components, "parameters" | "headers") | (Response | Encoding, "headers") => Map(Param),
        (Components, "requestBodies") => Map(Body),
        (Components | Operation, "callbacks") => Map(Callback),
        (PathItem | Operation, "parameters") => List(Param),
        (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => One(Operation),
        (Operation, "requestBody") => One(Body),
        (Param | Media, "schema") => One(Schema),
        (Param | Body | Response, "content") => Map(Media),
        (Media, "encoding") => Map(Encoding),
        (Callback, k) if !k.starts_with("x-") => One(PathItem),
        (Schema, "properties" | "$defs" | "definitions") => Map(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf") => List(Schema),
        (Schema, "items" | "not" | "additionalProperties") => One(Schema),
        _ => return None,
    })
}

#[derive(Default)]
struct Normalizer {
    notes: Vec<Note>,
    /// `components.callbacks` and `components.pathItems`, for inlining.
    components: Map<String, Value>,
    /// `#/components/schemas/X` → X's `type`.
    schema_types: HashMap<String, String>,
    /// `#/components/parameters/X` → why X cannot be sent (X is removed).
    unplaced: HashMap<String, repair::Unplaced>,
    /// Whether a parameter was left out (its placeholder is removed after the walk).
    left_out: bool,
    /// The entries of each `components` section, for a `$ref` filed under the wrong one.
    component_names: HashMap<String, HashSet<String>>,
    /// `#/components/parameters/X` → its name and place.
    component_params: HashMap<String, (String, String)>,
}

impl Normalizer {
    fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.notes.push(Note { pointer: pointer.into(), message: message.into() });
    }

    /// What the normalizer does at one object of the walk, before the walk goes into its children.
    fn visit(&mut self, kind: Kind, v: &mut Value, ptr: &str, too_deep: bool) {
        if too_deep {
            return self.note(ptr, format!("nested deeper than {MAX_DEPTH} levels; left as is"));
        }
        let section = match kind {
            Kind::Schema => Some("schemas"),
            Kind::Response => Some("responses"),
            Kind::Body => Some("requestBodies"),
            _ => None,
        };
        if let Some(section) = section {
            repair::misfiled_ref(v, section, &self.component_names, ptr, &mut self.notes);
        }
        if kind == Kind::Schema {
            self.schema(v, ptr);
        }
        let Value::Object(map) = v else { return };
        match kind {
            // 3.1 path items may `$ref` components.pathItems, which openapiv3 does not model.
            Kind::Doc => self.inline_refs(map.get_mut("paths"), "/paths", "pathItems", false),
            // openapiv3's Operation.callbacks has no ReferenceOr: a `$ref` fails to parse.
            Kind::Operation => {
                self.inline_refs(map.get_mut("callbacks"), &pointer::child(ptr, "callbacks"), "callbacks", true);
                // 3.1 makes `responses` optional; openapiv3 requires it.
                if !map.contains_key("responses") {
                    map.insert("responses".into(), json!({}));
                    self.note(ptr, "no `responses`: the operation has no documented responses");
                }
            }
            Kind::Components => self.drop_mutual_tls(map, ptr),
            Kind::PathItem => {
                self.left_out |= repair::path_item(map, ptr, &self.unplaced, &mut self.notes);
                repair::query_in_path_key(map, ptr, &self.component_params, &mut self.notes);
            }
            _ => {}
        }
    }

    /// Replaces `{$ref: "#/components/<section>/X"}` entries of `map` by a copy of X;
    /// unresolvable ones are dropped if openapiv3 cannot hold a `$ref` there (`must`).
    fn inline_refs(&mut self, map: Option<&mut Value>, ptr: &str, section: &str, must: bool) {
        let Some(Value::Object(map)) = map else { return };
        let mut unresolved = Vec::new();
        for (name, item) in map.iter_mut().filter(|(_, item)| item.get("$ref").is_some()) {
            match self.resolve(item, section) {
                Some(target) => *item = target,
                None if must => unresolved.push(name.clone()),
                None => {}
            }
        }
        for name in unresolved {
            remove(map, &name);
            self.note(pointer::child(ptr, &name), format!("unresolvable {section} $ref dropped"));
        }
    }

    fn resolve(&self, item: &Value, section: &str) -> Option<Value> {
        let prefix = format!("#/components/{section}/");
        let mut reference = item.get("$ref")?;
        for _ in 0..8 {
            let name = reference.as_str()?.strip_prefix(&prefix)?;
            let target = self.components.get(section)?.get(pointer::unescape(name))?;
            match target.get("$ref") {
                Some(r) => reference = r,
                None => return Some(target.clone()),
            }
        }
        None
    }

    /// `info.title` and `info.version` only feed the generated docs: a missing one is left
    /// empty and a number (`version: 1.0`) becomes its text, rather than losing the document.
    fn info(&mut self, root: &mut Map<String, Value>) {
        let info = root.entry("info").or_insert_with(|| json!({}));
        if !info.is_object() {
            *info = json!({});
            self.note("/info", "`info` is not an object: read as empty");
        }
        let Value::Object(info) = info else { return };
        for key in ["title", "version"] {
            let p = pointer::child("/info", key);
            match info.get(key) {
                Some(Value::String(_)) => {}
                Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                    let text = v.to_string();
                    self.note(p, format!("`{key}` {text} is not a string: read as \"{text}\""));
                    info.insert(key.into(), Value::String(text));
                }
                _ => {
                    self.note(p, format!("no `{key}` (a string): left empty"));
                    put(info, key, json!(""));
                }
            }
        }
    }

    /// 3.1's `mutualTLS` security scheme type is not in openapiv3's tagged enum.
    fn drop_mutual_tls(&mut self, components: &mut Map<String, Value>, ptr: &str) {
        let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") else { return };
        let is_tls = |s: &Value| s.get("type").and_then(Value::as_str) == Some("mutualTLS");
        let tls: Vec<String> = schemes.iter().filter(|(_, s)| is_tls(s)).map(|(k, _)| k.clone()).collect();
        for name in tls {
            remove(schemes, &name);
            let p = pointer::child(&pointer::child(ptr, "securitySchemes"), &name);
            self.note(p, "mutualTLS security scheme dropped (not in OpenAPI 3.0)");
        }
    }

    /// Rewrites one schema; `walk` then descends into its subschemas.
    fn schema(&mut self, v: &mut Value, ptr: &str) {
        bool_schema(v);
        while self.drop_null_alternatives(v, ptr) {}
        repair::schema(v, ptr, &mut self.notes);
        if let Value::Object(map) = v {
            self.ref_siblings(map, ptr);
            self.fix_keywords(map, ptr);
            self.split_type(map, ptr);
            self.fix_numbers(map, ptr);
        }
    }

    /// openapiv3 reads lengths and counts as unsigned integers (anything else loses the whole
    /// document) and an integer schema's bounds as 64-bit integers (anything else silently
    /// turns it into an untyped schema). A bound that does not fit becomes the nearest one that
    /// does, with a note (an infinite one, YAML `.inf`, was dropped by the repair).
    fn fix_numbers(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        for key in ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] {
            let Some(f) = map.get(key).filter(|v| !v.is_u64()).and_then(Value::as_f64) else { continue };
            let p = pointer::child(ptr, key);
            if f < 0.0 {
                remove(map, key);
                self.note(p, format!("`{key}` {f} is negative: dropped"));
                continue;
            }
            // A count of at least 1.5 is at least 2; of at most 2.5, at most 2.
            let n = if key.starts_with("min") { f.ceil() } else { f.floor() } as u64;
            map.insert(key.into(), json!(n));
            self.note(p, format!("`{key}` {f} is not a 64-bit whole number: read as {n}"));
        }
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for (key, exclusive, is_min) in [("minimum", "exclusiveMinimum", true), ("maximum", "exclusiveMaximum", false)]
        {
            let Some(f) = map.get(key).filter(|v| !v.is_i64()).and_then(Value::as_f64) else { continue };
            // For integers `x > 1.5` and `x >= 1.5` both mean `x >= 2`: rounding inwards makes
            // the bound inclusive. Beyond the 64-bit range the bound excludes nothing.
            let rounded = if is_min { f.ceil() } else { f.floor() };
            let outside = !(-(2f64.powi(63))..2f64.powi(63)).contains(&rounded);
            if rounded != f || outside {
                remove(map, exclusive);
            }
            let n = rounded as i64; // saturates at the 64-bit range
            map.insert(key.into(), json!(n));
            let why = match (outside, rounded != f) {
                (true, _) => "is outside the 64-bit range",
                (false, true) => "is not a whole number",
                (false, false) => "is written as a float",
            };
            self.note(pointer::child(ptr, key), format!("`{key}` {f} of an integer {why}: read as {n}"));
        }
        if let Some(f) = map.get("multipleOf").filter(|v| !v.is_i64()).and_then(Value::as_f64) {
            remove(map, "multipleOf");
            self.note(
                pointer::child(ptr, "multipleOf"),
                format!("`multipleOf` {f} of an integer dropped (not checked)"),
            );
        }
    }

    /// `anyOf/oneOf: [X, {type: null}]` is how 3.1 spells a nullable X; openapiv3 would read
    /// the null alternative as "any value". Returns whether `v` changed.
    fn drop_null_alternatives(&mut self, v: &mut Value, ptr: &str) -> bool {
        let Value::Object(map) = v else { return false };
        let has_null = |k: &&str| map.get(*k).and_then(Value::as_array).is_some_and(|a| a.iter().any(is_null_schema));
        let Some(key) = ["anyOf", "oneOf"].into_iter().find(has_null) else { return false };
        let Some(Value::Array(alts)) = map.shift_remove(key) else { return false };
        let (nulls, mut alts): (Vec<_>, Vec<_>) = alts.into_iter().partition(is_null_schema);
        discard(Value::Array(nulls));
        map.insert("nullable".into(), Value::Bool(true));
        match alts.len() {
            0 => self.note(pointer::child(ptr, key), "only `null` alternatives: became an untyped nullable schema"),
            // The one remaining alternative replaces the wrapper, whose own keys
            // (description, default, nullable, ...) win over the alternative's.
            1 if alts[0].is_object() || alts[0].is_boolean() => {
                let mut alt = alts.remove(0);
                bool_schema(&mut alt);
                if let Value::Object(merged) = &mut alt {
                    for (k, val) in std::mem::take(map) {
                        put(merged, &k, val);
                    }
                }
                *v = alt;
            }
            _ => put(map, key, Value::Array(alts)),
        }
        true
    }

    /// 3.1 lets `$ref` carry sibling keywords; openapiv3 reads any object with a string
    /// `$ref` as a bare reference and silently drops the siblings.
    fn ref_siblings(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        if !map.get("$ref").is_some_and(Value::is_string) {
            return;
        }
        // `type: string` next to a `$ref` to a string schema restates the target.
        let target_type = map.get("$ref").and_then(Value::as_str).and_then(|r| self.schema_types.get(r));
        if target_type.is_some_and(|t| map.get("type").and_then(Value::as_str) == Some(t)) {
            remove(map, "type");
        }
        // Descriptive siblings alone constrain nothing: drop them as openapiv3 would.
        let descriptive = |k: &str| matches!(k, "description" | "summary" | "$comment") || k.starts_with("x-");
        if map.keys().all(|k| k == "$ref" || descriptive(k)) {
            let drop: Vec<String> = map.keys().filter(|k| *k != "$ref").cloned().collect();
            for key in drop {
                remove(map, &key);
            }
            return;
        }
        let reference = json!({ "$ref": map.shift_remove("$ref") });
        match map.get_mut("allOf") {
            Some(Value::Array(all)) => all.insert(0, reference),
            _ => put(map, "allOf", json!([reference])),
        }
        self.note(ptr, "`$ref` with sibling keywords wrapped in allOf");
    }

    /// Keywords with a 3.1 (or Swagger-era) spelling that openapiv3 rejects or ignores.
    fn fix_keywords(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        if let Some(c) = map.shift_remove("const") {
            put(map, "enum", Value::Array(vec![c]));
        }
        // JSON Schema `examples` is an array; a 3.0 schema has one `example`.
        if let Some(Value::Array(mut examples)) = map.shift_remove("examples") {
            if !map.contains_key("example") && !examples.is_empty() {
                map.insert("example".into(), examples.swap_remove(0));
            }
            discard(Value::Array(examples));
        }
        // 3.1 exclusive bounds are numbers; 3.0 has minimum/maximum plus a boolean flag.
        for (excl, bound, is_min) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
            let Some(Value::Number(n)) = map.get(excl).cloned() else { continue };
            let inclusive = map.get(bound).and_then(Value::as_f64);
            if inclusive.zip(n.as_f64()).is_some_and(|(b, e)| if is_min { b > e } else { b < e }) {
                map.shift_remove(excl); // the inclusive bound is the tighter one
            } else {
                map.insert(bound.into(), Value::Number(n));
                map.insert(excl.into(), Value::Bool(true));
            }
        }
        // Tuples have no 3.0 form: keep the array, lose the item types.
        if map.get("items").is_some_and(Value::is_array) {
            put(map, "items", json!({}));
            self.note(pointer::child(ptr, "items"), "tuple `items` became `items: {}`");
        }
        if remove(map, "prefixItems") {
            if map.get("items") == Some(&Value::Bool(false)) {
                map.insert("items".into(), json!({}));
            }
            self.note(pointer::child(ptr, "prefixItems"), "`prefixItems` dropped: tuple items are untyped");
        }
        // 3.1 marks binary strings with contentEncoding/contentMediaType (annotations only);
        // 3.0 says `format: byte|binary`.
        let textual = |m: &str| m.starts_with("text/") || m.contains("json") || m.contains("xml");
        let format = match (map.get("contentEncoding"), map.get("contentMediaType").and_then(Value::as_str)) {
            (Some(e), _) if e == "base64" => Some("byte"),
            (None, Some(m)) if !textual(m) => Some("binary"),
            _ => None,
        };
        if let Some(f) = format.filter(|_| map.get("type") == Some(&json!("string")) && !map.contains_key("format")) {
            map.insert("format".into(), json!(f));
        }
        remove(map, "contentEncoding");
        remove(map, "contentMediaType");
        // One key pattern is a map with constrained keys: keep it as a map.
        if let Some(pp) = map.shift_remove("patternProperties") {
            let p = pointer::child(ptr, "patternProperties");
            match pp {
                Value::Object(pats) if pats.len() == 1 && !map.contains_key("additionalProperties") => {
                    let (pattern, s) = pats.into_iter().next().unwrap_or_default();
                    map.insert("additionalProperties".into(), s);
                    self.note(p, format!("became additionalProperties; key pattern `{pattern}` dropped"));
                }
                other => {
                    discard(other);
                    self.note(p, "`patternProperties` dropped");
                }
            }
        }
        for key in UNSUPPORTED.split_whitespace() {
            if remove(map, key) {
                self.note(pointer::child(ptr, key), format!("unsupported keyword `{key}` dropped"));
            }
        }
    }

    /// 3.1 writes nullability and unions as `type` arrays; openapiv3 wants one string.
    fn split_type(&mut self, map: &mut Map<String, Value>, ptr: &str) {
        let p = pointer::child(ptr, "type");
        let types: Vec<String> = match map.get("type") {
            None => return,
            Some(Value::String(t)) if t != "null" => return,
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(String::from).collect(),
            // Not a 3.1 construct but a wrong document: leave it for openapiv3 to reject with its location.
            Some(_) => return,
        };
        let mut concrete: Vec<String> = Vec::new();
        for t in types.iter().filter(|t| *t != "null") {
            if !concrete.contains(t) {
                concrete.push(t.clone());
            }
        }
        if types.iter().any(|t| t == "null") {
            map.insert("nullable".into(), Value::Bool(true));
        }
        if concrete.len() == 1 {
            map.insert("type".into(), concrete.pop().into());
            return;
        }
        remove(map, "type");
        if concrete.is_empty() {
            return self.note(p, "no non-null `type`: became an untyped schema");
        }
        if map.contains_key("oneOf") {
            return self.note(p, format!("type union {concrete:?} dropped (the schema already has a oneOf)"));
        }
        // One branch per type, each taking the keywords that constrain that type.
        let branches: Vec<Value> = (concrete.iter())
            .map(|t| {
                let mut branch = Map::from_iter([("type".to_string(), json!(t))]);
                for (k, val) in map.iter().filter(|(k, _)| keyword_types(k).contains(&t.as_str())) {
                    if !deeper_than(val, MAX_DEPTH) {
                        branch.insert(k.clone(), val.clone());
                    }
                }
                Value::Object(branch)
            })
            .collect();
        let moved: Vec<String> = map.keys().filter(|k| !keyword_types(k).is_empty()).cloned().collect();
        for k in moved {
            remove(map, &k);
        }
        map.insert("oneOf".into(), Value::Array(branches));
        self.note(p, format!("type union {concrete:?} became oneOf"));
    }
}

/// The instance types a keyword constrains (empty: not type-specific).
fn keyword_types(key: &str) -> &'static [&'static str] {
    match key {
        "format" => &["string", "number", "integer"],
        "pattern" | "minLength" | "maxLength" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => &["number", "integer"],
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => &["object"],
        "items" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        _ => &[],
    }
}

/// JSON Schema's boolean schemas: `true` accepts anything, `false` nothing.
fn bool_schema(v: &mut Value) {
    if let Value::Bool(b) = *v {
        *v = if b { json!({}) } else { json!({ "not": {} }) };
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => v.get("const") == Some(&Value::Null) || v.get("enum") == Some(&json!([null])),
    }
}

/// Inserts `value` under `key`, discarding what was there.
fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    if let Some(old) = map.insert(key.into(), value) {
        discard(old);
    }
}

/// Removes `key` (keeping the order of the rest); returns whether it was there.
fn remove(map: &mut Map<String, Value>, key: &str) -> bool {
    map.shift_remove(key).map(discard).is_some()
}

/// Drops a value without recursion, so pathological nesting cannot overflow the stack.
fn discard(v: Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a),
            Value::Object(m) => stack.extend(m.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Whether `v` nests deeper than `limit` (checked iteratively, before a recursive clone).
fn deeper_than(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v, 0)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, depth + 1))),
            Value::Object(m) => stack.extend(m.values().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests;
