//! openapiv3 document → intermediate [`crate::model::Api`]: every type and operation named and resolved.
//! Constructs that cannot be expressed are skipped one by one with a warning; a malformed
//! document (dangling `$ref`, a path parameter missing from its template) is an error.

mod operation;
pub mod resolve;
mod schema;

use crate::error::{Error, Warning};
use crate::model::{
    Api, AuthScheme, ParamLocation, Server, ServerVariable, Ty, TypeDef, TypeKind, Untyped, UntypedReason,
};
use crate::naming::{type_name, Names};
use crate::pointer;
use openapiv3::{Components, OpenAPI, ReferenceOr, SchemaKind, SecurityScheme};
use resolve::RefError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

pub use schema::int_width;

/// Type names generated code uses unqualified (std prelude items), kept free for it.
const PRELUDE_TYPES: &[&str] = &["Option", "Result", "String", "Vec", "Box"];

/// Builds the model; `file` only names the document in errors.
pub fn build(file: &Path, doc: &OpenAPI) -> Result<(Api, Vec<Warning>), Error> {
    let mut b = Builder {
        file,
        doc,
        types: BTreeMap::new(),
        added: Vec::new(),
        type_names: Names::with_reserved(PRELUDE_TYPES),
        component_names: BTreeMap::new(),
        warnings: Vec::new(),
        untyped: Vec::new(),
        aliasing: BTreeSet::new(),
        inline_types: HashMap::new(),
        referenced_early: BTreeSet::new(),
    };
    b.components()?;
    let (operations, skipped) = b.operations()?;
    b.box_recursion();
    let mut types = std::mem::take(&mut b.types);
    mark_sent_and_checked(&mut types, &operations);
    // Structs a caller builds with two or more required values take them by name.
    for t in types.values_mut().filter(|t| t.sent) {
        if let TypeKind::Struct { fields, required_struct, .. } = &mut t.kind {
            if fields.iter().filter(|f| f.required && f.constant.is_none()).count() >= 2 {
                *required_struct = Some(b.type_names.claim(&format!("{}Required", t.name)));
            }
        }
    }
    let mut untyped = std::mem::take(&mut b.untyped);
    untyped.sort();
    untyped.dedup();
    let api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers: servers(doc),
        auth: auth(doc),
        types,
        operations,
        skipped,
        untyped,
    };
    let mut warnings = b.warnings;
    warnings.sort();
    warnings.dedup();
    Ok((api, warnings))
}

pub struct Builder<'a> {
    file: &'a Path,
    doc: &'a OpenAPI,
    types: BTreeMap<String, TypeDef>,
    /// The names of `types` in the order they were added, for `restore`.
    added: Vec<String>,
    type_names: Names,
    /// Component key → Rust type name.
    component_names: BTreeMap<String, String>,
    warnings: Vec<Warning>,
    untyped: Vec<Untyped>,
    /// Schemas whose alias type is being worked out (breaks alias → inline → alias loops).
    aliasing: BTreeSet<String>,
    /// Inline schema (by address) → the type defined for it.
    inline_types: HashMap<usize, String>,
    /// Inline types referred to before their definition was finished (recursion).
    referenced_early: BTreeSet<String>,
}

/// What an operation may add to the builder, restored when the operation is skipped so that a
/// skipped operation leaves no names and no types behind.
struct Checkpoint {
    type_names: usize,
    types: usize,
    untyped: usize,
}

impl<'a> Builder<'a> {
    fn err(&self, at: &str, msg: impl Into<String>) -> Error {
        Error::new(self.file, at, msg)
    }

    fn unsupported(&self, at: &str, msg: impl Into<String>) -> Error {
        let mut e = Error::new(self.file, at, msg);
        e.unsupported = true;
        e
    }

    /// A reference that does not resolve: unsupported (skip the piece) or malformed (stop).
    fn ref_error(&self, at: &str, e: RefError) -> Error {
        match e {
            RefError::Unsupported(m) => self.unsupported(at, m),
            RefError::Dangling(m) | RefError::Cycle { message: m, .. } => self.err(at, m),
        }
    }

    fn warn(&mut self, at: &str, msg: impl Into<String>) {
        self.warnings.push(Warning { location: at.to_string(), message: msg.into() });
    }

