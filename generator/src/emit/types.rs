//! Named types: structs, string enums with an `Unknown` fallback, unions, aliases, and the
//! per-operation success and error enums. Every struct and enum is `#[non_exhaustive]`, so that a
//! new optional field, enum value or documented status is not a breaking change.

use super::rules::{definitions, use_rules};
use super::{derives, doc, ident, paragraphs, ty, use_runtime, Allows, RuntimeSource};
use crate::model::TypeKind;
use crate::plan::{
    Check, Constructor, FieldPlan, How, Init, OperationPlan, OutcomeEnum, Plan, Shape, StructPlan, Tagging, TypePlan,
    UnionPlan, VariantPlan,
};
use proc_macro2::TokenStream;
use quote::quote;

/// The types module of one API.
pub fn types(plan: &Plan, source: RuntimeSource) -> TokenStream {
    let api = plan.api;
    let defs = plan.types.iter().map(type_def);
    let ops = plan.operations.iter().map(operation_enums);
    let consts = definitions(&plan.rules);
    let allows = Allows {
        large_enum_variant: !api.operations.is_empty()
            || api.types.values().any(|t| matches!(t.kind, TypeKind::Union { .. })),
        enum_variant_names: true,
        too_many_arguments: false,
        deprecated: api
            .types
            .values()
            .any(|t| matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.deprecated))),
        result_large_err: false,
    }
    .tokens();
    let body = quote! {
        #(#defs)*
        #(#ops)*
        #consts
    };
    let rt = use_runtime(source, &body);
    quote! {
        #allows
        //! Types of the API: the schemas of the spec and each operation's outcomes.
        #rt
        #body
    }
}

