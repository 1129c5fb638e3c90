//! `oas-client-gen verify`: beyond "it compiles", do the generated types agree with the
//! document's own examples?
//!
//! For each document: generate its crate, add a verification binary holding the by-name
//! round-trip dispatch ([`crate::emit::dispatch`], never part of a normal generation), build
//! every document's crate in one cargo workspace (only check one whose examples reach no
//! generated type: it needs no binary), then round-trip every example the document
//! carries ([`crate::examples`]) through its generated type. An example that is itself invalid
//! against its schema ([`schema`]) is reported as such, not counted against the generator. The
//! report also lists every place that fell back to an untyped JSON value, by reason.

mod report;
pub mod schema;

pub use report::{DocReport, ExampleReport, Outcome, Report, Summary};

use crate::error::Error;
use crate::examples::{self, Example, RoundTrip};
use crate::{RuntimeSource, Warning};
use schema::{Schemas, Validity};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Where verification builds, and what the generated crates depend on.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directory the verification crates are written to: one cargo workspace, one crate per
    /// document. Kept between runs, so that an unchanged document does not rebuild.
    pub work_dir: PathBuf,
    /// The cargo target directory of the builds, shared by every document.
    pub target_dir: PathBuf,
    /// The runtime crate to depend on by path; `None` inlines the runtime into each crate.
    pub runtime_path: Option<PathBuf>,
    /// A lock file to pin the dependencies with (so that the build can work offline).
    pub lock: Option<PathBuf>,
}

impl Options {
    /// In a checkout of this generator's own repository (found by where it was built from):
    /// depend on its `runtime/` and pin with its `Cargo.lock`; elsewhere, inline the runtime. The
    /// builds go to `verify/` in `$CARGO_TARGET_DIR`, else in the checkout's `target/`, else in
    /// the system's temporary directory; the crates to `work_dir`, or `crates/` beside the builds.
    pub fn default_for(work_dir: Option<PathBuf>) -> Options {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let runtime = repo.join("runtime");
        let is_checkout = std::fs::read_to_string(runtime.join("Cargo.toml"))
            .is_ok_and(|t| t.contains("name = \"oas-client-runtime\""))
            && repo.join("Cargo.lock").is_file();
        let root = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir).join("verify"),
            None if is_checkout => repo.join("target/verify"),
            None => std::env::temp_dir().join("oas-client-gen-verify"),
        };
        Options {
            work_dir: work_dir.unwrap_or_else(|| root.join("crates")),
            target_dir: root.join("target"),
            runtime_path: is_checkout.then_some(runtime),
            lock: is_checkout.then(|| repo.join("Cargo.lock")),
        }
    }
}

/// One document on its way through verification.
struct Doc {
    report: DocReport,
    api: Option<crate::model::Api>,
    raw: Value,
    /// Valid examples waiting for their round-trip, by index into `report.examples`.
    pending: Vec<(usize, Example)>,
    crate_name: String,
    /// Some valid example reaches a generated type, so the crate is built to round-trip it;
    /// otherwise it is only checked.
    needs_build: bool,
}

