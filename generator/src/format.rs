//! Token streams → formatted source with the generated-file header.

use crate::error::Error;
use proc_macro2::TokenStream;
use std::path::Path;

/// Parses `tokens` as a file and pretty-prints it. A parse failure is a generator bug, reported
/// with the output file's name rather than a panic.
pub fn format_file(tokens: TokenStream, out_name: &Path, header: &str) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::new(out_name, "", format!("internal error: generated code does not parse: {e}")))?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
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
