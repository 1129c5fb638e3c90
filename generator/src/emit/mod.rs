//! Model → token streams. Generated code names std items by their prelude names (the builder
//! keeps those names free for it) and everything else by path, through `rt` for the runtime.

mod client;
mod dispatch;
mod doc;
mod krate;
mod mock;
mod rules;
mod types;

pub use client::client;
pub use dispatch::dispatch;
pub use doc::{doc, one_line, paragraphs};
pub use krate::{cargo_toml, dependencies, keep_edition, lib_rs, module, single_file, RuntimeSource};
pub use mock::mock;
pub use types::types;

use crate::plan::RustTy;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from an already-decided name (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A planned type as tokens; `types` is the path prefix for the generated named types.
pub fn ty(t: &RustTy, types: &TokenStream) -> TokenStream {
    match t {
        RustTy::Named(n) => {
            let n = ident(n);
            quote!(#types #n)
        }
        RustTy::Path(p, args) => {
            let p = path(p);
            let args = args.iter().map(|a| ty(a, types));
            if args.len() == 0 {
                p
            } else {
                quote!(#p<#(#args),*>)
            }
        }
        RustTy::Ref(inner) => {
            let inner = ty(inner, types);
            quote!(&'a #inner)
        }
        RustTy::Slice(inner) => {
            let inner = ty(inner, types);
            quote!([#inner])
        }
        RustTy::Unit => quote!(()),
    }
}

/// A path such as `rt::Json` or `::serde::Serialize` as tokens.
pub fn path(p: &str) -> TokenStream {
    let segments = p.split("::").map(|s| {
        if s.is_empty() {
            quote!()
        } else {
            let i = ident(s);
            quote!(#i)
        }
    });
    quote!(#(#segments)::*)
}

/// `#[derive(…)]` of planned derives.
pub fn derives(names: &[&str]) -> TokenStream {
    let names = names.iter().map(|n| path(n));
    quote!(#[derive(#(#names),*)])
}

/// `use … as rt;`: where generated code finds the runtime, if `body` refers to it at all
/// (through a path, or a serde attribute's string).
pub fn use_runtime(source: RuntimeSource, body: &TokenStream) -> TokenStream {
    if !mentions(body.clone(), "rt") {
        return quote!();
    }
    match source {
        RuntimeSource::Crate => quote!(
            use ::oas_client_runtime as rt;
        ),
        RuntimeSource::Inline => quote!(
            use crate::runtime as rt;
        ),
    }
}

/// Whether `tokens` use the module `name`: as an identifier, or in a string (a serde attribute).
pub fn mentions(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Literal(l) => l.to_string().contains(&format!("{name}::")),
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), name),
        proc_macro2::TokenTree::Punct(_) => false,
    })
}

/// The lints generated code can trip because shapes come from the spec, allowed only when the
/// output has such a shape.
pub struct Allows {
    /// An enum whose variants carry bodies of different sizes.
    pub large_enum_variant: bool,
    /// An enum whose variants all share a word (`…Response`), as specs often name them.
    pub enum_variant_names: bool,
    /// More than seven arguments to one method.
    pub too_many_arguments: bool,
    /// The spec deprecates something the file mentions.
    pub deprecated: bool,
    /// A public function returns `Result<_, rt::Error<_>>`, which keeps headers and body.
    pub result_large_err: bool,
}

impl Allows {
    pub fn tokens(&self) -> TokenStream {
        let mut lints = Vec::new();
        if self.large_enum_variant {
            lints.push(quote!(clippy::large_enum_variant));
        }
        if self.enum_variant_names {
            lints.push(quote!(clippy::enum_variant_names));
        }
        if self.too_many_arguments {
            lints.push(quote!(clippy::too_many_arguments));
        }
        if self.deprecated {
            lints.push(quote!(deprecated));
        }
        if self.result_large_err {
            lints.push(quote!(clippy::result_large_err));
        }
        if lints.is_empty() {
            return quote!();
        }
        quote!(#![allow(#(#lints),*)])
    }
}
