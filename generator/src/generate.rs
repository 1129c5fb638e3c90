//! The facade: a [`Generator`] with its settings turns documents into [`Module`]s and the files
//! of a directory or crate ([`Generated`]), which it writes or checks for freshness.

use crate::diagnostic::{self, Style};
use crate::emit::{self, RuntimeSource};
use crate::error::{Error, Warning};
use crate::model::{Skipped, Untyped, UntypedReason};
use crate::write::{self, Files};
use crate::{format, load, model, naming, plan};
use std::path::{Path, PathBuf};

/// Generates client code from OpenAPI documents. Built with its settings, then used for any
/// number of runs; the default writes the modules only, for a crate that depends on
/// `oas-client-runtime` from crates.io.
#[derive(Debug, Clone)]
pub struct Generator {
    runtime: RuntimeSource,
    runtime_path: Option<String>,
    crate_name: Option<String>,
    label_root: Option<PathBuf>,
    allow_empty: bool,
    overwrite: bool,
    prune: bool,
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            runtime: RuntimeSource::Crate,
            runtime_path: None,
            crate_name: None,
            label_root: None,
            allow_empty: false,
            overwrite: false,
            prune: false,
        }
    }
}

/// One generated module: its name and files (relative to the crate's `src/`), plus warnings
/// and its coverage of the document.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module name: the document's file stem in snake_case (`spec/wa-cr.yaml` → `wa_cr`).
    pub name: String,
    /// `name/mod.rs`, `name/types.rs`, `name/client.rs` and `name/mock.rs`.
    pub files: Files,
    /// What the generator could not express and skipped, located in the document.
    pub warnings: Vec<Warning>,
    /// Operations generated.
    pub operations: usize,
    /// Types generated.
    pub types: usize,
    /// Operations the document declares that were left out (also among the warnings).
    pub skipped: Vec<Skipped>,
    /// Places that fell back to an untyped JSON value.
    pub untyped: Vec<Untyped>,
    /// The document, for rendering the warnings.
    spec: PathBuf,
}

impl Module {
    /// Whether nothing was lost: no operation skipped, no schema untyped beyond what the document
    /// allows (a place without a schema, an object without declared properties). What
    /// `generate --strict` requires.
    pub fn is_complete(&self) -> bool {
        let allowed = |u: &Untyped| matches!(u.reason, UntypedReason::NoSchema | UntypedReason::FreeFormObject);
        self.skipped.is_empty() && self.untyped.iter().all(allowed)
    }

    /// The warnings as rustc renders diagnostics (the source line underlined, a hint), reading
    /// the document once; empty without warnings.
    pub fn render_warnings(&self, style: Style) -> String {
        diagnostic::warnings(&self.spec, &self.warnings, style)
    }
}

/// The outcome of [`Generator::generate`]: the modules and every file, in memory until written.
#[derive(Debug, Clone)]
pub struct Generated {
    modules: Vec<Module>,
    files: Files,
    settings: Generator,
}

impl Generator {
    /// The default settings: modules only, the runtime as a crates.io dependency.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where generated code finds its runtime (default: the `oas-client-runtime` crate).
    pub fn runtime(mut self, source: RuntimeSource) -> Self {
        self.runtime = source;
        self
    }

