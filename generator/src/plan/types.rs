//! The named types: how each struct, enum, union and alias of the model is written, with its
//! field types, catch-all field, constructor and checks.

use super::checks::{Checks, How};
use super::derives::Derives;
use super::rules::RuleNames;
use super::tags::{variant_struct, Tags};
use super::RustTy;
use crate::model::{Field, Ty, TypeDef, TypeKind, UnionVariant};
use crate::naming::Names;

/// One named type.
pub struct TypePlan<'a> {
    pub def: &'a TypeDef,
    pub derives: Vec<&'static str>,
    pub shape: Shape<'a>,
}

pub enum Shape<'a> {
    Alias(RustTy),
    Struct(StructPlan<'a>),
    /// A string enum (its values are the model's); `checked` when a request refuses `Unknown`.
    Enum {
        checked: bool,
    },
    Union(UnionPlan<'a>),
}

pub struct StructPlan<'a> {
    pub fields: Vec<FieldPlan<'a>>,
    /// The field that keeps undeclared properties.
    pub catch_all: Option<CatchAll>,
    pub constructor: Constructor,
    /// The struct of required values `new` takes, for [`Constructor::Required`].
    pub required: Option<RequiredStruct>,
    /// The `Validate` impl's checks, when the type has one.
    pub checks: Option<Vec<Check>>,
}

pub struct FieldPlan<'a> {
    pub field: &'a Field,
    /// As declared: `T`, `Option<T>` or `rt::Nullable<T>`.
    pub ty: RustTy,
    /// As a constructor takes it: `T`, or `Option<T>` when it may be null.
    pub arg_ty: RustTy,
    pub init: Init,
}

/// How a constructor fills a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Init {
    /// From the argument of the same name.
    Arg,
    /// The one value the spec allows.
    Constant(String),
    /// `None`.
    None,
    /// `rt::Nullable::Absent`.
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchAll {
    pub name: String,
    pub ty: RustTy,
}

/// What `new` takes (constructors exist only for types a request carries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constructor {
    None,
    /// `new()`: every field absent.
    Empty,
    /// `new(x)`: the field at this index of [`StructPlan::fields`].
    One(usize),
    /// `new(XRequired)`: two or more required values, by name.
    Required,
}

pub struct RequiredStruct {
    pub name: String,
    pub derives: Vec<&'static str>,
    /// Indices into [`StructPlan::fields`].
    pub fields: Vec<usize>,
}

/// One check of a `Validate` impl: the field (or parameter) by Rust and wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub wire: String,
    pub how: How,
    /// The rule constant, or `None` for `rt::Rules::NONE`.
    pub rules: Option<String>,
}

pub struct UnionPlan<'a> {
    pub variants: Vec<VariantPlan<'a>>,
    /// Variants whose values are checked, when the type has a `Validate` impl.
    pub checked: Option<Vec<String>>,
    pub tagging: Tagging<'a>,
}

pub struct VariantPlan<'a> {
    pub variant: &'a UnionVariant,
    pub ty: RustTy,
    /// The tag value an internally tagged enum writes for it (serde's `rename`): the one its
    /// struct pins, else the first the spec lists (a discriminator's mapping, in document order).
    /// Every one of the variant's tags still selects it when decoding.
    pub tag: Option<&'a str>,
}

/// How a union tells its variants apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagging<'a> {
    /// The first variant that decodes.
    Untagged,
    /// The property picks the variant, and the variants' structs keep it as a field: one of them
    /// is also used where nothing else would write the tag (or a variant is not a struct).
    Field(&'a str),
    /// serde's internally tagged enum on the property: the enum writes the tag, and the variants'
    /// structs have no field for it, so a caller cannot write a wrong one.
    Internal(&'a str),
}

impl<'a> Tagging<'a> {
    /// The property that picks the variant, if one does.
    pub fn property(self) -> Option<&'a str> {
        match self {
            Tagging::Untagged => None,
            Tagging::Field(p) | Tagging::Internal(p) => Some(p),
        }
    }
}

/// What the plan of one type needs to know about the others.
pub(super) struct Context<'c> {
    pub checks: &'c Checks<'c>,
    pub derives: &'c Derives,
    pub tags: &'c Tags,
}

