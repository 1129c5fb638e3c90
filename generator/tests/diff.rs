//! Spec diffs: one fixture pair per case under `tests/fixtures/diff/<case>/{old,new}.yaml`, each a small edit
//! of the same contacts API.

use oas_client_gen::diff::{diff, Bump, Change, Report, Severity};
use openapiv3::OpenAPI;
use std::path::PathBuf;

const BREAKING: Severity = Severity::Breaking;
const NON_BREAKING: Severity = Severity::NonBreaking;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn spec(case: &str, file: &str) -> OpenAPI {
    let path = fixtures().join(case).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report(case: &str) -> Report {
    diff(&spec(case, "old.yaml"), &spec(case, "new.yaml"))
}

/// Asserts a change at exactly `location` whose message contains `message`, and returns it.
fn expect<'r>(r: &'r Report, severity: Severity, location: &str, message: &str) -> &'r Change {
    r.changes
        .iter()
        .find(|c| c.severity == severity && c.location == location && c.message.contains(message))
        .unwrap_or_else(|| panic!("no {severity:?} change `{location}`: `{message}` in:\n{r}"))
}

fn count(r: &Report, severity: Severity) -> usize {
    r.changes.iter().filter(|c| c.severity == severity).count()
}

/// The bump for a crate at 1.2.3 and at 0.2.3.
fn bumps(r: &Report) -> (Bump, Bump) {
    (r.bump("1.2.3"), r.bump("0.2.3"))
}

#[test]
fn removed_operation() {
    let r = report("removed-operation");
    expect(&r, BREAKING, "DELETE /contacts/{id}", "operation removed");
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(bumps(&r), (Bump::Major, Bump::Minor));
}

#[test]
fn removed_field() {
    let r = report("removed-field");
    // Response fields: wherever `Contact` is returned, including inside the list.
    expect(&r, BREAKING, "GET /contacts/{id} response 200: field `phone`", "field removed");
    expect(&r, BREAKING, "GET /contacts response 200: field `[].phone`", "field removed");
    // Request fields.
    expect(&r, BREAKING, "POST /contacts request body: field `age`", "field removed");
    assert_eq!(count(&r, NON_BREAKING), 0, "{r}");
    assert_eq!(bumps(&r), (Bump::Major, Bump::Minor));
}

#[test]
fn newly_required_field() {
    let r = report("newly-required-field");
    expect(&r, BREAKING, "POST /contacts request body: field `email`", "field became required");
    expect(&r, BREAKING, "POST /contacts request body: field `company`", "new required field");
    assert_eq!(r.changes.len(), 2, "{r}");
    assert_eq!(bumps(&r), (Bump::Major, Bump::Minor));
}

#[test]
fn narrowed_type() {
    let r = report("narrowed-type");
    expect(&r, BREAKING, "POST /contacts request body: field `age`", "type changed from `number` to `integer`");
    // A different integer format is a different Rust width.
    expect(&r, BREAKING, "GET /contacts query parameter `limit`", "from `integer(int32)` to `integer(int64)`");
    assert_eq!(count(&r, NON_BREAKING), 0, "{r}");
    assert_eq!(bumps(&r), (Bump::Major, Bump::Minor));
}

#[test]
fn narrowed_enum() {
    let r = report("narrowed-enum");
    expect(&r, BREAKING, "POST /contacts request body: field `source`", "enum value `import` removed");
    // A new response value parses into the generated enum's `Unknown` fallback: not breaking.
    let added =
        expect(&r, NON_BREAKING, "GET /contacts/{id} response 200: field `status`", "enum value `blocked` added");
    assert!(!added.docs_only);
    assert_eq!(count(&r, BREAKING), 1, "{r}");
    assert_eq!(bumps(&r), (Bump::Major, Bump::Minor));
}

#[test]
fn new_optional_field() {
    let r = report("new-optional-field");
    let c = expect(&r, NON_BREAKING, "POST /contacts request body: field `notes`", "new optional field");
    assert!(!c.docs_only);
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(bumps(&r), (Bump::Minor, Bump::Patch));
}