    /// With a crate and the runtime as a crate: depend on the runtime at this path (a checkout)
    /// instead of crates.io.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Self {
        self.runtime_path = Some(path.into());
        self
    }

    /// Write a whole crate with this name (`Cargo.toml`, `src/lib.rs`), not only the modules.
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// Name each document in the generated files' header by its path relative to `dir` (by
    /// default, as given), so that output does not depend on where the generator runs.
    pub fn labels_relative_to(mut self, dir: impl Into<PathBuf>) -> Self {
        self.label_root = Some(dir.into());
        self
    }

    /// Write even when a document declares operations and none could be generated (default: an error).
    pub fn allow_empty(mut self, allow: bool) -> Self {
        self.allow_empty = allow;
        self
    }

    /// Replace files in the way that the generator did not write (a hand-written `Cargo.toml` or
    /// `src/lib.rs`); by default such a file stops [`Generated::write`] before it writes anything.
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Own the whole `src/` directory: remove generated files there that a run no longer
    /// produces (a module whose document is gone). Off by default, when only the files written
    /// are the generator's.
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// Generates the module for one document. `label` is how the header names the document (a
    /// stable, relative path, so output does not depend on where it runs).
    pub fn module(&self, spec: &Path, label: &str) -> Result<Module, Error> {
        let loaded = load::load_file(spec)?;
        module_from(spec, label, &loaded, self.runtime)
    }

    /// Generates every document (each one module, named after its file) and the files around
    /// them: the crate's `Cargo.toml` and `src/lib.rs` with [`Generator::crate_name`], the runtime
    /// with [`RuntimeSource::Inline`]. Two documents may not share a module name.
    pub fn generate(&self, specs: &[impl AsRef<Path>]) -> Result<Generated, Error> {
        let mut modules: Vec<Module> = Vec::new();
        for spec in specs.iter().map(AsRef::as_ref) {
            let label = match &self.label_root {
                Some(root) => spec.strip_prefix(root).unwrap_or(spec),
                None => spec,
            };
            let m = self.module(spec, &label.display().to_string())?;
            if let Some(other) = modules.iter().find(|n| n.name == m.name) {
                let message = format!("module name `{}` is also used by {}", m.name, other.spec.display());
                return Err(Error::new(spec, "", message));
            }
            modules.push(m);
        }
        let files = match &self.crate_name {
            Some(name) => standalone_crate(name, &modules, self.runtime, self.runtime_path.as_deref(), false)?,
            None => {
                let mut files = Files::new();
                if self.runtime == RuntimeSource::Inline {
                    files.extend(inline_runtime_files(false));
                }
                for m in &modules {
                    files.extend(m.files.iter().map(|(rel, text)| (rel.clone(), text.clone())));
                }
                files.into_iter().map(|(rel, text)| (Path::new("src").join(rel), text)).collect()
            }
        };
        Ok(Generated { modules, files, settings: self.clone() })
    }

    /// What changed between two versions of a document, for users of the generated client: every
    /// change, how it affects them, and the semver bump it implies. Independent of the settings.
    pub fn diff(old: &Path, new: &Path) -> Result<crate::DiffReport, Error> {
        crate::diff::diff_files(old, new)
    }

    /// Generates, builds and round-trips every example each document carries through its
    /// generated type (`oas-client-gen verify`); `progress` hears what is happening. A document
    /// that does not load, generate or build is reported as such; the others still verify.
    /// Independent of the settings: `options` says where and against which runtime it builds.
    #[cfg(feature = "verify")]
    pub fn verify(
        specs: &[PathBuf],
        options: &crate::VerifyOptions,
        progress: &mut dyn FnMut(&str),
    ) -> Result<crate::VerifyReport, Error> {
        crate::verify::verify(specs, options, progress)
    }
}

impl Generated {
    /// The generated modules, one per document, in the order given.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// Every file, by path relative to the output directory.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// The files, to adjust before writing (say, to make a crate a workspace of its own).
    pub fn files_mut(&mut self) -> &mut Files {
        &mut self.files
    }

    /// Whether every module [is complete](Module::is_complete).
    pub fn is_complete(&self) -> bool {
        self.modules.iter().all(Module::is_complete)
    }

    /// Writes the files under `out` (only those that differ) and returns those changed. A newer
    /// edition in a `Cargo.toml` already there is kept. Writes nothing when a document declares
    /// operations and none were generated (unless [`Generator::allow_empty`]), or when a file in
    /// the way was not written by the generator (unless [`Generator::overwrite`]): the error names
    /// each such file and says what to do.
    pub fn write(&self, out: &Path) -> Result<Vec<PathBuf>, Error> {
        let files = self.files_for(out)?;
        let owned = self.owned();
        if self.settings.overwrite {
            return write::write_over(out, &files, &owned);
        }
        self.refuse_foreign(out, &files)?;
        write::write(out, &files, &owned)
    }

    /// The files that [`Generated::write`] would change under `out`: different, missing, or (with
    /// [`Generator::prune`]) generated but no longer produced. Empty when `out` is up to date.
    pub fn stale(&self, out: &Path) -> Result<Vec<PathBuf>, Error> {
        Ok(write::check(out, &self.files_for(out)?, &self.owned()))
    }

