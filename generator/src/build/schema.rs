//! Schemas → type expressions and named type definitions.

use super::resolve::{self, RefError};
use super::Builder;
use crate::error::Error;
use crate::model::{EnumValue, Field, Rules, Ty, TypeKind, UnionVariant, UntypedReason};
use crate::naming::{type_name, value_name, Names};
use crate::pointer;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// A schema position: either a `$ref` or an inline schema (openapiv3 boxes some and not others).
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

// One impl for both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
impl<'a, S: std::borrow::Borrow<Schema>> From<&'a ReferenceOr<S>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<S>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s.borrow()),
        }
    }
}

/// How a schema is used where it appears.
pub struct Usage {
    pub ty: Ty,
    pub nullable: bool,
    pub rules: Rules,
    pub doc: Option<String>,
}

/// Object properties gathered from a schema (through allOf and refs).
#[derive(Default)]
struct Gathered<'a> {
    props: Vec<(String, SchemaRef<'a>, String)>,
    required: Vec<String>,
    extra: Option<SchemaRef<'a>>,
    closed: bool,
    /// Schemas already merged in (by address).
    merged: std::collections::HashSet<usize>,
}

const MAX_DEPTH: usize = 64;

impl<'a> Builder<'a> {
    /// The component a `#/components/schemas/X` reference names (its key, and the schema at the
    /// end of any chain of references). A chain that comes back to itself ends at no schema: the
    /// component it names is any JSON value.
    pub(super) fn schema_target(&self, reference: &str, at: &str) -> Result<(&'a str, Option<&'a Schema>), Error> {
        match resolve::resolve::<Schema>(self.doc, reference) {
            Ok((key, target)) => Ok((key, Some(target))),
            Err(RefError::Cycle { key, message }) => {
                let schemas = self.doc.components.as_ref().map(|c| &c.schemas);
                let key = schemas.and_then(|m| m.get_key_value(key.as_str())).map(|(k, _)| k.as_str());
                key.map(|k| (k, None)).ok_or_else(|| self.err(at, message))
            }
            Err(e) => Err(self.ref_error(at, e)),
        }
    }

    /// The Rust type for a schema at `at`; inline objects/enums/unions become types named `hint`.
    pub fn usage(&mut self, schema: SchemaRef<'a>, hint: &str, at: &str) -> Result<Usage, Error> {
        match schema {
            SchemaRef::Ref(reference) => {
                let (key, target) = self.schema_target(reference, at)?;
                let name =
                    self.component_names.get(key).cloned().ok_or_else(|| self.err(at, "unresolved component"))?;
                // Aliases of primitives carry their constraints to the place they are used (the
                // schema decides, not whether its type is defined yet: components come in any order).
                let rules = target.map(|t| self.checkable(rules_of(t), at)).unwrap_or_default();
                let nullable = target.is_some_and(|t| t.schema_data.nullable);
                Ok(Usage { ty: Ty::Named(name), nullable, rules, doc: None })
            }
            SchemaRef::Item(s) => {
                let ty = self.inline_ty(s, hint, at, 0)?;
                let rules = self.checkable(rules_of(s), at);
                // A description may sit in an allOf part beside the reference it describes.
                let doc = s.schema_data.description.clone().or_else(|| match &s.schema_kind {
                    SchemaKind::AllOf { all_of } => all_of.iter().find_map(|p| match p {
                        ReferenceOr::Item(part) if annotation_only(p) => part.schema_data.description.clone(),
                        _ => None,
                    }),
                    _ => None,
                });
                Ok(Usage { ty, nullable: s.schema_data.nullable, rules, doc })
            }
        }
    }

    /// Drops a `pattern` the runtime's regex engine cannot compile (look-around, back-references),
    /// with a warning: the server still checks it, the client just cannot.
    fn checkable(&mut self, mut rules: Rules, at: &str) -> Rules {
        let mut current = Some(&mut rules);
        while let Some(r) = current {
            if let Some(p) = &r.pattern {
                if let Err(e) = regex_lite::Regex::new(p) {
                    let why = e.to_string();
                    let why = why.lines().last().unwrap_or("").trim();
                    self.warn(at, format!("pattern `{p}` is not checked client-side: {why}"));
                    r.pattern = None;
                }
            }
            current = r.items.as_deref_mut();
        }
        rules
    }