/// Verifies each document in `specs`; `progress` hears what is happening (for a terminal).
/// A document that does not load or generate is reported as such; the others still verify.
pub fn verify(specs: &[PathBuf], opts: &Options, progress: &mut dyn FnMut(&str)) -> Result<Report, Error> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut crates: BTreeMap<String, crate::write::Files> = BTreeMap::new();
    for spec in specs {
        let crate_name = unique(crate_name(spec), |name| docs.iter().any(|d| d.crate_name == name));
        progress(&format!("generating {}", spec.display()));
        let (doc, files) = prepare(spec, &crate_name, opts);
        if let Some(files) = files {
            crates.insert(crate_name.clone(), files);
        }
        docs.push(doc);
    }
    let check_only = docs.iter().filter(|d| !d.needs_build).map(|d| d.crate_name.clone()).collect();
    progress(&format!("building {} crate(s) in {}", crates.len(), opts.work_dir.display()));
    let built = build(&crates, &check_only, opts)?;
    for doc in &mut docs {
        if doc.report.error.is_some() {
            continue;
        }
        let count = doc.pending.len();
        match built.get(&doc.crate_name) {
            Some(Ok(None)) => {
                check_all(doc, &mut |_: &str, _: &Value| None);
                progress(&format!(
                    "{}: {count} example(s), none of them reaching a generated type (the crate checked, not built)",
                    doc.report.document
                ));
            }
            Some(Ok(Some(binary))) => {
                round_trip_all(doc, binary);
                let calls = doc.report.round_trips;
                progress(&format!(
                    "{}: {count} example(s), {calls} value(s) through generated types",
                    doc.report.document
                ));
            }
            Some(Err(e)) => doc.report.error = Some(format!("the generated crate does not build: {e}")),
            None => doc.report.error = Some("the generated crate was not built".into()),
        }
    }
    Ok(Report { documents: docs.into_iter().map(|d| d.report).collect() })
}

/// `petstore-v2.yaml` → `verify_petstore_v2`.
fn crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    format!("verify_{clean}")
}

/// `name`, or the first of `name_2`, `name_3`, … not `taken`: two documents with one file name
/// (`amazonaws.com/imagebuilder.json`, `azure.com/imagebuilder.json`) verify side by side.
fn unique(name: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&name) {
        return name;
    }
    (2..).map(|n| format!("{name}_{n}")).find(|n| !taken(n)).unwrap_or(name)
}

/// Loads and generates one document, sorts its examples (not JSON, invalid, to round-trip) and
/// makes its verification crate.
fn prepare(spec: &Path, crate_name: &str, opts: &Options) -> (Doc, Option<crate::write::Files>) {
    let mut doc = Doc {
        report: DocReport::new(spec.display().to_string()),
        api: None,
        raw: Value::Null,
        pending: Vec::new(),
        crate_name: crate_name.to_string(),
        needs_build: true,
    };
    let generated = std::panic::catch_unwind(|| generate(spec, crate_name, opts));
    let (loaded, api, files, module_name, warnings) = match generated {
        Ok(Ok(g)) => g,
        Ok(Err(e)) => {
            doc.report.error = Some(e.to_string());
            return (doc, None);
        }
        Err(_) => {
            doc.report.error = Some("the generator panicked".into());
            return (doc, None);
        }
    };
    doc.report.warnings = warnings.len();
    doc.report.untyped = api.untyped.clone();
    let mut schemas = Schemas::new(&loaded.raw);
    for mut ex in examples::collect(&loaded.raw) {
        let mut as_text = false;
        let outcome = if !ex.is_json() {
            Some(Outcome::Skipped(format!("a {} body, not JSON", ex.media_type.as_deref().unwrap_or("non-JSON"))))
        } else {
            let mut validity = schemas.check(&ex.schema_at, &ex.value, ex.role);
            // A string that its schema refuses, holding JSON: the JSON is the example (valid or
            // not, and the report says which, at its own place).
            if let (Validity::Invalid(_), Some(inner)) = (&validity, json_text(&ex)) {
                validity = schemas.check(&ex.schema_at, &inner, ex.role);
                (ex.value, as_text) = (inner, true);
            }
            match validity {
                Validity::Valid => None,
                // `example: null` where null is not allowed is how some generators of documents
                // (swagger-core) write "no example".
                Validity::Invalid(_) if ex.value.is_null() => {
                    Some(Outcome::Skipped("`null` where the schema does not allow it: read as no example".into()))
                }
                Validity::Invalid(why) => Some(Outcome::Invalid(why)),
                Validity::Unknown(why) => Some(Outcome::Skipped(why)),
            }
        };
        // A valid example stays `NotBuilt` until its round-trip says otherwise.
        let i = doc.report.examples.len();
        doc.report.examples.push(ExampleReport {
            at: ex.at.clone(),
            schema_at: ex.schema_at.clone(),
            outcome: outcome.clone().unwrap_or(Outcome::NotBuilt),
            as_text,
        });
        if outcome.is_none() {
            doc.pending.push((i, ex));
        }
    }
    // The binary round-trips only the types the examples reach: a dry run with every round-trip
    // succeeding reaches each of them (a real run stops earlier, at its first failure).
    let mut reached = std::collections::BTreeSet::new();
    for (_, ex) in &doc.pending {
        let _ = examples::check(&api, &loaded.raw, ex, &mut |name: &str, value: &Value| {
            reached.insert(name.to_string());
            Some(Ok((value.clone(), Vec::new())))
        });
    }
    doc.api = Some(api);
    doc.raw = loaded.raw;
    // Examples that reach no generated type are checked against Rust's primitive kinds alone:
    // the crate is only checked to compile, not built into a binary (codegen of the largest
    // documents' crates takes more memory than many machines have).
    if reached.is_empty() {
        doc.needs_build = false;
        return (doc, Some(files));
    }
    let Some(api) = &doc.api else { return (doc, None) };
    let mut files = files;
    let binary = binary_source(api, crate_name, &module_name, &reached);
    match binary {
        Ok(text) => {
            files.insert(PathBuf::from(format!("src/bin/{crate_name}.rs")), text);
        }
        Err(e) => {
            doc.report.error = Some(e.to_string());
            return (doc, None);
        }
    }
    (doc, Some(files))
}

