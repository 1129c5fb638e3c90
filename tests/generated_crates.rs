//! Compile checks of generated output: every fixture in `tests/fixtures/` and every document in
//! the corpus of real public documents (`tests/corpus/`) is generated as a standalone crate
//! under `target/generated-crates/<name>/` and checked with `cargo check --features mock`.
//!
//! The crates share one target directory (`target/generated-crates/target`) so that their
//! dependencies compile once, and each gets a copy of the workspace's `Cargo.lock` so that nothing
//! new is resolved: the checks run `--offline` first and only go to the registry if that fails.
//! Checks run one at a time. Each test prints a table (run with `-- --nocapture` to see it when
//! it passes; it is also written to `target/generated-crates/<test>.md`).

use oas_client_gen::{Generated, Generator, RuntimeSource};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Serializes the cargo checks of both tests: the machine is small and they share a target dir.
static CHECKS: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    contract_tests::workspace().join("target/generated-crates")
}

/// One line of the table.
struct Row {
    doc: String,
    operations: usize,
    types: usize,
    lines: usize,
    warnings: usize,
    generate_secs: f64,
    check_secs: Option<f64>,
    /// rustc warnings in the generated crate's own code.
    rustc_warnings: usize,
    /// None when everything worked; otherwise the stage and its first error.
    failure: Option<String>,
    /// The check needed the registry (the workspace lock did not cover the dependencies).
    online: bool,
}

impl Row {
    fn new(doc: &str) -> Self {
        Row {
            doc: doc.to_string(),
            operations: 0,
            types: 0,
            lines: 0,
            warnings: 0,
            generate_secs: 0.0,
            check_secs: None,
            rustc_warnings: 0,
            failure: None,
            online: false,
        }
    }
}

/// `oai-petstore.yaml` → `gen_oai_petstore`.
fn crate_name(prefix: &str, spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    format!("{prefix}_{clean}")
}

/// Generates `spec` as the crate `name` and checks it. With the runtime as a crate, the crate
/// depends on this workspace's `runtime/`.
fn generate_and_check(spec: &Path, label: &str, name: &str, source: RuntimeSource) -> Row {
    let mut row = Row::new(label);
    let started = Instant::now();
    let runtime = contract_tests::workspace().join("runtime").display().to_string();
    let generator = Generator::new().runtime(source).crate_name(name).runtime_path(runtime).prune(true);
    let generated = std::panic::catch_unwind(|| generator.generate(&[spec]));
    row.generate_secs = started.elapsed().as_secs_f64();
    let generated = match generated {
        Ok(Ok(g)) => g,
        Ok(Err(e)) => {
            row.failure = Some(format!("generation: {e}"));
            return row;
        }
        Err(_) => {
            row.failure = Some("generation: the generator panicked".into());
            return row;
        }
    };
    let module = &generated.modules()[0];
    row.operations = module.operations;
    row.types = module.types;
    row.warnings = module.warnings.len();
    row.lines = module.files.values().map(|t| t.lines().count()).sum();
    let dir = root().join(name);
    if let Err(e) = write_crate(&dir, generated) {
        row.failure = Some(format!("writing the crate: {e}"));
        return row;
    }
    // Make cargo check the crate itself every time (its dependencies stay cached), so the check
    // time measures the generated code and its warnings are reported, even when nothing changed.
    let _ = std::fs::File::options()
        .write(true)
        .open(dir.join("src/lib.rs"))
        .and_then(|f| f.set_modified(std::time::SystemTime::now()));
    let _one_at_a_time = CHECKS.lock().unwrap_or_else(|p| p.into_inner());
    let started = Instant::now();
    let outcome = cargo_check(&dir);
    row.check_secs = Some(started.elapsed().as_secs_f64());
    row.rustc_warnings = outcome.warnings;
    row.online = outcome.online;
    row.failure = outcome.error.map(|e| format!("cargo check: {e}"));
    if row.failure.is_none() && row.rustc_warnings > 0 {
        row.failure = Some(format!("cargo check: {} warning(s) in the generated code", row.rustc_warnings));
    }
    row
}

/// Writes the crate (unchanged files are left alone so cargo does not rebuild them), makes it a
/// workspace of its own and pins its dependencies with the workspace's lock file.
fn write_crate(dir: &Path, mut generated: Generated) -> Result<(), String> {
    let manifest = generated.files_mut().get_mut(Path::new("Cargo.toml")).ok_or("the crate has no Cargo.toml")?;
    if !manifest.contains("[workspace]") {
        manifest.push_str("\n[workspace]\n");
    }
    generated.write(dir).map_err(|e| e.to_string())?;
    contract_tests::cargo::pin_lock(dir, &contract_tests::workspace().join("Cargo.lock"))
}