    fn inline_ty(&mut self, s: &'a Schema, hint: &str, at: &str, depth: usize) -> Result<Ty, Error> {
        if depth > MAX_DEPTH {
            return Err(self.err(at, "schema nests too deeply"));
        }
        Ok(match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.iter().flatten().next().is_some() {
                    self.define_named(hint, s, at)?
                } else if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) {
                    // A file: a file part in a multipart body (whole binary bodies are `Ty::Bytes`).
                    Ty::File
                } else {
                    Ty::String
                }
            }
            SchemaKind::Type(Type::Integer(it)) => int_ty(&it.format),
            // `format: float` too is `f64`: an `f32` would round a value sent with more digits.
            SchemaKind::Type(Type::Number(_)) => Ty::Float { bits: 64 },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(arr)) => {
                let item = match &arr.items {
                    Some(items) => {
                        let u = self.usage(items.into(), &format!("{hint}Item"), &format!("{at}/items"))?;
                        wrap_nullable(u.ty, u.nullable)
                    }
                    None => self.untyped(&format!("{at}/items"), UntypedReason::NoSchema),
                };
                Ty::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => match &o.additional_properties {
                Some(AdditionalProperties::Schema(inner)) => {
                    let u = self.usage(
                        inner.as_ref().into(),
                        &format!("{hint}Value"),
                        &format!("{at}/additionalProperties"),
                    )?;
                    Ty::Map(Box::new(wrap_nullable(u.ty, u.nullable)))
                }
                _ => Ty::Map(Box::new(self.untyped(at, UntypedReason::FreeFormObject))),
            },
            SchemaKind::Any(a)
                if a.properties.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() =>
            {
                // Untyped schemas: infer from the keywords present, else any JSON value.
                let string_enum = !a.enumeration.is_empty() && a.enumeration.iter().all(|v| v.is_string());
                match (a.typ.as_deref(), &a.items) {
                    (_, Some(items)) => {
                        let u = self.usage(items.into(), &format!("{hint}Item"), &format!("{at}/items"))?;
                        Ty::Vec(Box::new(wrap_nullable(u.ty, u.nullable)))
                    }
                    (Some("string") | None, _) if string_enum => self.define_named(hint, s, at)?,
                    (Some("string"), _) => Ty::String,
                    (Some("integer"), _) => Ty::Int { bits: 64, signed: true },
                    (Some("number"), _) => Ty::Float { bits: 64 },
                    (Some("boolean"), _) => Ty::Bool,
                    _ => self.untyped(at, UntypedReason::NoSchema),
                }
            }
            // `allOf: [$ref]` and `allOf: [$ref, {description: …}]` are the usual ways to attach a
            // description to a reference: the value is the reference's.
            SchemaKind::AllOf { all_of } if shaping_parts(all_of).len() == 1 => {
                let (i, part) = shaping_parts(all_of)[0];
                self.usage(part.into(), hint, &format!("{at}/allOf/{i}"))?.ty
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } if alts.is_empty() => {
                self.empty_union(s, at)
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } if alts.len() == 1 => {
                let key = union_keyword(s);
                self.usage((&alts[0]).into(), hint, &format!("{at}/{key}/0"))?.ty
            }
            SchemaKind::Not { .. } => {
                self.warn(at, "a `not` schema has no Rust type: any JSON value is accepted there");
                self.untyped(at, UntypedReason::Unsupported)
            }
            _ => self.define_named(hint, s, at)?,
        })
    }

    /// `oneOf: []` / `anyOf: []`: invalid JSON Schema, and as written no value would match, so a
    /// type for it would refuse every answer. Any JSON value is accepted there instead, with a warning.
    fn empty_union(&mut self, s: &Schema, at: &str) -> Ty {
        let key = union_keyword(s);
        self.warn(at, format!("an empty `{key}` has no alternative to match: any JSON value is accepted"));
        self.untyped(at, UntypedReason::Union)
    }

    /// The named type for the inline schema `s`: a fresh one named from `hint` the first time the
    /// schema is met, the same one whenever it is met again (an allOf merging a struct into another,
    /// a property whose schema contains itself through an allOf). Defining it once is what keeps a
    /// recursive inline schema finite and nested allOfs linear.
    fn define_named(&mut self, hint: &str, s: &'a Schema, at: &str) -> Result<Ty, Error> {
        let key = std::ptr::from_ref(s) as usize;
        if let Some(name) = self.inline_types.get(&key) {
            if !self.types.contains_key(name) {
                self.referenced_early.insert(name.clone());
            }
            return Ok(Ty::Named(name.clone()));
        }
        let name = self.type_names.claim(&type_name(hint));
        self.inline_types.insert(key, name.clone());
        if let Err(e) = self.define(&name, s, at) {
            // Types finished inside it may refer to it already: leave them a name that exists.
            if self.referenced_early.remove(&name) {
                let ty = self.untyped(at, UntypedReason::Unsupported);
                self.insert(&name, None, at, TypeKind::Alias { ty });
            } else {
                self.inline_types.remove(&key);
            }
            return Err(e);
        }
        self.referenced_early.remove(&name);
        Ok(Ty::Named(name))
    }

    /// Defines the type `name` (already claimed) from schema `s`.
    pub(super) fn define(&mut self, name: &str, s: &'a Schema, at: &str) -> Result<(), Error> {
        let doc = s.schema_data.description.clone().or_else(|| s.schema_data.title.clone());
        let kind = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                enum_kind(st.enumeration.iter().flatten().map(String::as_str), false)
            }
            SchemaKind::Any(a)
                if a.properties.is_empty()
                    && !a.enumeration.is_empty()
                    && a.enumeration.iter().all(|v| v.is_string()) =>
            {
                enum_kind(a.enumeration.iter().filter_map(|v| v.as_str()), false)
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } if alts.is_empty() => {
                TypeKind::Alias { ty: self.empty_union(s, at) }
            }
            // `anyOf: [{type: string, enum: [...]}, {type: string}]`: the listed values, or any other string.
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } if open_enum(alts).is_some() => {
                enum_kind(open_enum(alts).unwrap_or_default().iter().map(String::as_str), true)
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts }
                if alts.len() > 1 || !self.is_object_like(s) =>
            {
                let key = union_keyword(s);
                self.union_kind(name, s, alts, &format!("{at}/{key}"))?
            }
            // Untyped schemas with oneOf/anyOf (openapiv3 reads them as `Any`).
            SchemaKind::Any(a) if a.properties.is_empty() && (!a.one_of.is_empty() || !a.any_of.is_empty()) => {
                let (key, alts) = if a.one_of.is_empty() { ("anyOf", &a.any_of) } else { ("oneOf", &a.one_of) };
                match open_enum(alts) {
                    Some(values) => enum_kind(values.iter().map(String::as_str), true),
                    None => self.union_kind(name, s, alts, &format!("{at}/{key}"))?,
                }
            }
            _ if self.is_object_like(s) => {
                let mut g = Gathered::default();
                self.gather(s, at, &mut g, 0)?;
                self.struct_kind(name, g)?
            }
            _ => {
                // An alias: the schema's own type expression. Should that lead back here for the
                // same schema (a shape neither a struct nor a union), fall back to any JSON value.
                let cyclic = !self.aliasing.insert(at.to_string());
                let ty = if cyclic {
                    Ty::Json
                } else {
                    let u = self.usage(SchemaRef::Item(s), &format!("{name}Inner"), at);
                    self.aliasing.remove(at);
                    u?.ty
                };
                if ty == Ty::Json && !matches!(s.schema_kind, SchemaKind::Any(_)) {
                    self.warn(at, format!("no Rust shape for this schema; `{name}` is any JSON value"));
                    self.untyped(at, if cyclic { UntypedReason::Cycle } else { UntypedReason::Unsupported });
                }
                // Guard against an alias of itself (`Ty::Named(name)`), which would not compile.
                let ty = if ty == Ty::Named(name.to_string()) { self.untyped(at, UntypedReason::Cycle) } else { ty };
                TypeKind::Alias { ty }
            }
        };
        self.insert(name, doc, at, kind);
        Ok(())
    }

    fn is_object_like(&self, s: &Schema) -> bool {
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { all_of } => shaping_parts(all_of).len() > 1,
            SchemaKind::Any(a) => !a.properties.is_empty() || shaping_parts(&a.all_of).len() > 1,
            _ => false,
        }
    }

    /// Collects properties through allOf parts and refs (an allOf is a merge of its parts).
    fn gather(&self, s: &'a Schema, at: &str, g: &mut Gathered<'a>, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.err(at, "allOf nests too deeply"));
        }
        // Merging a schema twice adds nothing (and an allOf that contains itself would not end).
        if !g.merged.insert(std::ptr::from_ref(s) as usize) {
            return Ok(());
        }
        let mut add_object = |props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                              required: &[String],
                              extra: &'a Option<AdditionalProperties>| {
            for (k, v) in props {
                let ptr = pointer::child(&format!("{at}/properties"), k);
                if let Some(slot) = g.props.iter_mut().find(|(n, _, _)| n == k) {
                    // A later allOf part refines the property: the last definition wins.
                    *slot = (k.clone(), v.into(), ptr);
                } else {
                    g.props.push((k.clone(), v.into(), ptr));
                }
            }
            g.required.extend(required.iter().cloned());
            match extra {
                Some(AdditionalProperties::Schema(inner)) => g.extra = Some(inner.as_ref().into()),
                Some(AdditionalProperties::Any(false)) => g.closed = true,
                _ => {}
            }
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => add_object(&o.properties, &o.required, &o.additional_properties),
            SchemaKind::Any(a) => {
                add_object(&a.properties, &a.required, &a.additional_properties);
                for (i, part) in a.all_of.iter().enumerate() {
                    self.gather_part(part.into(), &format!("{at}/allOf/{i}"), g, depth)?;
                }
            }
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    self.gather_part(part.into(), &format!("{at}/allOf/{i}"), g, depth)?;
                }
            }
            // Non-object parts of an allOf (a oneOf, a primitive) contribute no fields.
            _ => {}
        }
        Ok(())
    }

    fn gather_part(&self, part: SchemaRef<'a>, at: &str, g: &mut Gathered<'a>, depth: usize) -> Result<(), Error> {
        match part {
            SchemaRef::Ref(r) => {
                // A reference cycle has no properties to contribute.
                match self.schema_target(r, at)? {
                    (_, Some(target)) => self.gather(target, at, g, depth + 1),
                    (_, None) => Ok(()),
                }
            }
            SchemaRef::Item(s) => self.gather(s, at, g, depth + 1),
        }
    }

    fn struct_kind(&mut self, name: &str, g: Gathered<'a>) -> Result<TypeKind, Error> {
        let mut names = Names::default();
        let mut fields = Vec::new();
        for (json_name, schema, ptr) in g.props {
            let hint = format!("{name}{}", type_name(&json_name));
            let constant = constant_of(schema);
            let u = match &constant {
                // A pinned string needs no type of its own.
                Some(_) => Usage { ty: Ty::String, nullable: false, rules: Rules::default(), doc: schema_doc(schema) },
                None => self.usage(schema, &hint, &ptr)?,
            };
            let (deprecated, doc) = match schema {
                SchemaRef::Item(s) => (s.schema_data.deprecated, u.doc.clone()),
                SchemaRef::Ref(_) => (false, None),
            };
            // A required readOnly property is required in responses only, a writeOnly one in
            // requests only (OpenAPI 3.0): the one type for both ways makes it optional.
            let one_way = match schema {
                SchemaRef::Item(s) => s.schema_data.read_only || s.schema_data.write_only,
                SchemaRef::Ref(r) => {
                    matches!(self.schema_target(r, &ptr), Ok((_, Some(t))) if t.schema_data.read_only || t.schema_data.write_only)
                }
            };
            fields.push(Field {
                rust_name: names.claim(&value_name(&json_name)),
                required: g.required.contains(&json_name) && !one_way,
                json_name,
                ty: u.ty,
                nullable: u.nullable,
                doc,
                rules: u.rules,
                deprecated,
                constant,
            });
        }
        let extra = match (g.extra, g.closed) {
            // `additionalProperties: false`: nothing else can arrive, so there is nothing to keep.
            (_, true) => None,
            (Some(inner), false) => {
                let u = self.usage(inner, &format!("{name}Value"), "")?;
                Some(wrap_nullable(u.ty, u.nullable))
            }
            // Unknown fields are kept so that a round-trip through the client loses nothing.
            (None, false) => Some(Ty::Json),
        };
        Ok(TypeKind::Struct { fields, extra, required_struct: None })
    }

    fn union_kind(
        &mut self,
        name: &str,
        s: &'a Schema,
        alts: &'a [ReferenceOr<Schema>],
        at: &str,
    ) -> Result<TypeKind, Error> {
        let mut names = Names::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        let disc = s.schema_data.discriminator.as_ref();
        let pinned = if disc.is_none() { self.constant_tag(alts) } else { None };
        for (i, alt) in alts.iter().enumerate() {
            let ptr = format!("{at}/{i}");
            let (value, by_default) = match pinned.as_ref().and_then(|(_, values)| values.get(i)) {
                Some((value, by_default)) => (Some(value.clone()), *by_default),
                None => (None, false),
            };
            let (vname, mut tags) = match alt {
                ReferenceOr::Reference { reference } => {
                    let (key, _) = self.schema_target(reference, &ptr)?;
                    // A mapping names its schema by reference or by bare name (`cat: Cat`).
                    let mut tags: Vec<String> = disc
                        .map(|d| {
                            let selects = |r: &String| r == reference || r == key;
                            d.mapping.iter().filter(|(_, r)| selects(r)).map(|(t, _)| t.clone()).collect()
                        })
                        .unwrap_or_default();
                    if disc.is_some() && tags.is_empty() {
                        tags.push(key.to_string());
                    }
                    (type_name(key), tags)
                }
                // An untitled alternative is named after the value it pins, if it pins one.
                ReferenceOr::Item(item) => match (&item.schema_data.title, &value) {
                    (None, Some(v)) => (type_name(v), Vec::new()),
                    _ => (variant_hint(item, i), Vec::new()),
                },
            };
            tags.extend(value);
            let u = self.usage(alt.into(), &format!("{name}{vname}"), &ptr)?;
            variants.push(UnionVariant {
                name: names.claim(&vname),
                doc: u.doc.clone(),
                ty: wrap_nullable(u.ty, u.nullable),
                tags,
                tag_by_default: by_default,
            });
        }
        // Only one variant can be what an object without the tag is.
        if variants.iter().filter(|v| v.tag_by_default).count() > 1 {
            variants.iter_mut().for_each(|v| v.tag_by_default = false);
        }
        // A discriminator is usable only if every variant has at least one tag value.
        let tag = match (disc, pinned) {
            (Some(d), _) => variants.iter().all(|v| !v.tags.is_empty()).then(|| d.property_name.clone()),
            (None, pinned) => pinned.map(|(property, _)| property),
        };
        Ok(TypeKind::Union { variants, tag })
    }

    /// Without a discriminator, a property that every alternative pins to one distinct string
    /// (`enum: [x]` or 3.1 `const`) still tells the variants apart. Each alternative requires it,
    /// or makes it optional with that value as its default (then an object without it is that
    /// alternative: the flag beside each value).
    fn constant_tag(&self, alts: &'a [ReferenceOr<Schema>]) -> Option<(String, Vec<(String, bool)>)> {
        let mut per_alt: Vec<Vec<(String, (String, bool))>> = Vec::new();
        for alt in alts {
            let s = resolve::item(self.doc, alt).ok()?;
            let (props, required) = match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
                SchemaKind::Any(a) => (&a.properties, &a.required),
                _ => return None,
            };
            let pinned = props
                .iter()
                .filter_map(|(k, v)| {
                    let v: &Schema = match v {
                        ReferenceOr::Reference { reference } => self.schema_target(reference, "").ok()?.1?,
                        ReferenceOr::Item(b) => b.as_ref(),
                    };
                    let SchemaKind::Type(Type::String(st)) = &v.schema_kind else { return None };
                    let [Some(only)] = st.enumeration.as_slice() else { return None };
                    let by_default = v.schema_data.default.as_ref().and_then(|d| d.as_str()) == Some(only.as_str());
                    let required = required.contains(k);
                    (required || by_default).then(|| (k.clone(), (only.clone(), !required)))
                })
                .collect();
            per_alt.push(pinned);
        }
        let first = per_alt.first()?;
        first.iter().map(|(k, _)| k).find_map(|candidate| {
            let values: Vec<(String, bool)> = per_alt
                .iter()
                .map(|pins| pins.iter().find(|(k, _)| k == candidate).map(|(_, v)| v.clone()))
                .collect::<Option<_>>()?;
            let mut distinct: Vec<&String> = values.iter().map(|(v, _)| v).collect();
            distinct.sort();
            distinct.dedup();
            (distinct.len() == values.len()).then(|| (candidate.clone(), values))
        })
    }
}

