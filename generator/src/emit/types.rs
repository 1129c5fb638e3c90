//! Named types: structs, string enums with an `Unknown` fallback, unions, aliases, and the
//! per-operation success and error enums. Every struct and enum is `#[non_exhaustive]`, so that a
//! new optional field, enum value or documented status is not a breaking change.

use super::checks::{Checks, How};
use super::rules::RuleConsts;
use super::{doc, ident, paragraphs, ty, use_runtime, Allows, RuntimeSource};
use crate::model::{Api, Field, Operation, Response, StatusMatch, Ty, TypeDef, TypeKind, UnionVariant};
use crate::naming::Names;
use proc_macro2::TokenStream;
use quote::quote;

/// The types module of one API. The rule constants that the client module also uses are
/// collected in `rules`, which the caller emits here too (so the client is emitted first).
pub fn types(api: &Api, source: RuntimeSource, rules: &mut RuleConsts) -> TokenStream {
    let mut e = TypesEmitter { checks: Checks::new(api), rules };
    let defs: Vec<TokenStream> = api.types.values().map(|t| e.type_def(t)).collect();
    let ops = api.operations.iter().map(operation_enums);
    let consts = e.rules.definitions();
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

struct TypesEmitter<'r> {
    checks: Checks<'r>,
    rules: &'r mut RuleConsts,
}

