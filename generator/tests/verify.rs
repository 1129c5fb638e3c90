//! `oas-client-gen verify` end to end, on a document with one example of each outcome
//! (`fixtures/verify/outcomes.yaml`): it generates and builds the crate, round-trips the examples
//! through the generated types and reports each one, the untyped places and the table.
#![cfg(feature = "verify")]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oas-client-gen")).args(args).output().expect("the binary runs");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

#[test]
fn every_outcome_is_reported() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verify/outcomes.yaml");
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verify-outcomes");
    let (spec, keep) = (spec.to_string_lossy().into_owned(), keep.to_string_lossy().into_owned());
    let (code, stdout, stderr) = run(&["verify", &spec, "--keep", &keep, "--json"]);
    assert_eq!(code, 1, "the two failures make it exit 1\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let doc = &report["documents"][0];
    assert_eq!(doc["error"], Value::Null, "{doc:#}");
    let examples = doc["examples"].as_array().expect("examples");
    let outcome = |at: &str| -> &Value {
        let found = examples.iter().find(|e| e["at"] == at).unwrap_or_else(|| panic!("no example {at} in {doc:#}"));
        &found["outcome"]
    };
    let pets = "#/paths/~1pets/get";
    let body = "#/paths/~1pets/post/requestBody/content/application~1json/examples";
    let listed = format!("{pets}/responses/200/content/application~1json/examples");
    let pet = "#/components/schemas/Pet/properties";
    let folders = "#/paths/~1folders/post";
    let rerun = "#/paths/~1folders~1{id}~1rerun/post";
    let expected: Vec<(String, &str, Value)> = vec![
        (format!("{pets}/parameters/0/examples/fits"), "round_tripped", "Primitive".into()),
        (format!("{listed}/two"), "round_tripped", "Typed".into()),
        (format!("{body}/dotted"), "round_tripped", "Typed".into()),
        (format!("{pet}/name/example"), "round_tripped", "Primitive".into()),
        (format!("{pet}/tag/example"), "round_tripped", "Primitive".into()),
        (format!("{pet}/attributes/example"), "round_tripped", "Untyped".into()),
        (format!("{pet}/anything/example"), "round_tripped", "Untyped".into()),
        // The JSON inside a body example written as a string; a nullable body's `null`.
        (format!("{folders}/requestBody/content/application~1json/example"), "round_tripped", "Typed".into()),
        (format!("{rerun}/requestBody/content/application~1json/examples/none"), "round_tripped", "Primitive".into()),
    ];
    for (at, kind, detail) in &expected {
        let got = outcome(at);
        assert_eq!((got["outcome"].as_str(), &got["detail"]), (Some(*kind), detail), "{at}: {got}");
    }
    let detail = |at: &str, kind: &str| -> String {
        let got = outcome(at);
        assert_eq!(got["outcome"], kind, "{at}: {got}");
        got["detail"].to_string()
    };
    // The document's own mistakes are not the generator's.
    assert!(detail(&format!("{pets}/parameters/0/examples/tooWide"), "invalid").contains("2147483647"));
    assert!(detail(&format!("{listed}/wrongType"), "invalid").contains("at /0/name"));
    let as_array = format!("{folders}/responses/200/content/application~1json/examples/listed");
    assert!(
        detail(&as_array, "invalid").contains("is not of type \\\"object\\\""),
        "properties without a type make an object"
    );
    let as_text = |at: &str| examples.iter().find(|e| e["at"] == at).map(|e| e["as_text"].clone());
    assert_eq!(as_text(&format!("{folders}/requestBody/content/application~1json/example")), Some(Value::Bool(true)));
    assert_eq!(as_text(&as_array), Some(Value::Null), "as_text is left out when false");
    let inside = format!("{folders}/responses/200/content/application~1json/examples/wrongInside");
    assert!(detail(&inside, "invalid").contains("at /files: "), "the error is the JSON's, where inside it");
    assert_eq!(as_text(&inside), Some(Value::Bool(true)));
    // Not JSON, and `example: null` on a schema without null.
    assert!(detail(&format!("{pets}/responses/200/content/application~1xml/example"), "skipped")
        .contains("application/xml"));
    assert!(detail(&format!("{pet}/nickname/example"), "skipped").contains("no example"));
    // Valid examples the generated code does not take back: named limits of the generator.
    let failed = outcome(&format!("{listed}/wholeFloat"));
    assert_eq!(failed["outcome"], "failed");
    let f = &failed["detail"];
    assert_eq!(
        (f["cause"].as_str(), f["type_name"].as_str(), f["at"].as_str()),
        (Some("Parse"), Some("Pet"), Some("/0"))
    );
    let failed = outcome(&format!("{body}/localhost"));
    assert_eq!(failed["detail"]["cause"], "Rules", "{failed}");
    assert_eq!(examples.len(), 17, "{doc:#}");
    let untyped: Vec<(&str, &str)> = doc["untyped"]
        .as_array()
        .expect("untyped")
        .iter()
        .map(|u| (u["location"].as_str().unwrap_or_default(), u["reason"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        untyped,
        [(format!("{pet}/anything").as_str(), "no schema"), (format!("{pet}/attributes").as_str(), "free-form object")]
    );

    // The text report of the same run (now built): a line per example and the table.
    let (code, stdout, _) = run(&["verify", &spec, "--keep", &keep]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!("FAILED    {listed}/wholeFloat as `Pet` (at /0 inside it): does not parse: ")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("ok        {pet}/anything/example (untyped: any JSON value)")), "{stdout}");
    let as_text = format!("ok        {folders}/requestBody/content/application~1json/example (the JSON in its string)");
    assert!(stdout.contains(&as_text), "{stdout}");
    assert!(
        stdout.contains("| outcomes.yaml | 17 | 11 | 9 (2 untyped) | 3 | 81.8% | 4 | 2 | breaks the generated rules: 1, does not parse: 1 | free-form object: 1, no schema: 1 |"),
        "{stdout}"
    );
    assert!(stdout.contains("9 of 11 valid examples round-trip (81.8%); 4 invalid, 2 skipped"), "{stdout}");

    // CI gates, in the same work directory (its dependencies are built): a document whose only
    // failure is its own invalid example passes, unless --strict; one without examples says so.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let doc = |examples: &str| {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /n:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: integer}}\n{examples}")
    };
    let author = tmp.join("verify-author.yaml");
    std::fs::write(&author, doc("              examples: {good: {value: 1}, bad: {value: x}}\n")).unwrap();
    let author = author.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["verify", &author, "--keep", &keep]);
    assert_eq!(code, 0, "the document's own mistake is not the generator's\n{stdout}\n{stderr}");
    // Its one valid example is an integer: no generated type to round-trip, so nothing to build.
    assert!(stderr.contains("none of them reaching a generated type (the crate checked, not built)"), "{stderr}");
    assert!(stdout.contains("1 of 1 valid examples round-trip (100.0%); 1 invalid"), "{stdout}");
    let (code, _, stderr) = run(&["verify", &author, "--keep", &keep, "--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--strict: 1 of the documents' own examples are invalid"), "{stderr}");
    let bare = tmp.join("verify-bare.yaml");
    std::fs::write(&bare, doc("")).unwrap();
    let (code, stdout, stderr) = run(&["verify", &bare.to_string_lossy(), "--keep", &keep]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("| verify-bare.yaml | 0 | 0 | 0 | 0 | no examples |"), "{stdout}");
    assert!(stdout.contains("0 of 0 valid examples round-trip (no examples)"), "{stdout}");
    assert!(!stdout.contains("100.0%"), "{stdout}");
}

#[test]
fn a_document_that_does_not_load_is_reported_not_fatal() {
    let broken = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verify-broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths: [\n").unwrap();
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verify-broken");
    let (code, stdout, stderr) =
        run(&["verify", &broken.to_string_lossy(), "--keep", &keep.to_string_lossy(), "--json"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let error = report["documents"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("verify-broken.yaml") && error.contains("invalid YAML"), "{error}");
}
