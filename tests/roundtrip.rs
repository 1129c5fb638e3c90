//! Every example in `spec/` — media-type `example`/`examples` (request bodies, responses,
//! shared responses), schema and property `example`s, parameter examples — is parsed into its
//! generated Rust type, checked against the spec's client-side rules, serialized back, and
//! compared with the original JSON. Each example is its own test case, found at run time:
//! adding an example to a spec adds a case here without writing any Rust.

use libtest_mimic::{Arguments, Failed, Trial};
use oas_client_gen::model::{Api, Ty, TypeKind};
use serde_json::Value;
use whatsapp_contacts::runtime::RoundTrip;

type Dispatch = fn(&str, Value) -> Option<RoundTrip>;

// `dispatch(module)` and one `round_trip_<module>` per spec, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// One example: where it is, its value, and the pointer of the schema that describes it.
struct Example {
    at: String,
    value: Value,
    schema_at: String,
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for spec in contract_tests::spec_files() {
        let module = oas_client_gen::module_name(&spec);
        let loaded = oas_client_gen::load::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let (api, _) = oas_client_gen::build_model(&spec, &loaded).unwrap_or_else(|e| panic!("{e}"));
        let examples = collect(&loaded.raw);
        let count = examples.len();
        // A spec without examples would make this whole test vacuous for it.
        let name = module.clone();
        trials.push(Trial::test(format!("{module}::has_examples"), move || {
            if count == 0 {
                return Err(format!("no examples found in {name}").into());
            }
            Ok(())
        }));
        let api = std::sync::Arc::new(api);
        let raw = std::sync::Arc::new(loaded.raw);
        for ex in examples {
            let (api, raw, module) = (api.clone(), raw.clone(), module.clone());
            trials.push(Trial::test(format!("{module}::{}", ex.at), move || check(&module, &api, &raw, ex)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn check(module: &str, api: &Api, raw: &Value, ex: Example) -> Result<(), Failed> {
    let run = dispatch(module).ok_or_else(|| format!("no generated module `{module}` is wired into this test"))?;
    check_value(run, api, raw, &ex.schema_at, ex.value, 0)
}

/// Checks `value` against the schema at `schema_at`: named types round-trip through Rust,
/// arrays element by element, primitives by JSON kind.
fn check_value(
    run: Dispatch,
    api: &Api,
    raw: &Value,
    schema_at: &str,
    value: Value,
    depth: usize,
) -> Result<(), Failed> {
    if depth > 16 {
        return Err(format!("schema references nest too deeply at {schema_at}").into());
    }
    let schema = pointer(raw, schema_at).ok_or_else(|| format!("no schema at {schema_at}"))?;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return check_value(run, api, raw, r, value, depth + 1);
    }
    if let Some(name) = named_type(api, schema_at) {
        let (back, violations) = run(&name, value.clone())
            .ok_or_else(|| format!("type `{name}` is not in the generated module"))?
            .map_err(|e| format!("does not parse as `{name}`: {e}"))?;
        if back != value {
            return Err(format!("`{name}` does not round-trip:\n  spec:   {value}\n  after:  {back}").into());
        }
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
            return Err(format!("`{name}` breaks the spec's own rules: {}", list.join("; ")).into());
        }
        return Ok(());
    }
    let kind_ok = match schema.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("object") => value.is_object(),
        Some("array") => {
            let Value::Array(items) = &value else {
                return Err(format!("expected an array for {schema_at}").into());
            };
            for item in items {
                check_value(run, api, raw, &format!("{schema_at}/items"), item.clone(), depth + 1)?;
            }
            true
        }
        _ => true,
    };
    let nullable = schema.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if !(kind_ok || nullable && value.is_null()) {
        return Err(format!("example {value} does not have the type the schema at {schema_at} gives").into());
    }
    Ok(())
}

/// The generated type for the schema at `at`, if the generator made one there.
fn named_type(api: &Api, at: &str) -> Option<String> {
    let def = api.types.values().find(|t| t.origin == at)?;
    match &def.kind {
        TypeKind::Alias { ty: Ty::Named(n) } => Some(n.clone()),
        TypeKind::Alias { .. } => None,
        _ => Some(def.name.clone()),
    }
}

fn pointer<'a>(raw: &'a Value, at: &str) -> Option<&'a Value> {
    raw.pointer(at.strip_prefix('#').unwrap_or(at))
}

fn token(s: &str) -> String {
    oas_client_gen::pointer::escape(s)
}

/// Walks the document for examples, remembering the schema each one belongs to.
fn collect(raw: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    walk(raw, raw, "#", None, &mut out);
    out
}

fn walk(raw: &Value, node: &Value, at: &str, parent_key: Option<&str>, out: &mut Vec<Example>) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            for (i, item) in items.iter().enumerate() {
                walk(raw, item, &format!("{at}/{i}"), None, out);
            }
        }
        return;
    };
    // Examples are data, not schema: never look for examples inside them.
    if matches!(parent_key, Some("example")) || at.starts_with("#/components/examples") {
        return;
    }
    let in_content = at.rsplit('/').nth(1) == Some("content");
    let is_parameter = map.contains_key("in") && map.contains_key("name");
    if in_content || is_parameter {
        // A media type or a parameter: its schema is the child `schema`.
        let schema_at = format!("{at}/schema");
        if let Some(v) = map.get("example") {
            out.push(Example { at: format!("{at}/example"), value: v.clone(), schema_at: schema_at.clone() });
        }
        if let Some(Value::Object(examples)) = map.get("examples") {
            for (name, ex) in examples {
                let ex_at = format!("{at}/examples/{}", token(name));
                let ex = match ex.get("$ref").and_then(Value::as_str) {
                    Some(r) => pointer(raw, r).unwrap_or(&Value::Null),
                    None => ex,
                };
                if let Some(v) = ex.get("value") {
                    out.push(Example { at: ex_at, value: v.clone(), schema_at: schema_at.clone() });
                }
            }
        }
    } else if parent_key != Some("examples") && parent_key != Some("properties") || looks_like_schema(map) {
        if let Some(v) = map.get("example") {
            if looks_like_schema(map) {
                out.push(Example { at: format!("{at}/example"), value: v.clone(), schema_at: at.to_string() });
            }
        }
    }
    for (k, v) in map {
        if k == "example" || (k == "examples" && (in_content || is_parameter)) {
            continue;
        }
        walk(raw, v, &format!("{at}/{}", token(k)), Some(k), out);
    }
}

fn looks_like_schema(map: &serde_json::Map<String, Value>) -> bool {
    ["type", "properties", "$ref", "allOf", "oneOf", "anyOf", "items", "enum", "format"]
        .iter()
        .any(|k| map.contains_key(*k))
}
