//! The README's "What the generator supports" table, against the documents it cites. Each row
//! cites documents as `` `path` has `text` `` (optionally `` , warns `warning` ``); this checks
//! that every cited document exists, holds the text and generates, that each quoted warning is
//! one the generator gives for that document and that it gives none the table does not quote,
//! that a row that is not a plain "yes" quotes the warning that says so, and that every fixture
//! in `tests/fixtures/` is cited. So the table says what the fixtures show, and cannot drift.

use std::collections::BTreeMap;

/// One cited document.
#[derive(Debug)]
struct Cite {
    path: String,
    needle: String,
    warns: Option<String>,
}

#[derive(Debug)]
struct Row {
    construct: String,
    support: String,
    cites: Vec<Cite>,
}

/// The rows of the table under `## What the generator supports`.
fn rows(readme: &str) -> Vec<Row> {
    let section = readme.split("\n## What the generator supports").nth(1).expect("the README has the section");
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| construct ") && !l.starts_with("|---"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 3, "a row has a construct, its support and what shows it: {line}");
            let cites = cells[2]
                .split("; ")
                .map(|cite| {
                    // `path` has `needle`[, warns `warning`]
                    let parts: Vec<&str> = cite.split('`').collect();
                    let ok =
                        matches!(parts.as_slice(), ["", _, " has ", _, ""] | ["", _, " has ", _, ", warns ", _, ""]);
                    assert!(ok, "a citation reads `path` has `text`[, warns `warning`]: {cite}");
                    Cite {
                        path: parts[1].to_string(),
                        needle: parts[3].to_string(),
                        warns: parts.get(5).map(|w| w.to_string()),
                    }
                })
                .collect();
            Row { construct: cells[0].to_string(), support: cells[1].to_string(), cites }
        })
        .collect()
}

#[test]
fn the_support_table_is_what_the_cited_documents_show() {
    let root = contract_tests::workspace();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let rows = rows(&readme);
    assert!(rows.len() >= 20, "only {} rows", rows.len());
    let mut problems = Vec::new();
    // Each cited document's warnings, and the warnings the table quotes for it.
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut quoted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in &rows {
        let kind = row.support.split(':').next().unwrap_or_default();
        if !["yes", "partly", "no"].contains(&kind) {
            problems
                .push(format!("{}: support is `yes`, `partly: …` or `no: …`, not `{}`", row.construct, row.support));
        }
        if kind != "yes" && row.cites.iter().all(|c| c.warns.is_none()) {
            problems.push(format!("{}: a limit must cite the warning that says so", row.construct));
        }
        for cite in &row.cites {
            let path = root.join(&cite.path);
            let Ok(text) = std::fs::read_to_string(&path) else {
                problems.push(format!("{}: {} does not exist", row.construct, cite.path));
                continue;
            };
            if !text.contains(&cite.needle) {
                problems.push(format!("{}: {} does not contain `{}`", row.construct, cite.path, cite.needle));
            }
            if !warnings.contains_key(&cite.path) {
                match oas_client_gen::Generator::new().module(&path, &cite.path) {
                    Ok(m) => warnings.insert(cite.path.clone(), m.warnings.iter().map(|w| w.message.clone()).collect()),
                    Err(e) => {
                        problems.push(format!("{}: {} does not generate: {e}", row.construct, cite.path));
                        warnings.insert(cite.path.clone(), Vec::new())
                    }
                };
            }
            if let Some(w) = &cite.warns {
                if !warnings[&cite.path].iter().any(|m| m.contains(w.as_str())) {
                    problems.push(format!("{}: {} gives no warning with `{w}`", row.construct, cite.path));
                }
                quoted.entry(cite.path.clone()).or_default().push(w.clone());
            }
        }
    }
    for (path, messages) in &warnings {
        let quotes = quoted.get(path).map(Vec::as_slice).unwrap_or_default();
        for m in messages.iter().filter(|m| !quotes.iter().any(|q| m.contains(q.as_str()))) {
            problems.push(format!("{path} warns `{m}`, which no row of the table quotes"));
        }
    }
    let mut fixtures: Vec<String> = std::fs::read_dir(root.join("tests/fixtures"))
        .expect("tests/fixtures")
        .flatten()
        .map(|e| format!("tests/fixtures/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    fixtures.sort();
    for f in fixtures.iter().filter(|f| !warnings.contains_key(*f)) {
        problems.push(format!("{f} is not cited by any row: what construct does it show?"));
    }
    assert!(problems.is_empty(), "the README's support table does not match:\n  {}", problems.join("\n  "));
}
