//! Shared helpers of the contract tests: where things are in the workspace.

use std::path::PathBuf;

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

/// The top-level README's code blocks, compiled as doctests of this crate.
#[doc = include_str!("../../README.md")]
pub mod readme {}
