//! Model → token streams. Generated code names everything by its full path
//! (`::std::string::String`) so it cannot clash with a spec's type names.

mod client;
mod krate;
mod types;

pub use client::client;
pub use krate::{cargo_toml, lib_rs, module, RUNTIME_DEPENDENCIES};
pub use types::types;

use crate::model::Ty;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from an already-decided name (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type for a type expression; `types` is the path prefix for named types.
pub fn ty(t: &Ty, types: &TokenStream) -> TokenStream {
    match t {
        Ty::String => quote!(::std::string::String),
        Ty::Bool => quote!(bool),
        Ty::Int { bits, signed } => {
            let n = ident(&format!("{}{bits}", if *signed { "i" } else { "u" }));
            quote!(#n)
        }
        Ty::Float { bits } => {
            let n = ident(&format!("f{bits}"));
            quote!(#n)
        }
        Ty::Json => quote!(::serde_json::Value),
        Ty::Bytes => quote!(::std::vec::Vec<u8>),
        Ty::Named(n) => {
            let n = ident(n);
            quote!(#types #n)
        }
        Ty::Vec(inner) => {
            let inner = ty(inner, types);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner, types);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Boxed(inner) => {
            let inner = ty(inner, types);
            quote!(::std::boxed::Box<#inner>)
        }
        Ty::Nullable(inner) => {
            let inner = ty(inner, types);
            quote!(::std::option::Option<#inner>)
        }
    }
}

/// `#[doc = "…"]` lines from spec prose, made safe for rustdoc: fenced blocks become `text`
/// (a description is not a doctest) and leading indentation goes (it would start a code block).
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return TokenStream::new() };
    let mut lines = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            lines.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
        } else if in_fence {
            lines.push(line.to_string());
        } else {
            lines.push(trimmed.to_string());
        }
    }
    if in_fence {
        lines.push("```".into());
    }
    let attrs = lines.iter().map(|l| {
        let l = format!(" {l}");
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Joins optional doc paragraphs with a blank line.
pub fn paragraphs(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Lints that generated code can trip because names, shapes and prose come from the spec:
/// an operation may have many parameters, error variants may differ in size, docs are Markdown.
pub fn lint_allows() -> TokenStream {
    quote! {
        #![allow(
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::result_large_err,
            clippy::enum_variant_names,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags,
            rustdoc::invalid_rust_codeblocks,
            non_camel_case_types,
            deprecated
        )]
    }
}
