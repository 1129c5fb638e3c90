//! Which tagged unions are serde's internally tagged enums, whose tag the enum writes, and which
//! structs give up their tag field for it. A struct can give it up only where it is never used but
//! as a variant of such unions: anywhere else (a field, a body, an untagged union) the field is
//! the only place its tag could be written.

use crate::model::{Api, Ty, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Tags {
    /// The unions written as internally tagged enums.
    internal: BTreeSet<String>,
    /// The structs used only as their variants, by name.
    untagged: BTreeMap<String, Removed>,
}

/// The tag field a struct leaves to the enums it is a variant of.
pub(super) struct Removed {
    /// The property on the wire.
    pub property: String,
    /// The one value the struct's schema allows there, if it pins one.
    pub pinned: Option<String>,
}

/// Where a named type is used.
enum Use<'a> {
    /// Directly a variant of the tagged union `union`, told apart by `property`.
    Variant { union: &'a str, property: &'a str },
    /// Anywhere else.
    Other,
}

impl Tags {
    pub(super) fn new(api: &Api) -> Self {
        let uses = uses(api);
        // Start from every struct that could give up its tag, and drop those that a union keeping
        // today's shape still needs, until nothing changes.
        let mut untagged: BTreeMap<String, Removed> = uses
            .iter()
            .filter_map(|(name, uses)| {
                let Some(Use::Variant { property, .. }) = uses.first() else { return None };
                let TypeKind::Struct { fields, .. } = &api.types.get(*name)?.kind else { return None };
                let field = fields.iter().find(|f| f.json_name == *property)?;
                let same = uses.iter().all(|u| matches!(u, Use::Variant { property: p, .. } if p == property));
                let removed = Removed { property: property.to_string(), pinned: field.constant.clone() };
                same.then(|| (name.to_string(), removed))
            })
            .collect();
        loop {
            let internal: BTreeSet<String> = api
                .types
                .values()
                .filter(|t| match &t.kind {
                    TypeKind::Union { variants, tag: Some(_) } => {
                        variants.iter().all(|v| variant_struct(&v.ty).is_some_and(|s| untagged.contains_key(s)))
                    }
                    _ => false,
                })
                .map(|t| t.name.clone())
                .collect();
            let before = untagged.len();
            untagged.retain(|name, _| {
                let needed = |u: &Use| !matches!(u, Use::Variant { union, .. } if internal.contains(*union));
                !uses.get(name.as_str()).is_some_and(|us| us.iter().any(needed))
            });
            if untagged.len() == before {
                return Tags { internal, untagged };
            }
        }
    }

    /// The union is written as an internally tagged enum.
    pub(super) fn internal(&self, union: &str) -> bool {
        self.internal.contains(union)
    }

    /// The tag field the struct leaves to the enums it is a variant of, if it does.
    pub(super) fn removed(&self, name: &str) -> Option<&Removed> {
        self.untagged.get(name)
    }
}

/// The struct a union variant holds directly (boxed when it is recursive), if it holds one.
pub(super) fn variant_struct(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(n) => Some(n),
        Ty::Boxed(inner) => match inner.as_ref() {
            Ty::Named(n) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

/// Every use of every named type.
fn uses(api: &Api) -> BTreeMap<&str, Vec<Use<'_>>> {
    let mut found: Vec<(&Ty, Use)> = Vec::new();
    for op in &api.operations {
        found.extend(op.params.iter().map(|p| (&p.ty, Use::Other)));
        found.extend(op.body.iter().map(|b| (&b.ty, Use::Other)));
        found.extend(op.responses.iter().filter_map(|r| r.body.as_ref()).map(|b| (&b.ty, Use::Other)));
    }
    for t in api.types.values() {
        match &t.kind {
            TypeKind::Struct { fields, extra, .. } => {
                found.extend(fields.iter().map(|f| &f.ty).chain(extra).map(|ty| (ty, Use::Other)))
            }
            TypeKind::Alias { ty } => found.push((ty, Use::Other)),
            TypeKind::Union { variants, tag } => found.extend(variants.iter().map(|v| {
                let how = match (variant_struct(&v.ty), tag) {
                    (Some(_), Some(property)) => Use::Variant { union: &t.name, property },
                    _ => Use::Other,
                };
                (&v.ty, how)
            })),
            TypeKind::Enum { .. } => {}
        }
    }
    let mut out: BTreeMap<&str, Vec<Use>> = BTreeMap::new();
    for (ty, how) in found {
        if let Some(name) = ty.named() {
            out.entry(name).or_default().push(how);
        }
    }
    out
}