struct Checked {
    error: Option<String>,
    warnings: usize,
    /// The offline check could not resolve and the registry was used.
    online: bool,
}

/// `cargo check` in `dir`: offline first (the copied lock names only downloaded crates), then
/// online if cargo could not resolve offline.
fn cargo_check(dir: &Path) -> Checked {
    // With the mock server, which every generated crate has behind its `mock` feature.
    let args = ["check", "--quiet", "--message-format", "short", "--features", "mock"];
    let (output, online) = match contract_tests::cargo::run_offline_first(dir, &root().join("target"), &args) {
        Ok(o) => o,
        Err(e) => return Checked { error: Some(format!("cannot run cargo: {e}")), warnings: 0, online: false },
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings = stderr.lines().filter(|l| l.contains(": warning: ") || l.contains(": warning[")).count();
    if output.status.success() {
        return Checked { error: None, warnings, online };
    }
    let is_error = |l: &&str| {
        (l.contains(": error") || l.starts_with("error[") || l.starts_with("error:"))
            && !l.starts_with("error: could not compile")
    };
    let errors: Vec<&str> = stderr.lines().filter(is_error).collect();
    let first = errors
        .first()
        .map(|l| l.to_string())
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()).map(str::to_string))
        .unwrap_or_else(|| format!("cargo check failed ({}) with no output", output.status));
    let count = errors.len();
    let more = if count > 1 { format!(" (+{} more errors)", count - 1) } else { String::new() };
    Checked { error: Some(format!("{first}{more}")), warnings, online }
}

/// The table, Markdown-style so it pastes anywhere.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | ops | types | lines | gen warnings | gen s | check s | rustc warnings | result |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        let check = r.check_secs.map(|s| format!("{s:.1}")).unwrap_or_else(|| "-".into());
        let result = match &r.failure {
            None if r.online => "ok (the offline check failed: needed the registry)".to_string(),
            None => "ok".to_string(),
            Some(f) => format!("FAILED: {}", f.replace('|', "\\|")),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} | {} | {} | {} |\n",
            r.doc, r.operations, r.types, r.lines, r.warnings, r.generate_secs, check, r.rustc_warnings, result
        ));
    }
    let ok = rows.iter().filter(|r| r.failure.is_none()).count();
    out.push_str(&format!("\n{ok} of {} documents generate and compile\n", rows.len()));
    out
}

/// Generates and checks each document in turn, prints and saves the table, and fails listing every
/// document that did not generate or compile.
fn run(test: &str, docs: &[(PathBuf, String)], prefix: &str, source: RuntimeSource) {
    std::fs::create_dir_all(root()).expect("create target/generated-crates");
    let mut rows = Vec::new();
    for (path, label) in docs {
        let row = generate_and_check(path, label, &crate_name(prefix, path), source);
        eprintln!("{test}: {} {}", row.doc, if row.failure.is_none() { "ok" } else { "FAILED" });
        rows.push(row);
    }
    let table = table(&rows);
    println!("\n{test}:\n{table}");
    let _ = std::fs::write(root().join(format!("{test}.md")), &table);
    let failed: Vec<String> =
        rows.iter().filter_map(|r| r.failure.as_ref().map(|f| format!("  {}: {f}", r.doc))).collect();
    assert!(
        failed.is_empty(),
        "{} of {} documents failed:\n{}\n\n{table}",
        failed.len(),
        rows.len(),
        failed.join("\n")
    );
}

#[test]
fn fixtures_compile() {
    let dir = contract_tests::workspace().join("tests/fixtures");
    let mut docs: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let label = format!("tests/fixtures/{}", p.file_name().unwrap_or_default().to_string_lossy());
            (p, label)
        })
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no fixtures in {}", dir.display());
    run("fixtures", &docs, "fixture", RuntimeSource::Crate);
}

/// `--runtime inline`: the runtime's own sources (its mock server too) become the crate's
/// `runtime` module, and the crate compiles without the runtime crate and without a warning.
#[test]
fn inlined_runtime_compiles() {
    let spec = contract_tests::workspace().join("spec/whats91.yaml");
    run("inline", &[(spec, "spec/whats91.yaml (runtime inline)".into())], "inline", RuntimeSource::Inline);
}

#[test]
fn corpus_compiles() {
    let docs: Vec<(PathBuf, String)> = contract_tests::corpus_files()
        .into_iter()
        .map(|p| {
            let label = format!("corpus/{}", p.file_name().unwrap_or_default().to_string_lossy());
            (p, label)
        })
        .collect();
    run("corpus", &docs, "gen", RuntimeSource::Crate);
}
