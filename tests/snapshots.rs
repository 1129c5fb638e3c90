//! Snapshot tests of the generator's output.
//!
//! Every document in `spec/` and every fixture in `tests/fixtures/` is generated with
//! `oas_client_gen::Generator::module`, and each generated file (`mod.rs`, `types.rs`, `client.rs`)
//! plus the list of warnings is compared with its snapshot in `tests/snapshots/`. Review changes
//! with `cargo insta review`, or accept them all with
//! `INSTA_UPDATE=always cargo test -p contract-tests --test snapshots`.
//!
//! The malformed-input tests at the end check that broken documents are errors (never panics)
//! whose message names the file and where in it the problem is.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Generates the module of `path` (labelled `label`, so the header does not depend on where the
/// tests run) and snapshots each file and the warnings under `prefix__<file stem>`.
fn snapshot_document(prefix: &str, path: &Path, label: &str) {
    let module = match oas_client_gen::Generator::new().module(path, label) {
        Ok(m) => m,
        Err(e) => panic!("{label} does not generate: {e}"),
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).expect("a file name").replace('-', "_");
    let mut seen = Vec::new();
    for (rel, text) in &module.files {
        let file = rel.file_stem().and_then(|s| s.to_str()).expect("a file name");
        seen.push(file.to_string());
        insta::assert_snapshot!(format!("{prefix}__{stem}__{file}"), text);
    }
    seen.sort();
    assert_eq!(seen, ["client", "mock", "mod", "types"], "{label}: unexpected set of generated files");
    let mut warnings = format!("{} operations, {} types\n", module.operations, module.types);
    if module.warnings.is_empty() {
        warnings.push_str("(no warnings)\n");
    }
    for w in &module.warnings {
        warnings.push_str(&format!("{w}\n"));
    }
    insta::assert_snapshot!(format!("{prefix}__{stem}__warnings"), warnings);
}

fn fixtures_dir() -> PathBuf {
    contract_tests::workspace().join("tests/fixtures")
}

/// Every `tests/fixtures/*.yaml`, sorted.
fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn snapshot_fixture(name: &str) {
    let path = fixtures_dir().join(format!("{name}.yaml"));
    snapshot_document("fixture", &path, &format!("tests/fixtures/{name}.yaml"));
}

/// One test per fixture, so a failure names the construct it is about.
macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                snapshot_fixture(stringify!($name));
            }
        )*
    };
}

fixtures!(
    all_of,
    arrays,
    bodies,
    body_kinds,
    default_response,
    enums,
    inline_nested,
    maps,
    mistakes,
    names,
    no_operation_id,
    numbers,
    objects,
    one_of,
    openapi_31,
    params,
    recursion,
    refs,
    responses,
    swagger2,
    tagged_unions,
);

/// A fixture added to the directory but not to the list above would never be snapshotted.
#[test]
fn every_fixture_has_a_test() {
    let on_disk: Vec<String> = fixture_files()
        .iter()
        .map(|p| p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string())
        .collect();
    let listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    assert_eq!(on_disk, listed, "tests/fixtures/*.yaml and the fixtures!(..) list in tests/snapshots.rs differ");
}

/// Every document in `spec/`; all are snapshotted even when an earlier one differs.
#[test]
fn spec_documents() {
    let specs = contract_tests::spec_files();
    assert!(!specs.is_empty(), "no documents in spec/");
    let mut failed = Vec::new();
    for path in &specs {
        let name = path.file_name().and_then(|s| s.to_str()).expect("a file name").to_string();
        let label = format!("spec/{name}");
        if catch_unwind(AssertUnwindSafe(|| snapshot_document("spec", path, &label))).is_err() {
            failed.push(label);
        }
    }
    assert!(failed.is_empty(), "snapshots differ for: {}", failed.join(", "));
}

// ---------------------------------------------------------------------------------------------
// Malformed input: an error naming the file and a location, never a panic.

/// Writes `text` as `<name>.yaml` in a scratch directory and generates it.
fn generate_broken(name: &str, text: &str) -> (PathBuf, Result<oas_client_gen::Module, oas_client_gen::Error>) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("malformed");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).expect("write the document");
    let result =
        catch_unwind(AssertUnwindSafe(|| oas_client_gen::Generator::new().module(&path, &format!("{name}.yaml"))));
    match result {
        Ok(r) => (path, r),
        Err(_) => panic!("the generator panicked on {name}.yaml instead of returning an error"),
    }
}

