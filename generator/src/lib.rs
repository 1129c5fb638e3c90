//! An OpenAPI 3.0/3.1 → Rust client generator.
//!
//! One pipeline: [`load`] (parse and normalize) → [`build`] (intermediate [`model`]) →
//! [`emit`] (token streams) → [`format`](mod@format) (syn + prettyplease) → [`write`](mod@write) (files, freshness check).

pub mod build;
pub mod diff;
pub mod emit;
pub mod error;
pub mod format;
pub mod load;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod template;
pub mod write;

pub use error::{Error, Warning};

use std::path::{Path, PathBuf};
use write::Files;

/// The runtime every generated crate shares: HTTP, auth, retries, validation, errors.
pub const RUNTIME_TEMPLATE: &str = include_str!("../runtime/runtime.rs");

/// One generated module: its name and files (relative to the crate's `src/`), plus warnings.
pub struct Module {
    pub name: String,
    pub files: Files,
    pub warnings: Vec<Warning>,
    pub operations: usize,
    pub types: usize,
}

/// Generates the module for one document. `label` is how the header names the spec (a stable,
/// relative path, so output does not depend on where it runs).
pub fn generate_module(spec: &Path, label: &str) -> Result<Module, Error> {
    let loaded = load::load_file(spec)?;
    module_from(spec, label, &loaded)
}

/// Like [`generate_module`] for an already-loaded document.
pub fn module_from(spec: &Path, label: &str, loaded: &load::Loaded) -> Result<Module, Error> {
    let (api, mut warnings) = build::build(spec, &loaded.doc)?;
    warnings.extend(loaded.notes.iter().map(|n| Warning {
        location: if n.pointer.starts_with('#') { n.pointer.clone() } else { format!("#{}", n.pointer) },
        message: n.message.clone(),
    }));
    let name = module_name(spec);
    let header = format::header(label);
    let dir = PathBuf::from(&name);
    let mut files = Files::new();
    for (file, tokens) in
        [("mod.rs", emit::module(&api)), ("types.rs", emit::types(&api)), ("client.rs", emit::client(&api))]
    {
        let rel = dir.join(file);
        let text = format::format_file(tokens, &rel, &header)?;
        files.insert(rel, text);
    }
    Ok(Module { name, files, warnings, operations: api.operations.len(), types: api.types.len() })
}

/// The module name for a spec file: its stem in snake_case (`spec/wa-cr.yaml` → `wa_cr`).
pub fn module_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    naming::value_name(stem).trim_start_matches("r#").to_string()
}

/// The runtime module's file, with the generated-file header.
pub fn runtime_file() -> (PathBuf, String) {
    (PathBuf::from("runtime.rs"), format!("{}{RUNTIME_TEMPLATE}", format::header("generator/runtime/runtime.rs")))
}

/// A whole standalone crate (Cargo.toml, src/lib.rs, runtime, modules) from several modules.
pub fn standalone_crate(crate_name: &str, modules: &[Module]) -> Result<Files, Error> {
    let mut files = Files::new();
    files.insert(PathBuf::from("Cargo.toml"), emit::cargo_toml(crate_name));
    let names: Vec<String> = modules.iter().map(|m| m.name.clone()).collect();
    let lib = format::format_file(emit::lib_rs(&names), Path::new("src/lib.rs"), &format::header("(several specs)"))?;
    files.insert(PathBuf::from("src/lib.rs"), lib);
    let (rt, text) = runtime_file();
    files.insert(Path::new("src").join(rt), text);
    for m in modules {
        for (rel, text) in &m.files {
            files.insert(Path::new("src").join(rel), text.clone());
        }
    }
    Ok(files)
}
