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
