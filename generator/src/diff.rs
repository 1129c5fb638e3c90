//! What a change to the spec means for users of the generated client crate, and the semver bump it implies.
//!
//! The yardstick is the *generated Rust API*, not only the wire: a change that keeps old JSON valid but changes
//! a generated signature (e.g. `T` → `Option<T>`, a new method argument) still breaks callers' builds.
//! Assumptions about the emitter (see `emit/`): structs have `new(required…)`, optional fields are `Option`,
//! optional+nullable fields are `Option<Option<T>>`, every parameter is a positional method argument, string
//! enums carry an `Unknown(String)` fallback, and requests are validated client-side against the spec's rules.

use crate::build::SchemaRef as SRef;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use indexmap::IndexMap;
use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Schema, SchemaKind, Type,
};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Breaking,
    NonBreaking,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    pub severity: Severity,
    /// e.g. "POST /contacts request body: field `email`", or a JSON pointer for document-level notes.
    pub location: String,
    pub message: String,
    /// Only documentation changed (descriptions, summaries, documented response rules): a patch at most.
    pub docs_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    /// The semver bump the changes imply for a crate at `current` version (e.g. "0.3.1"): breaking → Major
    /// (Minor while 0.x), non-breaking additions → Minor (Patch while 0.x), documentation-only → Patch,
    /// nothing → None. An unparsable version is treated as ≥ 1.0, the more cautious reading.
    pub fn bump(&self, current: &str) -> Bump {
        let major = current.trim().trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u64>().ok());
        let level = if self.changes.iter().any(|c| c.severity == Severity::Breaking) {
            3
        } else if self.changes.iter().any(|c| !c.docs_only) {
            2
        } else {
            usize::from(!self.changes.is_empty())
        };
        // Cargo treats 0.x minors as breaking, so before 1.0 each class shifts down one (documentation stays patch).
        let level = if major == Some(0) && level >= 2 { level - 1 } else { level };
        [Bump::None, Bump::Patch, Bump::Minor, Bump::Major][level]
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            writeln!(f, "No changes.")?;
        }
        for (severity, title) in
            [(Severity::Breaking, "Breaking changes"), (Severity::NonBreaking, "Non-breaking changes")]
        {
            let group: Vec<&Change> = self.changes.iter().filter(|c| c.severity == severity).collect();
            if group.is_empty() {
                continue;
            }
            writeln!(f, "{title} ({}):", group.len())?;
            for c in group {
                writeln!(f, "  - {}: {}{}", c.location, c.message, if c.docs_only { " [docs]" } else { "" })?;
            }
            writeln!(f)?;
        }
        // Display has no version to go by, so show both readings of the rule.
        writeln!(f, "Implied bump: {} ({} while 0.x)", self.bump("1.0.0"), self.bump("0.1.0"))
    }
}

/// Compares two documents. Never panics: dangling `$ref`s are skipped in the comparison and, when new in
/// `new`, reported once as a note at their JSON pointer.
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> Report {
    let mut d = Differ { old, new, out: Vec::new(), budget: BUDGET, dir: Dir::Request, seen: Vec::new() };
    d.documents();
    let (o, n) = (operations(old), operations(new));
    for ((_, method), o, n) in pair(o, n) {
        match (o, n) {
            (Some((path, ..)), None) => d.push(BRK, format!("{method} {path}"), "operation removed"),
            (None, Some((path, ..))) => d.push(ADD, format!("{method} {path}"), "new operation"),
            (Some(o), Some(n)) => d.operation(&format!("{method} {}", n.0), o, n),
            (None, None) => {}
        }
    }
    let mut changes = d.out;
    changes.sort_by(|a, b| {
        (a.severity, a.docs_only, &a.location, &a.message).cmp(&(b.severity, b.docs_only, &b.location, &b.message))
    });
    changes.dedup();
    Report { changes }
}