#[test]
fn new_operation() {
    let r = report("new-operation");
    expect(&r, NON_BREAKING, "PUT /contacts/{id}", "new operation");
    assert_eq!(r.changes.len(), 1, "{r}");
    assert_eq!(bumps(&r), (Bump::Minor, Bump::Patch));
}

#[test]
fn reversed_additions_are_removals() {
    let r = diff(&spec("new-optional-field", "new.yaml"), &spec("new-optional-field", "old.yaml"));
    expect(&r, BREAKING, "POST /contacts request body: field `notes`", "field removed");
    let r = diff(&spec("new-operation", "new.yaml"), &spec("new-operation", "old.yaml"));
    expect(&r, BREAKING, "PUT /contacts/{id}", "operation removed");
}

#[test]
fn docs_only() {
    let r = report("docs-only");
    expect(&r, NON_BREAKING, "GET /contacts", "summary changed");
    expect(&r, NON_BREAKING, "info", "description changed");
    expect(&r, NON_BREAKING, "GET /contacts/{id} response 404", "description changed");
    expect(&r, NON_BREAKING, "GET /contacts/{id} response 200: field `email`", "description changed");
    assert!(r.changes.iter().all(|c| c.docs_only && c.severity == NON_BREAKING), "{r}");
    assert_eq!(bumps(&r), (Bump::Patch, Bump::Patch));
}

#[test]
fn identical() {
    let r = report("identical");
    assert!(r.changes.is_empty(), "{r}");
    assert_eq!(bumps(&r), (Bump::None, Bump::None));
    assert!(r.to_string().contains("No changes."));
}

#[test]
fn renamed_path_parameter_still_matches_the_operation() {
    let r = report("renamed-path-param");
    assert!(r.changes.iter().all(|c| !c.message.contains("operation")), "{r}");
    let c = expect(&r, NON_BREAKING, "GET /contacts/{contactId} path parameter `contactId`", "renamed from `id`");
    assert!(c.docs_only, "positional arguments: only the name changes");
    assert_eq!(bumps(&r), (Bump::Patch, Bump::Patch));
}

#[test]
fn response_field_became_optional_or_nullable() {
    let r = report("response-optional");
    expect(&r, BREAKING, "GET /contacts/{id} response 200: field `name`", "readers now get an `Option`");
    expect(&r, BREAKING, "GET /contacts/{id} response 200: field `email`", "field became nullable");
    assert_eq!(count(&r, NON_BREAKING), 0, "{r}");
}

#[test]
fn constraints() {
    let r = report("constraints");
    expect(&r, BREAKING, "POST /contacts request body: field `name`", "maxLength tightened from `100` to `50`");
    expect(&r, BREAKING, "POST /contacts request body: field `email`", "pattern tightened");
    let loose = expect(&r, NON_BREAKING, "POST /contacts request body: field `tags`", "maxItems loosened");
    assert!(!loose.docs_only);
    // Response rules are not checked by the client: documentation only.
    let resp = expect(&r, NON_BREAKING, "GET /contacts/{id} response 200: field `name`", "maxLength tightened");
    assert!(resp.docs_only);
    assert_eq!(count(&r, BREAKING), 2, "{r}");
}

#[test]
fn parameters() {
    let r = report("parameters");
    expect(&r, BREAKING, "GET /contacts query parameter `q`", "new required parameter");
    expect(&r, BREAKING, "GET /contacts query parameter `limit`", "parameter removed");
    // Every parameter is a positional argument of the generated method.
    expect(&r, BREAKING, "GET /contacts header parameter `X-Trace`", "new optional parameter");
    assert_eq!(r.changes.len(), 3, "{r}");
}

#[test]
fn responses_security_and_servers() {
    let r = report("responses-security-servers");
    expect(&r, BREAKING, "POST /contacts response 201", "success response removed");
    expect(&r, NON_BREAKING, "POST /contacts response 200", "new response status");
    expect(&r, BREAKING, "GET /contacts/{id} response 404", "error response removed");
    expect(&r, BREAKING, "components.securitySchemes `apiKey`", "security scheme removed");
    expect(&r, BREAKING, "GET /contacts security", "from `apiKey | bearer` to `bearer`");
    let server = expect(&r, NON_BREAKING, "servers", "default base URL changed");
    assert!(server.message.contains("https://api.example.com/v2"));
}