/// The JSON a body example written as a string holds: OpenAPI lets a media type's example be
/// its serialized text, and documents write JSON bodies so. Only an object or array counts (a
/// string that reads as a number is more likely meant as the string).
fn json_text(ex: &Example) -> Option<Value> {
    let text = ex.value.as_str()?.trim_start();
    if ex.media_type.is_none() || !(text.starts_with('{') || text.starts_with('[')) {
        return None;
    }
    serde_json::from_str(text).ok()
}

type Generated = (crate::load::Loaded, crate::model::Api, crate::write::Files, String, Vec<Warning>);

/// The document's crate, as `generate --crate` writes it, and its module's name.
fn generate(spec: &Path, crate_name: &str, opts: &Options) -> Result<Generated, Error> {
    let loaded = crate::load::load_file(spec)?;
    let (api, warnings) = crate::build_model(spec, &loaded)?;
    let label = spec.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let source = if opts.runtime_path.is_some() { RuntimeSource::Crate } else { RuntimeSource::Inline };
    let module = crate::generate::module_from(spec, &label, &loaded, source)?;
    let runtime = opts.runtime_path.as_ref().map(|p| p.display().to_string());
    let files =
        crate::generate::standalone_crate(crate_name, std::slice::from_ref(&module), source, runtime.as_deref(), true)?;
    Ok((loaded, api, files, module.name, warnings))
}

