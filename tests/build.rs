//! Generates, for each document in `spec/`, the example round-trip dispatch over the
//! `whatsapp-contacts` types (`tests/roundtrip.rs` includes it). This is the generator's
//! `build.rs` use: the dispatch is test-only, so it never ships in the published crate.

use oas_client_gen::RuntimeSource;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root");
    let spec_dir = root.join("spec");
    println!("cargo:rerun-if-changed={}", spec_dir.display());
    let mut specs: Vec<_> = std::fs::read_dir(&spec_dir)
        .expect("spec/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("redocly")))
        .collect();
    specs.sort();
    let mut source = String::new();
    let mut arms = String::new();
    for spec in &specs {
        println!("cargo:rerun-if-changed={}", spec.display());
        let doc = oas_client_gen::Document::load(spec).unwrap_or_else(|e| panic!("{e}"));
        let module = doc.module_name();
        let f = format!("round_trip_{module}");
        let types = format!("whatsapp_contacts::{module}::types");
        let text = doc.dispatch_source(&f, &types, "whatsapp_contacts::runtime").unwrap_or_else(|e| panic!("{e}"));
        source.push_str(&text);
        arms.push_str(&format!("        \"{module}\" => Some({f}),\n"));
    }
    source.push_str(&format!(
        "/// The dispatch of the generated module for each spec file stem.\n\
         pub fn dispatch(module: &str) -> Option<fn(&str, whatsapp_contacts::runtime::Json) -> Option<whatsapp_contacts::runtime::verify::RoundTrip>> {{\n    match module {{\n{arms}        _ => None,\n    }}\n}}\n"
    ));
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("dispatch.rs");
    std::fs::write(out, source).expect("OUT_DIR is writable");

    // The documented build-script use, exercised by tests/build_script.rs.
    oas_client_gen::generate_into_out_dir(spec_dir.join("kirim.yaml"), "kirim_client.rs")
        .unwrap_or_else(|e| panic!("{e}"));
    // The body kinds fixture's client, called on loopback by tests/client.rs (files, streams).
    oas_client_gen::generate_into_out_dir(root.join("tests/fixtures/body_kinds.yaml"), "body_kinds_client.rs")
        .unwrap_or_else(|e| panic!("{e}"));
    // The responses fixture's client, types and mock server (an operation with several documented
    // successes), for tests/typed_mock.rs: each generated file as a `pub mod` of one file.
    let fixture = root.join("tests/fixtures/responses.yaml");
    println!("cargo:rerun-if-changed={}", fixture.display());
    let module = oas_client_gen::Generator::new()
        .runtime(RuntimeSource::Crate)
        .module(&fixture, "tests/fixtures/responses.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::new();
    for file in ["client", "types", "mock"] {
        let source = &module.files[Path::new(&format!("responses/{file}.rs"))];
        text.push_str(&format!("pub mod {file} {{\n{source}}}\n"));
    }
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("responses_module.rs");
    std::fs::write(out, text).expect("OUT_DIR is writable");
    // The tagged unions fixture's client, decoded, encoded and called by tests/tagged_unions.rs.
    oas_client_gen::generate_into_out_dir(root.join("tests/fixtures/tagged_unions.yaml"), "tagged_unions_client.rs")
        .unwrap_or_else(|e| panic!("{e}"));
}
