//! A by-name round-trip of every type of one API: what example-driven tests and `verify` call.
//! It is emitted apart from the types (into a test crate or a verification binary), so that it
//! never ships in a generated crate's public API.

use super::ident;
use crate::model::{Api, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// `fn #name(type_name, value) -> Option<RoundTrip>` over the types at `types_path`
/// (e.g. `my_crate::petstore::types`); `rt` is the runtime's path there. With `only`, just over
/// those types (each arm is a serde instantiation to compile).
pub fn dispatch(
    api: &Api,
    name: &str,
    types_path: &TokenStream,
    rt: &TokenStream,
    only: Option<&BTreeSet<String>>,
) -> TokenStream {
    let f = ident(name);
    let wanted = |t: &&TypeDef| only.is_none_or(|names| names.contains(&t.name));
    let arms = api.types.values().filter(|t| !matches!(t.kind, TypeKind::Alias { .. })).filter(wanted).map(|t| {
        let (wire, n) = (&t.name, ident(&t.name));
        let check =
            if t.checked { quote!(Some(#rt::verify::validate_example::<#types_path::#n>)) } else { quote!(None) };
        quote! { #wire => Some(#rt::verify::round_trip::<#types_path::#n>(value, #check)), }
    });
    quote! {
        /// Parses `value` as the type named `type_name`, serializes it back and reports the rules
        /// it breaks (for types a request can carry); `None` for a name that is not a type here.
        pub fn #f(type_name: &str, value: #rt::Json) -> Option<#rt::verify::RoundTrip> {
            match type_name {
                #(#arms)*
                _ => { let _ = value; None }
            }
        }
    }
}
