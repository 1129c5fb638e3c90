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

#[cfg(test)]
mod tests {
    use super::Tags;
    use crate::model::Api;
    use crate::plan::{plan, Shape, Tagging};
    use std::path::Path;

    /// A document of component schemas `schemas` (YAML, indented by four) and an operation that
    /// sends `Sent` and answers `Answer`.
    fn model(schemas: &str) -> Api {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /x:\n    post:\n      operationId: x\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Sent'}}}}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Answer'}}}}}}}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let path = Path::new("t.yaml");
        let loaded = crate::load::load_str(path, &yaml).unwrap();
        crate::build_model(path, &loaded).unwrap().0
    }

    /// `name` as a union of `variants` (`Name` or `Name: tag`), told apart by `kind`.
    fn union(name: &str, variants: &[&str]) -> String {
        let refs: Vec<String> = variants.iter().map(|v| format!("{{$ref: '#/components/schemas/{v}'}}")).collect();
        format!("    {name}:\n      oneOf: [{}]\n      discriminator: {{propertyName: kind}}\n", refs.join(", "))
    }

    fn object(name: &str, tag: &str) -> String {
        format!("    {name}:\n      type: object\n      required: [{tag}, n]\n      properties:\n        {tag}: {{type: string}}\n        n: {{type: integer}}\n")
    }

    #[test]
    fn a_struct_gives_up_its_tag_only_where_every_use_is_a_variant_of_an_internally_tagged_union() {
        let schemas = [
            // Sent: both variants are used nowhere else.
            union("Sent", &["A", "B"]),
            object("A", "kind"),
            object("B", "kind"),
            // Answer: C is also used by Other, whose variant D is also the field of E: neither union
            // can be internally tagged, so C and D keep their tag field, and so does F (only in Other).
            union("Answer", &["C"]),
            union("Other", &["C", "D", "F"]),
            object("C", "kind"),
            object("D", "kind"),
            object("F", "kind"),
            "    E:\n      type: object\n      properties:\n        d: {$ref: '#/components/schemas/D'}\n".into(),
            // G is a variant of unions with different tag properties.
            union("H", &["G"]),
            "    I:\n      oneOf: [{$ref: '#/components/schemas/G'}]\n      discriminator: {propertyName: type}\n"
                .into(),
            object("G", "kind"),
        ];
        let api = model(&schemas.concat());
        let tags = Tags::new(&api);
        let internal: Vec<&str> = tags.internal.iter().map(String::as_str).collect();
        assert_eq!(internal, ["Sent"]);
        let removed: Vec<(&str, &str)> = tags.untagged.iter().map(|(n, r)| (n.as_str(), r.property.as_str())).collect();
        assert_eq!(removed, [("A", "kind"), ("B", "kind")]);

        // What users see: A has no `kind` field, Sent writes it, Other is as before.
        let plan = plan(&api);
        let shape = |name: &str| &plan.types.iter().find(|t| t.def.name == name).unwrap().shape;
        let Shape::Struct(a) = shape("A") else { panic!("A is a struct") };
        assert_eq!(a.fields.iter().map(|f| f.field.json_name.as_str()).collect::<Vec<_>>(), ["n"]);
        let Shape::Union(sent) = shape("Sent") else { panic!("Sent is a union") };
        assert_eq!(sent.tagging, Tagging::Internal("kind"));
        assert_eq!(sent.variants.iter().map(|v| v.tag).collect::<Vec<_>>(), [Some("A"), Some("B")]);
        let Shape::Union(other) = shape("Other") else { panic!("Other is a union") };
        assert_eq!(other.tagging, Tagging::Field("kind"));
        assert!(other.variants.iter().all(|v| v.tag.is_none()));
        let Shape::Struct(c) = shape("C") else { panic!("C is a struct") };
        assert_eq!(c.fields.len(), 2, "C keeps its tag field");
    }

    #[test]
    fn a_variant_writes_the_tag_its_struct_pins_else_the_first_of_the_mapping() {
        let schemas = "    Sent:
      oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]
      discriminator:
        propertyName: kind
        mapping: {hound: '#/components/schemas/Dog', dog: Dog, kitty: Cat, cat: Cat}
    Dog:
      type: object
      required: [kind, bark]
      properties: {kind: {type: string, enum: [dog]}, bark: {type: boolean}}
    Cat:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
    Answer: {type: string}
";
        let api = model(schemas);
        let plan = plan(&api);
        let union = plan.types.iter().find_map(|t| match &t.shape {
            Shape::Union(u) if t.def.name == "Sent" => Some(u),
            _ => None,
        });
        let written: Vec<(&str, Vec<&str>, Option<&str>)> = union
            .unwrap()
            .variants
            .iter()
            .map(|v| (v.variant.name.as_str(), v.variant.tags.iter().map(String::as_str).collect(), v.tag))
            .collect();
        assert_eq!(written, [("Dog", vec!["hound", "dog"], Some("dog")), ("Cat", vec!["kitty", "cat"], Some("kitty"))]);
    }

    #[test]
    fn a_union_with_a_variant_that_is_not_a_struct_keeps_todays_shape() {
        // A string variant has no property for the enum to write; a nullable one is an
        // `Option`, not a struct the enum holds directly.
        let schemas = [
            union("Sent", &["A", "S"]),
            object("A", "kind"),
            "    S: {type: string}\n".into(),
            "    Answer:\n      oneOf: [{$ref: '#/components/schemas/N'}]\n      discriminator: {propertyName: kind}\n"
                .into(),
            "    N:\n      type: object\n      nullable: true\n      properties: {kind: {type: string}}\n".into(),
        ];
        let api = model(&schemas.concat());
        let tags = Tags::new(&api);
        assert!(tags.internal.is_empty() && tags.untagged.is_empty(), "{:?}", tags.internal);
    }
}
