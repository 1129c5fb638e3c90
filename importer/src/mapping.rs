//! Which column of the file goes to which field of the provider's contact.
//!
//! A column matches a field by name, ignoring case and anything that is not a letter or digit
//! (`First Name`, `first_name` and `firstName` all match `firstName`), or by a few aliases.
//! `--map COLUMN=FIELD` overrides that; `--map COLUMN=-` drops a column;
//! `--map COLUMN=customFields.NAME` (Whats91) or `metadata.NAME` (Kirim) renames an extra value.
//! Columns that match no field go to the provider's free-form map, or, for a provider without
//! one (WA.cr), are refused before anything is sent: nothing is dropped silently.

use crate::input::{kind_of, Cell, Fields, Record};
use serde_json::Value;
use std::collections::HashMap;

/// One field of the provider's contact, as the importer fills it.
#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Where a column's values go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A field, by its index in the provider's field list.
    Field(usize),
    /// A key of the provider's free-form map (`customFields`, `metadata`).
    Extra(String),
    Ignore,
}

/// A row the importer will not send, and why; it is reported with status `REJECTED`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub column: Option<String>,
    pub message: String,
}

impl Rejection {
    pub fn new(column: Option<&str>, message: impl Into<String>) -> Self {
        Rejection { column: column.map(str::to_string), message: message.into() }
    }

    pub fn reason(&self) -> String {
        match &self.column {
            Some(c) => format!("column `{c}`: {}", self.message),
            None => self.message.clone(),
        }
    }
}

#[derive(Debug)]
pub struct Mapping {
    provider: &'static str,
    fields: &'static [FieldDef],
    extra: Option<&'static str>,
    explicit: Vec<(String, Target)>,
}

impl Mapping {
    /// `maps` are the `--map COLUMN=FIELD` options.
    pub fn new(
        provider: &'static str,
        fields: &'static [FieldDef],
        extra: Option<&'static str>,
        maps: &[String],
    ) -> Result<Self, String> {
        let mut mapping = Mapping { provider, fields, extra, explicit: Vec::new() };
        for m in maps {
            let (column, field) = m
                .rsplit_once('=')
                .filter(|(c, _)| !c.trim().is_empty())
                .ok_or_else(|| format!("--map `{m}`: expected COLUMN=FIELD, e.g. --map 'Mobile=phone'"))?;
            let (column, field) = (column.trim(), field.trim());
            let target = mapping.parse_target(field).map_err(|e| format!("--map `{m}`: {e}"))?;
            if mapping.explicit.iter().any(|(c, _)| c == column) {
                return Err(format!("--map names column `{column}` twice"));
            }
            mapping.explicit.push((column.to_string(), target));
        }
        Ok(mapping)
    }

    fn parse_target(&self, field: &str) -> Result<Target, String> {
        if field == "-" {
            return Ok(Target::Ignore);
        }
        if let Some(extra) = self.extra {
            if let Some(key) = field.strip_prefix(extra).and_then(|k| k.strip_prefix('.')) {
                return match key.trim() {
                    "" => Err(format!("`{extra}.` needs a key name")),
                    k => Ok(Target::Extra(k.to_string())),
                };
            }
        }
        self.field_named(field).map(Target::Field).ok_or_else(|| {
            let mut known: Vec<String> = self.fields.iter().map(|f| f.name.to_string()).collect();
            if let Some(extra) = self.extra {
                known.push(format!("{extra}.NAME"));
            }
            known.push("- (drop the column)".into());
            format!("`{field}` is not a {} field; use one of: {}", self.provider, known.join(", "))
        })
    }

    fn field_named(&self, name: &str) -> Option<usize> {
        let n = normalize(name);
        self.fields.iter().position(|f| normalize(f.name) == n || f.aliases.contains(&n.as_str()))
    }