/// The parts of an allOf that shape a value, with their index: a part that only annotates (a
/// description, a title, an example: `allOf: [$ref, {description: …}]`) adds nothing to the type.
fn shaping_parts(all_of: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    all_of.iter().enumerate().filter(|(_, p)| !annotation_only(p)).collect()
}

/// A schema with no keyword that constrains a value (only annotations such as `description`).
fn annotation_only(part: &ReferenceOr<Schema>) -> bool {
    matches!(part, ReferenceOr::Item(s)
        if matches!(&s.schema_kind, SchemaKind::Any(a) if *a == openapiv3::AnySchema::default())
            && !s.schema_data.nullable)
}

/// The one string an inline schema allows (`enum` with a single value), if that is all it is.
fn constant_of(schema: SchemaRef) -> Option<String> {
    let SchemaRef::Item(s) = schema else { return None };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) if !s.schema_data.nullable => match st.enumeration.as_slice() {
            [Some(only)] => Some(only.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn schema_doc(schema: SchemaRef) -> Option<String> {
    match schema {
        SchemaRef::Item(s) => s.schema_data.description.clone(),
        SchemaRef::Ref(_) => None,
    }
}

/// The open-enum idiom: exactly two inline alternatives, one a string enum and the other a plain
/// string without constraints. Returns the listed values.
fn open_enum(alts: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
    let [ReferenceOr::Item(a), ReferenceOr::Item(b)] = alts else { return None };
    let values = |s: &Schema| -> Option<Vec<String>> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                Some(st.enumeration.iter().flatten().cloned().collect())
            }
            _ => None,
        }
    };
    let plain = |s: &Schema| {
        matches!(&s.schema_kind, SchemaKind::Type(Type::String(st))
            if st.enumeration.is_empty() && st.pattern.is_none() && st.min_length.is_none() && st.max_length.is_none())
    };
    match (values(a), values(b)) {
        (Some(v), None) if plain(b) => Some(v),
        (None, Some(v)) if plain(a) => Some(v),
        _ => None,
    }
}

