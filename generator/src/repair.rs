//! Tolerant reading of small mistakes. A keyword whose value has the wrong type is read as what
//! was evidently meant (`minimum: "5"` is 5, `enum: a` is `[a]`) or dropped, and a parameter in
//! an unknown place is left out, or its operation skipped when the parameter is required. Each
//! repair is a located [`Note`]. Without this, openapiv3 refuses the whole document over one slip.
//!
//! The normalizer calls these functions from its walk, so they see exactly the schemas and path
//! items it rewrites, before any of its own rewrites.

use crate::error::HELP;
use crate::normalize::{Kind, Note};
use crate::pointer;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

/// The schema types of OpenAPI 3.0 plus 3.1's `null`.
const TYPES: [&str; 7] = ["string", "number", "integer", "boolean", "array", "object", "null"];

/// Where a parameter can be.
const LOCATIONS: [&str; 4] = ["query", "header", "path", "cookie"];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What a schema keyword's value must be.
#[derive(Clone, Copy)]
enum Expect {
    /// `pattern`, `format`: a string; anything else is dropped (a number is no regular expression).
    Text,
    /// `title`, `description`: a string; a number or boolean is read as its text.
    Prose,
    /// Bounds, lengths and counts: a number; a string holding one is read as it.
    Number,
    /// `exclusiveMinimum`/`exclusiveMaximum`: a boolean (3.0) or a number (3.1).
    Bound,
    /// `nullable`, `uniqueItems`, `readOnly`, `writeOnly`, `deprecated`.
    Flag,
    /// `required`: a list of property names.
    Names,
    /// `enum`: a list of values.
    Values,
    /// `allOf`/`oneOf`/`anyOf`: a list of schemas.
    Schemas,
    /// `properties`: an object of schemas.
    Properties,
}

impl Expect {
    fn of(key: &str) -> Option<Expect> {
        use Expect::*;
        Some(match key {
            "pattern" | "format" => Text,
            "title" | "description" => Prose,
            "minimum" | "maximum" | "multipleOf" | "minLength" | "maxLength" | "minItems" | "maxItems"
            | "minProperties" | "maxProperties" => Number,
            "exclusiveMinimum" | "exclusiveMaximum" => Bound,
            "nullable" | "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => Flag,
            "required" => Names,
            "enum" => Values,
            "allOf" | "oneOf" | "anyOf" => Schemas,
            "properties" => Properties,
            _ => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Expect::Text | Expect::Prose => "a string",
            Expect::Number => "a finite number",
            Expect::Bound => "a boolean or a number",
            Expect::Flag => "a boolean",
            Expect::Names => "a list of property names",
            Expect::Values => "a list of values",
            Expect::Schemas => "a list of schemas",
            Expect::Properties => "an object of schemas",
        }
    }

    /// `Ok(None)`: fine as it is; `Ok(Some(v))`: read as `v`; `Err(())`: dropped.
    fn read(self, v: &Value) -> Result<Option<Value>, ()> {
        use Expect::*;
        match (self, v) {
            (Text | Prose, Value::String(_))
            | (Number, Value::Number(_))
            | (Bound, Value::Number(_) | Value::Bool(_))
            | (Flag, Value::Bool(_))
            | (Values | Schemas, Value::Array(_))
            | (Properties, Value::Object(_)) => Ok(None),
            (Prose, Value::Number(_) | Value::Bool(_)) => Ok(Some(Value::String(v.to_string()))),
            (Flag | Bound, Value::String(s)) if s == "true" || s == "false" => Ok(Some(Value::Bool(s == "true"))),
            (Number | Bound, Value::String(s)) => number(s).map(Some).ok_or(()),
            (Names, Value::Array(names)) if names.iter().all(Value::is_string) => Ok(None),
            (Names, Value::Array(names)) => Ok(Some(names.iter().filter(|n| n.is_string()).cloned().collect())),
            (Names, Value::String(_)) | (Values, Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
                Ok(Some(json!([v])))
            }
            (Schemas, Value::Object(_)) => Ok(Some(json!([v]))),
            _ => Err(()),
        }
    }
}

/// A number written as a string (`"5"`, `"-1.5"`), if it is a finite one.
fn number(s: &str) -> Option<Value> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(json!(i));
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(serde_json::Number::from_f64).map(Value::Number)
}

