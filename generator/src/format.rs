//! Token streams → formatted source with the generated-file header.

use crate::error::Error;
use proc_macro2::TokenStream;
use std::path::Path;

/// Parses `tokens` as a file and pretty-prints it. A parse failure is a generator bug, reported
/// with the output file's name rather than a panic.
pub fn format_file(tokens: TokenStream, out_name: &Path, header: &str) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::new(out_name, "", format!("internal error: generated code does not parse: {e}")))?;
    Ok(format!("{header}{}", spaced(file)))
}

/// Pretty-printed with a blank line between items (prettyplease leaves none): the file's inner
/// attributes and docs first, then each item on its own, and in an `impl` block each of its items.
fn spaced(mut file: syn::File) -> String {
    let items = std::mem::take(&mut file.items);
    let mut parts = vec![prettyplease::unparse(&file)];
    (file.attrs, file.shebang) = (Vec::new(), None);
    for item in items {
        parts.push(match item {
            syn::Item::Impl(block) if block.items.len() > 1 => spaced_impl(&mut file, block),
            item => {
                file.items = vec![item];
                prettyplease::unparse(&file)
            }
        });
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n")
}

/// An `impl` block with a blank line between its items: prettyplease prints the block once
/// without items (its header, then `{}`) and once per item, and the item's lines are what lies
/// between that header and the closing brace.
fn spaced_impl(file: &mut syn::File, block: syn::ItemImpl) -> String {
    file.items = vec![syn::Item::Impl(block)];
    let items = impl_items(file).map(std::mem::take).unwrap_or_default();
    let empty = prettyplease::unparse(file);
    let header = empty.strip_suffix("{}\n").unwrap_or_default().to_string();
    let (mut bodies, mut kept) = (Vec::new(), Vec::new());
    for item in items {
        if let Some(slot) = impl_items(file) {
            *slot = vec![item];
        }
        let text = prettyplease::unparse(file);
        bodies
            .push(text.strip_prefix(&format!("{header}{{\n")).and_then(|t| t.strip_suffix("}\n")).map(str::to_string));
        kept.extend(impl_items(file).map(std::mem::take).unwrap_or_default());
    }
    match bodies.into_iter().collect::<Option<Vec<_>>>() {
        Some(bodies) if !header.is_empty() => format!("{header}{{\n{}}}\n", bodies.join("\n")),
        // Not the shape expected: the block as prettyplease prints it.
        _ => {
            if let Some(slot) = impl_items(file) {
                *slot = kept;
            }
            prettyplease::unparse(file)
        }
    }
}

fn impl_items(file: &mut syn::File) -> Option<&mut Vec<syn::ImplItem>> {
    match file.items.first_mut() {
        Some(syn::Item::Impl(b)) => Some(&mut b.items),
        _ => None,
    }
}


/// The comment every generated file starts with: what wrote it (and which version), from what.
pub fn header(spec: &str) -> String {
    format!(
        "{} {} from `{spec}`. Do not edit by hand:\n\
         // regenerate with `oas-client-gen` (in this repository: `cargo run -p oas-client-gen`).\n\n",
        crate::write::MARKER,
        env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_spaced_out_after_the_inner_attributes() {
        let tokens = quote::quote! {
            #![allow(dead_code)]
            //! Docs.
            pub struct A;
            impl A { fn f() {} fn g() {} }
            pub type B = A;
        };
        let text = format_file(tokens, Path::new("x.rs"), "// head\n").unwrap();
        let want = "// head\n#![allow(dead_code)]\n//! Docs.\n\npub struct A;\n\nimpl A {\n    fn f() {}\n\n    fn g() {}\n}\n\npub type B = A;\n";
        assert_eq!(text, want);
    }
}