pub(super) fn type_def<'a>(t: &'a TypeDef, cx: &Context, rules: &mut RuleNames) -> TypePlan<'a> {
    let Context { checks, derives, tags } = *cx;
    let (derives, shape) = match &t.kind {
        TypeKind::Alias { ty } => (vec![], Shape::Alias(RustTy::of(ty))),
        TypeKind::Struct { fields, extra, required_struct } => {
            // A struct that is only ever a variant of internally tagged enums leaves the tag to them.
            let removed = tags.removed(&t.name).map(|r| r.property.as_str());
            let kept: Vec<&Field> = fields.iter().filter(|f| Some(f.json_name.as_str()) != removed).collect();
            let s = struct_plan(t, &kept, extra.as_ref(), required_struct.as_deref(), checks, derives, rules);
            // `Default` is `new()`: only for what a request carries and needs nothing to build.
            let base: &[_] =
                if s.constructor == Constructor::Empty { &["Debug", "Clone", "Default"] } else { &["Debug", "Clone"] };
            (derives.of(base, fields.iter().map(|f| &f.ty).chain(extra)), Shape::Struct(s))
        }
        TypeKind::Enum { .. } => {
            (derives.of(&["Debug", "Clone"], std::iter::empty()), Shape::Enum { checked: t.checked })
        }
        TypeKind::Union { variants, tag } => {
            let checked = t
                .checked
                .then(|| variants.iter().filter(|v| checks.walks(&v.ty)).map(|v| v.name.clone()).collect::<Vec<_>>());
            // A tagged union keeps an unknown variant as JSON.
            let unknown = tag.as_ref().map(|_| Ty::Json);
            let mut derives = derives.of(&["Debug", "Clone"], variants.iter().map(|v| &v.ty).chain(&unknown));
            derives.push("::serde::Serialize");
            if tag.is_none() {
                derives.push("::serde::Deserialize");
            }
            let tagging = match tag.as_deref() {
                None => Tagging::Untagged,
                Some(p) if tags.internal(&t.name) => Tagging::Internal(p),
                Some(p) => Tagging::Field(p),
            };
            let variants = variants
                .iter()
                .map(|v| {
                    let written = || {
                        let pinned = variant_struct(&v.ty).and_then(|s| tags.removed(s)?.pinned.as_deref());
                        v.tags.iter().find(|t| Some(t.as_str()) == pinned).or(v.tags.first()).map(String::as_str)
                    };
                    let tag = matches!(tagging, Tagging::Internal(_)).then(written).flatten();
                    VariantPlan { variant: v, ty: RustTy::of(&v.ty), tag }
                })
                .collect();
            (derives, Shape::Union(UnionPlan { variants, checked, tagging }))
        }
    };
    TypePlan { def: t, derives, shape }
}

fn struct_plan<'a>(
    t: &'a TypeDef,
    fields: &[&'a Field],
    extra: Option<&Ty>,
    required_struct: Option<&str>,
    checks: &Checks,
    derives: &Derives,
    rules: &mut RuleNames,
) -> StructPlan<'a> {
    let mut names = Names::with_reserved(&fields.iter().map(|f| f.rust_name.as_str()).collect::<Vec<_>>());
    let catch_all = extra.map(|t| CatchAll {
        name: names.claim("extra"),
        ty: if *t == Ty::Json { RustTy::path("rt::Extra") } else { RustTy::of(t).inside("rt::Extra") },
    });
    let plans: Vec<FieldPlan> = fields
        .iter()
        .map(|&f| {
            let inner = RustTy::of(&f.ty);
            let ty = match (f.required, f.nullable) {
                (true, false) => inner.clone(),
                // Required but nullable: always sent, `None` is `null`; decoding fails without it.
                (true, true) | (false, false) => inner.clone().inside("Option"),
                // Optional and nullable: absent, null and a value stay different.
                (false, true) => inner.clone().inside("rt::Nullable"),
            };
            let arg_ty = if f.nullable { inner.inside("Option") } else { inner };
            let init = match (f.required, f.nullable, &f.constant) {
                (true, _, Some(c)) => Init::Constant(c.clone()),
                (true, ..) => Init::Arg,
                (false, false, _) => Init::None,
                (false, true, _) => Init::Absent,
            };
            FieldPlan { field: f, ty, arg_ty, init }
        })
        .collect();
    // What a caller must give: required fields, but those the spec pins to one value.
    let required: Vec<usize> = (0..plans.len()).filter(|&i| plans[i].init == Init::Arg).collect();
    // Construction helpers only for what a request carries (received types come from JSON);
    // two or more required values get names at the call site: a struct of them.
    let (constructor, required) = match (t.sent, required.len(), required_struct) {
        (false, ..) | (true, 2.., None) => (Constructor::None, None),
        (true, 0, _) => (Constructor::Empty, None),
        (true, 1, _) => (Constructor::One(required[0]), None),
        (true, _, Some(name)) => {
            let derives = derives.of(&["Debug", "Clone"], required.iter().map(|&i| &plans[i].field.ty));
            (Constructor::Required, Some(RequiredStruct { name: name.to_string(), derives, fields: required }))
        }
    };
    let checks = t.checked.then(|| {
        fields
            .iter()
            .filter_map(|f| {
                let how = checks.how(&f.ty, &f.rules)?;
                Some(Check {
                    name: f.rust_name.clone(),
                    wire: f.json_name.clone(),
                    how,
                    rules: rules.use_rules(&f.rules),
                })
            })
            .collect()
    });
    StructPlan { fields: plans, catch_all, constructor, required, checks }
}
