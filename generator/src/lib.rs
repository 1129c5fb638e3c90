//! `oas-client-gen`: typed async Rust clients from OpenAPI 3.0/3.1 documents.
//!
//! One pipeline: [`load`] (parse, convert Swagger 2.0 with [`swagger2`], bundle `$ref`s with [`bundle`], normalize)
//! → [`build`] (intermediate [`model`]) → [`plan`] (every name and type as users see it) → [`emit`] (token streams)
//! → [`format`](mod@format) (syn + prettyplease) → [`write`](mod@write) (files, freshness check).
//!
//! Beyond generating: [`examples`] finds the examples a document carries and follows each to its
//! generated type, and `verify` (the default `verify` feature) builds a document's crate and
//! round-trips every example through it (`oas-client-gen verify`).
//!
//! Generated code depends on the [`oas-client-runtime`](https://docs.rs/oas-client-runtime) crate,
//! or carries a copy of it ([`RuntimeSource::Inline`]).
//!
//! # From a build script
//!
//! Checked-in generated code is the default (see the binary's `generate`), but a crate can also
//! generate at build time:
//!
//! ```toml
//! [dependencies]
//! oas-client-runtime = "0.1"
//! serde = { version = "1", features = ["derive"] }
//! serde_json = "1"
//!
//! [build-dependencies]
//! oas-client-gen = "0.1"
//! ```
//!
//! ```no_run
//! // build.rs: `fn main` calls this
//! oas_client_gen::generate_into_out_dir("openapi.yaml", "petstore.rs").unwrap();
//! ```
//!
//! ```text
//! // src/lib.rs (not a doctest: OUT_DIR exists only in a build, as in tests/build_script.rs)
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```

pub mod build;
pub mod bundle;
pub mod cargo;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod error;
pub mod examples;
pub mod format;
pub mod load;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod plan;
pub mod pointer;
pub mod position;
pub mod repair;
pub mod swagger2;
pub mod template;
#[cfg(feature = "verify")]
pub mod verify;
pub mod write;

pub use emit::RuntimeSource;
pub use error::{Error, Warning};

use std::path::{Path, PathBuf};
use write::Files;

/// The version requirement on `oas-client-runtime` that generated code is written for.
pub const RUNTIME_VERSION_REQ: &str = "0.1";

/// One generated module: its name and files (relative to the crate's `src/`), plus warnings
/// and its coverage of the document.
pub struct Module {
    pub name: String,
    pub files: Files,
    pub warnings: Vec<Warning>,
    /// Operations generated.
    pub operations: usize,
    pub types: usize,
    /// Operations the document declares that were left out (also among the warnings).
    pub skipped: Vec<model::Skipped>,
    /// Places that fell back to an untyped JSON value.
    pub untyped: Vec<model::Untyped>,
}

/// Generates the module for one document. `label` is how the header names the spec (a stable,
/// relative path, so output does not depend on where it runs).
pub fn generate_module(spec: &Path, label: &str, source: RuntimeSource) -> Result<Module, Error> {
    let loaded = load::load_file(spec)?;
    module_from(spec, label, &loaded, source)
}

/// Builds the model of a loaded document, with the loader's notes among the warnings.
pub fn build_model(spec: &Path, loaded: &load::Loaded) -> Result<(model::Api, Vec<Warning>), Error> {
    let (api, mut warnings) = build::build(spec, &loaded.doc)?;
    warnings.extend(loaded.notes.iter().map(|n| Warning {
        location: if n.pointer.starts_with('#') { n.pointer.clone() } else { format!("#{}", n.pointer) },
        message: n.message.clone(),
    }));
    Ok((api, warnings))
}

/// Like [`generate_module`] for an already-loaded document.
pub fn module_from(spec: &Path, label: &str, loaded: &load::Loaded, source: RuntimeSource) -> Result<Module, Error> {
    let (api, warnings) = build_model(spec, loaded)?;
    let name = module_name(spec);
    let header = format::header(label);
    let dir = PathBuf::from(&name);
    let plan = plan::plan(&api);
    let (types, client) = (emit::types(&plan, source), emit::client(&plan, source));
    let mut files = Files::new();
    let mock = emit::mock(&plan, &loaded.raw, source);
    let outputs = [("mod.rs", emit::module(&api)), ("types.rs", types), ("client.rs", client), ("mock.rs", mock)];
    for (file, tokens) in outputs {
        let rel = dir.join(file);
        let text = format::format_file(tokens, &rel, &header)?;
        files.insert(rel, text);
    }
    Ok(Module {
        name,
        files,
        warnings,
        operations: api.operations.len(),
        types: api.types.len(),
        skipped: api.skipped,
        untyped: api.untyped,
    })
}

/// The module name for a spec file: its stem in snake_case (`spec/wa-cr.yaml` → `wa_cr`).
pub fn module_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    naming::value_name(stem).trim_start_matches("r#").to_string()
}

/// The part of the runtime's `lib.rs` an inlined copy leaves out.
const INLINE_LEFT_OUT: &str =
    "// The runtime's own sources, for generators that inline it (left out of an inlined copy).\n#[doc(hidden)]\npub mod source;\n";

/// The runtime as a module of the generated crate (`src/runtime/…`), from the runtime crate's
/// own sources: its `source` module is left out, and the macros are re-exported where the
/// generated code looks for them (`crate::runtime::…`).
pub fn inline_runtime_files() -> Files {
    let header = format::header(&format!("oas-client-runtime {}", oas_client_runtime::source::VERSION));
    let mut files = Files::new();
    for (name, text) in oas_client_runtime::source::FILES {
        let (rel, text) = if *name == "lib.rs" {
            let text = text.replace(INLINE_LEFT_OUT, "");
            let text = format!("{text}\n#[doc(hidden)]\npub use crate::{{__decode_arm, __object_field, object, operation, string_enum}};\n");
            ("runtime/mod.rs".to_string(), text)
        } else {
            (format!("runtime/{name}"), text.to_string())
        };
        files.insert(PathBuf::from(rel), format!("{header}{text}"));
    }
    files
}

/// A whole standalone crate (Cargo.toml, src/lib.rs, the runtime if inlined, modules).
pub fn standalone_crate(
    crate_name: &str,
    modules: &[Module],
    source: RuntimeSource,
    runtime_path: Option<&str>,
) -> Result<Files, Error> {
    let mut files = Files::new();
    files.insert(PathBuf::from("Cargo.toml"), emit::cargo_toml(crate_name, source, runtime_path));
    let names: Vec<String> = modules.iter().map(|m| m.name.clone()).collect();
    let lib =
        format::format_file(emit::lib_rs(&names, source), Path::new("src/lib.rs"), &format::header("(several specs)"))?;
    files.insert(PathBuf::from("src/lib.rs"), lib);
    if source == RuntimeSource::Inline {
        for (rel, text) in inline_runtime_files() {
            files.insert(Path::new("src").join(rel), text);
        }
    }
    for m in modules {
        for (rel, text) in &m.files {
            files.insert(Path::new("src").join(rel), text.clone());
        }
    }
    Ok(files)
}

/// The whole client for `spec` as one file of inline modules (`client`, `types`), for
/// `include!` in a crate that depends on `oas-client-runtime`, `serde` and `serde_json`. It has
/// no mock server: that needs a cargo feature of its own, which only a generated crate declares.
pub fn generate_file(spec: &Path) -> Result<(String, Vec<Warning>), Error> {
    let loaded = load::load_file(spec)?;
    let (api, warnings) = build_model(spec, &loaded)?;
    let label = spec.display().to_string();
    let text = format::format_file(emit::single_file(&api), Path::new(&label), &format::header(&label))?;
    Ok((text, warnings))
}

/// For build scripts: generates `spec` into `$OUT_DIR/file_name`, tells cargo to rerun when the
/// spec changes, and passes the generator's warnings on as cargo warnings.
pub fn generate_into_out_dir(spec: impl AsRef<Path>, file_name: &str) -> Result<PathBuf, Error> {
    let spec = spec.as_ref();
    let out_dir = std::env::var_os("OUT_DIR")
        .ok_or_else(|| Error::new(spec, "", "OUT_DIR is not set: call this from a build script"))?;
    println!("cargo:rerun-if-changed={}", spec.display());
    let (text, warnings) = generate_file(spec)?;
    for w in warnings {
        println!("cargo:warning={}: {w}", spec.display());
    }
    let path = PathBuf::from(out_dir).join(file_name);
    std::fs::write(&path, text).map_err(|e| Error::new(&path, "", format!("cannot write: {e}")))?;
    Ok(path)
}

/// The example round-trip dispatch (see [`emit::dispatch`]) for `spec`, as source: a function
/// `fn_name` over the types at `types_path`, with the runtime at `rt_path`.
pub fn dispatch_source(spec: &Path, fn_name: &str, types_path: &str, rt_path: &str) -> Result<String, Error> {
    let loaded = load::load_file(spec)?;
    let (api, _) = build_model(spec, &loaded)?;
    let parse = |p: &str| {
        p.parse::<proc_macro2::TokenStream>().map_err(|e| Error::new(spec, "", format!("bad path `{p}`: {e}")))
    };
    let tokens = emit::dispatch(&api, fn_name, &parse(types_path)?, &parse(rt_path)?, None);
    format::format_file(tokens, Path::new(fn_name), "")
}