/// For `Differ::push`: is the change breaking?
const BRK: bool = true;
const ADD: bool = false;
/// Longest `$ref` chain followed, and deepest nesting compared (recursive schemas end here at the latest).
const MAX_HOPS: usize = 32;
const MAX_DEPTH: usize = 24;
const ALLOF_PARTS: usize = 256;
/// Schema comparisons per diff: bounds the work on wide, deeply shared (DAG-shaped) schemas.
const BUDGET: usize = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

const SCHEMAS: &str = "#/components/schemas/";

type Pick<T> = fn(&Components) -> &IndexMap<String, ReferenceOr<T>>;

fn component<'a, T>(spec: &'a OpenAPI, r: &str, prefix: &str, pick: Pick<T>) -> Option<&'a ReferenceOr<T>> {
    let name = r.strip_prefix(prefix)?.replace("~1", "/").replace("~0", "~");
    pick(spec.components.as_ref()?).get(&name)
}

/// Follows a chain of local refs into `components`; `None` if dangling, external or cyclic.
fn resolve<'a, T>(spec: &'a OpenAPI, mut r: &'a ReferenceOr<T>, prefix: &str, pick: Pick<T>) -> Option<&'a T> {
    for _ in 0..MAX_HOPS {
        match r {
            ReferenceOr::Item(t) => return Some(t),
            ReferenceOr::Reference { reference } => r = component(spec, reference, prefix, pick)?,
        }
    }
    None
}

fn schema_of<'a>(spec: &'a OpenAPI, s: SRef<'a>) -> Option<&'a Schema> {
    match s {
        SRef::Item(s) => Some(s),
        SRef::Ref(r) => resolve(spec, component(spec, r, SCHEMAS, |c| &c.schemas)?, SCHEMAS, |c| &c.schemas),
    }
}

/// Union of two keyed collections, sorted by key, for deterministic output.
fn pair<K: Ord, V>(
    old: impl IntoIterator<Item = (K, V)>,
    new: impl IntoIterator<Item = (K, V)>,
) -> Vec<(K, Option<V>, Option<V>)> {
    let mut m: BTreeMap<K, (Option<V>, Option<V>)> = BTreeMap::new();
    for (k, v) in old {
        m.entry(k).or_insert((None, None)).0 = Some(v);
    }
    for (k, v) in new {
        m.entry(k).or_insert((None, None)).1 = Some(v);
    }
    m.into_iter().map(|(k, (o, n))| (k, o, n)).collect()
}

type Op<'a> = (&'a str, &'a PathItem, &'a Operation);

/// Operations keyed by (path with `{name}` → `{}`, METHOD), so renaming a path parameter still matches.
fn operations(spec: &OpenAPI) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        let norm: String = path_vars(path).1;
        for (method, op) in item.iter() {
            out.insert((norm.clone(), method.to_uppercase()), (path.as_str(), item, op));
        }
    }
    out
}

/// The `{variables}` of a path template, and the template with each replaced by `{}`.
fn path_vars(path: &str) -> (Vec<&str>, String) {
    let (mut vars, mut norm, mut rest) = (Vec::new(), String::new(), path);
    while let Some((lit, after)) = rest.split_once('{') {
        let Some((var, tail)) = after.split_once('}') else { break };
        norm.push_str(lit);
        norm.push_str("{}");
        vars.push(var);
        rest = tail;
    }
    norm.push_str(rest);
    (vars, norm)
}

/// Parameters keyed by (location, name) — path parameters by position, since the generated arguments are
/// positional and the name does not matter. Operation-level ones override path-level ones.
fn parameters<'a>(spec: &'a OpenAPI, (path, item, op): Op<'a>) -> BTreeMap<(&'static str, String), &'a ParameterData> {
    let vars = path_vars(path).0;
    let mut out = BTreeMap::new();
    for p in item.parameters.iter().chain(&op.parameters) {
        let Some(p) = resolve(spec, p, "#/components/parameters/", |c| &c.parameters) else { continue };
        let (loc, d) = match p {
            Parameter::Query { parameter_data, .. } => ("query", parameter_data),
            Parameter::Header { parameter_data, .. } => ("header", parameter_data),
            Parameter::Path { parameter_data, .. } => ("path", parameter_data),
            Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
        };
        let key = match vars.iter().position(|v| *v == d.name) {
            Some(i) if loc == "path" => format!("#{i}"),
            _ => d.name.clone(),
        };
        out.insert((loc, key), d);
    }
    out
}