    /// Where a column named `column` goes.
    pub fn resolve(&self, column: &str) -> Result<Target, String> {
        if let Some((_, t)) = self.explicit.iter().find(|(c, _)| c == column.trim()) {
            return Ok(t.clone());
        }
        if let Some(i) = self.field_named(column) {
            return Ok(Target::Field(i));
        }
        match self.extra {
            Some(_) => Ok(Target::Extra(column.to_string())),
            None => Err(format!(
                "column `{column}` matches no {} field ({}); map it with --map '{column}=FIELD' or drop it with --map '{column}=-'",
                self.provider,
                self.fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Resolves a CSV header. Refuses a header that leaves a required field without a column
    /// (unless `defaulted` names it), maps two columns to one field, or lacks a `--map` column.
    pub fn plan(&self, path: &str, columns: &[String], defaulted: &[&str]) -> Result<Vec<Target>, String> {
        let listed = || columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        for (column, _) in &self.explicit {
            if !columns.iter().any(|c| c == column) {
                return Err(format!(
                    "{path}: --map names column `{column}`, which the header does not have (columns: {})",
                    listed()
                ));
            }
        }
        let plan = columns
            .iter()
            .map(|c| self.resolve(c).map_err(|e| format!("{path}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, t) in plan.iter().enumerate() {
            if let Some(j) = plan[..i].iter().position(|u| u == t && *t != Target::Ignore) {
                return Err(format!(
                    "{path}: columns `{}` and `{}` both map to {}; drop one with --map '{}=-'",
                    columns[j],
                    columns[i],
                    self.target_name(t),
                    columns[i]
                ));
            }
        }
        for (i, f) in self.fields.iter().enumerate() {
            if f.required && !plan.contains(&Target::Field(i)) && !defaulted.contains(&f.name) {
                return Err(format!(
                    "{path}: no column maps to `{}`, which every {} contact needs (columns: {}); name it with --map 'COLUMN={}'",
                    f.name,
                    self.provider,
                    listed(),
                    f.name
                ));
            }
        }
        Ok(plan)
    }

    pub fn target_name(&self, t: &Target) -> String {
        match t {
            Target::Field(i) => self.fields[*i].name.to_string(),
            Target::Extra(k) => format!("{}.{k}", self.extra.unwrap_or("extra")),
            Target::Ignore => "(dropped)".to_string(),
        }
    }

    /// `Phone → phone, City → customFields.City`, for the user to check.
    pub fn describe(&self, columns: &[String], plan: &[Target]) -> String {
        columns.iter().zip(plan).map(|(c, t)| format!("{c} → {}", self.target_name(t))).collect::<Vec<_>>().join(", ")
    }

    /// The `--map` options in a stable form, for the journal's record of how the import was run.
    pub fn signature(&self) -> String {
        self.explicit.iter().map(|(c, t)| format!("{c}={}", self.target_name(t))).collect::<Vec<_>>().join("\n")
    }
}

/// Lower case, letters and digits only.
pub fn normalize(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Turns records into (target, column, cell) triples: a fixed plan for CSV, names resolved (and
/// remembered) key by key for JSON Lines.
pub struct Resolver<'m> {
    mapping: &'m Mapping,
    columns: Vec<String>,
    plan: Vec<Target>,
    keys: HashMap<String, Result<Target, String>>,
}

pub type Cells<'a> = Vec<(&'a Target, &'a str, Cell<'a>)>;

impl<'m> Resolver<'m> {
    /// `columns` and `plan` are the CSV header and its [`Mapping::plan`]; empty for JSON Lines.
    pub fn new(mapping: &'m Mapping, columns: Vec<String>, plan: Vec<Target>) -> Self {
        Resolver { mapping, columns, plan, keys: HashMap::new() }
    }

    pub fn cells<'a>(&'a mut self, record: &'a Record) -> Result<Cells<'a>, Rejection> {
        match &record.fields {
            Fields::Csv(rec) => Ok(self
                .plan
                .iter()
                .zip(&self.columns)
                .zip(rec.iter())
                .map(|((t, c), v)| (t, c.as_str(), Cell::Text(v)))
                .collect()),
            Fields::Json(map) => {
                for key in map.keys() {
                    if !self.keys.contains_key(key) {
                        self.keys.insert(key.clone(), self.mapping.resolve(key));
                    }
                }
                let mut used: Vec<(usize, &str)> = Vec::new();
                let mut out = Vec::with_capacity(map.len());
                for (key, value) in map {
                    match &self.keys[key] {
                        Err(e) => return Err(Rejection::new(None, e.clone())),
                        Ok(t) => {
                            if let (Target::Field(i), false) = (t, value.is_null()) {
                                if let Some((_, other)) = used.iter().find(|(j, _)| j == i) {
                                    let message =
                                        format!("`{other}` and `{key}` both map to {}", self.mapping.fields[*i].name);
                                    return Err(Rejection::new(None, message));
                                }
                                used.push((*i, key));
                            }
                            out.push((t, key.as_str(), Cell::Json(value)));
                        }
                    }
                }
                Ok(out)
            }
        }
    }
}

/// A cell as text: trimmed, `None` when empty or null; numbers and booleans as written.
pub fn text(column: &str, cell: Cell<'_>) -> Result<Option<String>, Rejection> {
    let s = match cell {
        Cell::Text(s) => s.trim().to_string(),
        Cell::Json(Value::String(s)) => s.trim().to_string(),
        Cell::Json(Value::Null) => String::new(),
        Cell::Json(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
        Cell::Json(v) => return Err(Rejection::new(Some(column), format!("expected text, found {}", kind_of(v)))),
    };
    Ok(Some(s).filter(|s| !s.is_empty()))
}

/// A cell as a JSON value for a free-form map: text stays text (trimmed), JSON values are kept;
/// `None` when empty or null.
pub fn json(cell: Cell<'_>) -> Option<Value> {
    match cell {
        Cell::Text(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(|s| Value::String(s.to_string())),
        Cell::Json(Value::Null) => None,
        Cell::Json(v) => Some(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Format, Input};

    static FIELDS: &[FieldDef] = &[
        FieldDef { name: "phone", aliases: &["phonenumber", "mobile"], required: true },
        FieldDef { name: "firstName", aliases: &[], required: false },
    ];

    fn mapping(maps: &[&str]) -> Result<Mapping, String> {
        Mapping::new("Test", FIELDS, Some("customFields"), &maps.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_match_fields_loosely_and_the_rest_become_extras() {
        let m = mapping(&[]).unwrap();
        let plan = m.plan("f", &cols(&["Mobile", "First Name", "City"]), &[]).unwrap();
        assert_eq!(plan, [Target::Field(0), Target::Field(1), Target::Extra("City".into())]);
        assert_eq!(
            m.describe(&cols(&["Mobile", "First Name", "City"]), &plan),
            "Mobile → phone, First Name → firstName, City → customFields.City"
        );
    }

    #[test]
    fn explicit_maps_override_drop_and_rename() {
        let m = mapping(&["Tel=phone", "phone=-", "Ref=customFields.reference"]).unwrap();
        let plan = m.plan("f", &cols(&["Tel", "phone", "Ref"]), &[]).unwrap();
        assert_eq!(plan, [Target::Field(0), Target::Ignore, Target::Extra("reference".into())]);
        assert_eq!(m.signature(), "Tel=phone\nphone=(dropped)\nRef=customFields.reference");
    }

    #[test]
    fn bad_headers_and_maps_are_refused_with_what_to_do() {
        let m = mapping(&[]).unwrap();
        let e = m.plan("f.csv", &cols(&["name", "email"]), &[]).unwrap_err();
        assert!(e.starts_with("f.csv: no column maps to `phone`") && e.contains("--map 'COLUMN=phone'"), "{e}");
        assert!(m.plan("f.csv", &cols(&["email"]), &["phone"]).is_ok(), "a defaulted field needs no column");
        let e = m.plan("f.csv", &cols(&["phone", "Phone Number"]), &[]).unwrap_err();
        assert!(e.contains("`phone` and `Phone Number` both map to phone"), "{e}");
        let e = mapping(&["Tel=phone"]).unwrap().plan("f.csv", &cols(&["phone"]), &[]).unwrap_err();
        assert!(e.contains("--map names column `Tel`, which the header does not have"), "{e}");
        assert!(mapping(&["Tel=fone"])
            .unwrap_err()
            .contains("`fone` is not a Test field; use one of: phone, firstName"));
        assert!(mapping(&["nocolumn"]).unwrap_err().contains("expected COLUMN=FIELD"));
        let strict = Mapping::new("WA.cr", FIELDS, None, &[]).unwrap();
        let e = strict.plan("f.csv", &cols(&["phone", "notes"]), &[]).unwrap_err();
        assert!(e.contains("column `notes` matches no WA.cr field") && e.contains("--map 'notes=-'"), "{e}");
    }

    #[test]
    fn json_rows_resolve_by_key_and_refuse_two_keys_for_one_field() {
        let m = mapping(&[]).unwrap();
        let mut r = Resolver::new(&m, Vec::new(), Vec::new());
        let mut input = Input::new(
            &b"{\"phone\":1,\"x\":[1]}\n{\"phone\":\"1\",\"Phone Number\":\"2\"}\n"[..],
            "f",
            Format::Jsonl,
            b',',
        )
        .unwrap();
        let first = input.next_row().unwrap().unwrap().unwrap();
        let cells = r.cells(&first).unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(text("phone", cells[0].2).unwrap().as_deref(), Some("1"));
        assert_eq!(json(cells[1].2), Some(serde_json::json!([1])));
        let second = input.next_row().unwrap().unwrap().unwrap();
        let e = r.cells(&second).unwrap_err();
        assert!(e.message.contains("both map to phone"), "{e:?}");
    }

    #[test]
    fn cells_become_text_or_json() {
        assert_eq!(text("c", Cell::Text("  a b ")).unwrap().as_deref(), Some("a b"));
        assert_eq!(text("c", Cell::Text("   ")).unwrap(), None);
        assert_eq!(text("c", Cell::Json(&serde_json::json!(true))).unwrap().as_deref(), Some("true"));
        assert_eq!(text("c", Cell::Json(&Value::Null)).unwrap(), None);
        let e = text("c", Cell::Json(&serde_json::json!({"a": 1}))).unwrap_err();
        assert_eq!(e.reason(), "column `c`: expected text, found an object");
        assert_eq!(json(Cell::Text(" ")), None);
    }
}