fn enum_kind<'s>(values: impl Iterator<Item = &'s str>, open: bool) -> TypeKind {
    let mut names = Names::with_reserved(&["Unknown"]);
    let mut seen = std::collections::BTreeSet::new();
    let values = values
        .filter(|v| seen.insert(v.to_string()))
        .map(|v| EnumValue { name: names.claim(&type_name(v)), wire: v.to_string() })
        .collect();
    TypeKind::Enum { values, open }
}

fn variant_hint(s: &Schema, i: usize) -> String {
    if let Some(t) = &s.schema_data.title {
        return type_name(t);
    }
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "Array".into(),
        SchemaKind::Type(Type::Object(o)) if o.properties.len() == 1 => {
            // Externally tagged shapes (`{"variant": {...}}`) name themselves by their one key.
            type_name(o.properties.keys().next().map(String::as_str).unwrap_or("Object"))
        }
        _ => format!("Variant{i}"),
    }
}

fn int_ty(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Ty {
    let (bits, signed) = int_width(match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    });
    Ty::Int { bits, signed }
}

/// The Rust integer an integer schema's `format` becomes: its width and signedness.
pub fn int_width(format: Option<&str>) -> (u8, bool) {
    match format.unwrap_or_default() {
        "int8" => (8, true),
        "int16" => (16, true),
        "int32" => (32, true),
        "uint8" => (8, false),
        "uint16" => (16, false),
        "uint32" => (32, false),
        "uint64" | "uint" => (64, false),
        _ => (64, true),
    }
}

