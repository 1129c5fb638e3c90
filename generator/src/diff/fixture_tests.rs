//! Spec diffs: one fixture pair per kind of change under `tests/fixtures/diff/<case>/{old,new}.yaml`,
//! each a small edit of the same contacts API. `tests/semver.rs` of the contract tests checks every
//! pair's verdict against cargo-semver-checks on the two generated crates.

use super::{diff, diff_files, Bump, Change, Kind, Report};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> =
        std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    cases.sort();
    cases
}

fn model(path: &Path) -> crate::model::Api {
    let loaded = crate::load::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    crate::build_model(path, &loaded).unwrap_or_else(|e| panic!("{e}")).0
}

fn report(case: &str) -> Report {
    let dir = fixtures().join(case);
    diff_files(&dir.join("old.yaml"), &dir.join("new.yaml")).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Asserts a change of `kind` at exactly `item` whose message contains `message`.
fn expect<'r>(r: &'r Report, kind: Kind, item: &str, message: &str) -> &'r Change {
    r.changes
        .iter()
        .find(|c| c.kind == kind && c.item == item && c.message.contains(message))
        .unwrap_or_else(|| panic!("no {kind:?} change `{item}`: `{message}` in:\n{r}"))
}

fn only(r: &Report, kind: Kind, item: &str, message: &str) {
    expect(r, kind, item, message);
    assert_eq!(r.changes.len(), 1, "{r}");
}

/// Every pair's bump for a crate at 1.0.0: major = breaking, minor = additions or changes,
/// patch = documentation only, none = nothing for users. A new pair must be added here.
const VERDICTS: &[(&str, Bump)] = &[
    ("closed-enum", Bump::Major),
    ("constraints", Bump::Major),
    ("docs-only", Bump::Patch),
    ("identical", Bump::None),
    ("narrowed-enum", Bump::Major),
    ("narrowed-type", Bump::Major),
    ("new-enum-value", Bump::Minor),
    ("new-open-enum-value", Bump::Minor),
    ("new-operation", Bump::Minor),
    ("new-optional-field", Bump::Minor),
    ("new-optional-param", Bump::Minor),
    ("new-required-field", Bump::Minor),
    ("new-required-param", Bump::Major),
    ("new-status", Bump::Minor),
    ("new-status-inline-body", Bump::Minor),
    ("new-success-status", Bump::Major),
    ("newly-required-field", Bump::Major),
    ("param-became-required", Bump::Major),
    ("parameters", Bump::Major),
    ("removed-field", Bump::Major),
    ("removed-operation", Bump::Major),
    ("removed-status", Bump::Major),
    ("renamed-field", Bump::Major),
    ("renamed-operation", Bump::Major),
    ("renamed-path-param", Bump::Patch),
    ("response-optional", Bump::Major),
    ("responses-security-servers", Bump::Major),
    ("robustness", Bump::Minor),
    ("security-per-operation", Bump::Minor),
    ("security-scheme", Bump::Major),
    ("server-changed", Bump::Minor),
    ("server-removed", Bump::Major),
];