    fn owned(&self) -> Vec<PathBuf> {
        if self.settings.prune {
            vec![PathBuf::from("src")]
        } else {
            Vec::new()
        }
    }

    /// The files to write under `out`; an error when a document lost every operation.
    fn files_for(&self, out: &Path) -> Result<Files, Error> {
        if !self.settings.allow_empty {
            for m in &self.modules {
                let declared = m.operations + m.skipped.len();
                if m.operations == 0 && declared > 0 {
                    let message = format!(
                        "{}: none of the {declared} operations the document declares could be generated, so \
                         nothing was written; pass --allow-empty to write the empty crate anyway",
                        m.name
                    );
                    return Err(Error::new(&m.spec, "", message));
                }
            }
        }
        let mut files = self.files.clone();
        if let (Some(manifest), Ok(existing)) =
            (files.get_mut(Path::new("Cargo.toml")), std::fs::read_to_string(out.join("Cargo.toml")))
        {
            *manifest = emit::keep_edition(manifest, &existing);
        }
        Ok(files)
    }

    /// An error when a file in the way was not written by the generator: names each, and says how
    /// to take them over, or how to add the modules to the crate around them instead.
    fn refuse_foreign(&self, out: &Path, files: &Files) -> Result<(), Error> {
        let foreign = write::foreign(out, files);
        if foreign.is_empty() {
            return Ok(());
        }
        let mut msg = format!(
            "{} file(s) in the way were not written by oas-client-gen (their first line has no `@generated` \
             marker), so nothing was written:\n",
            foreign.len()
        );
        for rel in &foreign {
            msg.push_str(&format!("  {}\n", out.join(rel).display()));
        }
        msg.push_str("Pass --overwrite to replace them.");
        let own_crate = [Path::new("Cargo.toml"), Path::new("src/lib.rs")];
        if self.settings.crate_name.is_some() && foreign.iter().any(|f| own_crate.contains(&f.as_path())) {
            let lib = files.get(Path::new("src/lib.rs")).map(String::as_str).unwrap_or_default();
            let decls: Vec<&str> =
                lib.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//")).collect();
            msg.push_str(&format!(
                " To keep them, run the same command without --crate (it writes only the modules under \
                 src/), then add to Cargo.toml:\n[dependencies]\n{}and to src/lib.rs:\n{}",
                emit::dependencies(self.settings.runtime, self.settings.runtime_path.as_deref(), false),
                decls.join("\n")
            ));
        }
        Err(Error::new(out, "", msg))
    }
}

/// Builds the model of a loaded document, with the loader's notes among the warnings.
pub(crate) fn build_model(spec: &Path, loaded: &load::Loaded) -> Result<(model::Api, Vec<Warning>), Error> {
    let (api, mut warnings) = crate::build::build(spec, &loaded.doc)?;
    warnings.extend(loaded.notes.iter().map(|n| Warning {
        location: if n.pointer.starts_with('#') { n.pointer.clone() } else { format!("#{}", n.pointer) },
        message: n.message.clone(),
    }));
    Ok((api, warnings))
}

/// Like [`Generator::module`] for an already-loaded document.
pub(crate) fn module_from(
    spec: &Path,
    label: &str,
    loaded: &load::Loaded,
    source: RuntimeSource,
) -> Result<Module, Error> {
    let (api, warnings) = build_model(spec, loaded)?;
    let name = module_name(spec);
    let header = format::header(label);
    let dir = PathBuf::from(&name);
    let plan = plan::plan(&api);
    // Each file is emitted and formatted on its own thread (token streams cannot cross threads,
    // their text can): the mock module is as large as the client, and formatting is most of the
    // time a document takes.
    let emitters: [(&str, &(dyn Fn() -> proc_macro2::TokenStream + Sync)); 4] = [
        ("mod.rs", &|| emit::module(&api)),
        ("types.rs", &|| emit::types(&plan, source)),
        ("client.rs", &|| emit::client(&plan, source)),
        ("mock.rs", &|| emit::mock(&plan, &loaded.raw, source)),
    ];
    let texts = std::thread::scope(|scope| {
        let running: Vec<_> = emitters
            .iter()
            .map(|(file, emit)| {
                let (rel, header) = (dir.join(file), &header);
                scope.spawn(move || format::format_file(emit(), &rel, header).map(|text| (rel, text)))
            })
            .collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Vec<_>>()
    });
    let mut files = Files::new();
    for text in texts {
        let (rel, text) = text?;
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
        spec: spec.to_path_buf(),
    })
}