/// A value as a message quotes it: scalars as written, containers by kind.
fn show(v: &Value) -> String {
    match v {
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
        _ => v.to_string(),
    }
}

fn note(notes: &mut Vec<Note>, pointer: String, message: String) {
    notes.push(Note { pointer, message });
}

/// The candidate closest to `word` (transpositions count once), if it is close enough to be
/// what was meant.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = word.to_ascii_lowercase();
    let (distance, best) =
        candidates.iter().map(|c| (strsim::damerau_levenshtein(&word, c), *c)).min_by_key(|(d, _)| *d)?;
    (distance <= (word.len() / 3).max(1)).then_some(best)
}

/// The help for an unknown value among `valid`: the nearest, or the list.
fn suggestion(word: &str, valid: &[&str]) -> String {
    match did_you_mean(word, valid) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("expected one of {}", valid.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")),
    }
}

/// Repairs one schema position: a value that is no schema at all, and each keyword whose value
/// has the wrong type.
pub(crate) fn schema(v: &mut Value, ptr: &str, notes: &mut Vec<Note>) {
    let map = match v {
        Value::Object(map) => map,
        // Boolean schemas and tuple `items` are the normalizer's to rewrite.
        Value::Bool(_) | Value::Array(_) => return,
        other => {
            let message = format!("{} is not a schema: read as any JSON value{HELP}a schema is an object", show(other));
            *other = json!({});
            return note(notes, ptr.to_string(), message);
        }
    };
    schema_type(map, ptr, notes);
    let keys: Vec<String> = map.keys().filter(|k| Expect::of(k).is_some()).cloned().collect();
    for key in keys {
        let (Some(expect), Some(value)) = (Expect::of(&key), map.get(&key)) else { continue };
        let p = pointer::child(ptr, &key);
        let shown = show(value);
        // Swagger 2 marks a required property on itself; 3.0 lists it in the parent.
        let help = match (expect, value) {
            (Expect::Names, Value::Bool(_)) => "list required properties in the parent object's `required`".into(),
            _ => format!("`{key}` takes {}", expect.what()),
        };
        match expect.read(value) {
            Ok(None) => {}
            Ok(Some(read)) => {
                let message = format!("`{key}` {shown} should be {}: read as {read}", expect.what());
                map.insert(key, read);
                note(notes, p, message);
            }
            Err(()) => {
                map.shift_remove(&key);
                note(notes, p, format!("`{key}` {shown} is not {}: dropped{HELP}{help}", expect.what()));
            }
        }
    }
}

/// `type`: one of [`TYPES`] (or a 3.1 list of them). A wrong case is read as meant; an unknown
/// name is dropped, so the schema accepts any JSON value, with the nearest name as a hint.
fn schema_type(map: &mut Map<String, Value>, ptr: &str, notes: &mut Vec<Note>) {
    let p = pointer::child(ptr, "type");
    let Some(value) = map.get_mut("type") else { return };
    let mut unknown = Vec::new();
    let mut check = |t: &mut Value| match t.as_str() {
        Some(s) if TYPES.contains(&s) => true,
        Some(s) if TYPES.contains(&s.to_ascii_lowercase().as_str()) => {
            unknown.push(format!("`type` `{s}` read as `{}`", s.to_ascii_lowercase()));
            *t = Value::String(s.to_ascii_lowercase());
            true
        }
        Some(s) => {
            let help = suggestion(s, &TYPES);
            unknown.push(format!("unknown type `{s}`: dropped, so any JSON value is accepted here{HELP}{help}"));
            false
        }
        None => {
            unknown.push(format!("`type` {} is not a type name: dropped{HELP}`type` takes a string", show(t)));
            false
        }
    };
    let keep = match value {
        Value::Array(types) => {
            types.retain_mut(&mut check);
            !types.is_empty()
        }
        t => check(t),
    };
    if !keep {
        map.shift_remove("type");
    }
    for message in unknown {
        note(notes, p.clone(), message);
    }
}