/// Asserts that generating `text` fails and that the error's Display contains the file name and
/// every one of `wanted` (locations and key words of the message).
#[track_caller]
fn assert_error(name: &str, text: &str, wanted: &[&str]) -> String {
    let (path, result) = generate_broken(name, text);
    let err = match result {
        Ok(m) => panic!(
            "{name}.yaml generated ({} operations, {} types) instead of failing; warnings: {:?}",
            m.operations,
            m.types,
            m.warnings.iter().map(ToString::to_string).collect::<Vec<_>>()
        ),
        Err(e) => e,
    };
    let shown = err.to_string();
    assert!(
        shown.contains(&path.display().to_string()),
        "the error of {name}.yaml does not name the file {}: {shown}",
        path.display()
    );
    assert!(!err.location.is_empty(), "the error of {name}.yaml has no location: {shown}");
    for w in wanted {
        assert!(shown.contains(w), "the error of {name}.yaml does not contain `{w}`: {shown}");
    }
    println!("{name}.yaml: {shown}");
    shown
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Broken, version: \"1.0\"}\n";

#[test]
fn malformed_bad_yaml() {
    // The flow mapping on line 4 is never closed.
    let text =
        format!("{HEAD}paths:\n  /a: {{get: {{responses: {{\"200\": {{description: ok}}}}}}\ncomponents: {{}}\n");
    assert_error("bad_yaml", &text, &["invalid YAML", "line ", "column "]);
}

#[test]
fn malformed_bad_json() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("malformed");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join("bad_json.json");
    std::fs::write(&path, "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"x\" \"version\": \"1\"}\n}\n")
        .expect("write");
    let err = match catch_unwind(|| oas_client_gen::Generator::new().module(&path, "bad_json.json")) {
        Ok(Ok(_)) => panic!("bad_json.json generated instead of failing"),
        Ok(Err(e)) => e.to_string(),
        Err(_) => panic!("the generator panicked on bad_json.json"),
    };
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("line 3, column"), "{err}");
}

#[test]
fn malformed_dangling_ref() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        missing: {{$ref: '#/components/schemas/Nowhere'}}\n"
    );
    assert_error(
        "dangling_ref",
        &text,
        &["#/components/schemas/Holder/properties/missing", "#/components/schemas/Nowhere"],
    );
}

#[test]
fn malformed_dangling_ref_in_operation() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Gone'}}\n"
    );
    assert_error("dangling_ref_in_operation", &text, &["#/paths/~1a/get/responses/200", "#/components/schemas/Gone"]);
}

#[test]
fn malformed_paths_is_a_number() {
    let text = format!("{HEAD}paths: 3\n");
    assert_error("paths_number", &text, &["#/paths"]);
}

/// A small mistake is not a broken document: `type: 7` is dropped with a located warning.
#[test]
fn a_schema_type_that_is_a_number_is_dropped_with_a_warning() {
    let text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Bad:\n      type: 7\n");
    let (_, result) = generate_broken("schema_type_number", &text);
    let module = result.unwrap_or_else(|e| panic!("`type: 7` stopped the document: {e}"));
    let warnings: Vec<String> = module.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.contains("#/components/schemas/Bad/type") && w.contains("not a type name")),
        "no located warning for `type: 7`: {warnings:?}"
    );
}

#[test]
fn malformed_unclosed_path_template() {
    let text = format!(
        "{HEAD}paths:\n  /users/{{id:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    assert_error("unclosed_brace", &text, &["#/paths/~1users~1{id", "unclosed"]);
}

#[test]
fn malformed_not_an_object() {
    assert_error("not_an_object", "- just\n- a list\n", &["#"]);
}

#[test]
fn malformed_missing_file() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("malformed/does_not_exist.yaml");
    let err = match catch_unwind(|| oas_client_gen::Generator::new().module(&path, "does_not_exist.yaml")) {
        Ok(Ok(_)) => panic!("a missing file generated"),
        Ok(Err(e)) => e.to_string(),
        Err(_) => panic!("the generator panicked on a missing file"),
    };
    assert!(err.contains("does_not_exist.yaml"), "{err}");
}
