//! Loading: bytes → JSON tree (YAML or JSON) → 3.1 normalization → `openapiv3::OpenAPI`.
//! serde_yaml stays inside this module.

use crate::error::Error;
use crate::normalize::{normalize, Note};
use crate::pointer;
use std::path::Path;

/// A parsed document plus what normalization had to change.
pub struct Loaded {
    pub doc: openapiv3::OpenAPI,
    /// The normalized JSON tree (examples are read from here, untouched by openapiv3).
    pub raw: serde_json::Value,
    pub notes: Vec<Note>,
}

pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::new(path, "", format!("cannot read the document: {e}")))?;
    load_str(path, &text)
}

/// Parses `text`; `path` only names the document in errors and picks JSON vs YAML.
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Error> {
    let mut raw = parse_tree(path, text)?;
    if !raw.is_object() {
        return Err(Error::new(path, "#", "the document is not an object"));
    }
    let notes = normalize(&mut raw);
    let doc = to_openapi(path, &raw)?;
    Ok(Loaded { doc, raw, notes })
}

/// Text → JSON tree. JSON is tried first when the name or the first byte says so; YAML otherwise.
pub fn parse_tree(path: &Path, text: &str) -> Result<serde_json::Value, Error> {
    let looks_json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    if looks_json {
        return serde_json::from_str(text).map_err(|e| {
            Error::new(path, format!("line {}, column {}", e.line(), e.column()), format!("invalid JSON: {e}"))
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e.location().map(|l| format!("line {}, column {}", l.line(), l.column())).unwrap_or_default();
        Error::new(path, at, format!("invalid YAML: {e}"))
    })?;
    yaml_to_json(path, yaml, "#", 0)
}

/// YAML allows non-string keys (`200:` is an integer) and merge keys; JSON needs strings.
fn yaml_to_json(path: &Path, v: serde_yaml::Value, at: &str, depth: usize) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    if depth > 512 {
        return Err(Error::new(path, at, "the document nests deeper than 512 levels"));
    }
    Ok(match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                // NaN/inf have no JSON form; keep them visible as strings rather than dropping them.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .unwrap_or_else(|| J::String(n.to_string()))
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(path, item, &format!("{at}/{i}"), depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mut map) => {
            if map.contains_key("<<") {
                let mut merged = serde_yaml::Value::Mapping(map);
                merged.apply_merge().map_err(|e| Error::new(path, at, format!("invalid YAML merge key: {e}")))?;
                map = match merged {
                    Y::Mapping(m) => m,
                    _ => unreachable_mapping(),
                };
            }
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::new(
                            path,
                            at,
                            format!("unsupported mapping key {other:?}: keys must be scalars"),
                        ))
                    }
                };
                let child = yaml_to_json(path, v, &pointer::child(at, &key), depth + 1)?;
                out.insert(key, child);
            }
            J::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(path, t.value, at, depth + 1)?,
    })
}

fn unreachable_mapping() -> serde_yaml::Mapping {
    // apply_merge keeps a mapping a mapping; an empty one is the harmless answer if it ever did not.
    serde_yaml::Mapping::new()
}

/// JSON tree → openapiv3, with the failing field's JSON pointer in the error.
fn to_openapi(path: &Path, raw: &serde_json::Value) -> Result<openapiv3::OpenAPI, Error> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw).map_err(|e| {
        let pointer = serde_path_to_pointer(&e.path().to_string());
        Error::new(path, pointer, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    })
}

/// `paths./a.get.responses` → `#/paths/~1a/get/responses` (best effort: dots inside keys are ambiguous).
fn serde_path_to_pointer(p: &str) -> String {
    if p == "." || p.is_empty() {
        return "#".into();
    }
    let mut out = String::from("#");
    for seg in p.split('.') {
        let seg = seg.trim_start_matches('[').trim_end_matches(']');
        out.push('/');
        out.push_str(&pointer::escape(seg));
    }
    out
}
