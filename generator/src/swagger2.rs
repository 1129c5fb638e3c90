//! Swagger 2.0 → OpenAPI 3.0, on the JSON tree, before normalization: the rest of the pipeline
//! only ever sees OpenAPI 3.
//!
//! The mapping is the one the established converters (swagger2openapi, swagger-parser's v2
//! converter) use: `definitions`, top-level `parameters` and `responses` move under `components`
//! (and every `$ref` with them); a `body` parameter, or the `formData` ones, become the
//! operation's `requestBody`, with the media types `consumes` names; a response `schema` is
//! repeated for each type `produces` names; `host` + `basePath` + `schemes` become `servers`;
//! `securityDefinitions` become `components/securitySchemes` (oauth2 flows renamed); a
//! parameter's `type`, `format`, `items`, `enum`, bounds… move into its `schema`, and its
//! `collectionFormat` becomes `style`/`explode`. What has no 3.0 form is dropped with a [`Note`]
//! at its place in the Swagger document.

use crate::normalize::Note;
use crate::pointer;
use serde_json::{json, Map, Value};

/// The media type assumed when neither the operation nor the document says (`consumes`, `produces`).
const DEFAULT_MEDIA: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The keywords of a non-body parameter (and of a header, and of `items`) that describe its value:
/// in 3.0 they live in its `schema`.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Rewrites the Swagger 2.0 document `doc` into OpenAPI 3.0.3, in place. Returns a note for
/// each thing that has no 3.0 form (or was assumed), located in the Swagger document.
pub fn convert(doc: &mut Value) -> Vec<Note> {
    let Value::Object(root) = doc else { return Vec::new() };
    let old = std::mem::take(root);
    let media = |key: &str| -> Vec<String> { strings(old.get(key)) };
    let mut c = Converter {
        notes: Vec::new(),
        consumes: media("consumes"),
        produces: media("produces"),
        schemes: media("schemes"),
        original: &old,
    };
    *root = c.document(&old);
    c.notes
}

struct Converter<'a> {
    notes: Vec<Note>,
    /// The document's `consumes` and `produces` (an operation's own replace them).
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The document's `schemes`, which an operation's own may repeat.
    schemes: Vec<String>,
    /// The Swagger document, where `#/parameters/…` are looked up.
    original: &'a Map<String, Value>,
}

/// A `body` or `formData` parameter found on an operation (or its path item), with its pointer.
type BodyParam = (Map<String, Value>, String);