fn param_schema(d: &ParameterData) -> Option<SRef<'_>> {
    match &d.format {
        ParameterSchemaOrContent::Schema(s) => Some(s.into()),
        ParameterSchemaOrContent::Content(c) => c.values().next()?.schema.as_ref().map(SRef::from),
    }
}

/// `{location}: field `{path}``, or just the location for the root of a body or parameter.
fn at(base: &str, field: &str) -> String {
    match field {
        "" => base.to_string(),
        _ => format!("{base}: field `{field}`"),
    }
}

fn show<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("none".to_string(), |v| format!("`{v}`"))
}

/// A name for the generated Rust type a schema maps to; any difference is a type change. Integer and number
/// formats are included because they pick the Rust width (`int32` → `i32`, `float` → `f32`).
fn label(spec: &OpenAPI, s: &Schema) -> String {
    let with_format = |ty: &str, f: Option<String>| f.map_or(ty.to_string(), |f| format!("{ty}({f})"));
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => "string".into(),
        SchemaKind::Type(Type::String(_)) => "string enum".into(),
        SchemaKind::Type(Type::Integer(t)) => with_format("integer", format_of(&t.format)),
        SchemaKind::Type(Type::Number(t)) => with_format("number", format_of(&t.format)),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "array".into(),
        SchemaKind::Type(Type::Object(_)) => "object".into(),
        SchemaKind::OneOf { .. } => "oneOf".into(),
        SchemaKind::AnyOf { .. } => "anyOf".into(),
        SchemaKind::Not { .. } => "not".into(),
        _ if as_object(spec, s).is_some() => "object".into(),
        SchemaKind::AllOf { .. } => "allOf".into(),
        SchemaKind::Any(a) => a.typ.clone().unwrap_or_else(|| "any".into()),
    }
}

fn format_of<F: serde::Serialize>(f: &F) -> Option<String> {
    serde_json::to_value(f).ok()?.as_str().map(String::from)
}

#[derive(Default)]
struct Obj<'a> {
    props: Vec<(&'a str, SRef<'a>)>,
    required: BTreeSet<&'a str>,
}

/// The properties of an object, with `allOf` of objects merged (the generator flattens them into one struct).
fn as_object<'a>(spec: &'a OpenAPI, s: &'a Schema) -> Option<Obj<'a>> {
    object_view(spec, s, &mut ALLOF_PARTS.to_owned())
}

/// `parts` caps the `allOf` members visited, so nested or self-referencing `allOf`s stay cheap.
fn object_view<'a>(spec: &'a OpenAPI, s: &'a Schema, parts: &mut usize) -> Option<Obj<'a>> {
    let mut obj = Obj::default();
    let (props, required) = match &s.schema_kind {
        SchemaKind::Type(Type::Object(t)) => (&t.properties, &t.required),
        SchemaKind::Any(a) if !a.properties.is_empty() || a.typ.as_deref() == Some("object") => {
            (&a.properties, &a.required)
        }
        SchemaKind::AllOf { all_of } => {
            for part in all_of {
                *parts = parts.checked_sub(1)?;
                let part = object_view(spec, schema_of(spec, part.into())?, parts)?;
                obj.props.extend(part.props);
                obj.required.extend(part.required);
            }
            return Some(obj);
        }
        _ => return None,
    };
    obj.props.extend(props.iter().map(|(k, v)| (k.as_str(), SRef::from(v))));
    obj.required.extend(required.iter().map(String::as_str));
    Some(obj)
}