/// A parameter that cannot be sent because its `in` names no location.
#[derive(Clone)]
pub(crate) struct Unplaced {
    name: String,
    required: bool,
    /// Where the `in` is, and the help for it.
    at: String,
    help: String,
    written: String,
}

/// Keywords a Swagger-style parameter carries itself instead of in its `schema`.
const PARAM_SCHEMA_KEYWORDS: [&str; 12] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
];

/// Checks a parameter: a missing `schema` is made from the schema keywords on the parameter
/// itself, or is a string; an `in` in the wrong case is read as meant. `None` if it can be sent.
fn unplaced(param: &mut Value, ptr: &str, notes: &mut Vec<Note>) -> Option<Unplaced> {
    let Value::Object(map) = param else { return None };
    if map.contains_key("$ref") {
        return None;
    }
    if !map.contains_key("schema") && !map.contains_key("content") {
        let schema: Map<String, Value> =
            PARAM_SCHEMA_KEYWORDS.iter().filter_map(|k| Some((k.to_string(), map.shift_remove(*k)?))).collect();
        let message = match schema.is_empty() {
            true => "parameter has no `schema`: read as a string",
            false => "parameter has no `schema`: its own `type` (and the like) moved into one",
        };
        let schema = if schema.is_empty() { json!({ "type": "string" }) } else { Value::Object(schema) };
        map.insert("schema".into(), schema);
        note(notes, ptr.to_string(), format!("{message}{HELP}a parameter needs `schema` (or `content`)"));
    }
    let at = pointer::child(ptr, "in");
    let written = match map.get("in") {
        Some(Value::String(s)) if LOCATIONS.contains(&s.as_str()) => return None,
        Some(Value::String(s)) if LOCATIONS.contains(&s.to_ascii_lowercase().as_str()) => {
            let lower = s.to_ascii_lowercase();
            note(notes, at, format!("parameter location `{s}` read as `{lower}`"));
            map.insert("in".into(), Value::String(lower));
            return None;
        }
        Some(v) => v.as_str().map_or_else(|| show(v), str::to_string),
        None => String::new(),
    };
    let help = if written.is_empty() {
        "expected `in: query`, `header`, `path` or `cookie`".into()
    } else {
        suggestion(&written, &LOCATIONS)
    };
    Some(Unplaced {
        name: map.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
        required: map.get("required") == Some(&Value::Bool(true)),
        at: if written.is_empty() { ptr.to_string() } else { at },
        help,
        written,
    })
}

impl Unplaced {
    fn what(&self) -> String {
        match self.written.as_str() {
            "" => format!("parameter `{}` has no location (`in`)", self.name),
            w => format!("unknown parameter location `{w}` of `{}`", self.name),
        }
    }
}

/// The parameters of `components` whose location is unknown, removed (openapiv3 would refuse
/// the document), by their `$ref`; the path items then leave them out or skip their operations.
pub(crate) fn component_params(
    components: &mut Map<String, Value>,
    notes: &mut Vec<Note>,
) -> HashMap<String, Unplaced> {
    let mut out = HashMap::new();
    let Some(Value::Object(params)) = components.get_mut("parameters") else { return out };
    let ptr = "/components/parameters";
    let mut gone = Vec::new();
    for (key, param) in params.iter_mut() {
        let p = pointer::child(ptr, key);
        if let Some(u) = unplaced(param, &p, notes) {
            let effect =
                if u.required { "every operation that uses it is skipped" } else { "left out of every operation" };
            note(notes, u.at.clone(), format!("{}: {effect}{HELP}{}", u.what(), u.help));
            out.insert(format!("#{p}"), u);
            gone.push(key.clone());
        }
    }
    for key in gone {
        params.shift_remove(&key);
    }
    out
}

