//! `oas-client-gen verify` over every document of the corpus (`tests/corpus/`): each generates,
//! builds and round-trips the examples it carries through its generated types. Prints the table
//! (run with `-- --nocapture`; it is also written to `target/verify/corpus.md`) and fails when a
//! document does not build, when fewer than 99% of the valid examples round-trip, or on any
//! failure that is not listed below with the limit the README's `## Limits` section names.

use oas_client_gen::{Generator, VerifyOptions};
use std::path::Path;

/// The share of the examples valid against their own schema that must round-trip, in percent.
const TARGET: f64 = 99.0;

/// Failures that are understood: (document file name, example pointer, words of the README's
/// `## Limits` section that name the construct). Empty while every valid example round-trips.
const UNDERSTOOD: &[(&str, &str, &str)] = &[];

#[test]
fn corpus_examples_round_trip() {
    let workspace = contract_tests::workspace();
    let specs = contract_tests::corpus_files();
    let opts = VerifyOptions::default_for(Some(workspace.join("target/verify/corpus")));
    let report = Generator::verify(&specs, &opts, &mut |step| eprintln!("verify: {step}")).expect("verify runs");
    let table = report.table();
    let total = report.total();
    let summary = format!(
        "{} of {} valid examples round-trip ({}, {} through generated types); {} invalid, {} skipped, of {} examples in {} documents",
        total.round_tripped,
        total.valid,
        total.rate_label(),
        total.through_types,
        total.invalid,
        total.skipped,
        total.examples,
        report.documents.len()
    );
    println!("\n{table}\n{summary}");
    let _ = std::fs::write(opts.work_dir.with_extension("md"), format!("{table}\n{summary}\n"));

    let broken: Vec<String> =
        report.documents.iter().filter_map(|d| d.error.as_ref().map(|e| format!("  {}: {e}", d.document))).collect();
    assert!(broken.is_empty(), "documents that did not load, generate or build:\n{}", broken.join("\n"));
    // A walker that finds nothing would pass everything.
    assert!(total.valid >= 700, "only {} valid examples found in the corpus\n{table}", total.valid);
    assert!(total.rate().is_some_and(|rate| rate >= TARGET), "{summary}: below the {TARGET}% target\n{table}");

    let file_name = |d: &str| Path::new(d).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let failures: Vec<(String, String, String)> =
        report.failures().into_iter().map(|(d, e)| (file_name(&d.document), e.at.clone(), e.line())).collect();
    let unexplained: Vec<String> = failures
        .iter()
        .filter(|(doc, at, _)| !UNDERSTOOD.iter().any(|(d, a, _)| d == doc && a == at))
        .map(|(doc, _, line)| format!("  {doc}: {line}"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "failures no limit explains (fix the generator, or name the limit):\n{}",
        unexplained.join("\n")
    );
    let readme = std::fs::read_to_string(workspace.join("README.md")).expect("README.md");
    let limits =
        readme.split("\n## Limits").nth(1).and_then(|s| s.split("\n## ").next()).expect("a `## Limits` section");
    for (doc, at, limit) in UNDERSTOOD {
        assert!(limits.contains(limit), "the README's limits do not name `{limit}` ({doc} {at})");
        assert!(
            failures.iter().any(|(d, a, _)| d == doc && a == at),
            "{doc} {at} no longer fails: drop it from UNDERSTOOD"
        );
    }
}