/// `T | null` where there is no field to make optional (array items, map values, union variants).
pub fn wrap_nullable(ty: Ty, nullable: bool) -> Ty {
    if nullable && ty != Ty::Json {
        Ty::Nullable(Box::new(ty))
    } else {
        ty
    }
}

/// Constraints a client can check, read from one schema.
pub fn rules_of(s: &Schema) -> Rules {
    let mut r = Rules::default();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            r.min_length = st.min_length;
            r.max_length = st.max_length;
            r.pattern = st.pattern.clone();
            r.email = matches!(&st.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "email");
        }
        SchemaKind::Type(Type::Integer(it)) => {
            r.minimum = it.minimum.map(|v| v as f64);
            r.maximum = it.maximum.map(|v| v as f64);
            r.exclusive_minimum = it.exclusive_minimum;
            r.exclusive_maximum = it.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(nt)) => {
            r.minimum = nt.minimum;
            r.maximum = nt.maximum;
            r.exclusive_minimum = nt.exclusive_minimum;
            r.exclusive_maximum = nt.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            r.min_items = a.min_items;
            r.max_items = a.max_items;
            if let Some(ReferenceOr::Item(item)) = &a.items {
                let inner = rules_of(item);
                if !inner.is_empty() {
                    r.items = Some(Box::new(inner));
                }
            }
        }
        _ => {}
    }
    r
}

