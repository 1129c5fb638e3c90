//! openapiv3 document → intermediate [`crate::model::Api`]: every type and operation named and resolved.
//! Constructs that cannot be expressed are skipped one by one with a warning; a malformed
//! document (dangling `$ref`, a path parameter missing from its template) is an error.

mod operation;
mod schema;

use crate::error::{pointer_token, Error, Warning};
use crate::model::{Api, AuthScheme, ParamLocation, Server, Ty, TypeKind};
use crate::naming::{type_name, Names};
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use operation::is_success;
pub use schema::SchemaRef;

/// Builds the model; `file` only names the document in errors.
pub fn build(file: &Path, doc: &OpenAPI) -> Result<(Api, Vec<Warning>), Error> {
    let mut b = Builder {
        file,
        doc,
        types: BTreeMap::new(),
        type_names: Names::default(),
        component_names: BTreeMap::new(),
        warnings: Vec::new(),
        ref_depth: Cell::new(0),
        aliasing: BTreeSet::new(),
    };
    b.components()?;
    let operations = b.operations()?;
    b.box_recursion();
    let api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers: servers(doc),
        auth: b.auth(),
        types: std::mem::take(&mut b.types),
        operations,
    };
    let mut warnings = b.warnings;
    warnings.sort();
    warnings.dedup();
    Ok((api, warnings))
}

pub struct Builder<'a> {
    file: &'a Path,
    doc: &'a OpenAPI,
    types: BTreeMap<String, crate::model::TypeDef>,
    type_names: Names,
    /// Component key → Rust type name.
    component_names: BTreeMap<String, String>,
    warnings: Vec<Warning>,
    ref_depth: Cell<usize>,
    /// Schemas whose alias type is being worked out (breaks alias → inline → alias loops).
    aliasing: BTreeSet<String>,
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

    fn warn(&mut self, at: &str, msg: impl Into<String>) {
        self.warnings.push(Warning { location: at.to_string(), message: msg.into() });
    }

    /// Names every component schema first (so references resolve in any order), then defines each.
    fn components(&mut self) -> Result<(), Error> {
        let Some(comps) = self.doc.components.as_ref() else { return Ok(()) };
        for key in comps.schemas.keys() {
            let name = self.type_names.claim(&type_name(key));
            self.component_names.insert(key.clone(), name);
        }
        for key in comps.schemas.keys() {
            let at = format!("#/components/schemas/{}", pointer_token(key));
            let name = self.component_names[key].clone();
            // A component that is only a `$ref` is another name for its target: an alias.
            if let ReferenceOr::Reference { reference } = &comps.schemas[key] {
                let (target_key, _) = self.schema_target(reference, &at)?;
                let target = self.component_names[target_key].clone();
                let ty = if target == name { Ty::Json } else { Ty::Named(target) };
                let def = crate::model::TypeDef {
                    name: name.clone(),
                    doc: None,
                    origin: at,
                    kind: TypeKind::Alias { ty, nullable: false },
                };
                self.types.insert(name, def);
                continue;
            }
            let (_, schema) = self.schema_target(&format!("#/components/schemas/{}", pointer_token(key)), &at)?;
            if let Err(e) = self.define(&name, schema, &at) {
                if !e.unsupported {
                    return Err(e);
                }
                // Keep the name usable by everything that refers to it.
                self.warn(&e.location, format!("{}; `{name}` is any JSON value instead", e.message));
                self.types.insert(
                    name.clone(),
                    crate::model::TypeDef {
                        name,
                        doc: None,
                        origin: at,
                        kind: TypeKind::Alias { ty: Ty::Json, nullable: false },
                    },
                );
            }
        }
        Ok(())
    }

    fn auth(&self) -> Vec<AuthScheme> {
        let Some(comps) = self.doc.components.as_ref() else { return Vec::new() };
        let mut out = Vec::new();
        for (name, scheme) in &comps.security_schemes {
            let ReferenceOr::Item(scheme) = scheme else { continue };
            let scheme_name = name.clone();
            match scheme {
                SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    out.push(AuthScheme::Bearer { scheme_name })
                }
                SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                    out.push(AuthScheme::Basic { scheme_name })
                }
                SecurityScheme::APIKey { location, name, .. } => out.push(AuthScheme::ApiKey {
                    scheme_name,
                    location: match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    },
                    param: name.clone(),
                }),
                // OAuth2 and OpenID Connect hand out bearer tokens.
                SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
                    out.push(AuthScheme::Bearer { scheme_name })
                }
                SecurityScheme::HTTP { .. } => {}
            }
        }
        out
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
        let mut to_box: Vec<(String, usize)> = Vec::new();
        for (name, t) in &self.types {
            let tys: Vec<&Ty> = match &t.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.1).collect(),
                _ => continue,
            };
            for (i, ty) in tys.into_iter().enumerate() {
                if let Some(child) = direct_named(ty) {
                    if reaches(child, name) {
                        to_box.push((name.clone(), i));
                    }
                }
            }
        }
        for (name, i) in to_box {
            let Some(t) = self.types.get_mut(&name) else { continue };
            let ty = match &mut t.kind {
                TypeKind::Struct { fields, .. } => &mut fields[i].ty,
                TypeKind::Union { variants, .. } => &mut variants[i].1,
                _ => continue,
            };
            *ty = Ty::Boxed(Box::new(std::mem::replace(ty, Ty::Json)));
        }
    }
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
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.1).collect(),
        TypeKind::Alias { ty, .. } => vec![ty],
        TypeKind::Enum { .. } => vec![],
    };
    tys.into_iter().filter_map(direct_named).map(str::to_string).collect()
}

fn servers(doc: &OpenAPI) -> Vec<Server> {
    doc.servers
        .iter()
        .map(|s| {
            let mut url = s.url.clone();
            let mut variables = Vec::new();
            for (name, v) in s.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &v.default);
                variables.push((name.clone(), v.default.clone(), v.description.clone()));
            }
            Server { url, description: s.description.clone(), variables }
        })
        .collect()
}