impl Converter<'_> {
    fn note(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.notes.push(Note { pointer: pointer.into(), message: message.into() });
    }

    fn document(&mut self, old: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        let mut components = Map::new();
        for (key, value) in old {
            let at = pointer::child("", key);
            match key.as_str() {
                "swagger" | "consumes" | "produces" | "schemes" | "basePath" | "host" => {}
                "definitions" => {
                    let schemas = self.each(value, &at, |c, v, p| c.schema(v, p));
                    components.insert("schemas".into(), schemas);
                }
                "parameters" => {
                    let mut params = Map::new();
                    for (name, p) in value.as_object().into_iter().flatten() {
                        let p_at = pointer::child(&at, name);
                        match location(p) {
                            Some("query" | "header" | "path") => {
                                params.insert(name.clone(), self.parameter(p, &p_at));
                            }
                            // Request bodies where an operation refers to them.
                            Some("body" | "formData") => {}
                            other => self.unknown_location(other, p_at),
                        }
                    }
                    components.insert("parameters".into(), Value::Object(params));
                }
                "responses" => {
                    let produces = self.produces.clone();
                    let responses = self.each(value, &at, |c, v, p| c.response(v, &produces, p));
                    components.insert("responses".into(), responses);
                }
                "securityDefinitions" => {
                    let mut schemes = Map::new();
                    for (name, s) in value.as_object().into_iter().flatten() {
                        if let Some(s) = self.security_scheme(s, &pointer::child(&at, name)) {
                            schemes.insert(name.clone(), s);
                        }
                    }
                    components.insert("securitySchemes".into(), Value::Object(schemes));
                }
                "paths" => {
                    let paths = match value {
                        Value::Object(paths) => Value::Object(
                            (paths.iter())
                                .map(|(path, item)| {
                                    let p = pointer::child(&at, path);
                                    let item =
                                        if path.starts_with("x-") { item.clone() } else { self.path_item(item, &p) };
                                    (path.clone(), item)
                                })
                                .collect(),
                        ),
                        other => other.clone(), // not a map: openapiv3 says where
                    };
                    out.insert("paths".into(), paths);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(servers) = self.servers(old) {
            out.insert("servers".into(), servers);
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        out
    }

    /// `f` over each entry of a map (a non-map is kept for openapiv3 to refuse, with its pointer).
    fn each(&mut self, map: &Value, at: &str, mut f: impl FnMut(&mut Self, &Value, &str) -> Value) -> Value {
        match map {
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), f(self, v, &pointer::child(at, k)))).collect())
            }
            other => other.clone(),
        }
    }

    /// `host` + `basePath` + `schemes` → one server per scheme (https first: the generated client's
    /// default is the first); no host → the base path alone, relative to wherever the API is served.
    fn servers(&mut self, old: &Map<String, Value>) -> Option<Value> {
        let base = old.get("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
        let Some(host) = old.get("host").and_then(Value::as_str) else {
            return (!base.is_empty()).then(|| json!([{ "url": base }]));
        };
        let mut schemes = strings(old.get("schemes"));
        if schemes.is_empty() {
            self.note("/host", "no `schemes`: https assumed for the server URL");
            schemes.push("https".into());
        }
        schemes.sort_by_key(|s| s != "https");
        Some(schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect())
    }

    fn path_item(&mut self, item: &Value, at: &str) -> Value {
        let Value::Object(item) = item else { return item.clone() };
        let (params, shared) = match item.get("parameters") {
            Some(list) => self.parameters(list, &pointer::child(at, "parameters")),
            None => Default::default(),
        };
        let mut out = Map::new();
        for (key, value) in item {
            let value = match key.as_str() {
                "parameters" if params.is_empty() => continue,
                "parameters" => Value::Array(params.clone()),
                m if METHODS.contains(&m) => self.operation(value, &shared, &pointer::child(at, key)),
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        out.into()
    }

    /// A parameter list → the 3.0 parameters, and the `body`/`formData` ones (which 3.0 has as
    /// the request body), followed through `#/parameters/…` references.
    fn parameters(&mut self, list: &Value, at: &str) -> (Vec<Value>, Vec<BodyParam>) {
        let (mut params, mut bodies) = (Vec::new(), Vec::new());
        let Value::Array(list) = list else {
            self.note(at, "`parameters` is not a list: ignored");
            return (params, bodies);
        };
        for (i, p) in list.iter().enumerate() {
            let ptr = pointer::child(at, &i.to_string());
            let (target, target_at) = self.target(p, &ptr);
            match location(&target) {
                Some("body" | "formData") => bodies.push((target.as_object().cloned().unwrap_or_default(), target_at)),
                Some("query" | "header" | "path") => params.push(self.parameter(p, &ptr)),
                other => self.unknown_location(other, target_at),
            }
        }
        (params, bodies)
    }

    fn unknown_location(&mut self, location: Option<&str>, at: String) {
        let what = location.map_or("no `in`".to_string(), |l| format!("`in: {l}`"));
        self.note(at, format!("a parameter with {what} (not path, query, header, body or formData): dropped"));
    }

    /// The parameter `p` stands for: itself, or the top-level one its `#/parameters/…` `$ref`
    /// names (with that one's pointer).
    fn target(&self, p: &Value, at: &str) -> (Value, String) {
        let (mut p, mut at) = (p, at.to_string());
        for _ in 0..8 {
            let Some(name) = p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")) else {
                break;
            };
            let name = pointer::unescape(name);
            let Some(target) = self.original.get("parameters").and_then(|ps| ps.get(&name)) else { break };
            (p, at) = (target, pointer::child("/parameters", &name));
        }
        (p.clone(), at)
    }

    fn operation(&mut self, op: &Value, shared: &[BodyParam], at: &str) -> Value {
        let Value::Object(op) = op else { return op.clone() };
        let own = |key: &str, document: &[String]| match op.get(key) {
            Some(v) if !strings(Some(v)).is_empty() => strings(Some(v)),
            _ => document.to_vec(),
        };
        let (consumes, produces) = (own("consumes", &self.consumes), own("produces", &self.produces));
        let mut out = Map::new();
        let mut bodies = Vec::new();
        for (key, value) in op {
            let p = pointer::child(at, key);
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    let params;
                    (params, bodies) = self.parameters(value, &p);
                    if !params.is_empty() {
                        out.insert(key.clone(), Value::Array(params));
                    }
                }
                "responses" => {
                    out.insert(key.clone(), self.each(value, &p, |c, r, rp| c.response(r, &produces, rp)));
                }
                "schemes" if !same_set(&strings(Some(value)), &self.schemes) => {
                    self.note(p, "an operation's own `schemes` have no OpenAPI 3.0 form: the document's servers apply")
                }
                "schemes" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        // The path item's body and form parameters, unless the operation declares its own of that name.
        let key = |p: &Map<String, Value>| (p.get("name").cloned(), p.get("in").cloned());
        for (p, ptr) in shared {
            if !bodies.iter().any(|(b, _)| key(b) == key(p)) {
                bodies.push((p.clone(), ptr.clone()));
            }
        }
        if let Some(body) = self.request_body(bodies, &consumes) {
            out.insert("requestBody".into(), body);
        }
        out.into()
    }

    /// The one `body` parameter, or all the `formData` ones, as a 3.0 request body.
    fn request_body(&mut self, bodies: Vec<BodyParam>, consumes: &[String]) -> Option<Value> {
        let (body, form): (Vec<_>, Vec<_>) = bodies.into_iter().partition(|(p, _)| p.get("in") == Some(&json!("body")));
        let Some(((p, at), extra)) = body.split_first() else {
            return (!form.is_empty()).then(|| self.form_body(form, consumes));
        };
        for (_, extra) in extra.iter().chain(&form) {
            self.note(
                extra,
                "a second body for the operation (`in: body` allows one, and no `formData` beside it): dropped",
            );
        }
        let schema = match p.get("schema") {
            Some(s) => self.schema(s, &pointer::child(at, "schema")),
            None => {
                self.note(at, "a `body` parameter without a `schema`: any JSON value");
                json!({})
            }
        };
        let examples = p.get("x-examples");
        let content: Map<String, Value> = media_types(consumes, DEFAULT_MEDIA)
            .into_iter()
            .map(|t| {
                let mut media = json!({ "schema": schema.clone() });
                if let Some(example) = examples.and_then(|e| e.get(&t)) {
                    media["example"] = example.clone();
                }
                (t, media)
            })
            .collect();
        let mut out = copy(p, &["description", "required"]);
        out.insert("content".into(), Value::Object(content));
        Some(out.into())
    }

    /// The `formData` parameters as one object schema, sent as a form (multipart when a
    /// parameter is a file, or when `consumes` says so).
    fn form_body(&mut self, form: Vec<BodyParam>, consumes: &[String]) -> Value {
        let (mut properties, mut required, mut encoding) = (Map::new(), Vec::new(), Map::new());
        let mut file = false;
        for (p, at) in form {
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                self.note(at, "a `formData` parameter without a `name`: dropped");
                continue;
            };
            file |= p.get("type") == Some(&json!("file"));
            let (mut schema, style) = self.value_schema(&p, &at, "formData");
            if let Some(d) = p.get("description") {
                schema["description"] = d.clone();
            }
            if p.get("required") == Some(&json!(true)) {
                required.push(json!(name));
            }
            if let Some((style, explode)) = style {
                encoding.insert(name.into(), json!({ "style": style, "explode": explode }));
            }
            if p.contains_key("allowEmptyValue") {
                self.note(
                    pointer::child(&at, "allowEmptyValue"),
                    "`allowEmptyValue` of a form field has no OpenAPI 3.0 form: dropped",
                );
            }
            properties.insert(name.into(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        let mut types: Vec<String> = consumes.iter().filter(|t| is_form(t)).cloned().collect();
        if file && !types.iter().any(|t| t.starts_with(MULTIPART)) {
            types = vec![MULTIPART.into()]; // files are only sent as multipart
        }
        let content: Map<String, Value> = media_types(&types, FORM)
            .into_iter()
            .map(|t| {
                let mut media = json!({ "schema": schema.clone() });
                // Multipart parts carry one value each: `style` applies to url-encoded forms.
                if t.starts_with(FORM) && !encoding.is_empty() {
                    media["encoding"] = Value::Object(encoding.clone());
                }
                (t, media)
            })
            .collect();
        json!({ "content": content, "required": !required.is_empty() })
    }

    /// A path, query or header parameter (or a `$ref` to one).
    fn parameter(&mut self, p: &Value, at: &str) -> Value {
        let Value::Object(p) = p else { return p.clone() };
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": rewrite_ref(r) });
        }
        let loc = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let (schema, style) = self.value_schema(p, at, loc);
        let mut out = Map::new();
        for (key, value) in p {
            match key.as_str() {
                k if SCHEMA_KEYWORDS.contains(&k) || k == "collectionFormat" || k == "x-nullable" => {}
                "x-example" => {
                    out.insert("example".into(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        out.insert("schema".into(), schema);
        if let Some((style, explode)) = style {
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        out.into()
    }

    /// A response header: its value keywords into a `schema`.
    fn header(&mut self, h: &Value, at: &str) -> Value {
        let Value::Object(h) = h else { return h.clone() };
        let mut out = copy(h, &["description"]);
        out.extend(h.iter().filter(|(k, _)| k.starts_with("x-")).map(|(k, v)| (k.clone(), v.clone())));
        out.insert("schema".into(), self.value_schema(h, at, "header").0);
        out.into()
    }

    /// The `schema` of a non-body parameter, header or form field (from its `type`, `format`,
    /// `items`, bounds…), and for an array the `style` and `explode` its `collectionFormat` means.
    fn value_schema(&mut self, p: &Map<String, Value>, at: &str, loc: &str) -> (Value, Option<(&'static str, bool)>) {
        let mut schema: Map<String, Value> =
            SCHEMA_KEYWORDS.iter().filter_map(|k| Some((k.to_string(), p.get(*k)?.clone()))).collect();
        if let Some(n) = p.get("x-nullable") {
            schema.insert("x-nullable".into(), n.clone());
        }
        if let Some(Value::Object(items)) = schema.get_mut("items") {
            if let Some(format) = items.remove("collectionFormat").filter(|f| f != "csv") {
                let msg = format!("collectionFormat {format} of nested array items has no OpenAPI 3.0 form: dropped");
                self.note(pointer::child(&pointer::child(at, "items"), "collectionFormat"), msg);
            }
        }
        let schema = self.schema(&Value::Object(schema), at);
        let style = (p.get("type") == Some(&json!("array"))).then(|| {
            let format = p.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            self.style(loc, format, &pointer::child(at, "collectionFormat"))
        });
        (schema, style)
    }

    /// `collectionFormat` → (`style`, `explode`) for a parameter `in: loc`. Swagger's default
    /// is `csv`, which for a query parameter is 3.0's `form` without `explode`.
    fn style(&mut self, loc: &str, format: &str, at: &str) -> (&'static str, bool) {
        let query = matches!(loc, "query" | "formData");
        let comma = if query { ("form", false) } else { ("simple", false) };
        match (query, format) {
            (_, "csv") => comma,
            (true, "multi") => ("form", true),
            (true, "ssv") => ("spaceDelimited", false),
            (true, "pipes") => ("pipeDelimited", false),
            _ => {
                let msg = format!(
                    "collectionFormat `{format}` of a {loc} parameter has no OpenAPI 3.0 form: read as comma-separated (csv)"
                );
                self.note(at, msg);
                comma
            }
        }
    }

    /// A response: its `schema` under each media type `produces` names, `examples` per media type.
    fn response(&mut self, r: &Value, produces: &[String], at: &str) -> Value {
        let Value::Object(r) = r else { return r.clone() };
        if let Some(reference) = r.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": rewrite_ref(reference) });
        }
        let mut content = Map::new();
        if let Some(schema) = r.get("schema") {
            let schema = self.schema(schema, &pointer::child(at, "schema"));
            let binary = schema.get("format") == Some(&json!("binary"));
            let fallback = if binary { "application/octet-stream" } else { DEFAULT_MEDIA };
            for t in media_types(produces, fallback) {
                content.insert(t, json!({ "schema": schema.clone() }));
            }
        }
        let schema = content.values().find_map(|m| m.get("schema")).cloned();
        for (mime, example) in r.get("examples").and_then(Value::as_object).into_iter().flatten() {
            let media = content.entry(mime.clone()).or_insert_with(|| match &schema {
                Some(s) => json!({ "schema": s }),
                None => json!({}),
            });
            media["example"] = example.clone();
        }
        let mut out = Map::new();
        for (key, value) in r {
            match key.as_str() {
                "schema" | "examples" => {}
                "headers" => {
                    out.insert(key.clone(), self.each(value, &pointer::child(at, key), |c, h, hp| c.header(h, hp)));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        // Required in both versions; openapiv3 insists.
        out.entry("description").or_insert_with(|| json!(""));
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        out.into()
    }

    fn security_scheme(&mut self, s: &Value, at: &str) -> Option<Value> {
        let Value::Object(s) = s else { return Some(s.clone()) };
        let mut out = copy(s, &["description"]);
        out.extend(s.iter().filter(|(k, _)| k.starts_with("x-")).map(|(k, v)| (k.clone(), v.clone())));
        match s.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => out.extend(copy(s, &["type", "name", "in"])),
            Some("oauth2") => {
                let flow = s.get("flow").and_then(Value::as_str).unwrap_or_default();
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    _ => {
                        let msg = format!("oauth2 `flow` `{flow}` is not implicit, password, application or accessCode: the scheme is dropped");
                        self.note(pointer::child(at, "flow"), msg);
                        return None;
                    }
                };
                let mut flow = Map::new();
                for url in urls {
                    let value = s.get(*url).cloned().unwrap_or_else(|| {
                        self.note(at, format!("oauth2 `{name}` flow without `{url}`: left empty"));
                        json!("")
                    });
                    flow.insert(url.to_string(), value);
                }
                flow.insert("scopes".into(), s.get("scopes").cloned().unwrap_or_else(|| json!({})));
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ name: flow }));
            }
            other => {
                let what = other.map_or("no `type`".to_string(), |t| format!("type `{t}`"));
                self.note(at, format!("a security scheme with {what} (not basic, apiKey or oauth2): dropped"));
                return None;
            }
        }
        Some(out.into())
    }

    /// A converted copy of a schema.
    fn schema(&mut self, v: &Value, at: &str) -> Value {
        let mut v = v.clone();
        self.fix_schema(&mut v, at, 0);
        v
    }

    /// The Swagger-only parts of a schema and the schemas inside it: `$ref`s to `definitions`,
    /// `x-nullable`, `type: file`, a discriminator given as the property name.
    fn fix_schema(&mut self, v: &mut Value, at: &str, depth: usize) {
        let Value::Object(map) = v else { return };
        if depth > MAX_DEPTH {
            return self.note(at, format!("nested deeper than {MAX_DEPTH} levels; left as is"));
        }
        if let Some(Value::String(r)) = map.get_mut("$ref") {
            *r = rewrite_ref(r);
        }
        match map.shift_remove("x-nullable") {
            Some(Value::Bool(true)) => {
                map.insert("nullable".into(), json!(true));
            }
            Some(Value::Bool(false)) | None => {}
            Some(other) => {
                self.note(pointer::child(at, "x-nullable"), format!("`x-nullable` {other} is not a boolean: ignored"))
            }
        }
        if map.get("type") == Some(&json!("file")) {
            map.insert("type".into(), json!("string"));
            map.insert("format".into(), json!("binary"));
        }
        if let Some(Value::String(name)) = map.get("discriminator") {
            let d = json!({ "propertyName": name });
            map.insert("discriminator".into(), d);
        }
        for (key, value) in map.iter_mut() {
            let p = pointer::child(at, key);
            match (key.as_str(), value) {
                ("properties", Value::Object(props)) => {
                    for (name, s) in props.iter_mut() {
                        self.fix_schema(s, &pointer::child(&p, name), depth + 1);
                    }
                }
                ("allOf" | "anyOf" | "oneOf" | "items", Value::Array(list)) => {
                    for (i, s) in list.iter_mut().enumerate() {
                        self.fix_schema(s, &pointer::child(&p, &i.to_string()), depth + 1);
                    }
                }
                ("items" | "additionalProperties" | "not", s) => self.fix_schema(s, &p, depth + 1),
                _ => {}
            }
        }
    }
}

/// Nesting limit of the schema walk (as the normalizer's).
const MAX_DEPTH: usize = 256;

/// A reference into Swagger's top-level sections → the same one under `components`.
fn rewrite_ref(r: &str) -> String {
    const MOVED: [(&str, &str); 3] = [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ];
    for (old, new) in MOVED {
        if let Some(rest) = r.strip_prefix(old) {
            return format!("{new}{rest}");
        }
    }
    r.to_string()
}

/// `types`, or the one `fallback` when there are none.
fn media_types(types: &[String], fallback: &str) -> Vec<String> {
    if types.is_empty() {
        vec![fallback.to_string()]
    } else {
        types.to_vec()
    }
}

/// The same strings, in any order.
fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

fn is_form(media: &str) -> bool {
    media.starts_with(FORM) || media.starts_with(MULTIPART)
}

/// The `keys` of `from` that are present.
fn copy(from: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    keys.iter().filter_map(|k| Some((k.to_string(), from.get(*k)?.clone()))).collect()
}

/// The `in` of a parameter.
fn location(p: &Value) -> Option<&str> {
    p.get("in").and_then(Value::as_str)
}

/// A list of strings (`consumes`, `produces`, `schemes`); anything else is empty.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Converts `doc` (a Swagger 2.0 document without its boilerplate) and checks that openapiv3
    /// reads the result.
    fn convert_doc(mut doc: Value) -> (Value, Vec<(String, String)>) {
        doc["swagger"] = json!("2.0");
        doc["info"] = json!({ "title": "t", "version": "1" });
        doc.as_object_mut().unwrap().entry("paths").or_insert_with(|| json!({}));
        let notes = convert(&mut doc);
        if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()) {
            panic!("openapiv3 refuses the converted document: {e}\n{doc:#}");
        }
        (doc, notes.into_iter().map(|n| (n.pointer, n.message)).collect())
    }

    /// A document with one `post /a` operation.
    fn operation(op: Value) -> (Value, Vec<(String, String)>) {
        let (doc, notes) = convert_doc(json!({ "paths": { "/a": { "post": op } } }));
        (doc["paths"]["/a"]["post"].clone(), notes)
    }

    #[test]
    fn definitions_parameters_and_responses_move_to_components_with_their_refs() {
        let (doc, notes) = convert_doc(json!({
            "definitions": {
                "Pet": { "type": "object", "properties": { "owner": { "$ref": "#/definitions/Person" } } },
                "Person": { "type": "object", "properties": { "pets": { "type": "array", "items": { "$ref": "#/definitions/Pet" } } } },
            },
            "parameters": { "limit": { "name": "limit", "in": "query", "type": "integer" } },
            "responses": { "Gone": { "description": "gone", "schema": { "$ref": "#/definitions/Pet" } } },
            "paths": { "/a": { "get": {
                "parameters": [{ "$ref": "#/parameters/limit" }],
                "responses": { "410": { "$ref": "#/responses/Gone" } },
            } } },
        }));
        assert_eq!(notes, []);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("swagger").is_none() && doc.get("definitions").is_none());
        let c = &doc["components"];
        assert_eq!(c["schemas"]["Pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Person");
        assert_eq!(c["schemas"]["Person"]["properties"]["pets"]["items"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(
            c["parameters"]["limit"],
            json!({ "name": "limit", "in": "query", "schema": { "type": "integer" } })
        );
        let gone = &c["responses"]["Gone"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(gone, "#/components/schemas/Pet");
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(get["parameters"][0]["$ref"], "#/components/parameters/limit");
        assert_eq!(get["responses"]["410"]["$ref"], "#/components/responses/Gone");
    }

    #[test]
    fn host_base_path_and_schemes_become_servers() {
        let servers = |doc: Value| convert_doc(doc).0["servers"].clone();
        let doc = json!({ "host": "api.example.com:8443", "basePath": "/v1/", "schemes": ["http", "https"] });
        assert_eq!(
            servers(doc),
            json!([{ "url": "https://api.example.com:8443/v1" }, { "url": "http://api.example.com:8443/v1" }])
        );
        assert_eq!(servers(json!({ "basePath": "/api" })), json!([{ "url": "/api" }]));
        assert_eq!(servers(json!({})), Value::Null);
        let (doc, notes) = convert_doc(json!({ "host": "example.com" }));
        assert_eq!(doc["servers"], json!([{ "url": "https://example.com" }]));
        assert_eq!(notes, [("/host".into(), "no `schemes`: https assumed for the server URL".into())]);
    }

    #[test]
    fn a_body_parameter_becomes_the_request_body_in_each_consumed_media_type() {
        let (op, notes) = operation(json!({
            "consumes": ["application/json", "application/xml"],
            "parameters": [{
                "name": "pet", "in": "body", "required": true, "description": "the pet",
                "schema": { "$ref": "#/definitions/Pet" },
                "x-examples": { "application/json": { "name": "Rex" } },
            }],
            "responses": {},
        }));
        assert_eq!(notes, []);
        assert!(op.get("parameters").is_none());
        let schema = json!({ "$ref": "#/components/schemas/Pet" });
        assert_eq!(
            op["requestBody"],
            json!({
                "description": "the pet", "required": true,
                "content": {
                    "application/json": { "schema": schema, "example": { "name": "Rex" } },
                    "application/xml": { "schema": schema },
                },
            })
        );
        // Without `consumes`, and through a `$ref` to a top-level body parameter.
        let (doc, _) = convert_doc(json!({
            "parameters": { "body": { "name": "b", "in": "body", "schema": { "type": "string" } } },
            "paths": { "/a": { "put": { "parameters": [{ "$ref": "#/parameters/body" }], "responses": {} } } },
        }));
        assert!(doc["components"]["parameters"].as_object().unwrap().is_empty());
        let body = &doc["paths"]["/a"]["put"]["requestBody"];
        assert_eq!(body, &json!({ "content": { "application/json": { "schema": { "type": "string" } } } }));
    }

    #[test]
    fn form_data_parameters_become_a_form_body_with_the_collection_formats_as_encoding() {
        let (op, notes) = operation(json!({
            "consumes": ["application/x-www-form-urlencoded"],
            "parameters": [
                { "name": "name", "in": "formData", "required": true, "type": "string", "description": "its name" },
                { "name": "tags", "in": "formData", "type": "array", "items": { "type": "string" } },
                { "name": "ids", "in": "formData", "type": "array", "items": { "type": "integer" }, "collectionFormat": "multi" },
            ],
            "responses": {},
        }));
        assert_eq!(notes, []);
        let media = &op["requestBody"]["content"]["application/x-www-form-urlencoded"];
        assert_eq!(op["requestBody"]["required"], true);
        assert_eq!(
            media["schema"],
            json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "its name" },
                    "tags": { "type": "array", "items": { "type": "string" } },
                    "ids": { "type": "array", "items": { "type": "integer" } },
                },
                "required": ["name"],
            })
        );
        assert_eq!(
            media["encoding"],
            json!({ "tags": { "style": "form", "explode": false }, "ids": { "style": "form", "explode": true } })
        );
    }

    #[test]
    fn a_file_parameter_makes_the_form_multipart_with_a_binary_string() {
        for consumes in [json!(["multipart/form-data"]), json!(["application/x-www-form-urlencoded"]), json!(null)] {
            let (op, notes) = operation(json!({
                "consumes": consumes,
                "parameters": [
                    { "name": "file", "in": "formData", "type": "file", "required": true },
                    { "name": "note", "in": "formData", "type": "string", "allowEmptyValue": true },
                ],
                "responses": {},
            }));
            let content = op["requestBody"]["content"].as_object().unwrap();
            assert_eq!(content.keys().collect::<Vec<_>>(), ["multipart/form-data"], "{consumes}");
            let file = &content["multipart/form-data"]["schema"]["properties"]["file"];
            assert_eq!(file, &json!({ "type": "string", "format": "binary" }));
            assert_eq!(notes[0].0, "/paths/~1a/post/parameters/1/allowEmptyValue");
        }
        // No file and no form type in `consumes`: url-encoded.
        let (op, _) =
            operation(json!({ "parameters": [{ "name": "n", "in": "formData", "type": "string" }], "responses": {} }));
        assert!(op["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object(), "{op:#}");
        assert_eq!(op["requestBody"]["required"], false);
    }

    #[test]
    fn a_second_body_is_dropped_with_a_note() {
        let (op, notes) = operation(json!({
            "parameters": [
                { "name": "a", "in": "body", "schema": { "type": "string" } },
                { "name": "f", "in": "formData", "type": "string" },
            ],
            "responses": {},
        }));
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"]["type"], "string");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "/paths/~1a/post/parameters/1");
        assert!(notes[0].1.contains("a second body"), "{notes:?}");
    }

    #[test]
    fn responses_carry_their_schema_under_each_produced_type_and_their_examples() {
        let (doc, notes) = convert_doc(json!({
            "produces": ["application/json"],
            "paths": { "/a": {
                "get": {
                    "produces": ["application/json", "text/csv"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": { "type": "object" },
                            "headers": { "X-Rate": { "type": "integer", "format": "int32", "description": "left" } },
                            "examples": { "application/json": { "a": 1 }, "application/xml": "<a/>" },
                        },
                        "204": { "description": "empty" },
                    },
                },
                "put": { "responses": { "200": { "schema": { "type": "file" } } } },
            } },
        }));
        assert_eq!(notes, []);
        let ok = &doc["paths"]["/a"]["get"]["responses"]["200"];
        let object = json!({ "type": "object" });
        assert_eq!(
            ok["content"],
            json!({
                "application/json": { "schema": object, "example": { "a": 1 } },
                "text/csv": { "schema": object },
                "application/xml": { "schema": object, "example": "<a/>" },
            })
        );
        assert_eq!(
            ok["headers"]["X-Rate"],
            json!({ "description": "left", "schema": { "type": "integer", "format": "int32" } })
        );
        assert!(doc["paths"]["/a"]["get"]["responses"]["204"].get("content").is_none());
        // The document's `produces`, a missing description, and `type: file`.
        let file = &doc["paths"]["/a"]["put"]["responses"]["200"];
        assert_eq!(file["description"], "");
        let binary = json!({ "type": "string", "format": "binary" });
        assert_eq!(file["content"], json!({ "application/json": { "schema": binary } }));
        let (op, _) =
            operation(json!({ "responses": { "200": { "description": "d", "schema": { "type": "file" } } } }));
        assert!(op["responses"]["200"]["content"]["application/octet-stream"].is_object(), "{op:#}");
    }

    #[test]
    fn security_definitions_become_security_schemes() {
        let (doc, notes) = convert_doc(json!({ "securityDefinitions": {
            "basic": { "type": "basic", "description": "d" },
            "key": { "type": "apiKey", "name": "X-Key", "in": "header" },
            "implicit": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": { "r": "read" } },
            "password": { "type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {} },
            "application": { "type": "oauth2", "flow": "application", "tokenUrl": "https://t" },
            "accessCode": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} },
            "odd": { "type": "oauth2", "flow": "device" },
            "other": { "type": "digest" },
        } }));
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["basic"], json!({ "type": "http", "scheme": "basic", "description": "d" }));
        assert_eq!(schemes["key"], json!({ "type": "apiKey", "name": "X-Key", "in": "header" }));
        let flows = |name: &str| schemes[name]["flows"].clone();
        assert_eq!(
            flows("implicit"),
            json!({ "implicit": { "authorizationUrl": "https://a", "scopes": { "r": "read" } } })
        );
        assert_eq!(flows("password"), json!({ "password": { "tokenUrl": "https://t", "scopes": {} } }));
        assert_eq!(flows("application"), json!({ "clientCredentials": { "tokenUrl": "https://t", "scopes": {} } }));
        assert_eq!(
            flows("accessCode"),
            json!({ "authorizationCode": { "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} } })
        );
        assert!(schemes.get("odd").is_none() && schemes.get("other").is_none());
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].0, "/securityDefinitions/odd/flow");
        assert!(notes[1].1.contains("type `digest`"), "{notes:?}");
    }

    #[test]
    fn collection_formats_become_style_and_explode() {
        let param = |loc: &str, format: Option<&str>| {
            let mut p =
                json!({ "name": "p", "in": loc, "required": true, "type": "array", "items": { "type": "string" } });
            if let Some(f) = format {
                p["collectionFormat"] = json!(f);
            }
            let (doc, notes) =
                convert_doc(json!({ "paths": { "/a/{p}": { "get": { "parameters": [p], "responses": {} } } } }));
            let p = &doc["paths"]["/a/{p}"]["get"]["parameters"][0];
            assert!(p.get("collectionFormat").is_none());
            ((p["style"].as_str().unwrap().to_string(), p["explode"].as_bool().unwrap()), notes)
        };
        let plain = |loc, format| {
            let (style, notes) = param(loc, format);
            assert_eq!(notes, [], "{loc} {format:?}");
            style
        };
        assert_eq!(plain("query", None), ("form".into(), false));
        assert_eq!(plain("query", Some("csv")), ("form".into(), false));
        assert_eq!(plain("query", Some("multi")), ("form".into(), true));
        assert_eq!(plain("query", Some("ssv")), ("spaceDelimited".into(), false));
        assert_eq!(plain("query", Some("pipes")), ("pipeDelimited".into(), false));
        assert_eq!(plain("path", None), ("simple".into(), false));
        assert_eq!(plain("header", Some("csv")), ("simple".into(), false));
        for (loc, format, style) in
            [("query", "tsv", "form"), ("path", "pipes", "simple"), ("header", "multi", "simple")]
        {
            let (got, notes) = param(loc, Some(format));
            assert_eq!(got, (style.to_string(), false));
            assert_eq!(notes.len(), 1);
            assert_eq!(notes[0].0, "/paths/~1a~1{p}/get/parameters/0/collectionFormat");
            assert!(notes[0]
                .1
                .contains(&format!("collectionFormat `{format}` of a {loc} parameter has no OpenAPI 3.0 form")));
        }
    }

    #[test]
    fn parameter_keywords_move_into_the_schema() {
        let (op, notes) = operation(json!({
            "parameters": [{
                "name": "n", "in": "query", "description": "d", "allowEmptyValue": true, "x-example": 5, "x-nullable": true,
                "type": "integer", "format": "int32", "minimum": 1, "maximum": 9, "default": 2, "enum": [2, 5], "multipleOf": 1,
            }],
            "responses": {},
        }));
        assert_eq!(notes, []);
        assert_eq!(
            op["parameters"][0],
            json!({
                "name": "n", "in": "query", "description": "d", "allowEmptyValue": true, "example": 5,
                "schema": { "type": "integer", "format": "int32", "default": 2, "maximum": 9, "minimum": 1,
                            "enum": [2, 5], "multipleOf": 1, "nullable": true },
            })
        );
    }

    #[test]
    fn x_nullable_and_a_named_discriminator_take_their_3_0_form() {
        let (doc, notes) = convert_doc(json!({ "definitions": {
            "Pet": {
                "type": "object", "discriminator": "kind", "required": ["kind"],
                "properties": {
                    "kind": { "type": "string" },
                    "tag": { "type": "string", "x-nullable": true },
                    "age": { "type": "integer", "x-nullable": false },
                    "odd": { "type": "integer", "x-nullable": "yes" },
                    "extra": { "type": "object", "additionalProperties": { "type": "string", "x-nullable": true } },
                },
            },
        } }));
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({ "propertyName": "kind" }));
        assert_eq!(pet["properties"]["tag"], json!({ "type": "string", "nullable": true }));
        assert_eq!(pet["properties"]["age"], json!({ "type": "integer" }));
        assert_eq!(pet["properties"]["extra"]["additionalProperties"]["nullable"], true);
        assert_eq!(
            notes,
            [(
                "/definitions/Pet/properties/odd/x-nullable".into(),
                "`x-nullable` \"yes\" is not a boolean: ignored".into()
            )]
        );
    }

    #[test]
    fn path_item_parameters_stay_and_their_body_goes_to_each_operation() {
        let (doc, notes) = convert_doc(json!({ "paths": { "/a/{id}": {
            "parameters": [
                { "name": "id", "in": "path", "required": true, "type": "string" },
                { "name": "b", "in": "body", "schema": { "type": "string" } },
                { "name": "c", "in": "cookie", "type": "string" },
            ],
            "put": { "responses": {} },
            "post": { "parameters": [{ "name": "b", "in": "body", "schema": { "type": "integer" } }], "responses": {} },
        } } }));
        let item = &doc["paths"]["/a/{id}"];
        assert_eq!(
            item["parameters"],
            json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }])
        );
        let body = |m: &str| item[m]["requestBody"]["content"]["application/json"]["schema"]["type"].clone();
        assert_eq!((body("put"), body("post")), (json!("string"), json!("integer")));
        assert_eq!(
            notes,
            [(
                "/paths/~1a~1{id}/parameters/2".into(),
                "a parameter with `in: cookie` (not path, query, header, body or formData): dropped".into()
            )]
        );
    }

    #[test]
    fn an_operation_s_own_schemes_are_noted() {
        let (op, notes) = operation(json!({ "schemes": ["wss"], "summary": "s", "x-a": 1, "responses": {} }));
        assert_eq!(op, json!({ "summary": "s", "x-a": 1, "responses": {} }));
        assert_eq!(notes[0].0, "/paths/~1a/post/schemes");
        // The document's own schemes, repeated: nothing lost.
        let (_, notes) = convert_doc(json!({
            "schemes": ["http", "https"],
            "paths": { "/a": { "get": { "schemes": ["https", "http"], "responses": {} } } },
        }));
        assert_eq!(notes, []);
    }

    #[test]
    fn wrong_shapes_are_kept_for_openapiv3_to_locate_or_noted() {
        let mut doc =
            json!({ "swagger": "2.0", "paths": { "/a": { "get": { "parameters": 3 } }, "/b": 7 }, "definitions": [] });
        let notes = convert(&mut doc);
        assert_eq!(notes[0].message, "`parameters` is not a list: ignored");
        assert_eq!(doc["paths"]["/b"], 7);
        assert_eq!(doc["components"]["schemas"], json!([]));
        let mut not_an_object = json!([1]);
        assert!(convert(&mut not_an_object).is_empty());
    }
}

#[cfg(test)]
mod fixture_tests;
