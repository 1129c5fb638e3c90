//! Bundling: every `$ref` of a document made one the builder follows (`#/components/<kind>/<name>`),
//! on the JSON tree, before normalization.
//!
//! A `$ref` may point anywhere in the document (`#/paths/~1a/get/…`, a property of a component),
//! with `~0`, `~1` and percent-encoded tokens, or into another file relative to the referring one
//! (YAML or JSON, which may refer on). A schema so reached is hoisted into `components/schemas`
//! under a name derived from where it is, once per target: two references share one type, and
//! recursion (also across files) stays a reference by name. Path items, callbacks, parameters,
//! bodies, responses and examples are inlined; an inlining that comes back to itself is an error.
//! Remote references (`https://…`) are left as they are, for the builder to report.

use crate::error::Error;
use crate::load::parse_tree;
use crate::naming::type_name;
use crate::normalize::{child, Child, Kind};
use crate::pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Nesting limit of the walk (normalization notes anything deeper) and of reference chains.
const MAX_DEPTH: usize = 256;

/// A place in one of the files: the file's index and a JSON pointer (`/a/b`, escaped) into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Loc {
    file: usize,
    pointer: String,
}

impl Loc {
    fn child(&self, token: &str) -> Loc {
        Loc { file: self.file, pointer: pointer::child(&self.pointer, token) }
    }
}

/// What a `$ref` string names.
enum Target {
    /// A place in the root document or a local file.
    Local(Loc),
    /// A URL or a fragment that is not a JSON pointer: left for the builder to report.
    Elsewhere,
}

struct File {
    path: PathBuf,
    tree: Value,
}

struct Bundler {
    /// The root document (index 0, as it was read) and every file referred to.
    files: Vec<File>,
    /// Canonical path → index in `files`.
    by_path: HashMap<PathBuf, usize>,
    /// Hoisted schema → its name in `components/schemas`, and the order they were named in.
    names: HashMap<Loc, String>,
    hoisted: Vec<Loc>,
    /// Names taken in `components/schemas`.
    taken: BTreeSet<String>,
    /// What is being inlined, outermost first (a cycle comes back to one of them).
    inlining: Vec<Loc>,
}

/// Rewrites `doc` (read from `path`) so that every `$ref` it follows names a component of the
/// document itself. A document whose references already all do is left untouched.
pub fn bundle(path: &Path, doc: &mut Value) -> Result<(), Error> {
    if !needs_bundling(doc) {
        return Ok(());
    }
    let taken = doc.pointer("/components/schemas").and_then(Value::as_object);
    let taken = taken.map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut b = Bundler {
        files: vec![File { path: path.to_path_buf(), tree: doc.clone() }],
        by_path: HashMap::new(),
        names: HashMap::new(),
        hoisted: Vec::new(),
        taken,
        inlining: Vec::new(),
    };
    if let Ok(canonical) = std::fs::canonicalize(path) {
        b.by_path.insert(canonical, 0);
    }
    // A first pass names every hoisted schema; the second then replaces each of them, wherever it
    // is met (also before the reference to it), by a reference to its one component.
    b.run(&mut doc.clone())?;
    b.run(doc)
}

/// Whether some `$ref` is not already `#/components/<section>/<name>`, plainly spelt.
fn needs_bundling(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, v)| match (k.as_str(), v) {
            ("$ref", Value::String(r)) => {
                !(r.starts_with("#/components/") && r.matches('/').count() == 3 && !r.contains('%'))
            }
            _ => needs_bundling(v),
        }),
        Value::Array(items) => items.iter().any(needs_bundling),
        _ => false,
    }
}