/// Leaves out a path item's optional parameters that cannot be sent, and skips each operation
/// that has a required one (its own or the path item's).
/// Returns whether it left out any parameter (see [`drop_left_out`]).
pub(crate) fn path_item(
    item: &mut Map<String, Value>,
    ptr: &str,
    components: &HashMap<String, Unplaced>,
    notes: &mut Vec<Note>,
) -> bool {
    let mut left_out = false;
    let path = pointer::tokens(ptr).last().unwrap_or_default();
    let shared = item
        .get_mut("parameters")
        .and_then(|l| params(l, &pointer::child(ptr, "parameters"), components, notes, &mut left_out));
    for method in METHODS {
        let op_ptr = pointer::child(ptr, method);
        let Some(Value::Object(op)) = item.get_mut(method) else { continue };
        let own = op
            .get_mut("parameters")
            .and_then(|l| params(l, &pointer::child(&op_ptr, "parameters"), components, notes, &mut left_out));
        let Some((u, via_ref)) = own.or_else(|| shared.clone()) else { continue };
        item.shift_remove(method);
        let op = format!(
            "operation {} {path} is skipped: its required parameter `{}` cannot be sent",
            method.to_uppercase(),
            u.name
        );
        match via_ref {
            true => note(notes, op_ptr, op),
            false => note(notes, u.at.clone(), format!("{}: {op}{HELP}{}", u.what(), u.help)),
        }
    }
    left_out
}

/// Marks the parameters of `list` that cannot be sent (noting the optional ones); returns the
/// first required one, whose operations are then skipped, and whether it came through a `$ref`
/// (already noted at the component).
fn params(
    list: &mut Value,
    ptr: &str,
    components: &HashMap<String, Unplaced>,
    notes: &mut Vec<Note>,
    left_out: &mut bool,
) -> Option<(Unplaced, bool)> {
    let Value::Array(items) = list else { return None };
    let mut required = None;
    for (index, param) in items.iter_mut().enumerate() {
        let p = pointer::child(ptr, &index.to_string());
        let by_ref = param.get("$ref").and_then(Value::as_str).and_then(|r| components.get(r)).cloned();
        let found = match by_ref {
            Some(u) => Some((u, true)),
            None => unplaced(param, &p, notes).map(|u| (u, false)),
        };
        let Some((u, via_ref)) = found else { continue };
        // Left as a `null` placeholder until the walk is done, so the pointers of the notes
        // about the parameters after it stay those of the document as written.
        *param = Value::Null;
        *left_out = true;
        if u.required {
            required.get_or_insert((u, via_ref));
        } else if !via_ref {
            note(notes, u.at.clone(), format!("{}: the parameter is left out{HELP}{}", u.what(), u.help));
        }
    }
    required
}

/// Removes the placeholders [`path_item`] left for the parameters it left out.
pub(crate) fn drop_left_out(doc: &mut Value) {
    crate::normalize::visit(doc, &mut |kind, v, _| {
        if let (Kind::PathItem | Kind::Operation, Some(Value::Array(params))) = (kind, v.get_mut("parameters")) {
            params.retain(|p| !p.is_null());
        }
    });
}

/// The parameters `components.parameters` declares: `#/components/parameters/X` → its name
/// and place (`in`).
pub(crate) fn component_param_names(components: Option<&Value>) -> HashMap<String, (String, String)> {
    let params = components.and_then(|c| c.get("parameters")).and_then(Value::as_object).into_iter().flatten();
    params.filter_map(|(k, p)| Some((pointer::child("#/components/parameters", k), name_and_place(p)?))).collect()
}

fn name_and_place(p: &Value) -> Option<(String, String)> {
    let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
    Some((p.get("name")?.as_str()?.to_string(), place.to_string()))
}

