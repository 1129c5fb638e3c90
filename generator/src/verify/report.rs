//! What `verify` found: per example, per document, and the table over all documents.

use crate::examples::{Failure, Passed};
use crate::model::{Untyped, UntypedReason};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Verification of several documents.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Each document, in the order given.
    pub documents: Vec<DocReport>,
}

/// One document: each of its examples, the places it left untyped, and what stopped it, if
/// anything did.
#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    /// The document's path, as given.
    pub document: String,
    /// Each example the document carries, in document order.
    pub examples: Vec<ExampleReport>,
    /// The places that fell back to an untyped JSON value.
    pub untyped: Vec<Untyped>,
    /// Generator warnings (constructs skipped or changed) for the document.
    pub warnings: usize,
    /// Values sent through a generated type (an example is one or more: an array's items).
    pub round_trips: usize,
    /// The document did not load, generate or build.
    pub error: Option<String>,
}

/// One example and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleReport {
    /// JSON pointer of the example.
    pub at: String,
    /// JSON pointer of its schema.
    pub schema_at: String,
    /// What became of it.
    pub outcome: Outcome,
    /// The example is a string holding its JSON text (OpenAPI lets a media type's example be
    /// written so), and what was checked is the JSON it holds.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub as_text: bool,
}

impl ExampleReport {
    /// `ok #/…`, or the outcome with the example's pointer, type and first difference.
    pub fn line(&self) -> String {
        let line = self.outcome_line();
        if self.as_text {
            format!("{line} (the JSON in its string)")
        } else {
            line
        }
    }

    fn outcome_line(&self) -> String {
        match &self.outcome {
            Outcome::RoundTripped(Passed::Typed) => format!("ok        {}", self.at),
            Outcome::RoundTripped(Passed::Primitive) => {
                format!("ok        {} (a primitive of the right kind)", self.at)
            }
            Outcome::RoundTripped(Passed::Untyped) => format!("ok        {} (untyped: any JSON value)", self.at),
            Outcome::Failed(f) => {
                let ty = f.type_name.as_deref().map(|t| format!(" as `{t}`")).unwrap_or_default();
                let inner = if f.at.is_empty() { String::new() } else { format!(" (at {} inside it)", f.at) };
                format!("FAILED    {}{ty}{inner}: {}: {}", self.at, f.cause.label(), f.detail)
            }
            Outcome::Invalid(why) => format!("invalid   {}: the document's own example is invalid: {why}", self.at),
            Outcome::Skipped(why) => format!("skipped   {}: {why}", self.at),
            Outcome::NotBuilt => format!("FAILED    {}: the document's crate was not built", self.at),
        }
    }
}

/// What became of an example.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// Through its generated type and back, unchanged.
    RoundTripped(Passed),
    /// It did not come through its generated type.
    Failed(Failure),
    /// The document's own example is invalid against its schema (why): not the generator's doing.
    Invalid(String),
    /// Not something to round-trip (why): a body in a form other than JSON, a schema JSON Schema
    /// cannot check.
    Skipped(String),
    /// The document's crate did not build (or the document did not generate).
    NotBuilt,
}

/// The counts of one document (or all of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Examples found.
    pub examples: usize,
    /// Examples not round-tripped ([`Outcome::Skipped`]).
    pub skipped: usize,
    /// Examples invalid against their own schema ([`Outcome::Invalid`]).
    pub invalid: usize,
    /// Examples valid against their own schema: the ones the generator answers for.
    pub valid: usize,
    /// Of those, the ones that came through ([`Outcome::RoundTripped`]).
    pub round_tripped: usize,
    /// Of those, the ones that went through a generated type (the rest are primitives of the
    /// right kind, or untyped).
    pub through_types: usize,
    /// Of those, the ones whose place is an untyped JSON value.
    pub untyped_round_trips: usize,
    /// Failures by cause (`not built` for a crate that did not build).
    pub failures: BTreeMap<String, usize>,
    /// Places that fell back to an untyped JSON value, by reason.
    pub untyped_places: BTreeMap<String, usize>,
}

