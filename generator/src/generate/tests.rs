//! Generation beside what the command line shows: warnings for what the runtime cannot check.

use super::module_name;
use crate::Generator;
use std::path::Path;

#[test]
fn patterns_the_runtime_cannot_compile_are_warned_about_and_not_emitted() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        code: {type: string, pattern: '^(?!x)[a-z]+$'}\n        ok: {type: string, pattern: '^[a-z]+$'}\n";
    let path = Path::new("patterns.yaml");
    let loaded = crate::load::load_str(path, text).unwrap();
    let module = super::module_from(path, "patterns.yaml", &loaded, crate::RuntimeSource::Crate).unwrap();
    let warning =
        module.warnings.iter().find(|w| w.message.contains("^(?!x)[a-z]+$")).expect("a warning for the look-around");
    assert_eq!(warning.location, "#/components/schemas/A/properties/code");
    assert!(warning.message.contains("not checked client-side"), "{}", warning.message);
    let types = &module.files[Path::new("patterns/types.rs")];
    assert!(!types.contains("(?!x)"), "the uncompilable pattern must not reach the runtime");
    assert!(types.contains("^[a-z]+$"), "a compilable pattern is still checked");
}

#[test]
fn an_inlined_runtime_carries_the_verify_module_only_for_verify() {
    let has_module = |files: &crate::Files| {
        let lib = &files[Path::new("runtime/mod.rs")];
        (
            files.contains_key(Path::new("runtime/verify.rs")),
            lib.contains("pub mod verify;"),
            lib.contains("feature = \"verify\""),
        )
    };
    assert_eq!(
        has_module(&super::inline_runtime_files(false)),
        (false, false, false),
        "a client inlines no verify code"
    );
    assert_eq!(
        has_module(&super::inline_runtime_files(true)),
        (true, true, false),
        "verify's crates: the module, always on"
    );
}

#[test]
fn verify_crates_turn_on_the_runtime_crates_verify_feature() {
    let module =
        crate::Generator::new().module(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/kirim.yaml"), "kirim.yaml");
    let module = module.unwrap_or_else(|e| panic!("{e}"));
    let manifest = |verify| {
        let files = super::standalone_crate(
            "c",
            std::slice::from_ref(&module),
            crate::RuntimeSource::Crate,
            Some("../runtime"),
            verify,
        );
        files.unwrap_or_else(|e| panic!("{e}"))[Path::new("Cargo.toml")].clone()
    };
    assert!(
        manifest(true)
            .contains("oas-client-runtime = { version = \"0.1\", path = \"../runtime\", features = [\"verify\"] }"),
        "{}",
        manifest(true)
    );
    assert!(
        manifest(false).contains("oas-client-runtime = { version = \"0.1\", path = \"../runtime\" }\n"),
        "{}",
        manifest(false)
    );
}

#[test]
fn a_document_named_like_a_keyword_gives_a_module_users_can_name() {
    // `mastercard.com/match.json` of the public API directory used to fail with "generated code
    // does not parse: expected identifier, found keyword `match`" (`pub mod match;`).
    for (file, module) in [("match.json", "match_"), ("self.yaml", "self_"), ("wa-cr.yaml", "wa_cr")] {
        assert_eq!(module_name(Path::new(file)), module);
    }
    let dir = std::env::temp_dir().join(format!("oas-keyword-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("match.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'204': {description: ok}}\n").unwrap();
    let generated = Generator::new().crate_name("kw").generate(&[&spec]).unwrap();
    let lib = &generated.files()[Path::new("src/lib.rs")];
    assert!(lib.contains("pub mod match_;"), "{lib}");
    assert!(generated.files().contains_key(Path::new("src/match_/client.rs")));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_inlined_runtime_links_its_docs_relative_to_its_own_module() {
    // Inlined, the runtime is `crate::runtime`, so a doc link to `crate::X` in one of its
    // submodules breaks `cargo doc -D warnings` of the user's crate; `super::X` works in both.
    for (rel, text) in super::inline_runtime_files(true) {
        if rel != Path::new("runtime/mod.rs") {
            assert!(!text.contains("](crate::"), "{} links a doc to `crate::…`", rel.display());
        }
    }
}
