//! The contract as a second language reads it: `.ci/python-client.sh` generates a Python client
//! from every `spec/*.yaml` with openapi-python-client (pinned, installed on first use) and runs
//! `pytest tests/python`, which feeds every example of the specs and every case of
//! `tests/tolerance/cases.json` through the generated models. This test runs it, so that
//! `cargo test --workspace` covers the Python side too.

use std::process::Command;

#[test]
fn the_generated_python_client_parses_every_example_and_tolerance_case() {
    let root = contract_tests::workspace();
    eprintln!(
        "python_client: `bash .ci/python-client.sh` (installs the pinned Python tools into {}/python-client if missing)",
        contract_tests::tools_dir().display()
    );
    // Install progress (the script's stderr) shows as it happens; stdout is checked below.
    let output = contract_tests::cargo::without_outer_cargo(&mut Command::new("bash"))
        .arg(root.join(".ci/python-client.sh"))
        .current_dir(&root)
        .env("TOOLS_DIR", contract_tests::tools_dir())
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "`bash .ci/python-client.sh` failed ({}); it needs python3 >= 3.11 and, on first use, PyPI (its stderr is above):\n{stdout}",
        output.status
    );
    // pytest's summary line, e.g. `278 passed in 3.1s`: something really ran, and nothing failed.
    let summary = stdout.lines().rev().find(|l| l.contains(" passed")).unwrap_or_default();
    let passed: usize = summary.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(0);
    assert!(passed >= 100, "pytest ran only {passed} checks: {summary}");
    assert!(!summary.contains("failed") && !summary.contains("error"), "{summary}");
}