/// The module name for a spec file: its stem in snake_case (`spec/wa-cr.yaml` → `wa_cr`). A
/// keyword gets a trailing underscore (`match.json` → `match_`), not a raw identifier: the name is
/// also a directory and a path users write (`crate::match_::Client`).
pub(crate) fn module_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let name = naming::value_name(stem);
    match name.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => name,
    }
}

/// The part of the runtime's `lib.rs` an inlined copy leaves out.
const INLINE_LEFT_OUT: &str =
    "// The runtime's own sources, for generators that inline it (left out of an inlined copy).\n#[doc(hidden)]\npub mod source;\n";
/// The runtime's example round-trip, which only `verify`'s own crates inline (unconditionally:
/// their crate has no `verify` feature).
const INLINE_VERIFY: &str = "#[cfg(feature = \"verify\")]\npub mod verify;\n";

/// The runtime as a module of the generated crate (`src/runtime/…`), from the runtime crate's
/// own sources: its `source` module is left out, and the macros are re-exported where the
/// generated code looks for them (`crate::runtime::…`). Its `verify` module only with `verify`.
fn inline_runtime_files(verify: bool) -> Files {
    let header = format::header(&format!("oas-client-runtime {}", oas_client_runtime::source::VERSION));
    let mut files = Files::new();
    if verify {
        files.insert(PathBuf::from("runtime/verify.rs"), format!("{header}{}", oas_client_runtime::source::VERIFY));
    }
    for (name, text) in oas_client_runtime::source::FILES {
        let (rel, text) = if *name == "lib.rs" {
            let verify_module = if verify { "pub mod verify;\n" } else { "" };
            let text = text.replace(INLINE_LEFT_OUT, "").replace(INLINE_VERIFY, verify_module);
            let text = format!("{text}\n#[doc(hidden)]\npub use crate::{{__decode_arm, __object_field, object, operation, string_enum}};\n");
            ("runtime/mod.rs".to_string(), text)
        } else {
            (format!("runtime/{name}"), text.to_string())
        };
        files.insert(PathBuf::from(rel), format!("{header}{text}"));
    }
    files
}

/// A whole standalone crate (Cargo.toml, src/lib.rs, the runtime if inlined, modules); with
/// `verify`, its runtime has the `verify` module (for `verify`'s own crates).
pub(crate) fn standalone_crate(
    crate_name: &str,
    modules: &[Module],
    source: RuntimeSource,
    runtime_path: Option<&str>,
    verify: bool,
) -> Result<Files, Error> {
    let mut files = Files::new();
    files.insert(PathBuf::from("Cargo.toml"), emit::cargo_toml(crate_name, source, runtime_path, verify));
    let names: Vec<String> = modules.iter().map(|m| m.name.clone()).collect();
    let lib =
        format::format_file(emit::lib_rs(&names, source), Path::new("src/lib.rs"), &format::header("(several specs)"))?;
    files.insert(PathBuf::from("src/lib.rs"), lib);
    if source == RuntimeSource::Inline {
        for (rel, text) in inline_runtime_files(verify) {
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
fn generate_file(spec: &Path) -> Result<(String, Vec<Warning>), Error> {
    let loaded = load::load_file(spec)?;
    let (api, warnings) = build_model(spec, &loaded)?;
    let label = spec.display().to_string();
    let text = format::format_file(emit::single_file(&api), Path::new(&label), &format::header(&label))?;
    Ok((text, warnings))
}

/// For build scripts: generates `spec` into `$OUT_DIR/file_name` as one file of inline modules
/// (`client`, `types`) to `include!`, tells cargo to rerun when the spec changes, and passes the
/// generator's warnings on as cargo warnings. The crate depends on `oas-client-runtime`, `serde`
/// and `serde_json` (see the [crate docs](crate#from-a-build-script)).
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

#[cfg(test)]
mod tests;