/// The keyword of a union schema, for locations and messages: `oneOf` or `anyOf`.
fn union_keyword(s: &Schema) -> &'static str {
    if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
        "oneOf"
    } else {
        "anyOf"
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Api, TypeKind};
    use std::path::Path;

    /// The model of a document of only the component schemas `schemas` (indented by four).
    fn model(schemas: &str) -> Api {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let path = Path::new("t.yaml");
        crate::build_model(path, &crate::load::load_str(path, &yaml).unwrap()).unwrap().0
    }

    /// A required readOnly property need not be in a request, nor a writeOnly one in a response:
    /// in the one struct for both, they are optional.
    #[test]
    fn one_way_required_properties_are_optional() {
        let api = model(
            r##"
    Id: {type: string, readOnly: true}
    User:
      type: object
      required: [id, ref_id, password, name]
      properties:
        id: {type: string, readOnly: true}
        ref_id: {$ref: "#/components/schemas/Id"}
        password: {type: string, writeOnly: true}
        name: {type: string}
"##,
        );
        let TypeKind::Struct { fields, .. } = &api.types["User"].kind else { panic!("User is a struct") };
        let required: Vec<(&str, bool)> = fields.iter().map(|f| (f.json_name.as_str(), f.required)).collect();
        assert_eq!(required, [("id", false), ("ref_id", false), ("password", false), ("name", true)]);
    }

    /// Untitled inline alternatives that pin the tag are named after it; a discriminator's mapping
    /// may name its schema by reference or by bare name, and lists every tag of a variant.
    #[test]
    fn union_variants_are_named_and_tagged_by_the_values_that_select_them() {
        let api = model(
            r##"
    Range:
      oneOf:
        - {type: object, required: [type, end], properties: {type: {type: string, enum: [range_to]}, end: {type: number}}}
        - {type: object, required: [type], properties: {type: {type: string, enum: [full]}}}
    Pet:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator: {propertyName: kind, mapping: {cat: Cat, dog: "#/components/schemas/Dog", hound: Dog}}
    Cat: {type: object, properties: {kind: {type: string}}}
    Dog: {type: object, properties: {kind: {type: string}}}
"##,
        );
        let union = |name: &str| match &api.types[name].kind {
            TypeKind::Union { variants, tag } => {
                let variants: Vec<(String, Vec<String>)> =
                    variants.iter().map(|v| (v.name.clone(), v.tags.clone())).collect();
                (variants, tag.clone())
            }
            other => panic!("{name} is a union: {other:?}"),
        };
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (variants, tag) = union("Range");
        assert_eq!(tag.as_deref(), Some("type"));
        assert_eq!(variants, [("RangeTo".into(), s(&["range_to"])), ("Full".into(), s(&["full"]))]);
        assert!(api.types.contains_key("RangeRangeTo"), "{:?}", api.types.keys());
        let (variants, tag) = union("Pet");
        assert_eq!(tag.as_deref(), Some("kind"));
        assert_eq!(variants, [("Cat".into(), s(&["cat"])), ("Dog".into(), s(&["dog", "hound"]))]);
    }
}
