//! Rendered diagnostics, as the CLI prints them: file:line:column, the source line with the
//! place underlined, and the hint. Full text asserted.

use crate::diagnostic::{self, Style};
use crate::{build_model, load};
use std::path::PathBuf;

/// The tests' own temporary directory.
fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("oas-client-gen-diagnostics-{}", std::process::id()))
}

/// Writes `text` to a file of its own under the tests' temporary directory.
fn document(name: &str, text: &str) -> PathBuf {
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The warnings of `text` as the CLI prints them.
fn warnings(name: &str, text: &str) -> (PathBuf, String) {
    let path = document(name, text);
    let loaded = load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let (_, warnings) = build_model(&path, &loaded).unwrap_or_else(|e| panic!("{e}"));
    let rendered = diagnostic::warnings(&path, &warnings, Style::Plain);
    (path, rendered)
}

/// The error of `text` as the CLI prints it.
fn error(name: &str, text: &str) -> (PathBuf, String) {
    let path = document(name, text);
    let Err(e) = load::load_file(&path) else { panic!("{name} loads") };
    (path.clone(), diagnostic::error(&e, Style::Plain))
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n";

#[test]
fn unknown_parameter_location() {
    let text = format!(
        "{HEAD}      parameters:\n        - name: kind\n          in: qurey\n          schema: {{type: string}}\n      responses: {{}}\n"
    );
    let (path, got) = warnings("qurey.yaml", &text);
    let expected = format!(
        "warning: unknown parameter location `qurey` of `kind`: the parameter is left out
 --> {}:8:11
  |
8 |           in: qurey
  |           --------- #/paths/~1pets/get/parameters/0/in
  |
  = help: did you mean `query`?

",
        path.display()
    );
    assert_eq!(got, expected);
}

#[test]
fn unknown_type() {
    let text = format!(
        "{HEAD}      responses: {{}}\ncomponents:\n  schemas:\n    Pet:\n      properties:\n        tag: {{type: strin}}\n"
    );
    let (path, got) = warnings("strin.yaml", &text);
    let expected = format!(
        "warning: unknown type `strin`: dropped, so any JSON value is accepted here
  --> {}:11:15
   |
11 |         tag: {{type: strin}}
   |               ----------- #/components/schemas/Pet/properties/tag/type
   |
   = help: did you mean `string`?

",
        path.display()
    );
    assert_eq!(got, expected);
}

#[test]
fn yaml_syntax_error() {
    let (path, got) = error("syntax.yaml", &format!("{HEAD}      operationId: a\n     responses: {{}}\n"));
    let expected = format!(
        "error: invalid YAML: did not find expected key at line 7 column 6, while parsing a block mapping at line 5 column 5
 --> {}:7:6
  |
7 |      responses: {{}}
  |      ^
  |

",
        path.display()
    );
    assert_eq!(got, expected);
}

#[test]
fn json_syntax_error() {
    let (path, got) =
        error("syntax.json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"t\" \"version\": \"1\"}\n}\n");
    let expected = format!(
        "error: invalid JSON: expected `,` or `}}` at line 3 column 25
 --> {}:3:25
  |
3 |   \"info\": {{\"title\": \"t\" \"version\": \"1\"}}
  |                         ^
  |

",
        path.display()
    );
    assert_eq!(got, expected);
}

#[test]
fn a_located_error_in_a_json_document() {
    let text =
        "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"paths\": {\"/a\": {\"get\": \
                {\"responses\": {\"200\": {\"$ref\": \"#/components/responses/Gone\"}}}}}}\n";
    let path = document("dangling.json", text);
    let loaded = load::load_file(&path).unwrap();
    let Err(e) = build_model(&path, &loaded) else { panic!("a dangling $ref is an error") };
    let expected = format!(
        "error: dangling $ref `#/components/responses/Gone`: no such entry in components/responses
 --> {}:2:41
  |
2 |  \"paths\": {{\"/a\": {{\"get\": {{\"responses\": {{\"200\": {{\"$ref\": \"#/components/responses/Gone\"}}}}}}}}}}}}
  |                                         ^^^^^ #/paths/~1a/get/responses/200
  |

",
        path.display()
    );
    assert_eq!(diagnostic::error(&e, Style::Plain), expected);
    // The one-line form library users (and build scripts) print is unchanged.
    assert_eq!(
        e.to_string(),
        format!(
            "{}: at #/paths/~1a/get/responses/200: dangling $ref `#/components/responses/Gone`: no such entry in components/responses",
            path.display()
        )
    );
}

#[test]
fn without_a_place_in_the_source() {
    let missing = temp_dir().join("missing.yaml");
    let Err(e) = load::load_file(&missing) else { panic!("a missing file loads") };
    let got = diagnostic::error(&e, Style::Plain);
    let expected = format!(
        "error: cannot read the document: No such file or directory (os error 2)\n = note: in {}\n\n",
        missing.display()
    );
    assert_eq!(got, expected);
}