impl Summary {
    /// Failures of every cause.
    pub fn failed(&self) -> usize {
        self.failures.values().sum()
    }

    /// Round-tripped share of the valid examples, in percent; none when there are none.
    pub fn rate(&self) -> Option<f64> {
        (self.valid > 0).then(|| 100.0 * self.round_tripped as f64 / self.valid as f64)
    }

    /// The rate as shown: `66.7%`, or why there is none (`no examples`, `no valid examples`).
    pub fn rate_label(&self) -> String {
        match self.rate() {
            Some(rate) => format!("{rate:.1}%"),
            None if self.examples == 0 => "no examples".into(),
            None => "no valid examples".into(),
        }
    }

    fn add(&mut self, other: &Summary) {
        self.examples += other.examples;
        self.skipped += other.skipped;
        self.invalid += other.invalid;
        self.valid += other.valid;
        self.round_tripped += other.round_tripped;
        self.through_types += other.through_types;
        self.untyped_round_trips += other.untyped_round_trips;
        for (k, n) in &other.failures {
            *self.failures.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.untyped_places {
            *self.untyped_places.entry(k.clone()).or_default() += n;
        }
    }
}

/// The label of a failure cause, including the crate not building.
pub fn cause_label(outcome: &Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::Failed(f) => Some(f.cause.label()),
        Outcome::NotBuilt => Some("not built"),
        _ => None,
    }
}

impl DocReport {
    pub(crate) fn new(document: String) -> Self {
        DocReport { document, examples: Vec::new(), untyped: Vec::new(), warnings: 0, round_trips: 0, error: None }
    }

    /// The document's counts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary { examples: self.examples.len(), ..Summary::default() };
        for ex in &self.examples {
            match &ex.outcome {
                Outcome::Skipped(_) => s.skipped += 1,
                Outcome::Invalid(_) => s.invalid += 1,
                Outcome::RoundTripped(p) => {
                    s.round_tripped += 1;
                    match p {
                        Passed::Typed => s.through_types += 1,
                        Passed::Primitive => {}
                        Passed::Untyped => s.untyped_round_trips += 1,
                    }
                }
                other => *s.failures.entry(cause_label(other).unwrap_or_default().to_string()).or_default() += 1,
            }
        }
        s.valid = s.examples - s.skipped - s.invalid;
        for u in &self.untyped {
            *s.untyped_places.entry(u.reason.label().to_string()).or_default() += 1;
        }
        s
    }
}

impl Report {
    /// The counts over every document.
    pub fn total(&self) -> Summary {
        let mut total = Summary::default();
        for d in &self.documents {
            total.add(&d.summary());
        }
        total
    }

    /// Every failure of the generator's: the document, the example and what went wrong.
    pub fn failures(&self) -> Vec<(&DocReport, &ExampleReport)> {
        let failed = |e: &&ExampleReport| cause_label(&e.outcome).is_some();
        self.documents.iter().flat_map(|d| d.examples.iter().filter(failed).map(move |e| (d, e))).collect()
    }

    /// Per document, one line per example (`ok`, or what went wrong where), then its untyped places.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for d in &self.documents {
            let _ = writeln!(out, "{}", d.document);
            if let Some(e) = &d.error {
                let _ = writeln!(out, "  ERROR {e}");
            }
            for ex in &d.examples {
                let _ = writeln!(out, "  {}", ex.line());
            }
            for u in &d.untyped {
                let _ = writeln!(out, "  untyped ({}) {}", u.reason.label(), u.location);
            }
        }
        out
    }

    /// The table: one row per document and a total, Markdown-style so that it pastes anywhere.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| document | examples | valid | round-tripped | through types | rate | invalid | skipped | failures by cause | untyped places by reason |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
        );
        let mut row = |name: &str, s: &Summary, error: Option<&str>| {
            let rate = s.rate_label();
            let through_untyped =
                if s.untyped_round_trips > 0 { format!(" ({} untyped)", s.untyped_round_trips) } else { String::new() };
            let mut failures = counts(&s.failures);
            if let Some(e) = error {
                let first = e.lines().next().unwrap_or_default().replace('|', "\\|");
                failures = format!("{failures}; ERROR {first}").trim_start_matches("-; ").to_string();
            }
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {}{through_untyped} | {} | {rate} | {} | {} | {failures} | {} |",
                s.examples,
                s.valid,
                s.round_tripped,
                s.through_types,
                s.invalid,
                s.skipped,
                counts(&s.untyped_places)
            );
        };
        for d in &self.documents {
            let name = std::path::Path::new(&d.document).file_name().map(|n| n.to_string_lossy().to_string());
            row(&name.unwrap_or_else(|| d.document.clone()), &d.summary(), d.error.as_deref());
        }
        let total = self.total();
        row("**total**", &total, None);
        out
    }
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "-".into();
    }
    map.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join(", ")
}