#[test]
fn every_pair_has_its_verdict() {
    let listed: Vec<&str> = VERDICTS.iter().map(|(c, _)| *c).collect();
    assert_eq!(cases(), listed, "fixture directories and VERDICTS differ");
    let wrong: Vec<String> = VERDICTS
        .iter()
        .map(|(case, want)| (case, want, report(case)))
        .filter(|(_, want, r)| r.bump("1.0.0") != **want)
        .map(|(case, want, r)| format!("{case}: want {want}, got {}:\n{r}", r.bump("1.0.0")))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn operations() {
    only(&report("removed-operation"), Kind::Breaking, "Client::delete_contact", "removed (`DELETE /contacts/{id}`)");
    only(&report("new-operation"), Kind::Added, "Client::replace_contact", "new operation `PUT /contacts/{id}`");
    let r = report("renamed-operation");
    expect(&r, Kind::Breaking, "Client::fetch_contact", "renamed from `Client::get_contact`");
    expect(&r, Kind::Breaking, "Client::fetch_contact", "error type is `FetchContactError`");
    // Operations are matched by id, then by route: a renamed path variable is the same operation.
    let r = report("renamed-path-param");
    expect(&r, Kind::Docs, "Client::get_contact(contact_id)", "argument renamed from `id`");
    assert!(r.changes.iter().all(|c| c.kind == Kind::Docs), "positional arguments: only the name changes\n{r}");
}

#[test]
fn parameters() {
    only(&report("new-optional-param"), Kind::Added, "client::ListContacts::q", "new optional parameter `q`");
    only(&report("new-required-param"), Kind::Breaking, "Client::list_contacts(q)", "a new argument");
    only(&report("param-became-required"), Kind::Breaking, "Client::list_contacts(limit)", "now required");
    let r = report("parameters");
    expect(&r, Kind::Breaking, "Client::list_contacts(q)", "new required parameter");
    expect(&r, Kind::Breaking, "client::ListContacts::limit", "removed with its setter");
    expect(&r, Kind::Added, "client::ListContacts::x_trace", "new optional parameter `X-Trace`");
    assert_eq!(r.changes.len(), 3, "{r}");
}

#[test]
fn fields() {
    only(&report("new-optional-field"), Kind::Added, "types::NewContact.notes", "`Option<String>`");
    // `Contact` is only received: it has no constructor, so a new field takes nothing from callers.
    only(&report("new-required-field"), Kind::Added, "types::Contact.created_at", "new required field: `String`");
    let r = report("newly-required-field");
    expect(&r, Kind::Breaking, "types::NewContact.email", "now required");
    expect(&r, Kind::Breaking, "types::NewContact.company", "new required field");
    assert_eq!(r.changes.len(), 2, "{r}");
    let r = report("removed-field");
    // Response types and request types alike: each type is compared once, wherever it is used.
    expect(&r, Kind::Breaking, "types::Contact.phone", "field removed");
    expect(&r, Kind::Breaking, "types::NewContact.age", "field removed");
    assert_eq!(r.changes.len(), 2, "{r}");
    let renamed = "renamed from `types::Contact.phone` (`phone` → `phoneNumber` on the wire)";
    only(&report("renamed-field"), Kind::Breaking, "types::Contact.phone_number", renamed);
    let r = report("narrowed-type");
    expect(&r, Kind::Breaking, "types::NewContact.age", "from `Option<f64>` to `Option<i64>`");
    expect(&r, Kind::Breaking, "client::ListContacts::limit", "from `i32` to `i64`");
    let r = report("response-optional");
    expect(&r, Kind::Breaking, "types::Contact.name", "now optional: type changes from `String` to `Option<String>`");
    expect(&r, Kind::Breaking, "types::Contact.email", "from `Option<String>` to `rt::Nullable<String>`");
    only(&report("robustness"), Kind::Added, "types::Contact.team", "`Option<Vec<Contact>>`");
}

#[test]
fn enums() {
    only(&report("new-enum-value"), Kind::Added, "types::Status::Blocked", "new value `blocked`");
    only(&report("new-open-enum-value"), Kind::Added, "types::NewContactChannel::Email", "new value `email`");
    let r = report("narrowed-enum");
    expect(&r, Kind::Breaking, "types::NewContactSource::Import", "a request can no longer send it");
    expect(&r, Kind::Added, "types::Status::Blocked", "new value");
    // Same variants, but a request now refuses what it sent before.
    only(&report("closed-enum"), Kind::Breaking, "types::NewContactChannel", "requests refuse `Unknown(..)`");
}

#[test]
fn responses() {
    only(&report("new-status"), Kind::Added, "types::GetContactError::Gone", "HTTP 410 now documented");
    only(&report("removed-status"), Kind::Breaking, "types::GetContactError::NotFound", "variant removed");
    // A second success body turns the output into a success enum.
    let r = report("new-success-status");
    expect(&r, Kind::Breaking, "Client::create_contact", "returns `Response<CreateContactSuccess>`");
    // The success's inline body keeps its name when a failure status is documented.
    only(&report("new-status-inline-body"), Kind::Added, "types::DeleteContactError::Conflict", "new variant");
    let r = report("responses-security-servers");
    expect(&r, Kind::Breaking, "types::GetContactError::NotFound", "variant removed");
    expect(&r, Kind::Added, "types::GetContactError::Conflict", "new variant");
    // 201 → 200 with the same body: every 2xx decodes as `Contact` either way.
    expect(&r, Kind::Docs, "Client::create_contact", "HTTP 201 no longer a documented success");
    // The removed security scheme was not the first: the constructors stay as they are.
    assert!(!r.changes.iter().any(|c| c.item.contains("with_base_url")), "{r}");
}

#[test]
fn servers_security_rules_and_docs() {
    only(&report("server-changed"), Kind::Changed, "Client::DEFAULT_BASE_URL", "now `https://contacts.example.com/v1`");
    only(&report("server-removed"), Kind::Breaking, "Client::new", "removed");
    only(&report("security-scheme"), Kind::Breaking, "Client::new, Client::with_base_url", "take a username");
    only(&report("security-per-operation"), Kind::Changed, "Client::get_contact", "no longer sends credentials");
    let r = report("constraints");
    expect(&r, Kind::Breaking, "types::NewContact.name", "tighter rules: maxLength 50 (was maxLength 100)");
    expect(&r, Kind::Breaking, "types::NewContact.email", "tighter rules: pattern");
    expect(&r, Kind::Changed, "types::NewContact.tags", "looser rules: maxItems 20 (was maxItems 10)");
    // `Contact` is never sent: its rules are not checked, so changing them changes nothing.
    assert_eq!(r.changes.len(), 3, "{r}");
    let r = report("docs-only");
    expect(&r, Kind::Docs, "Client::list_contacts", "summary changed");
    expect(&r, Kind::Docs, "module docs", "description changed");
    expect(&r, Kind::Docs, "types::GetContactError::NotFound", "HTTP 404 description changed");
    expect(&r, Kind::Docs, "types::Contact.email", "description changed");
    assert!(r.changes.iter().all(|c| c.kind == Kind::Docs), "{r}");
    let r = report("identical");
    assert!(r.changes.is_empty() && r.to_string().contains("No changes."), "{r}");
}

#[test]
fn reversed_additions_are_removals() {
    for (case, item) in [
        ("new-optional-field", "types::NewContact.notes"),
        ("new-operation", "Client::replace_contact"),
        ("new-enum-value", "types::Status::Blocked"),
        ("new-status", "types::GetContactError::Gone"),
        ("new-optional-param", "client::ListContacts::q"),
    ] {
        let dir = fixtures().join(case);
        let r = diff_files(&dir.join("new.yaml"), &dir.join("old.yaml")).unwrap();
        expect(&r, Kind::Breaking, item, "");
    }
}

#[test]
fn every_pair_both_ways_is_sorted_and_nothing_differs_from_itself() {
    let mut models = Vec::new();
    for case in cases() {
        models.push(model(&fixtures().join(&case).join("old.yaml")));
        models.push(model(&fixtures().join(&case).join("new.yaml")));
    }
    for a in &models {
        for b in &models {
            let r = diff(a, b);
            assert!(r.changes.windows(2).all(|w| w[0] < w[1]), "sorted, without duplicates:\n{r}");
        }
        assert!(diff(a, a).changes.is_empty(), "a model differs from itself");
    }
}

#[test]
fn text_and_markdown() {
    let r = report("responses-security-servers");
    let text = r.to_string();
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no `{s}` in:\n{text}"));
    assert!(at("Breaking (1):") < at("Added (1):") && at("Added (1):") < at("Changed (1):"), "{text}");
    assert!(at("Changed (1):") < at("Docs (2):") && at("Docs (2):") < at("Implied bump: major (minor while 0.x)"));
    assert!(text.contains("  - types::GetContactError::NotFound: HTTP 404 no longer documented"), "{text}");
    let md = r.markdown("0.3.1");
    assert!(md.starts_with("## [0.4.0]\n\n### Breaking\n\n- `types::GetContactError::NotFound`: HTTP 404"), "{md}");
    for section in ["\n### Added\n\n- `types::GetContactError::Conflict`", "\n### Changed\n", "\n### Docs\n"] {
        assert!(md.contains(section), "{section} in:\n{md}");
    }
    assert_eq!(report("docs-only").markdown("1.0.0").lines().next(), Some("## [1.0.1]"));
    assert!(report("identical").markdown("1.0.0").contains("No changes for users"));
}

#[test]
fn a_document_the_generator_refuses_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("oas-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = fixtures().join("identical/old.yaml");
    let text = std::fs::read_to_string(&old).unwrap();
    let bad = dir.join("dangling.yaml");
    std::fs::write(&bad, text.replace("$ref: \"#/components/schemas/Status\"", "$ref: \"#/components/schemas/Gone\""))
        .unwrap();
    let e = diff_files(&old, &bad).expect_err("a dangling $ref is an error").to_string();
    assert!(e.contains("dangling.yaml") && e.contains("#/components/schemas/Contact/properties/status"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn widely_shared_schemas_are_compared_once_each() {
    // Each level refers to the next twice: 2^40 paths if walked naively, 41 types compared by name
    // here. (`build` itself is exponential in nested `allOf`s that share parts, so only properties.)
    let mut yaml = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n");
    yaml += "      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/P0'}}}}\n";
    yaml += "      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n";
    for i in 0..40 {
        let next = format!("{{$ref: '#/components/schemas/P{}'}}", i + 1);
        yaml += &format!("    P{i}: {{type: object, properties: {{a: {next}, b: {next}}}}}\n");
    }
    yaml += "    P40: {type: object, properties: {v: {type: string}}}\n";
    let p5 = "P5: {type: object, properties: {";
    let changed =
        yaml.replace("v: {type: string}", "v: {type: integer}").replace(p5, &format!("{p5}c: {{type: string}}, "));
    let model = |text: &str| {
        let path = Path::new("shared.yaml");
        let loaded = crate::load::load_str(path, text).unwrap();
        crate::build_model(path, &loaded).unwrap().0
    };
    let (old, new) = (model(&yaml), model(&changed));
    let started = std::time::Instant::now();
    let r = diff(&old, &new);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
    // Found however deep, and once.
    expect(&r, Kind::Breaking, "types::P40.v", "from `Option<String>` to `Option<i64>`");
    expect(&r, Kind::Added, "types::P5.c", "new optional field");
    assert_eq!(r.changes.len(), 2, "{r}");
}

#[test]
fn a_property_named_extra_moves_the_catch_all_and_the_diff_names_each() {
    let doc = |props: &str, additional: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /notes:\n    get:\n      responses:\n        \
             '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Note'}}}}}}}}\n\
             components:\n  schemas:\n    Note: {{type: object, properties: {{id: {{type: string}}{props}}}{additional}}}\n"
        )
    };
    let model = |text: &str| {
        let path = Path::new("notes.yaml");
        let loaded = crate::load::load_str(path, text).unwrap_or_else(|e| panic!("{e}"));
        crate::build_model(path, &loaded).unwrap_or_else(|e| panic!("{e}")).0
    };
    let catch_all = |api: &crate::model::Api| {
        let plan = crate::plan::plan(api);
        let note = plan.types.iter().find(|t| t.def.name == "Note").expect("Note is planned");
        match &note.shape {
            crate::plan::Shape::Struct(s) => s.catch_all.as_ref().map(|c| format!("{}: {}", c.name, c.ty)),
            _ => panic!("Note is a struct"),
        }
    };
    let plain = model(&doc("", ""));
    let with_extra = model(&doc(", extra: {type: string}", ""));
    // The plan decides the catch-all's name: the property keeps `extra`, the catch-all moves aside,
    // the same way whatever the order of the properties.
    assert_eq!(catch_all(&plain).as_deref(), Some("extra: rt::Extra"));
    assert_eq!(catch_all(&with_extra).as_deref(), Some("extra2: rt::Extra"));
    let reordered = model(&doc("", "").replace("{id: {type: string}}", "{extra: {type: string}, id: {type: string}}"));
    assert_eq!(catch_all(&reordered).as_deref(), Some("extra2: rt::Extra"));

    let r = diff(&plain, &with_extra);
    expect(&r, Kind::Added, "types::Note.extra", "new optional field: `Option<String>`");
    expect(
        &r,
        Kind::Breaking,
        "types::Note.extra2",
        "undeclared properties: `extra2: rt::Extra` (was `extra: rt::Extra`)",
    );
    assert_eq!(r.changes.len(), 2, "{r}");

    // Changes to either are reported under its own name.
    let retyped = model(&doc(", extra: {type: integer}", ", additionalProperties: {type: integer}"));
    let r = diff(&with_extra, &retyped);
    expect(&r, Kind::Breaking, "types::Note.extra", "from `Option<String>` to `Option<i64>`");
    expect(&r, Kind::Breaking, "types::Note.extra2", "`extra2: rt::Extra<i64>` (was `extra2: rt::Extra`)");
    assert_eq!(r.changes.len(), 2, "{r}");
}