impl TypesEmitter<'_> {
    fn type_def(&mut self, t: &TypeDef) -> TokenStream {
        let name = ident(&t.name);
        // Where an undocumented inline schema came from is not obvious from its name; a
        // component's is.
        let inline = !t.origin.starts_with("#/components/schemas/") || t.origin.matches('/').count() > 3;
        let origin = (inline && t.doc.is_none()).then(|| format!("Generated from `{}`.", t.origin));
        // An enum lists its wire values once, in its own docs.
        let values = match &t.kind {
            TypeKind::Enum { values, .. } => Some(format!(
                "Values: {}.",
                values.iter().map(|v| format!("`{}`", v.wire)).collect::<Vec<_>>().join(", ")
            )),
            _ => None,
        };
        let docs = doc(paragraphs(&[t.doc.as_deref(), origin.as_deref(), values.as_deref()]).as_deref());
        let none = TokenStream::new();
        match &t.kind {
            TypeKind::Alias { ty: inner } => {
                let inner = ty(inner, &none);
                quote! { #docs pub type #name = #inner; }
            }
            TypeKind::Struct { fields, extra, required_struct } => {
                self.struct_def(t, &name, &docs, fields, extra.as_ref(), required_struct.as_deref())
            }
            TypeKind::Enum { values, open } => {
                let idents: Vec<_> = values.iter().map(|v| ident(&v.name)).collect();
                let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
                let unknown = if *open {
                    " Any other value: the spec allows values beyond the listed ones."
                } else {
                    " A value this version of the spec does not list, kept verbatim so it round-trips (refused when sending)."
                };
                let checked = if t.checked { quote!(checked) } else { quote!() };
                quote! {
                    #docs
                    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                    #[non_exhaustive]
                    pub enum #name {
                        #( #idents, )*
                        #[doc = #unknown]
                        Unknown(String),
                    }
                    rt::string_enum!(#name #checked { #( #idents = #wires, )* });
                }
            }
            TypeKind::Union { variants, tag } => self.union_def(t, &name, &docs, variants, tag.as_deref()),
        }
    }

    fn struct_def(
        &mut self,
        t: &TypeDef,
        name: &proc_macro2::Ident,
        docs: &TokenStream,
        fields: &[Field],
        extra: Option<&Ty>,
        required_struct: Option<&str>,
    ) -> TokenStream {
        let none = TokenStream::new();
        let mut names = Names::with_reserved(&fields.iter().map(|f| f.rust_name.as_str()).collect::<Vec<_>>());
        let extra_name = extra.map(|_| ident(&names.claim("extra")));
        let decls = fields.iter().map(|f| {
            let fname = ident(&f.rust_name);
            let inner = ty(&f.ty, &none);
            let pinned = f.constant.as_ref().map(|c| format!("Always `{c}`."));
            let fdoc = doc(paragraphs(&[f.doc.as_deref(), pinned.as_deref()]).as_deref());
            let dep = if f.deprecated { quote!(#[deprecated]) } else { quote!() };
            let fty = match (f.required, f.nullable) {
                (true, false) => inner,
                // Required but nullable: always sent, `None` is `null`; decoding fails without it.
                (true, true) | (false, false) => quote!(Option<#inner>),
                // Optional and nullable: absent, null and a value stay different.
                (false, true) => quote!(rt::Nullable<#inner>),
            };
            quote! { #fdoc #dep pub #fname: #fty, }
        });
        // The wire table `rt::object!` reads: each field's JSON name and whether it must be present.
        let wire = fields.iter().map(|f| {
            let (fname, json) = (ident(&f.rust_name), &f.json_name);
            let kind = if f.required { quote!(req) } else { quote!(opt) };
            quote!(#fname: #json #kind)
        });
        let object = quote!(rt::object!(#name { #(#wire),* } ..#extra_name););
        let extra_decl = match (extra, &extra_name) {
            (Some(t), Some(n)) => {
                let t = if *t == Ty::Json {
                    quote!(rt::Extra)
                } else {
                    let t = ty(t, &none);
                    quote!(rt::Extra<#t>)
                };
                quote! {
                    /// Properties not declared in the spec, kept so that nothing a server sends is lost.
                    pub #n: #t,
                }
            }
            _ => quote!(),
        };
        // What a caller must give: required fields, but those the spec pins to one value.
        let required: Vec<&Field> = fields.iter().filter(|f| f.required && f.constant.is_none()).collect();
        let field_ty = |f: &Field| {
            let t = ty(&f.ty, &none);
            if f.nullable {
                quote!(Option<#t>)
            } else {
                t
            }
        };
        let inits = fields.iter().map(|f| {
            let n = ident(&f.rust_name);
            match (f.required, f.nullable) {
                (true, _) if f.constant.is_some() => {
                    let c = f.constant.as_deref().unwrap_or_default();
                    quote!(#n: String::from(#c))
                }
                (true, _) => quote!(#n),
                (false, false) => quote!(#n: None),
                (false, true) => quote!(#n: rt::Nullable::Absent),
            }
        });
        let extra_init = extra_name.as_ref().map(|n| quote!(#n: rt::Extra::new(),));
        let all_init = quote!(Self { #(#inits,)* #extra_init });
        let required_names: Vec<_> = required.iter().map(|f| ident(&f.rust_name)).collect();
        let deprecated = if fields.iter().any(|f| f.deprecated) { quote!(#[allow(deprecated)]) } else { quote!() };
        // Construction helpers only for what a request carries (received types come from JSON);
        // two or more required values get names at the call site: a struct of them.
        let (constructor, required_struct) = match (t.sent, required.len(), required_struct) {
            (false, ..) | (true, 2.., None) => (quote!(), quote!()),
            (true, 0, _) => (
                quote! {
                    impl #name {
                        /// A value with every field absent.
                        #deprecated
                        pub fn new() -> Self { #all_init }
                    }
                },
                quote!(),
            ),
            (true, 1, _) => {
                let (n, t) = (&required_names[0], field_ty(required[0]));
                (
                    quote! {
                        impl #name {
                            /// A value with the required field set and every optional field absent.
                            #deprecated
                            pub fn new(#n: #t) -> Self { #all_init }
                        }
                    },
                    quote!(),
                )
            }
            (true, _, Some(req_name)) => {
                let req = ident(req_name);
                let decl = required.iter().map(|f| {
                    let n = ident(&f.rust_name);
                    let t = field_ty(f);
                    quote!(pub #n: #t,)
                });
                let struct_doc = format!(
                    " The required fields of [`{}`], by name so that values of the same type cannot be swapped; see [`{}::new`].",
                    t.name, t.name
                );
                (
                    quote! {
                        impl #name {
                            /// A value with the required fields set and every optional field absent.
                            #deprecated
                            pub fn new(required: #req) -> Self {
                                let #req { #(#required_names),* } = required;
                                #all_init
                            }
                        }
                    },
                    quote! {
                        #[doc = #struct_doc]
                        #[derive(Debug, Clone)]
                        pub struct #req { #(#decl)* }
                    },
                )
            }
        };
        let default = if required.is_empty() && t.sent { quote!(Default,) } else { quote!() };
        let validate = t.checked.then(|| {
            let checked: Vec<(&Field, How)> =
                fields.iter().filter_map(|f| self.checks.how(&f.ty, &f.rules).map(|h| (f, h))).collect();
            let checks: Vec<TokenStream> = checked
                .into_iter()
                .map(|(f, how)| {
                    let n = ident(&f.rust_name);
                    let wire = &f.json_name;
                    let rules = self.rules.use_rules(&f.rules, &quote!());
                    match how {
                        How::Check => quote! { out.check(&self.#n, &at.field(#wire), &#rules); },
                        How::Count => quote! { out.count(&self.#n, &at.field(#wire), &#rules); },
                    }
                })
                .collect();
            quote! {
                impl rt::Validate for #name {
                    #deprecated
                    fn validate(&self, at: &rt::FieldPath, _: &rt::Rules, out: &mut rt::Violations) {
                        #(#checks)*
                    }
                }
            }
        });
        quote! {
            #docs
            #[derive(Debug, Clone, #default)]
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

    fn union_def(
        &mut self,
        t: &TypeDef,
        name: &proc_macro2::Ident,
        docs: &TokenStream,
        variants: &[UnionVariant],
        tag: Option<&str>,
    ) -> TokenStream {
        let none = TokenStream::new();
        let decls = variants.iter().map(|v| {
            let vn = ident(&v.name);
            let t = ty(&v.ty, &none);
            let d = doc(v.doc.as_deref());
            quote! { #d #vn(#t), }
        });
        let validate = t.checked.then(|| {
            let arms = variants.iter().filter(|v| self.checks.walks(&v.ty)).map(|v| {
                let vn = ident(&v.name);
                quote! { Self::#vn(v) => out.check(v, at, rules), }
            });
            quote! {
                impl rt::Validate for #name {
                    fn validate(&self, at: &rt::FieldPath, rules: &rt::Rules, out: &mut rt::Violations) {
                        #[allow(unreachable_patterns)]
                        match self { #(#arms)* _ => {} }
                    }
                }
            }
        });
        let Some(tag) = tag else {
            return quote! {
                #docs
                #[derive(Debug, Clone, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                pub enum #name { #(#decls)* }
                #validate
            };
        };
        // With a discriminator the tag picks the variant; an unknown tag is kept, not rejected.
        let unknown_doc =
            format!(" A variant this version of the spec does not list (an unknown `{tag}`), kept verbatim.");
        let arms = variants.iter().map(|v| {
            let vn = ident(&v.name);
            let tags = &v.tags;
            quote! { #(Some(#tags))|* => ::serde_json::from_value(value).map(Self::#vn), }
        });
        quote! {
            #docs
            #[derive(Debug, Clone, ::serde::Serialize)]
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
                    let tag = value.get(#tag).and_then(rt::Json::as_str).map(str::to_owned);
                    let result = match tag.as_deref() {
                        #(#arms)*
                        _ => return Ok(Self::Unknown(value)),
                    };
                    result.map_err(__D::Error::custom)
                }
            }
            #validate
        }
    }
}

/// The success enum (when 2xx bodies differ) and the error enum of one operation.
fn operation_enums(op: &Operation) -> TokenStream {
    let none = TokenStream::new();
    let variant = |r: &Response| {
        let vn = ident(&r.variant);
        // `HTTP 404: Not found.` on one line when the description is one line.
        let d = match r.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(text) if !text.contains('\n') => doc(Some(&format!("{}: {text}", status_label(&r.status)))),
            other => doc(paragraphs(&[Some(&format!("{}.", status_label(&r.status))), other]).as_deref()),
        };
        match &r.body {
            Some(b) => {
                let t = ty(&b.ty, &none);
                quote! { #d #vn(#t), }
            }
            None => quote! { #d #vn, },
        }
    };
    let success_enum = op.success_enum.as_ref().map(|n| {
        let n = ident(n);
        let vs = op.successes().map(variant);
        let d = format!(" The documented successful outcomes of `{}`, one variant per status.", op.id);
        quote! {
            #[doc = #d]
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub enum #n { #(#vs)* }
        }
    });
    let en = ident(&op.error_enum);
    let vs = op.failures().map(variant);
    let d =
        format!(" The documented error responses of `{}`, one variant per status, each with its parsed body.", op.id);
    quote! {
        #success_enum
        #[doc = #d]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #en { #(#vs)* }
    }
}

pub fn status_label(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("HTTP {c}"),
        StatusMatch::Range(r) => format!("HTTP {r}XX"),
        StatusMatch::Default => "Any other status".into(),
    }
}