/// `$ref`s that point nowhere in this document, as (JSON pointer of the ref, target).
fn dangling(spec: &OpenAPI) -> BTreeSet<(String, String)> {
    fn walk(root: &Value, v: &Value, ptr: &str, out: &mut BTreeSet<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x.as_str().and_then(|r| r.strip_prefix('#'))) {
                        ("$ref", Some(p)) if root.pointer(p).is_none() => {
                            out.insert((ptr.to_string(), format!("#{p}")));
                        }
                        _ => walk(root, x, &format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1")), out),
                    }
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(root, x, &format!("{ptr}/{i}"), out)),
            _ => {}
        }
    }
    let root = serde_json::to_value(spec).unwrap_or_default();
    let mut out = BTreeSet::new();
    walk(&root, &root, "", &mut out);
    out
}

struct Differ<'a> {
    old: &'a OpenAPI,
    new: &'a OpenAPI,
    out: Vec<Change>,
    budget: usize,
    /// Which way the schema being compared flows, and the (old, new) `$ref` pairs open on the current path:
    /// a recursive schema is compared once per path instead of forever.
    dir: Dir,
    seen: Vec<(&'a str, &'a str)>,
}

impl<'a> Differ<'a> {
    fn push(&mut self, breaking: bool, location: impl Into<String>, message: impl Into<String>) {
        let severity = if breaking { Severity::Breaking } else { Severity::NonBreaking };
        self.out.push(Change { severity, location: location.into(), message: message.into(), docs_only: false });
    }

    fn push_docs(&mut self, location: &str, message: String) {
        self.out.push(Change { severity: Severity::NonBreaking, location: location.into(), message, docs_only: true });
    }

    fn docs(&mut self, location: &str, what: &str, old: Option<&str>, new: Option<&str>) {
        if old != new {
            self.push_docs(location, format!("{what} changed"));
        }
    }

    /// Document-level changes: info, servers, generated types, security schemes, dangling refs.
    fn documents(&mut self) {
        let (old, new) = (self.old, self.new);
        self.docs("info", "title", Some(old.info.title.as_str()), Some(new.info.title.as_str()));
        self.docs("info", "description", old.info.description.as_deref(), new.info.description.as_deref());

        // The first http(s) server becomes `Client::DEFAULT_BASE_URL` and enables `Client::new`.
        let default = |s: &'a OpenAPI| s.servers.first().map(|s| s.url.as_str()).filter(|u| u.starts_with("http"));
        match (default(old), default(new)) {
            (Some(_), None) => self.push(BRK, "servers", "no default server any more: `Client::new` disappears"),
            (o, n) if o != n => {
                self.push(ADD, "servers", format!("default base URL changed from {} to {}", show(&o), show(&n)))
            }
            _ => {}
        }

        let comps = |s: &'a OpenAPI| s.components.as_ref();
        let schemas = |s| comps(s).into_iter().flat_map(|c| c.schemas.keys());
        for (name, o, n) in pair(schemas(old).map(|k| (k, ())), schemas(new).map(|k| (k, ()))) {
            let loc = format!("components.schemas `{name}`");
            match (o, n) {
                (Some(_), None) => self.push(BRK, loc, "schema removed: its generated type disappears"),
                (None, Some(_)) => self.push(ADD, loc, "new schema (new generated type)"),
                _ => {}
            }
        }

        // Ignoring descriptions, any change to a scheme changes how the client authenticates.
        let schemes = |s: &'a OpenAPI| {
            comps(s).into_iter().flat_map(|c| &c.security_schemes).map(|(k, v)| {
                let mut v = serde_json::to_value(v).unwrap_or_default();
                v.as_object_mut().map(|m| m.remove("description"));
                (k, v)
            })
        };
        for (name, o, n) in pair(schemes(old), schemes(new)) {
            let loc = format!("components.securitySchemes `{name}`");
            match (o, n) {
                (Some(_), None) => self.push(BRK, loc, "security scheme removed"),
                (None, Some(_)) => self.push(ADD, loc, "new security scheme"),
                (Some(o), Some(n)) if o != n => self.push(BRK, loc, "security scheme definition changed"),
                _ => {}
            }
        }

