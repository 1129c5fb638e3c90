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
/// attributes and docs first, then each item on its own, and in an `impl` block each of its items;
/// macro tables one entry per line.
fn spaced(mut file: syn::File) -> String {
    let items = std::mem::take(&mut file.items);
    let mut parts = vec![prettyplease::unparse(&file)];
    (file.attrs, file.shebang) = (Vec::new(), None);
    let mut after_use = false;
    for item in items {
        // Consecutive `use` items stay one group, as hand-written imports are.
        let is_use = matches!(item, syn::Item::Use(_));
        let printed = match item {
            syn::Item::Impl(block) if block.items.len() > 1 => spaced_impl(&mut file, block),
            syn::Item::Macro(m) => table(&m).unwrap_or_else(|| {
                file.items = vec![syn::Item::Macro(m)];
                prettyplease::unparse(&file)
            }),
            item => {
                file.items = vec![item];
                prettyplease::unparse(&file)
            }
        };
        match parts.last_mut() {
            Some(previous) if is_use && after_use => previous.push_str(&printed),
            _ => parts.push(printed),
        }
        after_use = is_use;
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

/// The comment every generated file starts with, for whoever reads it in their crate: what wrote
/// it (and which version), from what, and that a change belongs in the spec.
pub fn header(spec: &str) -> String {
    format!(
        "{} {} from `{spec}`. Do not edit by hand:\n\
         // change the spec and regenerate with `oas-client-gen generate` (see `oas-client-gen --help`).\n\n",
        crate::write::MARKER,
        env!("CARGO_PKG_VERSION"),
    )
}

/// A macro call whose arguments hold one `{ … }` table (the runtime's `object!`, `string_enum!`,
/// `operation!`), one entry per line; prettyplease prints macro arguments as a run of tokens.
/// `None` for any other macro.
fn table(m: &syn::ItemMacro) -> Option<String> {
    use proc_macro2::{Delimiter, TokenTree};
    if !m.attrs.is_empty() || m.ident.is_some() || !matches!(m.mac.delimiter, syn::MacroDelimiter::Paren(_)) {
        return None;
    }
    let tokens: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
    let mut tables = tokens.iter().enumerate().filter_map(|(i, t)| match t {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some((i, g)),
        _ => None,
    });
    let (at, group) = tables.next()?;
    if tables.next().is_some() {
        return None;
    }
    let mut entries: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for t in group.stream() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => entries.push(Vec::new()),
            _ => entries.last_mut().map_or((), |e| e.push(t)),
        }
    }
    let trailing = entries.last().is_some_and(Vec::is_empty);
    entries.retain(|e| !e.is_empty());
    let path = m.mac.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
    let (head, after) = (text(&tokens[..at]), text(&tokens[at + 1..]));
    let after = if after.is_empty() { after } else { format!(" {after}") };
    // A head that does not fit on the macro's line gets a line of its own.
    let (open, indent, close) = if path.len() + head.len() + 5 > 100 {
        (format!("{path}!(\n    {head} {{\n"), "        ", format!("    }}{after}\n);\n"))
    } else {
        (format!("{path}!({head} {{\n"), "    ", format!("}}{after});\n"))
    };
    let count = entries.len();
    let rows: String = entries
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{indent}{}{}\n", text(e), if i + 1 < count || trailing { "," } else { "" }))
        .collect();
    Some(format!("{open}{rows}{close}"))
}

/// Tokens as Rust is written: words apart, no space inside `::` or after `..`, none before `,`
/// or `:`, spaces around other operators (`=>`).
fn text(tokens: &[proc_macro2::TokenTree]) -> String {
    use proc_macro2::{Spacing, TokenTree};
    let mut out = String::new();
    let (mut space_next, mut prev_literal) = (false, false);
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        if let TokenTree::Punct(_) = t {
            // An operator: the puncts joined to the next one.
            let mut op = String::new();
            while let Some(TokenTree::Punct(p)) = tokens.get(i) {
                op.push(p.as_char());
                i += 1;
                if p.spacing() == Spacing::Alone {
                    break;
                }
            }
            let (before, after) = match op.as_str() {
                "," | ";" | ":" => (false, true),
                "::" => (false, false),
                // `200..=299`, `} ..extra`.
                ".." | "..=" => (!prev_literal, false),
                _ => (true, true),
            };
            if before && space_next {
                out.push(' ');
            }
            out.push_str(&op);
            (space_next, prev_literal) = (after, false);
        } else {
            if space_next {
                out.push(' ');
            }
            out.push_str(&t.to_string());
            (space_next, prev_literal) = (true, matches!(t, TokenTree::Literal(_)));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_tables_have_one_entry_per_line() {
        let tokens = quote::quote! {
            rt::object!(Animal { name: "name" req, age: "age" opt } ..extra);
            rt::operation!(Get, Get "/x" "get" => types::Pet, types::GetError { 404 => err json NotFound, 200..=299 => ok json, _ => unexpected });
            rt::string_enum!(Status checked { Active = "active", });
        };
        let text = format_file(tokens, Path::new("x.rs"), "").unwrap();
        let want = [
            "rt::object!(Animal {\n    name: \"name\" req,\n    age: \"age\" opt\n} ..extra);\n",
            "rt::operation!(Get, Get \"/x\" \"get\" => types::Pet, types::GetError {\n    404 => err json NotFound,\n    200..=299 => ok json,\n    _ => unexpected\n});\n",
            "rt::string_enum!(Status checked {\n    Active = \"active\",\n});\n",
        ]
        .join("\n");
        assert_eq!(text, want);
    }

    #[test]
    fn consecutive_imports_stay_together() {
        let tokens = quote::quote! {
            use a::b;
            use c::d;
            pub struct A;
            use e::f;
        };
        let file = syn::parse2(tokens).expect("parses");
        assert_eq!(spaced(file), "use a::b;\nuse c::d;\n\npub struct A;\n\nuse e::f;\n");
    }

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