/// A path key with a query string of `name={name}` pairs (`/rides?page={page}`) declares those
/// parameters even where no parameter object does: each one that no parameter of the path item
/// (or of every one of its operations) names is added to the path item as a required string
/// parameter. It is a query parameter, so that the query string can leave the path template
/// (the build does that), unless the document fills another variable of that query string with
/// a path parameter: then it is one too, and the template keeps the query string, as the
/// document reads it. A query string of any other shape is left for the build to report.
pub(crate) fn query_in_path_key(
    item: &mut Map<String, Value>,
    ptr: &str,
    component_params: &HashMap<String, (String, String)>,
    notes: &mut Vec<Note>,
) {
    let path = pointer::tokens(ptr).last().unwrap_or_default();
    let Some((_, query)) = path.split_once('?') else { return };
    let mut variables = Vec::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            Some(var) if var == name && !var.is_empty() => variables.push(var.to_string()),
            _ => return,
        }
    }
    let declared = |params: Option<&Value>| -> Vec<(String, String)> {
        let params = params.and_then(Value::as_array).into_iter().flatten();
        params
            .filter_map(|p| match p.get("$ref").and_then(Value::as_str) {
                Some(r) => component_params.get(r).cloned(),
                None => name_and_place(p),
            })
            .collect()
    };
    let shared = declared(item.get("parameters"));
    let ops: Vec<Vec<(String, String)>> =
        METHODS.iter().filter_map(|m| item.get(*m)).map(|op| declared(op.get("parameters"))).collect();
    let names = |list: &[(String, String)], v: &str| list.iter().any(|(n, _)| n == v);
    let missing: Vec<&String> =
        variables.iter().filter(|v| !names(&shared, v) && ops.iter().any(|own| !names(own, v))).collect();
    if missing.is_empty() {
        return;
    }
    let in_path = |list: &[(String, String)]| list.iter().any(|(n, at)| at == "path" && variables.contains(n));
    let place = if in_path(&shared) || ops.iter().any(|own| in_path(own)) { "path" } else { "query" };
    let list = item.entry("parameters").or_insert_with(|| json!([]));
    let Value::Array(list) = list else { return };
    for var in missing {
        list.push(json!({ "name": var, "in": place, "required": true, "schema": { "type": "string" } }));
        let message = format!(
            "the path's query string names `{{{var}}}`, which no parameter declares: read as a required string {place} parameter `{var}`"
        );
        note(notes, ptr.to_string(), message);
    }
}

/// The names in each `components` section a `$ref` may be misfiled into: `section → names`.
pub(crate) fn component_names(components: Option<&Value>) -> HashMap<String, HashSet<String>> {
    let sections = components.and_then(Value::as_object).into_iter().flatten();
    sections.map(|(k, v)| (k.clone(), v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default())).collect()
}

