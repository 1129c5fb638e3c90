//! Robustness: mutated real documents (ours and the public corpus) go through the whole
//! pipeline — load, normalize, build, emit, format — and then through what `verify` does in
//! process (find the examples, judge each against its schema, follow each to its generated type),
//! and must come back as Ok or a located Err: never a panic, never a hang. Three kinds of
//! mutation: anywhere in the structure, in schemas (types, enums, formats, bounds, required
//! lists, nesting) and in example values. Deterministic (seeded xorshift); size it with
//! `FUZZ_ITERS` (default 400 cases) and `FUZZ_SEED`. A failure prints the seed and case.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<(PathBuf, Value)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [root.join("spec"), root.join("tests/corpus")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| {
                p.extension().is_some_and(|e| e == "yaml" || e == "json")
                    && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("redocly"))
            }));
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no seed documents found under spec/");
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let tree = crate::load::parse_tree(&p, &text).ok()?;
            Some((p, tree))
        })
        .collect()
}

/// Every node's JSON pointer, so a mutation can pick one at random.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out)
            }
        }
        _ => {}
    }
}

fn random_value(rng: &mut Rng, donor: &Value) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::from(rng.next() as i64),
        2 => Value::from(["string", "object", "array", "integer", "number", "boolean", "null", "x"][rng.below(8)]),
        3 => {
            let target =
                ["#/components/schemas/Nope", "#/components/schemas", "#", "other.yaml#/x", "#/paths"][rng.below(5)];
            serde_json::json!({ "$ref": target })
        }
        4 => serde_json::json!([]),
        5 => serde_json::json!({}),
        6 => serde_json::json!({ "type": ["string", "null"], "const": 3, "examples": [1] }),
        7 => serde_json::json!({ "allOf": [{ "$ref": "#/components/schemas/A" }, { "type": "object" }], "oneOf": [] }),
        // Graft a random subtree of the same document: plausible shapes in wrong places.
        _ => {
            let mut ps = Vec::new();
            pointers(donor, String::new(), &mut ps);
            let p = &ps[rng.below(ps.len())];
            donor.pointer(p).cloned().unwrap_or(Value::Null)
        }
    }
}

/// The JSON pointers (`/…`) of every schema position of `doc`, as the generator walks them.
fn schema_pointers(doc: &Value) -> Vec<String> {
    let mut copy = doc.clone();
    let mut out = Vec::new();
    crate::normalize::visit_schemas(&mut copy, &mut |_, at| out.push(at.to_string()));
    out
}

/// A schema keyword set to something plausible or wrong: what real documents get wrong.
fn schema_mutation(rng: &mut Rng) -> (&'static str, Value) {
    let any = |rng: &mut Rng, options: &[Value]| options[rng.below(options.len())].clone();
    use serde_json::json;
    match rng.below(9) {
        0 => (
            "type",
            any(
                rng,
                &[
                    json!("string"),
                    json!("integer"),
                    json!("object"),
                    json!("array"),
                    json!(["number", "null"]),
                    json!("file"),
                    json!(7),
                ],
            ),
        ),
        1 => (
            "enum",
            any(rng, &[json!([]), json!([1, "a", null, {}]), json!(["a", "a"]), json!([1.5, -1e300]), json!("x")]),
        ),
        2 => (
            "format",
            any(
                rng,
                &[
                    json!("int8"),
                    json!("uint64"),
                    json!("float"),
                    json!("email"),
                    json!("date-time"),
                    json!("binary"),
                    json!("x-custom"),
                ],
            ),
        ),
        3 => {
            let key = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"][rng.below(5)];
            (key, any(rng, &[json!(-9.3e18), json!(1.5), json!(true), json!(0), json!(1e300), json!("5")]))
        }
        4 => {
            let key = ["minLength", "maxLength", "minItems", "maxItems", "minProperties"][rng.below(5)];
            (key, any(rng, &[json!(-1), json!(2.5), json!(1e30), json!(0), json!(null)]))
        }
        5 => ("required", any(rng, &[json!(["nope", "nope"]), json!([1, null]), json!(true), json!([])])),
        6 => ("nullable", any(rng, &[json!(true), json!("true"), json!(1)])),
        7 => ("pattern", any(rng, &[json!("^(a+)+$"), json!("(?=x)"), json!("["), json!("^\\d{3}$")])),
        _ => (
            "additionalProperties",
            any(rng, &[json!(false), json!(true), json!({"type": "integer"}), json!({"$ref": "#"})]),
        ),
    }
}

/// Mutates schemas: a keyword changed (see [`schema_mutation`]), or the schema nested inside
/// composition keywords, or made to refer to itself.
fn mutate_schemas(rng: &mut Rng, doc: &Value) -> Value {
    let mut out = doc.clone();
    let schemas = schema_pointers(doc);
    if schemas.is_empty() {
        return out;
    }
    for _ in 0..1 + rng.below(4) {
        let at = schemas[rng.below(schemas.len())].clone();
        let Some(slot) = out.pointer_mut(&at) else { continue };
        match rng.below(4) {
            0 => {
                // Nesting: wrap it a few levels deep in allOf/oneOf/anyOf/not/items.
                for _ in 0..1 + rng.below(6) {
                    let key = ["allOf", "oneOf", "anyOf", "not", "items"][rng.below(5)];
                    let inner = slot.take();
                    *slot = if key == "not" || key == "items" {
                        serde_json::json!({ key: inner })
                    } else {
                        serde_json::json!({ key: [inner, { "type": "object" }] })
                    };
                }
            }
            1 => *slot = serde_json::json!({ "$ref": format!("#{at}") }),
            _ => {
                if let Value::Object(map) = slot {
                    let (key, value) = schema_mutation(rng);
                    map.insert(key.to_string(), value);
                }
            }
        }
    }
    out
}

