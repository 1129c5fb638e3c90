//! Named types: structs, string enums with an `Unknown` fallback, unions, aliases — and the
//! per-operation success and error enums.

use super::{doc, ident, lint_allows, paragraphs, ty};
use crate::build::is_success;
use crate::model::{Api, Field, Operation, Rules, Ty, TypeDef, TypeKind};
use crate::naming::Names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn types(api: &Api) -> TokenStream {
    let defs = api.types.values().map(type_def);
    let ops = api.operations.iter().map(operation_enums);
    let allows = lint_allows();
    let dispatch = round_trip(api);
    quote! {
        #allows
        //! Types of the API: the schemas of the spec and each operation's outcomes.
        #(#defs)*
        #(#ops)*
        #dispatch
    }
}

/// A by-name parse/validate/serialize of every schema type, so tests driven by the spec's
/// examples need no Rust per type: the example's schema names the type.
fn round_trip(api: &Api) -> TokenStream {
    let arms = api.types.values().filter(|t| !matches!(t.kind, TypeKind::Alias { .. })).map(|t| {
        let name = &t.name;
        let n = ident(name);
        quote! { #name => ::std::option::Option::Some(crate::runtime::round_trip::<#n>(value)), }
    });
    quote! {
        /// Parses `value` as the type named `type_name`, checks it against the spec's rules and
        /// serializes it back; `None` for a name that is not a type of this module.
        #[doc(hidden)]
        pub fn round_trip(type_name: &str, value: ::serde_json::Value) -> ::std::option::Option<crate::runtime::RoundTrip> {
            match type_name {
                #(#arms)*
                _ => { let _ = value; ::std::option::Option::None }
            }
        }
    }
}

fn type_def(t: &TypeDef) -> TokenStream {
    let name = ident(&t.name);
    let docs = doc(paragraphs(&[t.doc.as_deref(), Some(&format!("Generated from `{}`.", t.origin))]).as_deref());
    let none = TokenStream::new();
    match &t.kind {
        TypeKind::Alias { ty: inner, .. } => {
            let inner = ty(inner, &none);
            quote! { #docs pub type #name = #inner; }
        }
        TypeKind::Struct { fields, extra } => struct_def(&name, &docs, fields, extra.as_ref()),
        TypeKind::Enum { variants } => {
            let idents: Vec<_> = variants.iter().map(|(v, _)| ident(&v.name)).collect();
            let values: Vec<&String> = variants.iter().map(|(_, w)| w).collect();
            let vdocs = values.iter().map(|v| {
                let d = format!(" `{v}`");
                quote!(#[doc = #d])
            });
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #vdocs #idents, )*
                    /// A value this version of the spec does not list, kept verbatim so it round-trips.
                    Unknown(::std::string::String),
                }
                crate::runtime::string_enum!(#name { #( #idents = #values, )* });
            }
        }
        TypeKind::Union { variants, tag } => union_def(&name, &docs, variants, tag.as_deref()),
    }
}

fn struct_def(name: &proc_macro2::Ident, docs: &TokenStream, fields: &[Field], extra: Option<&Ty>) -> TokenStream {
    let none = TokenStream::new();
    let mut names = Names::with_reserved(&fields.iter().map(|f| f.rust_name.as_str()).collect::<Vec<_>>());
    let extra_name = extra.map(|_| ident(&names.claim("extra")));
    let decls = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let wire = &f.json_name;
        let rename = if f.rust_name.trim_start_matches("r#") == wire { quote!() } else { quote!(rename = #wire,) };
        let inner = ty(&f.ty, &none);
        let fdoc = doc(paragraphs(&[f.doc.as_deref(), rules_doc(&f.rules).as_deref()]).as_deref());
        let dep = if f.deprecated { quote!(#[deprecated]) } else { quote!() };
        let (fty, attrs) = match (f.required, f.nullable) {
            (true, false) => (inner, if rename.is_empty() { quote!() } else { quote!(#[serde(#rename)]) }),
            // Required but nullable: always sent, `None` is `null`; a missing field is an error
            // (serde would otherwise read a missing `Option` as `None`).
            (true, true) => (
                quote!(::std::option::Option<#inner>),
                quote!(#[serde(#rename deserialize_with = "crate::runtime::required_nullable")]),
            ),
            (false, false) => (
                quote!(::std::option::Option<#inner>),
                quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]),
            ),
            // Optional and nullable: absent (`None`) and null (`Some(None)`) stay different.
            (false, true) => (
                quote!(::std::option::Option<::std::option::Option<#inner>>),
                quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "crate::runtime::nullable")]),
            ),
        };
        quote! { #fdoc #dep #attrs pub #fname: #fty, }
    });
    let extra_decl = match (extra, &extra_name) {
        (Some(t), Some(n)) => {
            let t = ty(t, &none);
            quote! {
                /// Properties not declared in the spec, kept so that nothing a server sends is lost.
                #[serde(flatten)]
                pub #n: ::std::collections::BTreeMap<::std::string::String, #t>,
            }
        }
        _ => quote!(),
    };
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.rust_name);
        let t = ty(&f.ty, &none);
        if f.nullable {
            quote!(#n: ::std::option::Option<#t>)
        } else {
            quote!(#n: #t)
        }
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.required {
            quote!(#n)
        } else {
            quote!(#n: ::std::option::Option::None)
        }
    });
    let extra_init = extra_name.as_ref().map(|n| quote!(#n: ::std::collections::BTreeMap::new(),));
    let checks = fields.iter().filter(|f| !f.rules.is_empty() || needs_walk(&f.ty)).map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.json_name;
        let rules = rules_tokens(&f.rules);
        quote! { crate::runtime::Validate::validate(&self.#n, &path.field(#wire), &#rules, out); }
    });
    let default = if required.is_empty() { quote!(Default,) } else { quote!() };
    let checks: Vec<TokenStream> = checks.collect();
    // Most structs have nothing of their own to check: one line instead of an empty impl.
    let validate = if checks.is_empty() {
        quote!(crate::runtime::nothing_to_validate!(#name);)
    } else {
        quote! {
            impl crate::runtime::Validate for #name {
                #[allow(deprecated)]
                fn validate(&self, path: &crate::runtime::FieldPath, _rules: &crate::runtime::Rules, out: &mut ::std::vec::Vec<crate::runtime::Violation>) {
                    #(#checks)*
                }
            }
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#decls)*
            #extra_decl
        }
        impl #name {
            /// A value with the required fields set and every optional field absent.
            #[allow(deprecated)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
        }
        #validate
    }
}

fn union_def(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    variants: &[(crate::model::Variant, Ty, Vec<String>)],
    tag: Option<&str>,
) -> TokenStream {
    let none = TokenStream::new();
    let decls = variants.iter().map(|(v, t, _)| {
        let vn = ident(&v.name);
        let t = ty(t, &none);
        let d = doc(v.doc.as_deref());
        quote! { #d #vn(#t), }
    });
    let checks = variants.iter().map(|(v, _, _)| {
        let vn = ident(&v.name);
        quote! { Self::#vn(v) => crate::runtime::Validate::validate(v, path, rules, out), }
    });
    let common = quote! {
        impl crate::runtime::Validate for #name {
            fn validate(&self, path: &crate::runtime::FieldPath, rules: &crate::runtime::Rules, out: &mut ::std::vec::Vec<crate::runtime::Violation>) {
                match self { #(#checks)* #[allow(unreachable_patterns)] _ => {} }
            }
        }
    };
    let Some(tag) = tag else {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name { #(#decls)* }
            #common
        };
    };
    // With a discriminator the tag picks the variant; an unknown tag is kept, not rejected.
    let unknown_doc = format!(" A variant this version of the spec does not list (an unknown `{tag}`), kept verbatim.");
    let arms = variants.iter().map(|(v, _, tags)| {
        let vn = ident(&v.name);
        quote! { #(::std::option::Option::Some(#tags))|* => ::serde_json::from_value(value).map(Self::#vn).map_err(::serde::de::Error::custom), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#decls)*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Value),
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
        #common
    }
}

/// The success enum (when 2xx bodies differ) and the error enum of one operation.
fn operation_enums(op: &Operation) -> TokenStream {
    let none = TokenStream::new();
    let variant = |r: &crate::model::Response| {
        let vn = ident(&r.variant);
        let d = doc(paragraphs(&[Some(&status_label(&r.status)), r.doc.as_deref()]).as_deref());
        match &r.body {
            Some((t, _)) => {
                let t = ty(t, &none);
                quote! { #d #vn(#t), }
            }
            None => quote! { #d #vn, },
        }
    };
    let success: Vec<&crate::model::Response> =
        op.responses.iter().filter(|r| is_success(&r.status, &op.responses)).collect();
    let failure: Vec<&crate::model::Response> =
        op.responses.iter().filter(|r| !is_success(&r.status, &op.responses)).collect();
    let success_enum = op.success_enum.as_ref().map(|n| {
        let n = ident(n);
        let vs = success.iter().map(|r| variant(r));
        let d = format!(" The documented successful outcomes of `{}`.", op.name);
        quote! {
            #[doc = #d]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #n { #(#vs)* }
        }
    });
    let en = ident(&op.error_enum);
    let vs = failure.iter().map(|r| variant(r));
    let labels = failure.iter().map(|r| {
        let vn = ident(&r.variant);
        let label =
            format!("{} ({})", status_label(&r.status), first_sentence(r.doc.as_deref().unwrap_or("documented error")));
        let pat = if r.body.is_some() { quote!(Self::#vn(_)) } else { quote!(Self::#vn) };
        quote! { #pat => #label, }
    });
    let d =
        format!(" The documented error responses of `{}`, one variant per status, each with its parsed body.", op.name);
    let (formatter, fmt_body) = if failure.is_empty() {
        (quote!(_), quote!(match *self {}))
    } else {
        (quote!(f), quote!(f.write_str(match self { #(#labels)* })))
    };
    quote! {
        #success_enum
        #[doc = #d]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #en { #(#vs)* }
        impl ::std::fmt::Display for #en {
            fn fmt(&self, #formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { #fmt_body }
        }
        impl ::std::error::Error for #en {}
    }
}

/// The first sentence of a description, on one line (for short `Display` texts).
fn first_sentence(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line,
    }
}

pub fn status_label(s: &crate::model::StatusMatch) -> String {
    match s {
        crate::model::StatusMatch::Code(c) => format!("HTTP {c}"),
        crate::model::StatusMatch::Range(r) => format!("HTTP {r}XX"),
        crate::model::StatusMatch::Default => "Any other status".into(),
    }
}

fn rules_doc(r: &Rules) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(v) = r.min_length {
        parts.push(format!("at least {v} characters"))
    }
    if let Some(v) = r.max_length {
        parts.push(format!("at most {v} characters"))
    }
    if let Some(v) = r.min_items {
        parts.push(format!("at least {v} items"))
    }
    if let Some(v) = r.max_items {
        parts.push(format!("at most {v} items"))
    }
    if let Some(p) = &r.pattern {
        parts.push(format!("matches `{p}`"))
    }
    if r.email {
        parts.push("an email address".into())
    }
    if let Some(v) = r.minimum {
        parts.push(format!("{} {v}", if r.exclusive_minimum { ">" } else { "≥" }))
    }
    if let Some(v) = r.maximum {
        parts.push(format!("{} {v}", if r.exclusive_maximum { "<" } else { "≤" }))
    }
    (!parts.is_empty()).then(|| format!("Checked before sending: {}.", parts.join(", ")))
}

/// A `crate::runtime::Rules` literal naming only the rules that are set.
pub fn rules_tokens(r: &Rules) -> TokenStream {
    let mut set = Vec::new();
    let mut usize_rule = |name: &str, v: Option<usize>| {
        if let Some(v) = v {
            let n = ident(name);
            set.push(quote!(#n: ::std::option::Option::Some(#v)));
        }
    };
    usize_rule("min_length", r.min_length);
    usize_rule("max_length", r.max_length);
    usize_rule("min_items", r.min_items);
    usize_rule("max_items", r.max_items);
    if let Some(p) = &r.pattern {
        set.push(quote!(pattern: ::std::option::Option::Some(#p)));
    }
    if r.email {
        set.push(quote!(email: true));
    }
    if let Some(v) = r.minimum {
        set.push(quote!(minimum: ::std::option::Option::Some(#v)));
    }
    if let Some(v) = r.maximum {
        set.push(quote!(maximum: ::std::option::Option::Some(#v)));
    }
    if r.exclusive_minimum {
        set.push(quote!(exclusive_minimum: true));
    }
    if r.exclusive_maximum {
        set.push(quote!(exclusive_maximum: true));
    }
    if let Some(inner) = &r.items {
        let inner = rules_tokens(inner);
        set.push(quote!(items: ::std::option::Option::Some(&#inner)));
    }
    if set.is_empty() {
        return quote!(crate::runtime::Rules::NONE);
    }
    quote!(crate::runtime::Rules { #(#set,)* ..crate::runtime::Rules::NONE })
}

/// Whether a value of this type can hold anything to check (enums, nested rules).
pub fn needs_walk(t: &Ty) -> bool {
    match t {
        Ty::Named(_) => true,
        Ty::Vec(i) | Ty::Map(i) | Ty::Boxed(i) | Ty::Nullable(i) => needs_walk(i),
        _ => false,
    }
}
