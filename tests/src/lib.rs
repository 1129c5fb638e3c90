//! Shared helpers of the contract tests: where things are in the workspace.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The workspace root (the parent of this crate).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

/// Every OpenAPI document in `spec/`, sorted.
pub fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(workspace().join("spec"))
        .expect("spec/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("redocly")))
        .collect();
    files.sort();
    files
}

/// Every document of the corpus of real public OpenAPI documents (`tests/corpus/`), sorted;
/// panics if there are none, so that no corpus test passes vacuously.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = workspace().join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .yaml, .yml or .json documents in {}", dir.display());
    files
}

/// The tools cache the `.ci/*.sh` scripts install into: `TOOLS_DIR`, else `~/.cache/contract-tools`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("TOOLS_DIR").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into())).join(".cache/contract-tools")
    })
}

/// The path of a pinned tool, from `bash .ci/<script> --print-path`: exactly what `.ci/run` does,
/// so on a fresh machine the first test that needs the tool installs it into [`tools_dir`] (the
/// script's progress goes straight to this process's stderr, uncaptured) and the others wait on
/// the script's lock. Panics with the script's exit status when the install fails.
pub fn installed_tool(script: &str) -> PathBuf {
    let path = workspace().join(".ci").join(script);
    eprintln!(
        "contract-tests: `bash .ci/{script} --print-path` (installs the pinned tool into {} if it is missing)",
        tools_dir().display()
    );
    // Without what the cargo running this test set (the install is a cargo build of its own).
    let output = cargo::without_outer_cargo(&mut Command::new("bash"))
        .arg(&path)
        .arg("--print-path")
        .env("TOOLS_DIR", tools_dir())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "`bash .ci/{script} --print-path` failed ({}); its stderr is above",
        output.status
    );
    let bin = PathBuf::from(stdout.trim());
    assert!(bin.is_file(), "`bash .ci/{script} --print-path` printed `{}`, which is not a file", bin.display());
    bin
}

/// Running cargo without what the cargo around this process set: the generator's own helpers
/// (`generator/src/cargo.rs`, private to it), shared as source rather than as its public API.
#[path = "../../generator/src/cargo.rs"]
pub mod cargo;

/// The top-level README's code blocks, compiled as doctests of this crate.
#[doc = include_str!("../../README.md")]
pub mod readme {}