/// A value an example might wrongly hold: another type, deep nesting, extreme numbers.
fn example_value(rng: &mut Rng, old: &Value) -> Value {
    use serde_json::json;
    match rng.below(8) {
        0 => Value::Null,
        1 => json!(u64::MAX),
        2 => json!(-1e300),
        3 => json!(3.0),
        4 => (0..200).fold(json!("deep"), |inner, _| json!([inner])),
        5 => json!({ "unexpected": old.clone(), "": [true] }),
        6 => match old {
            // The same shape with each value's type changed.
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), json!([v.clone()]))).collect()),
            Value::Array(a) => json!(a.iter().map(|v| json!({ "x": v })).collect::<Vec<_>>()),
            Value::String(s) => json!(s.len()),
            other => json!(other.to_string()),
        },
        _ => json!("x".repeat(rng.below(5000))),
    }
}

/// Mutates example values (media-type, schema and parameter examples alike).
fn mutate_examples(rng: &mut Rng, doc: &Value) -> Value {
    let mut out = doc.clone();
    let found = crate::examples::collect(doc);
    if found.is_empty() {
        return out;
    }
    for _ in 0..1 + rng.below(6) {
        let ex = &found[rng.below(found.len())];
        if let Some(slot) = out.pointer_mut(ex.at.trim_start_matches('#')) {
            *slot = example_value(rng, &ex.value);
        }
    }
    out
}

fn mutate(rng: &mut Rng, doc: &Value) -> Value {
    let mut out = doc.clone();
    for _ in 0..1 + rng.below(4) {
        let mut ps = Vec::new();
        pointers(&out, String::new(), &mut ps);
        let target = ps[rng.below(ps.len())].clone();
        let replacement = random_value(rng, doc);
        if rng.below(4) == 0 {
            // Delete the node instead.
            if let Some((parent, key)) = target.rsplit_once('/') {
                match out.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) if !a.is_empty() => {
                        a.remove(key.parse::<usize>().unwrap_or(0).min(a.len() - 1));
                    }
                    _ => {}
                }
            }
        } else if let Some(slot) = out.pointer_mut(&target) {
            *slot = replacement;
        }
    }
    out
}

/// What `verify` does before and after the build: judge every example against its schema and
/// follow it to its generated type (with a round-trip that hands each value back unchanged).
fn verify_in_process(path: &Path, loaded: &crate::load::Loaded) -> Result<(), crate::Error> {
    let (api, _) = crate::build_model(path, loaded)?;
    #[cfg(feature = "verify")]
    let mut schemas = crate::verify::schema::Schemas::new(&loaded.raw);
    for ex in crate::examples::collect(&loaded.raw) {
        #[cfg(feature = "verify")]
        let _ = schemas.check(&ex.schema_at, &ex.value, ex.role);
        let _ = crate::examples::check(&api, &loaded.raw, &ex, &mut |_, v| Some(Ok((v.clone(), Vec::new()))));
    }
    Ok(())
}

/// Runs the pipeline on a separate thread so that a hang is caught as one.
fn run_case(path: PathBuf, text: String) -> Result<bool, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                let loaded = match crate::load::load_str(&path, &text) {
                    Ok(l) => l,
                    Err(e) => return Err(e),
                };
                crate::module_from(&path, "fuzz.yaml", &loaded, crate::RuntimeSource::Crate)?;
                verify_in_process(&path, &loaded)
            });
            let _ = tx.send(outcome.map(|r| match r {
                Ok(()) => true,
                Err(e) => {
                    // A located error: it must name the file.
                    assert!(e.to_string().contains("fuzz"), "error without its file: {e}");
                    false
                }
            }));
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(ok)) => Ok(ok),
        Ok(Err(_)) => Err("panicked".into()),
        Err(_) => Err("did not finish within 20 s (hang?)".into()),
    }
}

#[test]
fn mutated_documents_never_panic_or_hang() {
    let iters: usize = std::env::var("FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_2026);
    let mut rng = Rng(seed | 1);
    let seeds = seeds();
    let started = Instant::now();
    let (mut ok, mut err) = (0usize, 0usize);
    let mut failures = Vec::new();
    // Panics are caught and counted; keep their default messages out of the output.
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..iters {
        let (path, doc) = &seeds[rng.below(seeds.len())];
        let mutated = match case % 3 {
            0 => mutate(&mut rng, doc),
            1 => mutate_schemas(&mut rng, doc),
            _ => mutate_examples(&mut rng, doc),
        };
        let name = Path::new("fuzz").join(path.file_name().unwrap_or_default());
        let mut text = match rng.below(3) {
            0 => serde_yaml_text(&mutated),
            _ => serde_json::to_string(&mutated).unwrap_or_default(),
        };
        if rng.below(6) == 0 && !text.is_empty() {
            // Byte-level damage: cut the text short.
            let mut cut = rng.below(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        match run_case(name.clone(), text) {
            Ok(true) => ok += 1,
            Ok(false) => err += 1,
            Err(why) => failures.push(format!("case {case} (seed {seed}, from {}): {why}", path.display())),
        }
    }
    let _ = std::panic::take_hook();
    println!(
        "fuzz: {iters} cases (a third each: structure, schemas, examples) from {} seed documents in {:.1}s: {ok} generated and verified in process, {err} rejected with a located error, {} failures",
        seeds.len(),
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(failures.is_empty(), "the pipeline panicked or hung:\n{}", failures.join("\n"));
}

/// YAML text without depending on serde_yaml here: JSON is valid YAML, so indent it as
/// pretty JSON (exercises the YAML path of the loader by the file name).
fn serde_yaml_text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}