    /// Records a place that has no type but any JSON value.
    fn untyped(&mut self, at: &str, reason: UntypedReason) -> Ty {
        self.untyped.push(Untyped { location: at.to_string(), reason });
        Ty::Json
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint { type_names: self.type_names.mark(), types: self.added.len(), untyped: self.untyped.len() }
    }

    fn restore(&mut self, c: Checkpoint) {
        self.type_names.rollback(c.type_names);
        for name in self.added.drain(c.types..) {
            self.types.remove(&name);
        }
        let types = &self.types;
        self.inline_types.retain(|_, name| types.contains_key(name));
        self.untyped.truncate(c.untyped);
    }

    /// Names every component schema first (so references resolve in any order), then defines each.
    fn components(&mut self) -> Result<(), Error> {
        let Some(comps) = self.doc.components.as_ref() else { return Ok(()) };
        for key in comps.schemas.keys() {
            let name = self.type_names.claim(&type_name(key));
            self.component_names.insert(key.clone(), name);
        }
        for (key, schema) in parents_first(comps) {
            let at = pointer::child("#/components/schemas", key);
            let name = self.component_names[key].clone();
            let schema = match schema {
                // A component that is only a `$ref` is another name for its target: an alias.
                // References that only lead back to themselves name no shape: any JSON value.
                ReferenceOr::Reference { reference } => {
                    let ty = match self.schema_target(reference, &at)? {
                        (target, Some(_)) => Ty::Named(self.component_names[target].clone()),
                        (_, None) => {
                            self.warn(
                                &at,
                                format!("`{reference}` only leads back to itself; `{name}` is any JSON value"),
                            );
                            self.untyped(&at, UntypedReason::Cycle)
                        }
                    };
                    self.insert(&name, None, &at, TypeKind::Alias { ty });
                    continue;
                }
                ReferenceOr::Item(schema) => schema,
            };
            if let Err(e) = self.define(&name, schema, &at) {
                if !e.unsupported {
                    return Err(e);
                }
                // Keep the name usable by everything that refers to it.
                self.warn(&e.location, format!("{}; `{name}` is any JSON value instead", e.message));
                let ty = self.untyped(&at, UntypedReason::Unsupported);
                self.insert(&name, None, &at, TypeKind::Alias { ty });
            }
        }
        Ok(())
    }

    fn insert(&mut self, name: &str, doc: Option<String>, origin: &str, kind: TypeKind) {
        let def =
            TypeDef { name: name.to_string(), doc, origin: origin.to_string(), kind, sent: false, checked: false };
        if self.types.insert(name.to_string(), def).is_none() {
            self.added.push(name.to_string());
        }
    }

    /// A struct that contains itself without indirection (Vec/Map) would have infinite size:
    /// box each field whose type leads back to its own struct.
    fn box_recursion(&mut self) {
        let edges: BTreeMap<String, BTreeSet<String>> =
            self.types.iter().map(|(n, t)| (n.clone(), direct_children(&t.kind))).collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.extend(edges.get(&n).into_iter().flatten().cloned());
                }
            }
            false
        };
        for (name, t) in self.types.iter_mut() {
            let tys: Vec<&mut Ty> = match &mut t.kind {
                TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
                _ => continue,
            };
            for ty in tys {
                if direct_named(ty).is_some_and(|child| reaches(child, name)) {
                    *ty = Ty::Boxed(Box::new(std::mem::replace(ty, Ty::Json)));
                }
            }
        }
    }
}

/// Component schemas in document order, except that a schema an allOf merges in comes before the
/// schemas that merge it: an inline type inside it, which they share, is named after it.
fn parents_first(comps: &Components) -> Vec<(&String, &ReferenceOr<openapiv3::Schema>)> {
    fn visit<'c>(
        key: &'c String,
        comps: &'c Components,
        depth: usize,
        seen: &mut BTreeSet<&'c String>,
        out: &mut Vec<(&'c String, &'c ReferenceOr<openapiv3::Schema>)>,
    ) {
        if !seen.insert(key) {
            return;
        }
        let schema = &comps.schemas[key];
        if let (ReferenceOr::Item(s), true) = (schema, depth < 32) {
            let parts = match &s.schema_kind {
                SchemaKind::AllOf { all_of } => all_of.as_slice(),
                SchemaKind::Any(a) => a.all_of.as_slice(),
                _ => &[],
            };
            for part in parts {
                let ReferenceOr::Reference { reference } = part else { continue };
                let Some(escaped) = reference.strip_prefix("#/components/schemas/") else { continue };
                if let Some((parent, _)) = comps.schemas.get_key_value(pointer::unescape(escaped).as_str()) {
                    visit(parent, comps, depth + 1, seen, out);
                }
            }
        }
        out.push((key, schema));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(comps.schemas.len());
    for key in comps.schemas.keys() {
        visit(key, comps, 0, &mut seen, &mut out);
    }
    out
}