impl Serialize for Untyped {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Untyped", 2)?;
        st.serialize_field("location", &self.location)?;
        st.serialize_field("reason", self.reason.label())?;
        st.end()
    }
}

impl Serialize for UntypedReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::Cause;

    fn report() -> Report {
        let ex =
            |at: &str, outcome| ExampleReport { at: at.into(), schema_at: format!("{at}/s"), outcome, as_text: false };
        let failure =
            Failure { cause: Cause::Differs, at: "/a".into(), type_name: Some("Pet".into()), detail: "d".into() };
        Report {
            documents: vec![DocReport {
                document: "corpus/pets.yaml".into(),
                examples: vec![
                    ex("#/e1", Outcome::RoundTripped(Passed::Typed)),
                    ex("#/e2", Outcome::RoundTripped(Passed::Untyped)),
                    ex("#/e3", Outcome::Failed(failure)),
                    ex("#/e4", Outcome::Invalid("at /x: bad".into())),
                    ex("#/e5", Outcome::Skipped("xml".into())),
                ],
                untyped: vec![Untyped { location: "#/u".into(), reason: UntypedReason::NoSchema }],
                warnings: 0,
                round_trips: 2,
                error: None,
            }],
        }
    }

    #[test]
    fn counts_and_table() {
        let r = report();
        let s = r.total();
        assert_eq!(
            (s.examples, s.valid, s.round_tripped, s.untyped_round_trips, s.invalid, s.skipped),
            (5, 3, 2, 1, 1, 1)
        );
        assert_eq!(s.through_types, 1);
        assert_eq!(s.failed(), 1);
        assert!((s.rate().unwrap() - 66.66).abs() < 0.1);
        assert_eq!(s.rate_label(), "66.7%");
        let table = r.table();
        assert!(table.contains("| pets.yaml | 5 | 3 | 2 (1 untyped) | 1 | 66.7% | 1 | 1 | differs after the round-trip: 1 | no schema: 1 |"), "{table}");
        assert!(table.contains("| **total** | 5 | 3 |"), "{table}");
        let details = r.details();
        assert!(
            details.contains("FAILED    #/e3 as `Pet` (at /a inside it): differs after the round-trip: d"),
            "{details}"
        );
        assert!(details.contains("invalid   #/e4: the document's own example is invalid: at /x: bad"), "{details}");
        assert_eq!(r.failures().len(), 1);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["documents"][0]["examples"][2]["outcome"]["outcome"], "failed");
        assert_eq!(json["documents"][0]["untyped"][0]["reason"], "no schema");
    }

    #[test]
    fn a_document_without_examples_has_no_rate() {
        let r = Report { documents: vec![DocReport::new("empty.yaml".into())] };
        assert_eq!(r.total().rate(), None);
        assert_eq!(r.total().rate_label(), "no examples");
        assert!(r.table().contains("| empty.yaml | 0 | 0 | 0 | 0 | no examples |"), "{}", r.table());
        let all_invalid = Summary { examples: 2, invalid: 2, ..Summary::default() };
        assert_eq!(all_invalid.rate_label(), "no valid examples");
    }
}