        // Only refs that newly dangle: an unchanged broken ref is not a change.
        let known = dangling(old);
        for (ptr, target) in dangling(new).difference(&known) {
            self.push(ADD, ptr.clone(), format!("unresolvable $ref `{target}` (not compared; generation will fail)"));
        }
    }

    fn operation(&mut self, label: &str, o: Op<'a>, n: Op<'a>) {
        let (oop, nop) = (o.2, n.2);
        if oop.operation_id != nop.operation_id {
            let (a, b) = (show(&oop.operation_id), show(&nop.operation_id));
            self.push(BRK, label, format!("operationId changed from {a} to {b}: the generated method is renamed"));
        }
        self.docs(label, "summary", oop.summary.as_deref(), nop.summary.as_deref());
        self.docs(label, "description", oop.description.as_deref(), nop.description.as_deref());
        if !oop.deprecated && nop.deprecated {
            self.push(ADD, label, "operation deprecated");
        }
        self.params(label, o, n);
        self.request_body(label, oop, nop);
        self.responses(label, oop, nop);
        self.security(label, oop, nop);
    }

    fn params(&mut self, label: &str, o: Op<'a>, n: Op<'a>) {
        let (old, new) = (parameters(self.old, o), parameters(self.new, n));
        for ((loc, _), o, n) in pair(old, new) {
            let name = n.or(o).map_or("", |d| d.name.as_str());
            let l = format!("{label} {loc} parameter `{name}`");
            match (o, n) {
                (Some(_), None) => self.push(BRK, l, "parameter removed"),
                (None, Some(n)) if n.required => self.push(BRK, l, "new required parameter"),
                // Every parameter is a positional argument of the generated method, so even an optional one
                // changes the signature (the brief's "non-breaking" assumed an options struct; see module docs).
                (None, Some(_)) => self.push(BRK, l, "new optional parameter: the generated method gains an argument"),
                (Some(o), Some(n)) => {
                    if o.name != n.name {
                        // Arguments are positional: only the argument's name (and docs) change.
                        self.push_docs(&l, format!("path parameter renamed from `{}`", o.name));
                    }
                    match (o.required, n.required) {
                        (false, true) => self.push(BRK, &l, "parameter became required"),
                        (true, false) => self.push(BRK, &l, "parameter became optional: its argument becomes `Option`"),
                        _ => {}
                    }
                    if o.deprecated != Some(true) && n.deprecated == Some(true) {
                        self.push(ADD, &l, "parameter deprecated");
                    }
                    self.docs(&l, "description", o.description.as_deref(), n.description.as_deref());
                    if let (Some(a), Some(b)) = (param_schema(o), param_schema(n)) {
                        self.dir = Dir::Request;
                        self.schema(&l, "", a, b);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn request_body(&mut self, label: &str, o: &'a Operation, n: &'a Operation) {
        let body = |spec, op: &'a Operation| {
            op.request_body
                .as_ref()
                .and_then(|b| resolve(spec, b, "#/components/requestBodies/", |c| &c.request_bodies))
        };
        let l = format!("{label} request body");
        match (body(self.old, o), body(self.new, n)) {
            (Some(_), None) => self.push(BRK, l, "request body removed"),
            (None, Some(b)) if b.required => self.push(BRK, l, "new required request body"),
            (None, Some(_)) => self.push(BRK, l, "new optional request body: the generated method gains an argument"),
            (Some(a), Some(b)) => {
                match (a.required, b.required) {
                    (false, true) => self.push(BRK, &l, "request body became required"),
                    (true, false) => self.push(BRK, &l, "request body became optional: its argument becomes `Option`"),
                    _ => {}
                }
                self.docs(&l, "description", a.description.as_deref(), b.description.as_deref());
                self.dir = Dir::Request;
                self.content(&l, &a.content, &b.content, true);
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, label: &str, o: &'a Operation, n: &'a Operation) {
        let all = |op: &'a Operation| {
            let codes = op.responses.responses.iter().map(|(k, v)| (k.to_string(), v));
            codes.chain(op.responses.default.iter().map(|v| ("default".to_string(), v)))
        };
        for (status, a, b) in pair(all(o), all(n)) {
            let l = format!("{label} response {status}");
            let success = status.starts_with('2');
            match (a, b) {
                (Some(_), None) if success => self.push(BRK, l, "success response removed"),
                // Error statuses are variants of the operation's error enum: code matching on one breaks.
                (Some(_), None) => self.push(BRK, l, "error response removed: its error enum variant disappears"),
                // Like enum values, a new status is an addition (an undocumented status already surfaced as an error).
                (None, Some(_)) => self.push(ADD, l, "new response status"),
                (Some(a), Some(b)) => {
                    let get = |spec, r| resolve(spec, r, "#/components/responses/", |c| &c.responses);
                    if let (Some(a), Some(b)) = (get(self.old, a), get(self.new, b)) {
                        self.docs(&l, "description", Some(a.description.as_str()), Some(b.description.as_str()));
                        self.dir = Dir::Response;
                        self.content(&l, &a.content, &b.content, success);
                    }
                }
                (None, None) => {}
            }
        }
    }

    /// Effective security: the set of alternatives, each its scheme names joined by `+` (`none`: no credentials).
    fn security(&mut self, label: &str, o: &'a Operation, n: &'a Operation) {
        let alts = |spec: &'a OpenAPI, op: &'a Operation| {
            let reqs = op.security.as_ref().or(spec.security.as_ref()).filter(|r| !r.is_empty());
            let alt = |r: &IndexMap<String, Vec<String>>| match r.keys().cloned().collect::<BTreeSet<_>>() {
                names if names.is_empty() => "none".to_string(),
                names => names.into_iter().collect::<Vec<_>>().join("+"),
            };
            reqs.map_or(BTreeSet::from(["none".to_string()]), |r| r.iter().map(alt).collect())
        };
        let (a, b) = (alts(self.old, o), alts(self.new, n));
        if a != b {
            let fmt = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(" | ");
            let message = format!("security changed from `{}` to `{}`", fmt(&a), fmt(&b));
            // Breaking if some previously sufficient credentials no longer are.
            self.push(!a.is_subset(&b), format!("{label} security"), message);
        }
    }

    /// Media types of a body; `strict` when losing one breaks callers (requests, success responses).
    fn content(
        &mut self,
        l: &str,
        o: &'a IndexMap<String, MediaType>,
        n: &'a IndexMap<String, MediaType>,
        strict: bool,
    ) {
        let entries = |m: &'a IndexMap<String, MediaType>| m.iter().map(|(k, v)| (k.as_str(), v));
        for (mt, a, b) in pair(entries(o), entries(n)) {
            let l = if mt == "application/json" { l.to_string() } else { format!("{l} ({mt})") };
            match (a, b) {
                (Some(_), None) => self.push(strict, l, format!("content type `{mt}` removed")),
                (None, Some(_)) => self.push(ADD, l, format!("new content type `{mt}`")),
                (Some(MediaType { schema: Some(a), .. }), Some(MediaType { schema: Some(b), .. })) => {
                    self.schema(&l, "", a.into(), b.into())
                }
                _ => {}
            }
        }
    }

    /// Structural comparison of the schemas at `field` (a dotted path) under the location `base`.
    fn schema(&mut self, base: &str, field: &str, o: SRef<'a>, n: SRef<'a>) {
        let refs = match (o, n) {
            (SRef::Ref(a), SRef::Ref(b)) if self.seen.contains(&(a, b)) => return,
            (SRef::Ref(a), SRef::Ref(b)) => Some((a, b)),
            _ => None,
        };
        // Nesting depth is bounded too: a schema can recurse through inline parts, not only through refs.
        let depth = field.matches(['.', '[', '<']).count();
        if depth >= MAX_DEPTH || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        if let (Some(os), Some(ns)) = (schema_of(self.old, o), schema_of(self.new, n)) {
            self.seen.extend(refs);
            self.schema_body(base, field, os, ns);
            if refs.is_some() {
                self.seen.pop();
            }
        }
    }

    fn schema_body(&mut self, base: &str, field: &str, os: &'a Schema, ns: &'a Schema) {
        let l = at(base, field);
        self.docs(&l, "description", os.schema_data.description.as_deref(), ns.schema_data.description.as_deref());
        let (a, b) = (label(self.old, os), label(self.new, ns));
        if a != b {
            // Any type change changes the generated Rust type, whichever direction the data flows.
            return self.push(BRK, l, format!("type changed from `{a}` to `{b}`"));
        }
        match (&os.schema_kind, &ns.schema_kind) {
            (SchemaKind::Type(Type::String(a)), SchemaKind::Type(Type::String(b))) => {
                self.enums(&l, true, &a.enumeration, &b.enumeration);
                self.bound(&l, "maxLength", true, a.max_length, b.max_length);
                self.bound(&l, "minLength", false, a.min_length, b.min_length);
                // A new or different pattern (or format, e.g. `email`) may reject values the old one accepted.
                if a.pattern != b.pattern {
                    self.constraint(&l, "pattern", show(&a.pattern), show(&b.pattern), b.pattern.is_some());
                }
                let (fa, fb) = (format_of(&a.format), format_of(&b.format));
                if fa != fb {
                    self.constraint(&l, "format", show(&fa), show(&fb), fb.is_some());
                }
            }
            (SchemaKind::Type(Type::Integer(a)), SchemaKind::Type(Type::Integer(b))) => {
                self.enums(&l, false, &a.enumeration, &b.enumeration);
                self.bound(&l, "maximum", true, a.maximum, b.maximum);
                self.bound(&l, "minimum", false, a.minimum, b.minimum);
            }
            (SchemaKind::Type(Type::Number(a)), SchemaKind::Type(Type::Number(b))) => {
                self.enums(&l, false, &a.enumeration, &b.enumeration);
                self.bound(&l, "maximum", true, a.maximum, b.maximum);
                self.bound(&l, "minimum", false, a.minimum, b.minimum);
            }
            (SchemaKind::Type(Type::Boolean(a)), SchemaKind::Type(Type::Boolean(b))) => {
                self.enums(&l, false, &a.enumeration, &b.enumeration);
            }
            (SchemaKind::Type(Type::Array(a)), SchemaKind::Type(Type::Array(b))) => {
                self.bound(&l, "maxItems", true, a.max_items, b.max_items);
                self.bound(&l, "minItems", false, a.min_items, b.min_items);
                if let (Some(x), Some(y)) = (&a.items, &b.items) {
                    self.schema(base, &format!("{field}[]"), x.into(), y.into());
                }
            }
            (SchemaKind::OneOf { one_of: a }, SchemaKind::OneOf { one_of: b })
            | (SchemaKind::AnyOf { any_of: a }, SchemaKind::AnyOf { any_of: b }) => {
                // Variants are generated enum variants: removing one breaks, adding one is an addition.
                for i in 0..a.len().max(b.len()) {
                    let f = format!("{field}<variant {i}>");
                    match (a.get(i), b.get(i)) {
                        (Some(x), Some(y)) => self.schema(base, &f, x.into(), y.into()),
                        (Some(_), None) => self.push(BRK, at(base, &f), "union variant removed"),
                        (None, Some(_)) => self.push(ADD, at(base, &f), "new union variant"),
                        (None, None) => {}
                    }
                }
            }
            _ => {
                if let (Some(a), Some(b)) = (as_object(self.old, os), as_object(self.new, ns)) {
                    self.object(base, field, a, b);
                }
            }
        }
    }

    fn object(&mut self, base: &str, field: &str, o: Obj<'a>, n: Obj<'a>) {
        for (name, a, b) in pair(o.props.iter().copied(), n.props.iter().copied()) {
            let f = if field.is_empty() { name.to_string() } else { format!("{field}.{name}") };
            let l = at(base, &f);
            let (oreq, nreq) = (o.required.contains(name), n.required.contains(name));
            match (a, b, self.dir) {
                (Some(_), None, _) => self.push(BRK, l, "field removed"),
                // A required field is an argument of the struct's `new`, so adding one changes its signature.
                (None, Some(_), Dir::Request) if nreq => self.push(BRK, l, "new required field"),
                (None, Some(_), Dir::Request) => self.push(ADD, l, "new optional field"),
                (None, Some(_), Dir::Response) => self.push(ADD, l, "new field"),
                (Some(a), Some(b), _) => {
                    let nullable = |spec, s| schema_of(spec, s).is_some_and(|s| s.schema_data.nullable);
                    let (onull, nnull) = (nullable(self.old, a), nullable(self.new, b));
                    // (required, nullable) picks `T`, `Option<T>` or `Option<Option<T>>`, so any flip changes the
                    // generated field type, even where the wire stays compatible (e.g. required → optional).
                    let message = match (self.dir, oreq, nreq) {
                        (Dir::Request, false, true) => "field became required",
                        (Dir::Request, true, false) => "field became optional (its type gains an `Option`)",
                        (Dir::Response, true, false) => "field became optional (readers now get an `Option`)",
                        (Dir::Response, false, true) => "field became required (its type loses an `Option`)",
                        _ if !onull && nnull => "field became nullable (its type gains an `Option`)",
                        _ if onull && !nnull => "field no longer nullable (its type loses an `Option`)",
                        _ => "",
                    };
                    if !message.is_empty() {
                        self.push(BRK, &l, message);
                    }
                    self.schema(base, &f, a, b);
                }
                (None, None, _) => {}
            }
        }
    }

    fn enums<T: fmt::Display>(&mut self, l: &str, generated: bool, o: &[Option<T>], n: &[Option<T>]) {
        let request = self.dir == Dir::Request;
        let set = |v: &[Option<T>]| {
            v.iter().map(|x| x.as_ref().map_or("null".into(), T::to_string)).collect::<BTreeSet<String>>()
        };
        let (o, n) = (set(o), set(n));
        if o == n {
            return;
        } else if o.is_empty() {
            let values = n.iter().cloned().collect::<Vec<_>>().join(", ");
            return self.push(request, l, format!("values restricted to enum [{values}]"));
        } else if n.is_empty() {
            return self.push(ADD, l, "enum restriction removed");
        }
        for v in o.difference(&n) {
            // Requests: callers may no longer send it. String enums: the generated variant disappears.
            self.push(request || generated, l, format!("enum value `{v}` removed"));
        }
        for v in n.difference(&o) {
            // Widening a request is harmless; in responses generated enums parse unlisted values into
            // `Unknown(String)`, so a new value neither fails to deserialize nor needs new code.
            self.push(ADD, l, format!("enum value `{v}` added"));
        }
    }

    /// An upper (`upper`) or lower bound. Tightening a request rule breaks callers, since the client validates
    /// requests before sending; response rules only appear in docs.
    fn bound<T: PartialOrd + fmt::Display>(&mut self, l: &str, name: &str, upper: bool, o: Option<T>, n: Option<T>) {
        let tighter = match (&o, &n) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => (upper && b < a) || (!upper && b > a),
            (None, None) => return,
            (old, _) => old.is_none(),
        };
        self.constraint(l, name, show(&o), show(&n), tighter);
    }

    fn constraint(&mut self, l: &str, name: &str, o: String, n: String, tighter: bool) {
        let how = if tighter { "tightened" } else { "loosened" };
        let message = format!("{name} {how} from {o} to {n}");
        match self.dir {
            Dir::Request => self.push(tighter, l, message),
            Dir::Response => self.push_docs(l, message),
        }
    }
}