impl Bundler {
    fn run(&mut self, doc: &mut Value) -> Result<(), Error> {
        let root = Loc { file: 0, pointer: String::new() };
        let Value::Object(map) = doc else { return Ok(()) };
        // Components first, so that a component that is only a reference to another file takes
        // the name of what it refers to.
        let mut keys: Vec<String> = map.keys().cloned().collect();
        keys.sort_by_key(|k| k != "components");
        for key in keys {
            if let (Some(Child::One(kind)), Some(v)) = (child(Kind::Doc, &key), map.get_mut(&key)) {
                self.walk(kind, v, &root.child(&key), 0)?;
            } else if let (Some(Child::Map(kind)), Some(Value::Object(items))) =
                (child(Kind::Doc, &key), map.get_mut(&key))
            {
                for (name, item) in items.iter_mut().filter(|(name, _)| !name.starts_with("x-")) {
                    self.walk(kind, item, &root.child(&key).child(name), 1)?;
                }
            }
        }
        let mut i = 0;
        while let Some(at) = self.hoisted.get(i).cloned() {
            let mut schema = self.files[at.file].tree.pointer(&at.pointer).cloned().unwrap_or_default();
            self.walk_home(&mut schema, &at)?;
            let name = self.names[&at].clone();
            let components = map.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(schemas) = schemas {
                    schemas.insert(name, schema);
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// Walks a hoisted schema's copy: its top is the component itself, not a reference to it.
    fn walk_home(&mut self, schema: &mut Value, at: &Loc) -> Result<(), Error> {
        if schema.get("$ref").is_some_and(Value::is_string) {
            return self.reference(Kind::Schema, schema, at, 0);
        }
        self.children(Kind::Schema, schema, at, 0)
    }

    /// One object of kind `kind`, at `at` in its own file.
    fn walk(&mut self, kind: Kind, v: &mut Value, at: &Loc, depth: usize) -> Result<(), Error> {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        if kind == Kind::Schema {
            if let Some(name) = self.names.get(at) {
                *v = serde_json::json!({ "$ref": component_ref("schemas", name) });
                return Ok(());
            }
        }
        if v.get("$ref").is_some_and(Value::is_string) {
            return self.reference(kind, v, at, depth);
        }
        self.children(kind, v, at, depth)
    }

    fn children(&mut self, kind: Kind, v: &mut Value, at: &Loc, depth: usize) -> Result<(), Error> {
        let Value::Object(map) = v else { return Ok(()) };
        for (key, value) in map.iter_mut() {
            let here = at.child(key);
            match child(kind, key) {
                Some(Child::One(k)) => self.walk(k, value, &here, depth + 1)?,
                Some(Child::Map(k)) => {
                    for (name, item) in value.as_object_mut().into_iter().flatten() {
                        if k == Kind::Schema || !name.starts_with("x-") {
                            self.walk(k, item, &here.child(name), depth + 1)?;
                        }
                    }
                }
                Some(Child::List(k)) => {
                    for (i, item) in value.as_array_mut().into_iter().flatten().enumerate() {
                        self.walk(k, item, &here.child(&i.to_string()), depth + 1)?;
                    }
                }
                // Named examples are data once found: inlined, not walked.
                None if key == "examples" && matches!(kind, Kind::Media | Kind::Param) => {
                    for (name, item) in value.as_object_mut().into_iter().flatten() {
                        let reference = item.get("$ref").and_then(Value::as_str).map(str::to_string);
                        let at = here.child(name);
                        if let Some(target) = reference.map(|r| self.resolve(&at, &r)).transpose()?.flatten() {
                            match component_of(&target, "examples") {
                                Some(name) => item["$ref"] = component_ref("examples", &name),
                                None => self.inline(item, &at, &target)?,
                            }
                        }
                    }
                }
                None => {}
            }
        }
        Ok(())
    }

    /// A `$ref` object of kind `kind` at `at`: a schema is hoisted, anything else inlined.
    fn reference(&mut self, kind: Kind, v: &mut Value, at: &Loc, depth: usize) -> Result<(), Error> {
        let reference = v["$ref"].as_str().unwrap_or_default().to_string();
        let section = match kind {
            Kind::Schema => "schemas",
            Kind::Param if reference.contains("/headers/") => "headers",
            Kind::Param => "parameters",
            Kind::Body => "requestBodies",
            Kind::Response => "responses",
            _ => "",
        };
        let Some(target) = self.resolve(at, &reference)? else { return Ok(()) };
        if let Some(name) = component_of(&target, section) {
            v["$ref"] = component_ref(section, &name);
            return Ok(());
        }
        if kind != Kind::Schema {
            self.inline(v, at, &target)?;
            self.inlining.push(target.clone());
            let walked = self.walk(kind, v, &target, depth + 1);
            self.inlining.pop();
            return walked;
        }
        let own = component_of(at, "schemas");
        let name = match self.names.get(&target) {
            Some(name) => name.clone(),
            None => {
                // A component that only refers elsewhere adopts its target under its own name.
                let name = match &own {
                    Some(own) if v.as_object().is_some_and(|m| m.len() == 1) => own.clone(),
                    _ => self.new_name(&target),
                };
                self.taken.insert(name.clone());
                self.names.insert(target.clone(), name.clone());
                self.hoisted.push(target);
                name
            }
        };
        // An adopting component is written over when its target is hoisted.
        if own.is_none_or(|own| own != name) {
            v["$ref"] = component_ref("schemas", &name);
        }
        Ok(())
    }

    /// Replaces the `$ref` object `v` at `at` by a copy of `target`, keeping the sibling keys the
    /// target does not have.
    fn inline(&mut self, v: &mut Value, at: &Loc, target: &Loc) -> Result<(), Error> {
        if let Some(start) = self.inlining.iter().position(|l| l == target) {
            let chain: Vec<String> = self.inlining[start..].iter().chain([target]).map(|l| self.show(l)).collect();
            return Err(self.error(at, format!("cyclic $ref: {}", chain.join(" → "))));
        }
        let mut copy = self.files[target.file].tree.pointer(&target.pointer).cloned().unwrap_or_default();
        if let (Value::Object(copy), Value::Object(siblings)) = (&mut copy, &*v) {
            for (k, s) in siblings.iter().filter(|(k, _)| *k != "$ref") {
                copy.entry(k.clone()).or_insert_with(|| s.clone());
            }
        }
        *v = copy;
        Ok(())
    }

    /// The place `reference` (written at `at`) ends at, through any chain of references to
    /// references short of a component of the root document; `None` for one not followed here.
    fn resolve(&mut self, at: &Loc, reference: &str) -> Result<Option<Loc>, Error> {
        let Target::Local(target) = self.target(at, reference)? else { return Ok(None) };
        let mut here = self.locate(at, target, 0)?;
        let mut seen = Vec::new();
        while !is_component(&here) && !seen.contains(&here) {
            let node = self.files[here.file].tree.pointer(&here.pointer).and_then(Value::as_object);
            let next = node.filter(|m| m.len() == 1).and_then(|m| m.get("$ref")?.as_str()).map(str::to_string);
            let Some(next) = next else { break };
            let Target::Local(next) = self.target(&here, &next)? else { break };
            seen.push(here);
            here = self.locate(at, next, 0)?;
        }
        Ok(Some(here))
    }

    /// What `reference`, written in the file of `at`, names.
    fn target(&mut self, at: &Loc, reference: &str) -> Result<Target, Error> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = decode(fragment);
        if is_remote(reference) || !(fragment.is_empty() || fragment.starts_with('/')) {
            return Ok(Target::Elsewhere);
        }
        let file = if file_part.is_empty() { at.file } else { self.open(at, &decode(file_part))? };
        // Re-escaped token by token, so that one place has one spelling.
        let tokens: Vec<String> = pointer::tokens(&fragment).collect();
        let pointer = tokens.iter().fold(String::new(), |p, t| pointer::child(&p, t));
        Ok(Target::Local(Loc { file, pointer }))
    }

    /// The index of the file `relative` names (relative to the file of `at`), read on first use.
    fn open(&mut self, at: &Loc, relative: &str) -> Result<usize, Error> {
        let base = self.files[at.file].path.parent().unwrap_or(Path::new(""));
        let path = base.join(relative);
        let canonical = std::fs::canonicalize(&path)
            .map_err(|e| self.error(at, format!("cannot read `{relative}` ({}): {e}", path.display())))?;
        if let Some(&i) = self.by_path.get(&canonical) {
            return Ok(i);
        }
        let text = std::fs::read_to_string(&canonical)
            .map_err(|e| self.error(at, format!("cannot read `{relative}` ({}): {e}", path.display())))?;
        let tree = parse_tree(&path, &text)?;
        self.files.push(File { path, tree });
        self.by_path.insert(canonical, self.files.len() - 1);
        Ok(self.files.len() - 1)
    }

    /// Where `target` (named from `at`) is: a pointer that passes through a `$ref` goes on at
    /// what that refers to.
    fn locate(&mut self, at: &Loc, target: Loc, depth: usize) -> Result<Loc, Error> {
        if depth > MAX_DEPTH {
            return Err(self.error(at, format!("$ref `{}` is cyclic or too long a chain", self.show(&target))));
        }
        let mut here = Loc { file: target.file, pointer: String::new() };
        for token in pointer::tokens(&target.pointer) {
            loop {
                let node = self.files[here.file].tree.pointer(&here.pointer);
                let found = match node {
                    Some(Value::Object(m)) => m.contains_key(&token),
                    Some(Value::Array(items)) => token.parse::<usize>().is_ok_and(|i| i < items.len()),
                    _ => false,
                };
                if found {
                    here = here.child(&token);
                    break;
                }
                let through = node.and_then(|n| n.get("$ref")).and_then(Value::as_str).map(str::to_string);
                let Some(reference) = through else {
                    return Err(
                        self.error(at, format!("dangling $ref `{}`: there is no such place", self.show(&target)))
                    );
                };
                match self.target(&here, &reference)? {
                    Target::Local(next) => here = self.locate(at, next, depth + 1)?,
                    Target::Elsewhere => {
                        return Err(self.error(
                            at,
                            format!(
                                "$ref `{}` passes through `{reference}`, which is not followed",
                                self.show(&target)
                            ),
                        ))
                    }
                }
            }
        }
        if self.files[here.file].tree.pointer(&here.pointer).is_none() {
            return Err(self.error(at, format!("dangling $ref `{}`: there is no such place", self.show(&target))));
        }
        Ok(here)
    }

    /// A readable, deterministic component name for a hoisted schema, from where it is.
    fn new_name(&self, target: &Loc) -> String {
        let words: Vec<String> = pointer::tokens(&target.pointer).filter_map(|t| word(&t)).collect();
        let stem = self.files[target.file].path.file_stem().map(|s| s.to_string_lossy().to_string());
        let mut candidates = Vec::new();
        if !words.is_empty() {
            candidates.push(type_name(&words.join(" ")));
        }
        if target.file != 0 {
            let stem = stem.unwrap_or_default();
            candidates.push(type_name(
                &[stem.as_str()].into_iter().chain(words.iter().map(String::as_str)).collect::<Vec<_>>().join(" "),
            ));
        }
        if candidates.is_empty() {
            candidates.push("Document".into());
        }
        if let Some(free) = candidates.iter().find(|c| !self.taken.contains(*c)) {
            return free.clone();
        }
        let last = candidates.pop().unwrap_or_default();
        (2..).map(|n| format!("{last}{n}")).find(|c| !self.taken.contains(c)).unwrap_or(last)
    }

    /// `file#/pointer`, as errors show a place.
    fn show(&self, at: &Loc) -> String {
        format!("{}#{}", self.files[at.file].path.display(), at.pointer)
    }

    /// An error at the `$ref` at `at`, naming its file and pointer.
    fn error(&self, at: &Loc, message: String) -> Error {
        Error::new(&self.files[at.file].path, format!("#{}", at.pointer), message)
    }
}

/// The word a pointer token adds to a hoisted schema's name (structural keywords and media types
/// add none).
fn word(token: &str) -> Option<String> {
    const STRUCTURE: &[&str] = &[
        "components",
        "schemas",
        "paths",
        "properties",
        "content",
        "schema",
        "responses",
        "requestBody",
        "requestBodies",
        "parameters",
        "headers",
        "definitions",
        "$defs",
        "allOf",
        "oneOf",
        "anyOf",
    ];
    match token {
        t if STRUCTURE.contains(&t) => None,
        "items" => Some("Item".into()),
        "additionalProperties" => Some("Value".into()),
        t if t.starts_with('/') => Some(t.to_string()),
        t if t.contains('/') => None,
        t => Some(t.to_string()),
    }
}

/// The name of the component `at` is, when it is a direct child of `components/<section>` of the
/// root document.
fn component_of(at: &Loc, section: &str) -> Option<String> {
    let tokens: Vec<String> = pointer::tokens(&at.pointer).collect();
    match tokens.as_slice() {
        [c, s, name] if at.file == 0 && c == "components" && s == section => Some(name.clone()),
        _ => None,
    }
}

/// Whether `at` is a direct child of a `components` section of the root document.
fn is_component(at: &Loc) -> bool {
    let mut tokens = pointer::tokens(&at.pointer);
    at.file == 0 && tokens.next().is_some_and(|t| t == "components") && tokens.count() == 2
}

/// `#/components/<section>/<name>`, escaped.
fn component_ref(section: &str, name: &str) -> Value {
    Value::String(pointer::child(&format!("#/components/{section}"), name))
}

/// Whether `reference` is a URL (`https://…`, `urn:…`): another document, which is not fetched.
/// A one-letter scheme is a Windows drive (`C:\\…`), a local file.
pub fn is_remote(reference: &str) -> bool {
    let file_part = reference.split('#').next().unwrap_or_default();
    file_part.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Percent-decodes a reference's part; one that does not decode to UTF-8 stays as written.
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().map(|c| c.into_owned()).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Writes `files` (name → YAML) into a fresh directory and bundles the first.
    fn bundled(test: &str, files: &[(&str, &str)]) -> Result<Value, Error> {
        let dir = std::env::temp_dir().join(format!("oas-bundle-{}-{test}", std::process::id()));
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let root = dir.join(files[0].0);
        let mut tree = parse_tree(&root, files[0].1)?;
        let result = bundle(&root, &mut tree).map(|()| tree);
        std::fs::remove_dir_all(&dir).unwrap();
        result.map_err(|e| Error { file: e.file.strip_prefix(&dir).unwrap_or(&e.file).to_path_buf(), ..e })
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn deep_pointers_are_hoisted_once_and_replaced_where_they_are() {
        let doc = format!(
            "{HEAD}paths:
  /x/{{id}}:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                properties:
                  data: {{type: array, items: {{properties: {{a~b: {{type: string}}}}}}}}
  /y:
    get:
      responses:
        '200':
          content: {{application/json: {{schema: {{$ref: '#/paths/~1x~1%7Bid%7D/get/responses/200/content/application~1json/schema/properties/data/items'}}}}}}
          description: ok
    post:
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/paths/~1x~1{{id}}/get/responses/200/content/application~1json/schema/properties/data/items/properties/a~0b'}}
      responses:
        '200': {{$ref: '#/paths/~1y/get/responses/200'}}
components:
  schemas:
    Self: {{$ref: '#/components/schemas/Self'}}
"
        );
        let tree = bundled("deep", &[("openapi.yaml", &doc)]).unwrap();
        let schemas = &tree["components"]["schemas"];
        let item = "#/components/schemas/XIdGet200DataItem";
        assert_eq!(
            schemas["XIdGet200DataItem"]["properties"]["a~b"],
            json!({"$ref": "#/components/schemas/XIdGet200DataItemAB"})
        );
        assert_eq!(schemas["XIdGet200DataItemAB"], json!({"type": "string"}));
        assert_eq!(
            schemas["Self"],
            json!({"$ref": "#/components/schemas/Self"}),
            "a cycle of components is the builder's"
        );
        let x = &tree["paths"]["/x/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(x["properties"]["data"]["items"], json!({"$ref": item}), "the place itself refers to its one type");
        let y = &tree["paths"]["/y"];
        assert_eq!(y["get"]["responses"]["200"]["content"]["application/json"]["schema"], json!({"$ref": item}));
        assert_eq!(y["post"]["responses"]["200"], y["get"]["responses"]["200"], "a response is inlined");
    }

    #[test]
    fn files_refer_on_relative_to_the_referring_file() {
        let root = format!(
            "{HEAD}paths:
  /pets:
    $ref: 'paths/pets.yaml'
components:
  schemas:
    Pet: {{$ref: 'schemas/pet.yaml'}}
"
        );
        let pets = "get:
  parameters: [{$ref: '../params.json#/limit'}]
  responses:
    '200':
      description: ok
      content: {application/json: {schema: {type: array, items: {$ref: '../schemas/pet.yaml'}}}}
";
        let pet = "type: object\nproperties:\n  owner: {$ref: 'my%20owner.yaml#/Owner'}\n  parent: {$ref: '#'}\n";
        let owner = "Owner: {type: object, properties: {pets: {type: array, items: {$ref: './pet.yaml'}}}}\n";
        let params = r#"{"limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}}"#;
        let files = [
            ("openapi.yaml", root.as_str()),
            ("paths/pets.yaml", pets),
            ("schemas/pet.yaml", pet),
            ("schemas/my owner.yaml", owner),
            ("params.json", params),
        ];
        let tree = bundled("files", &files).unwrap();
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        let get = &tree["paths"]["/pets"]["get"];
        assert_eq!(get["parameters"][0]["name"], "limit");
        assert_eq!(get["responses"]["200"]["content"]["application/json"]["schema"]["items"], pet);
        let schemas = &tree["components"]["schemas"];
        assert_eq!(schemas["Pet"]["properties"]["parent"], pet, "`#` is the file itself");
        assert_eq!(schemas["Pet"]["properties"]["owner"], json!({"$ref": "#/components/schemas/Owner"}));
        assert_eq!(schemas["Owner"]["properties"]["pets"]["items"], pet, "a cycle across files stays by name");
        assert_eq!(schemas.as_object().unwrap().len(), 2);
    }

    #[test]
    fn what_cannot_be_followed_is_a_located_error_or_left_alone() {
        let cyclic = format!("{HEAD}paths:\n  /a: {{$ref: 'a.yaml'}}\n");
        let e = bundled(
            "cycle",
            &[("openapi.yaml", &cyclic), ("a.yaml", "$ref: 'b.yaml'\n"), ("b.yaml", "$ref: a.yaml\n")],
        )
        .unwrap_err();
        assert_eq!(e.file, Path::new("b.yaml"), "where the reference that closes the cycle is");
        let cycle = e.message.starts_with("cyclic $ref: ") && e.message.ends_with("/a.yaml#");
        assert!(cycle && e.message.contains("/a.yaml# → ") && e.message.contains("/b.yaml# → "), "{e}");
        let missing = format!("{HEAD}paths:\n  /a: {{$ref: 'nowhere.yaml#/x'}}\n");
        let e = bundled("missing", &[("openapi.yaml", &missing)]).unwrap_err();
        assert_eq!((e.file.as_path(), e.location.as_str()), (Path::new("openapi.yaml"), "#/paths/~1a"));
        assert!(e.message.starts_with("cannot read `nowhere.yaml`"), "{e}");
        let dangling = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B/properties/c'}}\n    B: {{type: object}}\n");
        let e = bundled("dangling", &[("openapi.yaml", &dangling)]).unwrap_err();
        assert_eq!(e.location, "#/components/schemas/A");
        assert!(
            e.message.contains("dangling $ref `")
                && e.message.ends_with("openapi.yaml#/components/schemas/B/properties/c`: there is no such place"),
            "{e}"
        );
        let through = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B/properties/c'}}\n    B: {{$ref: 'https://example.com/b.json'}}\n");
        let e = bundled("through", &[("openapi.yaml", &through)]).unwrap_err();
        assert!(e.message.contains("passes through `https://example.com/b.json`, which is not followed"), "{e}");
        let remote = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'https://example.com/a.json#/A'}}\n    B: {{$ref: '#/components/schemas/C/properties/x'}}\n    C: {{properties: {{x: {{type: string}}}}}}\n");
        let tree = bundled("remote", &[("openapi.yaml", &remote)]).unwrap();
        assert_eq!(tree["components"]["schemas"]["A"], json!({"$ref": "https://example.com/a.json#/A"}));
        assert_eq!(tree["components"]["schemas"]["B"], json!({"type": "string"}), "adopted under its referrer's name");
        assert!(is_remote("urn:x:y") && !is_remote("C:/specs/a.yaml") && !is_remote("a.yaml#/b:c"));
    }
}