fn type_def(p: &TypePlan) -> TokenStream {
    let t = p.def;
    let name = ident(&t.name);
    // Where an undocumented inline schema came from is not obvious from its name; a
    // component's is.
    let inline = !t.origin.starts_with("#/components/schemas/") || t.origin.matches('/').count() > 3;
    let origin = (inline && t.doc.is_none()).then(|| format!("Generated from `{}`.", t.origin));
    // An enum lists its wire values once, in its own docs; an internally tagged one says which
    // property holds its tag.
    let values = match (&t.kind, &p.shape) {
        (TypeKind::Enum { values, .. }, _) => {
            Some(format!("Values: {}.", values.iter().map(|v| format!("`{}`", v.wire)).collect::<Vec<_>>().join(", ")))
        }
        (_, Shape::Union(UnionPlan { tagging: Tagging::Internal(tag), .. })) => Some(format!(
            "The property `{tag}` tells the variants apart. The enum writes it, so the variants' structs have no field for it."
        )),
        _ => None,
    };
    let docs = doc(paragraphs(&[t.doc.as_deref(), origin.as_deref(), values.as_deref()]).as_deref());
    let derive = derives(&p.derives);
    match (&p.shape, &t.kind) {
        (Shape::Alias(inner), _) => {
            let inner = ty(inner, &quote!());
            quote! { #docs pub type #name = #inner; }
        }
        (Shape::Struct(s), _) => struct_def(p, s, &docs),
        (Shape::Enum { checked }, TypeKind::Enum { values, open }) => {
            let idents: Vec<_> = values.iter().map(|v| ident(&v.name)).collect();
            let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
            let unknown = if *open {
                " Any other value: the spec allows values beyond the listed ones."
            } else {
                " A value this version of the spec does not list, kept verbatim so it round-trips (refused when sending)."
            };
            let checked = if *checked { quote!(checked) } else { quote!() };
            quote! {
                #docs
                #derive
                #[non_exhaustive]
                pub enum #name {
                    #( #idents, )*
                    #[doc = #unknown]
                    Unknown(String),
                }
                rt::string_enum!(#name #checked { #( #idents = #wires, )* });
            }
        }
        (Shape::Union(u), _) => union_def(p, u, &docs),
        (Shape::Enum { .. }, _) => quote!(),
    }
}

/// `out.check(&self.x, &at.field("x"), &RULES);` and the like, for a `Validate` impl.
fn field_checks(checks: &[Check]) -> impl Iterator<Item = TokenStream> + '_ {
    checks.iter().map(|c| {
        let (n, wire) = (ident(&c.name), &c.wire);
        let rules = use_rules(c.rules.as_deref(), &quote!());
        match c.how {
            How::Check => quote! { out.check(&self.#n, &at.field(#wire), &#rules); },
            How::Count => quote! { out.count(&self.#n, &at.field(#wire), &#rules); },
        }
    })
}

fn struct_def(p: &TypePlan, s: &StructPlan, docs: &TokenStream) -> TokenStream {
    let t = p.def;
    let name = ident(&t.name);
    let none = quote!();
    let field_doc = |f: &FieldPlan| {
        let pinned = f.field.constant.as_ref().map(|c| format!("Always `{c}`."));
        doc(paragraphs(&[f.field.doc.as_deref(), pinned.as_deref()]).as_deref())
    };
    let decls = s.fields.iter().map(|f| {
        let fname = ident(&f.field.rust_name);
        let fty = ty(&f.ty, &none);
        let fdoc = field_doc(f);
        let dep = if f.field.deprecated { quote!(#[deprecated]) } else { quote!() };
        quote! { #fdoc #dep pub #fname: #fty, }
    });
    let extra_name = s.catch_all.as_ref().map(|c| ident(&c.name));
    // The wire table `rt::object!` reads: each field's JSON name and whether it must be present.
    let wire = s.fields.iter().map(|f| {
        let (fname, json) = (ident(&f.field.rust_name), &f.field.json_name);
        let kind = if f.field.required { quote!(req) } else { quote!(opt) };
        quote!(#fname: #json #kind)
    });
    let object = quote!(rt::object!(#name { #(#wire),* } ..#extra_name););
    let extra_decl = s.catch_all.as_ref().map(|c| {
        let (n, t) = (ident(&c.name), ty(&c.ty, &none));
        quote! {
            /// Properties not declared in the spec, kept so that nothing a server sends is lost.
            pub #n: #t,
        }
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.field.rust_name);
        match &f.init {
            Init::Constant(c) => quote!(#n: String::from(#c)),
            Init::Arg => quote!(#n),
            Init::None => quote!(#n: None),
            Init::Absent => quote!(#n: rt::Nullable::Absent),
        }
    });
    let extra_init = extra_name.as_ref().map(|n| quote!(#n: rt::Extra::new(),));
    let all_init = quote!(Self { #(#inits,)* #extra_init });
    let deprecated = if s.fields.iter().any(|f| f.field.deprecated) { quote!(#[allow(deprecated)]) } else { quote!() };
    let constructor = match &s.constructor {
        Constructor::None => quote!(),
        Constructor::Empty => quote! {
            impl #name {
                /// A value with every field absent.
                #deprecated
                pub fn new() -> Self { #all_init }
            }
        },
        Constructor::One(i) => {
            let f = &s.fields[*i];
            let (n, t) = (ident(&f.field.rust_name), ty(&f.arg_ty, &none));
            quote! {
                impl #name {
                    /// A value with the required field set and every optional field absent.
                    #deprecated
                    pub fn new(#n: #t) -> Self { #all_init }
                }
            }
        }
        Constructor::Required => {
            let req = s.required.as_ref().map(|r| ident(&r.name));
            let names = s.required.iter().flat_map(|r| &r.fields).map(|&i| ident(&s.fields[i].field.rust_name));
            quote! {
                impl #name {
                    /// A value with the required fields set and every optional field absent.
                    #deprecated
                    pub fn new(required: #req) -> Self {
                        let #req { #(#names),* } = required;
                        #all_init
                    }
                }
            }
        }
    };
    let required_struct = s.required.as_ref().map(|r| {
        let req = ident(&r.name);
        let decl = r.fields.iter().map(|&i| {
            let f = &s.fields[i];
            let (n, t, d) = (ident(&f.field.rust_name), ty(&f.arg_ty, &none), field_doc(f));
            quote!(#d pub #n: #t,)
        });
        let struct_doc = format!(
            " The required fields of [`{}`], by name so that values of the same type cannot be swapped; see [`{}::new`].",
            t.name, t.name
        );
        let derive = derives(&r.derives);
        quote! {
            #[doc = #struct_doc]
            #derive
            pub struct #req { #(#decl)* }
        }
    });
    let validate = s.checks.as_ref().map(|checks| {
        let checks = field_checks(checks);
        quote! {
            impl rt::Validate for #name {
                #deprecated
                fn validate(&self, at: &rt::FieldPath, _: &rt::Rules, out: &mut rt::Violations) {
                    #(#checks)*
                }
            }
        }
    });
    let derive = derives(&p.derives);
    quote! {
        #docs
        #derive
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
            #extra_decl
        }
        #object
        #constructor
        #required_struct
        #validate
    }
}

fn union_def(p: &TypePlan, u: &UnionPlan, docs: &TokenStream) -> TokenStream {
    let name = ident(&p.def.name);
    let derive = derives(&p.derives);
    let decls = u.variants.iter().map(|v| {
        let vn = ident(&v.variant.name);
        let t = ty(&v.ty, &quote!());
        let (d, rename) = match v.tag {
            Some(tag) => {
                let (line, rename) = variant_tag(u, v, tag);
                (doc(paragraphs(&[v.variant.doc.as_deref(), Some(&line)]).as_deref()), Some(rename))
            }
            None => (doc(v.variant.doc.as_deref()), None),
        };
        quote! { #d #rename #vn(#t), }
    });
    let validate = u.checked.as_ref().map(|checked| {
        let vns: Vec<_> = checked.iter().map(|v| ident(v)).collect();
        // Written so that neither rustc nor clippy has a remark in the crate it lands in.
        let every = u.tagging == Tagging::Untagged && checked.len() == u.variants.len();
        let body = match (every, vns.as_slice()) {
            (true, [vn]) => quote! { let Self::#vn(v) = self; out.check(v, at, rules); },
            (true, _) => quote! { match self { #( Self::#vns(v) => out.check(v, at, rules), )* } },
            (false, [vn]) => quote! { if let Self::#vn(v) = self { out.check(v, at, rules); } },
            (false, _) => quote! { match self { #( Self::#vns(v) => out.check(v, at, rules), )* _ => {} } },
        };
        quote! {
            impl rt::Validate for #name {
                fn validate(&self, at: &rt::FieldPath, rules: &rt::Rules, out: &mut rt::Violations) {
                    #body
                }
            }
        }
    });
    let tag = match u.tagging {
        Tagging::Untagged => {
            return quote! {
                #docs
                #derive
                #[serde(untagged)]
                #[non_exhaustive]
                pub enum #name { #(#decls)* }
                #validate
            };
        }
        Tagging::Field(tag) | Tagging::Internal(tag) => tag,
    };
    // The tag picks the variant; an unknown tag is kept, not rejected.
    let unknown_doc = format!(" A variant this version of the spec does not list (an unknown `{tag}`), kept verbatim.");
    // An object without the tag is the variant whose schema defaults it, if one does.
    let by_default = u.variants.iter().find(|v| v.variant.tag_by_default);
    let (read_tag, absent) = match by_default {
        None => (quote! { value.get(#tag).and_then(rt::Json::as_str) }, None),
        Some(v) => (
            quote! { match &value { rt::Json::Object(o) => o.get(#tag).map(rt::Json::as_str), _ => Some(None) } },
            Some(ident(&v.variant.name)),
        ),
    };
    // One match arm per variant (and one for an absent tag), each decoding `value` with `decode`.
    let arms = |decode: TokenStream| -> Vec<TokenStream> {
        let mut arms: Vec<TokenStream> = (u.variants.iter())
            .map(|v| {
                let (vn, tags) = (ident(&v.variant.name), &v.variant.tags);
                let is = match by_default {
                    None => quote! { Some(#(#tags)|*) },
                    Some(_) => quote! { Some(Some(#(#tags)|*)) },
                };
                quote! { #is => #decode.map(Self::#vn), }
            })
            .collect();
        arms.extend(absent.as_ref().map(|vn| quote! { None => #decode.map(Self::#vn), }));
        arms
    };
    let Tagging::Internal(_) = u.tagging else {
        let arms = arms(quote! { ::serde_json::from_value(value) });
        return quote! {
            #docs
            #derive
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#decls)*
                #[doc = #unknown_doc]
                Unknown(rt::Json),
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> Result<Self, __D::Error> {
                    use ::serde::de::Error as _;
                    let value = <rt::Json as ::serde::Deserialize>::deserialize(d)?;
                    let tag = #read_tag;
                    let result = match tag {
                        #(#arms)*
                        _ => return Ok(Self::Unknown(value)),
                    };
                    result.map_err(__D::Error::custom)
                }
            }
            #validate
        };
    };
    // serde's internally tagged enum writes the tag. Decoding is by hand: the derived decoder would
    // turn an object with a known tag that does not decode into `Unknown`, and hide the error.
    let arms = arms(quote! { rt::object::variant(value, #tag) });
    quote! {
        #docs
        #derive
        #[serde(tag = #tag)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            #[doc = #unknown_doc]
            #[serde(untagged)]
            Unknown(rt::Json),
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> Result<Self, __D::Error> {
                let value = <rt::Json as ::serde::Deserialize>::deserialize(d)?;
                let tag = #read_tag;
                match tag {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
        #validate
    }
}

/// The docs line and `#[serde(rename)]` of a variant of an internally tagged enum: the tag it
/// writes, and the others that select it too.
fn variant_tag(u: &UnionPlan, v: &VariantPlan, written: &str) -> (String, TokenStream) {
    let property = u.tagging.property().unwrap_or_default();
    let others: Vec<String> = v.variant.tags.iter().filter(|t| *t != written).map(|t| format!("`{t}`")).collect();
    let also = if others.is_empty() { String::new() } else { format!(" (also read from {})", others.join(", ")) };
    let absent = if v.variant.tag_by_default {
        format!(" An object without `{property}` is this variant.")
    } else {
        String::new()
    };
    (format!("`{property}`: `{written}`{also}.{absent}"), quote!(#[serde(rename = #written)]))
}

/// The success enum (when 2xx bodies differ) and the error enum of one operation.
fn operation_enums(p: &OperationPlan) -> TokenStream {
    let outcome_enum = |e: &OutcomeEnum, d: String| {
        let n = ident(&e.name);
        let derive = derives(&e.derives);
        let vs = e.variants.iter().map(|v| {
            let vn = ident(&v.response.variant);
            // `HTTP 404: Not found.` on one line when the description is one line.
            let d = match v.response.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                Some(text) if !text.contains('\n') => doc(Some(&format!("{}: {text}", v.label))),
                other => doc(paragraphs(&[Some(&format!("{}.", v.label)), other]).as_deref()),
            };
            match &v.ty {
                Some(t) => {
                    let t = ty(t, &quote!());
                    quote! { #d #vn(#t), }
                }
                None => quote! { #d #vn, },
            }
        });
        quote! {
            #[doc = #d]
            #derive
            #[non_exhaustive]
            pub enum #n { #(#vs)* }
        }
    };
    let id = &p.op.id;
    let success = p
        .success_enum
        .as_ref()
        .map(|e| outcome_enum(e, format!(" The documented successful outcomes of `{id}`, one variant per status.")));
    let error = if p.error_enum.variants.is_empty() {
        no_errors(p)
    } else {
        outcome_enum(
            &p.error_enum,
            format!(" The documented error responses of `{id}`, one variant per status, each with its parsed body."),
        )
    };
    quote! { #success #error }
}

/// The error type of an operation that documents no error response: the runtime's `NoErrors`
/// for its builder, its own type (as an empty enum would be) without impls of its own to check.
fn no_errors(p: &OperationPlan) -> TokenStream {
    let n = ident(&p.error_enum.name);
    let builder = ident(&p.op.type_stem);
    let first = format!(" `{}` documents no error response, so this type has no value: every failure", p.op.id);
    quote! {
        #[doc = #first]
        /// status is [`Error::Status`](rt::Error::Status). When the spec documents one, this becomes
        /// an enum with a variant per status; match it with a `_` arm.
        pub type #n = rt::NoErrors<super::client::#builder<'static>>;
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::RuntimeSource;
    use std::path::Path;

    /// The types module of a document whose `Sent` union has variants used nowhere else, and whose
    /// `Kept` union shares a variant with an answer of its own.
    fn types_rs() -> String {
        let yaml = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /x:
    post:
      operationId: x
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Sent'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Kept'}}}}
        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/C'}}}}
components:
  schemas:
    Sent:
      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
      discriminator: {propertyName: kind, mapping: {a: A, b: B, bee: B}}
    Kept:
      oneOf: [{$ref: '#/components/schemas/C'}]
      discriminator: {propertyName: kind}
    A: {type: object, required: [kind], properties: {kind: {type: string}}}
    B: {type: object, required: [kind], properties: {kind: {type: string}}}
    C: {type: object, required: [kind], properties: {kind: {type: string}}}
";
        let path = Path::new("t.yaml");
        let (api, _) = crate::build_model(path, &crate::load::load_str(path, yaml).unwrap()).unwrap();
        let tokens = super::types(&crate::plan::plan(&api), RuntimeSource::Crate);
        crate::format::format_file(tokens, Path::new("types.rs"), "").unwrap()
    }

    /// The text of the item that starts with `start`, up to the next item.
    fn item<'t>(text: &'t str, start: &str) -> &'t str {
        let from = text.find(start).unwrap_or_else(|| panic!("no `{start}` in\n{text}"));
        let rest = &text[from..];
        &rest[..rest.find("\n}\n").map_or(rest.len(), |end| end + 2)]
    }

    #[test]
    fn an_internally_tagged_union_writes_its_tags_and_decodes_every_alias() {
        let text = types_rs();
        let sent = item(&text, "#[serde(tag = \"kind\")]\n#[non_exhaustive]\npub enum Sent {");
        for line in [
            "#[serde(rename = \"a\")]\n    A(A),",
            "/// `kind`: `b` (also read from `bee`).\n    #[serde(rename = \"b\")]\n    B(B),",
            "#[serde(untagged)]\n    Unknown(rt::Json),",
        ] {
            assert!(sent.contains(line), "no `{line}` in\n{sent}");
        }
        let decode = item(&text, "impl<'de> ::serde::Deserialize<'de> for Sent {");
        assert!(
            decode.contains("Some(\"b\" | \"bee\") => rt::object::variant(value, \"kind\").map(Self::B),"),
            "{decode}"
        );
        assert!(
            item(&text, "pub struct A {").contains("pub extra: rt::Extra,")
                && !item(&text, "pub struct A {").contains("kind")
        );
    }

    #[test]
    fn a_union_whose_variant_is_used_on_its_own_keeps_reading_the_tag_from_the_field() {
        let text = types_rs();
        let kept = item(&text, "#[serde(untagged)]\n#[non_exhaustive]\npub enum Kept {");
        assert!(!kept.contains("rename"), "{kept}");
        assert!(item(&text, "pub struct C {").contains("pub kind: String,"));
        let decode = item(&text, "impl<'de> ::serde::Deserialize<'de> for Kept {");
        assert!(decode.contains("Some(\"C\") => ::serde_json::from_value(value).map(Self::C),"), "{decode}");
    }
}