#[test]
fn dangling_and_cyclic_refs_are_survived() {
    let r = report("robustness");
    expect(
        &r,
        NON_BREAKING,
        "/components/schemas/Contact/properties/phone",
        "unresolvable $ref `#/components/schemas/Missing`",
    );
    expect(&r, NON_BREAKING, "GET /contacts/{id} response 200: field `team`", "new field");
    // Deterministic: same input, same output.
    assert_eq!(r, report("robustness"));
}

#[test]
fn every_fixture_pair_diffs_without_panicking_and_sorted() {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let case = entry.unwrap().file_name().into_string().unwrap();
        specs.push(spec(&case, "old.yaml"));
        specs.push(spec(&case, "new.yaml"));
    }
    for a in &specs {
        for b in &specs {
            let r = diff(a, b);
            assert!(r.changes.windows(2).all(|w| w[0].severity <= w[1].severity), "breaking first:\n{r}");
            let _ = (r.to_string(), r.bump("0.1.0"));
        }
        assert!(diff(a, a).changes.is_empty(), "a document differs from itself");
    }
}

#[test]
fn display_groups_breaking_then_non_breaking_then_bump() {
    let text = report("narrowed-enum").to_string();
    let breaking = text.find("Breaking changes (1):").expect(&text);
    let non_breaking = text.find("Non-breaking changes (3):").expect(&text);
    let bump = text.find("Implied bump: major (minor while 0.x)").expect(&text);
    assert!(breaking < non_breaking && non_breaking < bump, "{text}");
    assert!(text.contains("POST /contacts request body: field `source`: enum value `import` removed"), "{text}");
    assert!(report("docs-only").to_string().contains("[docs]"));
}

#[test]
fn bump_reads_the_version() {
    let change = |severity, docs_only| Change { severity, location: "x".into(), message: "y".into(), docs_only };
    let breaking = Report { changes: vec![change(BREAKING, false), change(NON_BREAKING, true)] };
    assert_eq!(breaking.bump("v2.0.0"), Bump::Major);
    assert_eq!(breaking.bump("0.0.1"), Bump::Minor);
    // Unparsable: assume ≥ 1.0, the larger bump.
    assert_eq!(breaking.bump("not a version"), Bump::Major);
    let docs = Report { changes: vec![change(NON_BREAKING, true)] };
    assert_eq!((docs.bump("1.0.0"), docs.bump("0.1.0")), (Bump::Patch, Bump::Patch));
    assert_eq!(Report::default().bump("1.0.0"), Bump::None);
}

#[test]
fn pathological_sharing_terminates() {
    // Each level refers to the next twice, through properties and through `allOf`: 2^40 paths if walked naively.
    let mut yaml = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n");
    yaml += "      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/P0'}}}}\n";
    yaml += "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A0'}}}}}\n";
    yaml += "components:\n  schemas:\n";
    for i in 0..40 {
        let next = i + 1;
        yaml += &format!("    P{i}: {{type: object, properties: {{a: {{$ref: '#/components/schemas/P{next}'}}, b: {{$ref: '#/components/schemas/P{next}'}}}}}}\n");
        yaml += &format!("    A{i}: {{allOf: [{{$ref: '#/components/schemas/A{next}'}}, {{$ref: '#/components/schemas/A{next}'}}]}}\n");
    }
    yaml += "    P40: {type: string}\n    A40: {type: object, properties: {z: {type: string}}}\n";
    let old: OpenAPI = serde_yaml::from_str(&yaml).unwrap();
    let p5 = "P5: {type: object, properties: {";
    let new =
        yaml.replace("P40: {type: string}", "P40: {type: integer}").replace(p5, &format!("{p5}c: {{type: string}}, "));
    let new: OpenAPI = serde_yaml::from_str(&new).unwrap();
    let started = std::time::Instant::now();
    let r = diff(&old, &new);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    // Within the depth cap a change is still found, along every path to it; beyond it (P40) it is not.
    let c = "POST /x request body: field `a.a.a.a.a.c`";
    expect(&r, NON_BREAKING, c, "new optional field");
    assert!(!r.changes.iter().any(|c| c.message.contains("type changed")), "P40 is past the depth cap");
    assert!(diff(&old, &old).changes.is_empty());
}