/// The verification binary: reads `{"type": …, "value": …}` lines and answers each with the
/// value round-tripped through that type (`{"back": …, "violations": […]}`), `{"error": …}`, or
/// `null` for a name that is not a type of the crate.
fn binary_source(
    api: &crate::model::Api,
    crate_name: &str,
    module: &str,
    types: &std::collections::BTreeSet<String>,
) -> Result<String, Error> {
    let parse = |p: String| p.parse::<proc_macro2::TokenStream>().map_err(|e| Error::new(module, "", e.to_string()));
    let dispatch = crate::emit::dispatch(
        api,
        "round_trip",
        &parse(format!("::{crate_name}::{module}::types"))?,
        &parse(format!("::{crate_name}::runtime"))?,
        Some(types),
    );
    let main: proc_macro2::TokenStream =
        MAIN.parse().map_err(|e: proc_macro2::LexError| Error::new(module, "", e.to_string()))?;
    let tokens = quote::quote! { #dispatch #main };
    crate::format::format_file(tokens, Path::new(crate_name), &crate::format::header("verification binary"))
}

const MAIN: &str = r#"
fn main() {
    use std::io::{BufRead, Write};
    // A panicking round-trip is answered as an error; its message would only garble the protocol.
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(mut request) => {
                let name = request["type"].as_str().unwrap_or_default().to_string();
                let value = request["value"].take();
                match std::panic::catch_unwind(move || round_trip(&name, value)) {
                    Ok(None) => serde_json::Value::Null,
                    Ok(Some(Ok((back, violations)))) => {
                        let violations: Vec<String> = violations.iter().map(ToString::to_string).collect();
                        serde_json::json!({ "back": back, "violations": violations })
                    }
                    Ok(Some(Err(e))) => serde_json::json!({ "error": e }),
                    Err(_) => serde_json::json!({ "error": "the round-trip panicked" }),
                }
            }
            Err(e) => serde_json::json!({ "error": format!("bad request: {e}") }),
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
}
"#;

/// The verification builds need no debugger: without debug info and incremental caches they
/// build faster and take a fraction of the disk.
const PROFILE: &str = "[profile.dev]\ndebug = false\nincremental = false\n";

/// Writes every crate into one workspace and builds all their binaries, except that the crates
/// in `check_only` are only checked (continuing past a crate that fails). Returns each crate's
/// binary (`None` for a checked one), or its first compile error.
fn build(
    crates: &BTreeMap<String, crate::write::Files>,
    check_only: &std::collections::BTreeSet<String>,
    opts: &Options,
) -> Result<BTreeMap<String, Result<Option<PathBuf>, String>>, Error> {
    let dir = &opts.work_dir;
    let io = |e: std::io::Error| Error::new(dir, "", e.to_string());
    let mut workspace = crate::write::Files::new();
    for (name, files) in crates {
        for (rel, text) in files {
            workspace.insert(Path::new(name).join(rel), text.clone());
        }
    }
    let members: Vec<String> = crates.keys().map(|n| format!("\"{n}\"")).collect();
    workspace.insert(
        PathBuf::from("Cargo.toml"),
        format!(
            "# @generated by oas-client-gen verify\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{PROFILE}",
            members.join(", ")
        ),
    );
    let owned: Vec<PathBuf> = crates.keys().map(|n| Path::new(n).join("src")).collect();
    crate::write::write(dir, &workspace, &owned)?;
    if let Some(lock) = &opts.lock {
        crate::cargo::pin_lock(dir, lock).map_err(|e| Error::new(dir, "", e))?;
    }
    let mut out: BTreeMap<String, Result<Option<PathBuf>, String>> = BTreeMap::new();
    let (built, checked): (Vec<&String>, Vec<&String>) = crates.keys().partition(|n| !check_only.contains(*n));
    // Cargo's JSON messages: each binary built, each library checked, and each crate's errors.
    for (command, names) in [("build", built), ("check", checked)] {
        if names.is_empty() {
            continue;
        }
        let mut args = vec![command, "--keep-going", "--message-format", "json-diagnostic-short"];
        args.extend(names.iter().flat_map(|n| ["-p", n.as_str()]));
        args.push(if command == "build" { "--bins" } else { "--lib" });
        let (output, _) = crate::cargo::run_offline_first(dir, &opts.target_dir, &args).map_err(io)?;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<Value>(line) else { continue };
            let package = msg["package_id"].as_str().and_then(package_name).unwrap_or_default();
            if !names.contains(&&package) {
                continue;
            }
            match msg["reason"].as_str() {
                Some("compiler-artifact") => match msg["executable"].as_str() {
                    Some(exe) => {
                        out.insert(package, Ok(Some(PathBuf::from(exe))));
                    }
                    None if command == "check" => {
                        out.entry(package).or_insert(Ok(None));
                    }
                    None => {}
                },
                Some("compiler-message") if msg["message"]["level"] == "error" => {
                    let text = msg["message"]["rendered"].as_str().unwrap_or("an error").trim().to_string();
                    if !matches!(out.get(&package), Some(Err(_))) {
                        out.insert(package, Err(text)); // the first error is the one to show
                    }
                }
                _ => {}
            }
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        for name in names {
            out.entry(name.clone()).or_insert_with(|| {
                let last = stderr.lines().rfind(|l| l.starts_with("error")).unwrap_or("cargo failed");
                Err(last.to_string())
            });
        }
    }
    Ok(out)
}

/// The package name in a cargo package id (`path+file:///…/verify_x#0.1.0` or `verify_x 0.1.0 (…)`).
fn package_name(id: &str) -> Option<String> {
    if let Some((url, _)) = id.split_once('#') {
        return url.rsplit('/').next().map(str::to_string);
    }
    id.split_whitespace().next().map(str::to_string)
}

/// The verification binary, running: one request line, one answer line.
struct Binary {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Binary {
    fn start(path: &Path) -> std::io::Result<Binary> {
        let mut child =
            Command::new(path).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let stdin = child.stdin.take().ok_or_else(|| std::io::Error::other("no stdin"))?;
        let stdout = BufReader::new(child.stdout.take().ok_or_else(|| std::io::Error::other("no stdout"))?);
        Ok(Binary { child, stdin, stdout })
    }

    fn round_trip(&mut self, type_name: &str, value: &Value) -> Option<RoundTrip> {
        let mut ask = || -> std::io::Result<Value> {
            writeln!(&self.stdin, "{}", json!({ "type": type_name, "value": value }))?;
            let mut line = String::new();
            if self.stdout.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("the verification binary stopped"));
            }
            serde_json::from_str(&line).map_err(std::io::Error::other)
        };
        match ask() {
            Err(e) => Some(Err(format!("no answer from the verification binary: {e}"))),
            Ok(Value::Null) => None,
            Ok(answer) => Some(match answer.get("error") {
                Some(e) => Err(e.as_str().unwrap_or_default().to_string()),
                None => {
                    let violations = answer["violations"].as_array().into_iter().flatten();
                    let violations = violations.filter_map(|v| v.as_str().map(str::to_string)).collect();
                    Ok((answer["back"].clone(), violations))
                }
            }),
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Round-trips the document's pending examples through its verification binary.
fn round_trip_all(doc: &mut Doc, binary: &Path) {
    let mut running = match Binary::start(binary) {
        Ok(b) => b,
        Err(e) => {
            doc.report.error = Some(format!("cannot run {}: {e}", binary.display()));
            return;
        }
    };
    let mut calls = 0;
    check_all(doc, &mut |name: &str, value: &Value| {
        calls += 1;
        running.round_trip(name, value)
    });
    doc.report.round_trips = calls;
}

/// Checks the document's pending examples, with `round_trip` for their generated types.
fn check_all(doc: &mut Doc, round_trip: &mut examples::RoundTripFn) {
    let Some(api) = &doc.api else { return };
    for (i, ex) in std::mem::take(&mut doc.pending) {
        doc.report.examples[i].outcome = match examples::check(api, &doc.raw, &ex, round_trip) {
            Ok(passed) => Outcome::RoundTripped(passed),
            Err(failure) => Outcome::Failed(failure),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_with_one_file_name_get_numbered_crates_in_the_order_given() {
        let mut names: Vec<String> = Vec::new();
        for spec in ["a/imagebuilder.json", "b/imagebuilder.json", "c/imagebuilder.yaml", "pet-store.json"] {
            let name = unique(crate_name(Path::new(spec)), |n| names.iter().any(|m| m == n));
            names.push(name);
        }
        assert_eq!(
            names,
            ["verify_imagebuilder", "verify_imagebuilder_2", "verify_imagebuilder_3", "verify_pet_store"]
        );
    }
}