/// The named type a field holds inline (not behind a Vec, Map or Box).
fn direct_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Nullable(inner) => direct_named(inner),
        _ => None,
    }
}

fn direct_children(kind: &TypeKind) -> BTreeSet<String> {
    let tys: Vec<&Ty> = match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias { ty } => vec![ty],
        TypeKind::Enum { .. } => vec![],
    };
    tys.into_iter().filter_map(direct_named).map(str::to_string).collect()
}

/// Every type expression a type holds, with the rules that apply to it there.
fn contents(kind: &TypeKind) -> Vec<(&Ty, bool)> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| (&f.ty, !f.rules.is_empty())).collect(),
        TypeKind::Union { variants, .. } => variants.iter().map(|v| (&v.ty, false)).collect(),
        TypeKind::Alias { ty } => vec![(ty, false)],
        TypeKind::Enum { .. } => vec![],
    }
}

/// `sent`: reachable from a parameter or request body. `checked`: sent, and holding something to
/// check before sending (a rule, a closed enum), itself or in what it contains.
fn mark_sent_and_checked(types: &mut BTreeMap<String, TypeDef>, operations: &[crate::model::Operation]) {
    let mut stack: Vec<String> = operations
        .iter()
        .flat_map(|op| op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty)))
        .filter_map(|t| t.named().map(str::to_string))
        .collect();
    let mut sent = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !sent.insert(name.clone()) {
            continue;
        }
        if let Some(t) = types.get(&name) {
            stack.extend(contents(&t.kind).into_iter().filter_map(|(ty, _)| ty.named().map(str::to_string)));
        }
    }
    // Checked types grow to a fixpoint: a type is checked when it has rules of its own or holds a
    // checked type.
    let mut checked: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = checked.len();
        for name in &sent {
            let Some(t) = types.get(name) else { continue };
            let own = match &t.kind {
                TypeKind::Enum { open, .. } => !open,
                kind => {
                    contents(kind).iter().any(|(ty, rules)| *rules || ty.named().is_some_and(|n| checked.contains(n)))
                }
            };
            if own {
                checked.insert(name.clone());
            }
        }
        if checked.len() == before {
            break;
        }
    }
    for (name, t) in types.iter_mut() {
        t.sent = sent.contains(name);
        t.checked = checked.contains(name);
    }
}

fn auth(doc: &OpenAPI) -> Vec<AuthScheme> {
    let Some(comps) = doc.components.as_ref() else { return Vec::new() };
    let mut out = Vec::new();
    for scheme in comps.security_schemes.values() {
        let ReferenceOr::Item(scheme) = scheme else { continue };
        match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                out.push(AuthScheme::Bearer)
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => out.push(AuthScheme::Basic),
            SecurityScheme::APIKey { location, name, .. } => out.push(AuthScheme::ApiKey {
                location: match location {
                    openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                    openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                    openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                },
                param: name.clone(),
            }),
            // OAuth2 and OpenID Connect hand out bearer tokens.
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => out.push(AuthScheme::Bearer),
            SecurityScheme::HTTP { .. } => {}
        }
    }
    out
}

fn servers(doc: &OpenAPI) -> Vec<Server> {
    doc.servers
        .iter()
        .map(|s| {
            let mut url = s.url.clone();
            let mut variables = Vec::new();
            for (name, v) in s.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &v.default);
                variables.push(ServerVariable {
                    name: name.clone(),
                    default: v.default.clone(),
                    description: v.description.clone(),
                });
            }
            Server { url, description: s.description.clone(), variables }
        })
        .collect()
}

#[cfg(test)]
mod tests;
