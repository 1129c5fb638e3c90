//! References across files and deep pointers, end to end: the split fixture
//! (`tests/fixtures/split/`) generates the same client as its bundled single-file form, and a
//! remote reference skips what holds it with a warning that names it.

use oas_client_gen::{Generator, Module};
use std::path::PathBuf;

fn split(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/split").join(file)
}

#[test]
fn a_split_document_generates_the_client_of_its_bundled_form() {
    let generate = |file| Generator::new().module(&split(file), "split").unwrap();
    let (parts, one) = (generate("openapi.yaml"), generate("bundled.yaml"));
    assert_eq!(parts.operations, 6);
    assert_eq!((parts.operations, parts.types), (one.operations, one.types));
    assert!(parts.warnings.is_empty() && one.warnings.is_empty(), "{:?} {:?}", parts.warnings, one.warnings);
    let texts = |m: &Module| m.files.values().cloned().collect::<Vec<_>>();
    assert_eq!(texts(&parts), texts(&one));
    let types = texts(&parts).concat();
    for shared in ["pub struct Address", "pub previous: Option<Box<Address>>", "pub enum Tag", "pub struct Problem"] {
        assert!(types.contains(shared), "{shared}");
    }
    assert_eq!(types.matches("pub struct ContactsContactIdNotesGet200Item ").count(), 1, "one type per target");
}

#[test]
fn a_remote_reference_skips_what_holds_it_and_names_it() {
    let module = Generator::new().module(&split("remote.yaml"), "remote.yaml").unwrap();
    assert_eq!(module.operations, 1);
    let messages: Vec<String> = module.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        messages,
        ["at #/paths/~1a/get/responses/200/content/application~1json/schema: remote $ref \
          `https://example.com/schemas.json#/A` is not fetched: only the document and local files are read; \
          operation GET /a is skipped"]
    );
}