/// A `$ref` at the position of a schema, response or request body (`section`: `schemas`,
/// `responses`, `requestBodies`) that names an entry of another section,
/// `#/components/responses/Status` where a schema belongs, is read as the entry of the same name
/// in `section`, when there is one: the name says which object was meant, the section is the
/// slip (seen in rumble.run and swaggerhub.com). Without such an entry it is left for the build
/// to report. Parameters are left out: the walk does not tell them from headers.
pub(crate) fn misfiled_ref(
    v: &mut Value,
    section: &str,
    names: &HashMap<String, HashSet<String>>,
    ptr: &str,
    notes: &mut Vec<Note>,
) {
    let Some(Value::String(reference)) = v.get_mut("$ref") else { return };
    let Some((other, name)) = reference.strip_prefix("#/components/").and_then(|r| r.split_once('/')) else {
        return;
    };
    if other == section
        || name.contains('/')
        || !names.get(section).is_some_and(|n| n.contains(&pointer::unescape(name)))
    {
        return;
    }
    let meant = format!("#/components/{section}/{name}");
    let message = format!(
        "$ref `{reference}` names an entry of components/{other} where one of components/{section} belongs: read as `{meant}`"
    );
    *reference = meant;
    note(notes, pointer::child(ptr, "$ref"), message);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parameter in an unknown place: an optional one is left out, a required one (inline, in
    /// the path item, or through a `$ref`) skips its operation; the rest of the document loads.
    #[test]
    fn unplaced_parameters() {
        let q = |name: &str, at: &str, required: bool| json!({ "name": name, "in": at, "required": required, "schema": { "type": "string" } });
        let op = |params: Value| json!({ "parameters": params, "responses": {} });
        let mut doc = json!({
            "openapi": "3.0.3", "info": { "title": "t", "version": "1" },
            "paths": {
                "/a": { "get": op(json!([q("x", "qurey", false), q("y", "Query", true)])),
                        "post": op(json!([q("z", "body", true)])),
                        "put": op(json!([{ "$ref": "#/components/parameters/Opt" }])),
                        "patch": op(json!([{ "$ref": "#/components/parameters/Req" }])) },
                "/b": { "parameters": [q("id", "pth", true)],
                        "get": op(json!([])), "delete": op(json!([])) },
                "/c": { "get": op(json!([{ "name": "n", "in": "query", "type": "integer", "minimum": 1 },
                                         { "name": "s", "in": "header" }])) }
            },
            "components": { "parameters": { "Opt": q("o", "heder", false), "Req": { "name": "r", "required": true, "schema": {} } } }
        });
        let notes = crate::normalize::normalize(&mut doc);
        let notes: Vec<(&str, &str)> = notes.iter().map(|n| (n.pointer.as_str(), n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                ("/components/parameters/Opt/in", "unknown parameter location `heder` of `o`: left out of every operation; help: did you mean `header`?"),
                ("/components/parameters/Req", "parameter `r` has no location (`in`): every operation that uses it is skipped; help: expected `in: query`, `header`, `path` or `cookie`"),
                ("/paths/~1a/get/parameters/0/in", "unknown parameter location `qurey` of `x`: the parameter is left out; help: did you mean `query`?"),
                ("/paths/~1a/get/parameters/1/in", "parameter location `Query` read as `query`"),
                ("/paths/~1a/post/parameters/0/in", "unknown parameter location `body` of `z`: operation POST /a is skipped: its required parameter `z` cannot be sent; help: expected one of `query`, `header`, `path`, `cookie`"),
                ("/paths/~1a/patch", "operation PATCH /a is skipped: its required parameter `r` cannot be sent"),
                ("/paths/~1b/parameters/0/in", "unknown parameter location `pth` of `id`: operation GET /b is skipped: its required parameter `id` cannot be sent; help: did you mean `path`?"),
                ("/paths/~1b/parameters/0/in", "unknown parameter location `pth` of `id`: operation DELETE /b is skipped: its required parameter `id` cannot be sent; help: did you mean `path`?"),
                ("/paths/~1c/get/parameters/0", "parameter has no `schema`: its own `type` (and the like) moved into one; help: a parameter needs `schema` (or `content`)"),
                ("/paths/~1c/get/parameters/1", "parameter has no `schema`: read as a string; help: a parameter needs `schema` (or `content`)"),
            ]
        );
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"], json!([q("y", "query", true)]));
        assert_eq!(doc["paths"]["/a"]["put"]["parameters"], json!([]));
        let methods = |p: &str| doc["paths"][p].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            (methods("/a"), methods("/b")),
            (vec!["get".to_string(), "put".into()], vec!["parameters".to_string()])
        );
        assert_eq!(doc["components"]["parameters"], json!({}));
        let c = &doc["paths"]["/c"]["get"]["parameters"];
        assert_eq!(
            (&c[0]["schema"], &c[1]["schema"]),
            (&json!({ "type": "integer", "minimum": 1 }), &json!({ "type": "string" }))
        );
        serde_json::from_value::<openapiv3::OpenAPI>(doc).expect("the repaired document loads");
    }

    /// A `$ref` into the wrong section of `components` is read as the entry of the same name in
    /// the right one, where there is one; otherwise it is left for the build to report.
    #[test]
    fn references_filed_under_another_section() {
        let json =
            |schema: Value| json!({ "description": "d", "content": { "application/json": { "schema": schema } } });
        let mut doc = json!({
            "openapi": "3.0.3", "info": { "title": "t", "version": "1" },
            "paths": { "/a": { "post": {
                "requestBody": { "$ref": "#/components/schemas/New" },
                "responses": {
                    "200": json(json!({ "$ref": "#/components/responses/Status" })),
                    "400": { "$ref": "#/components/schemas/Bad" },
                    "404": { "$ref": "#/components/schemas/Status" },
                    "500": json(json!({ "$ref": "#/components/responses/Gone" }))
                } } } },
            "components": {
                "schemas": { "Status": { "type": "string" }, "Bad": { "description": "not a schema" },
                             "New": { "type": "object" } },
                "responses": { "Status": { "description": "a status" }, "Bad": { "description": "bad request" },
                               "Gone": { "description": "no schema of this name" } },
                "requestBodies": { "New": json(json!({ "$ref": "#/components/schemas/New" })) }
            }
        });
        let notes = crate::normalize::normalize(&mut doc);
        let notes: Vec<(&str, &str)> = notes.iter().map(|n| (n.pointer.as_str(), n.message.as_str())).collect();
        let content = "content/application~1json/schema/$ref";
        assert_eq!(
            notes,
            [
                ("/paths/~1a/post/requestBody/$ref", "$ref `#/components/schemas/New` names an entry of components/schemas where one of components/requestBodies belongs: read as `#/components/requestBodies/New`"),
                (&*format!("/paths/~1a/post/responses/200/{content}"), "$ref `#/components/responses/Status` names an entry of components/responses where one of components/schemas belongs: read as `#/components/schemas/Status`"),
                ("/paths/~1a/post/responses/400/$ref", "$ref `#/components/schemas/Bad` names an entry of components/schemas where one of components/responses belongs: read as `#/components/responses/Bad`"),
                ("/paths/~1a/post/responses/404/$ref", "$ref `#/components/schemas/Status` names an entry of components/schemas where one of components/responses belongs: read as `#/components/responses/Status`"),
            ]
        );
        let responses = &doc["paths"]["/a"]["post"]["responses"];
        assert_eq!(responses["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Status");
        assert_eq!(responses["400"]["$ref"], "#/components/responses/Bad");
        // No schema `Gone` to read it as: left as written (the build skips the operation, saying why).
        assert_eq!(responses["500"]["content"]["application/json"]["schema"]["$ref"], "#/components/responses/Gone");
        serde_json::from_value::<openapiv3::OpenAPI>(doc).expect("the repaired document loads");
    }

    /// A query string in a path key declares its `name={name}` variables: the ones no parameter
    /// names become query parameters, or path parameters where the document fills the others so.
    #[test]
    fn query_strings_in_path_keys_declare_their_variables() {
        let p =
            |name: &str, at: &str| json!({ "name": name, "in": at, "required": true, "schema": { "type": "string" } });
        let get = |params: Value| json!({ "get": { "parameters": params, "responses": {} } });
        let mut doc = json!({
            "openapi": "3.0.3", "info": { "title": "t", "version": "1" },
            "paths": {
                "/rides?page={page}&size={size}": get(json!([{ "$ref": "#/components/parameters/Size" }])),
                "/icons?term={term}&amount={amount}": get(json!([p("amount", "path")])),
                "/files?filename={filename}": get(json!([p("filename", "path")])),
                "/fixed?format=json": get(json!([])),
                "/renamed?q={query}": get(json!([]))
            },
            "components": { "parameters": { "Size": p("size", "query") } }
        });
        let notes = crate::normalize::normalize(&mut doc);
        let notes: Vec<(&str, &str)> = notes.iter().map(|n| (n.pointer.as_str(), n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                ("/paths/~1rides?page={page}&size={size}", "the path's query string names `{page}`, which no parameter declares: read as a required string query parameter `page`"),
                ("/paths/~1icons?term={term}&amount={amount}", "the path's query string names `{term}`, which no parameter declares: read as a required string path parameter `term`"),
            ]
        );
        let paths = &doc["paths"];
        assert_eq!(paths["/rides?page={page}&size={size}"]["parameters"], json!([p("page", "query")]));
        assert_eq!(paths["/icons?term={term}&amount={amount}"]["parameters"], json!([p("term", "path")]));
        for untouched in ["/files?filename={filename}", "/fixed?format=json", "/renamed?q={query}"] {
            assert_eq!(paths[untouched].get("parameters"), None, "{untouched}");
        }
        serde_json::from_value::<openapiv3::OpenAPI>(doc).expect("the repaired document loads");
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        assert_eq!(did_you_mean("strin", &TYPES), Some("string"));
        assert_eq!(did_you_mean("qurey", &LOCATIONS), Some("query"));
        assert_eq!(did_you_mean("Heder", &LOCATIONS), Some("header"));
        assert_eq!(did_you_mean("body", &LOCATIONS), None);
        assert_eq!(did_you_mean("file", &TYPES), None);
    }

    #[test]
    fn numbers_written_as_strings() {
        assert_eq!(number(" 5 "), Some(json!(5)));
        assert_eq!(number("-1.5"), Some(json!(-1.5)));
        for bad in ["", "five", ".inf", "NaN", "inf"] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }
}
