//! `oas-client-gen diff` against an independent judge: for every fixture pair in
//! `generator/tests/fixtures/diff/`, both documents are generated as crates (same name, versions
//! 1.0.0 and 1.0.1) under `target/semver-pairs/<pair>/{old,new}` and compared by
//! cargo-semver-checks, the version `.ci/cargo-tools.sh` pins (the test runs that script, which
//! installs it into the tools cache on first use).
//!
//! The two verdicts must agree on whether a pair breaks users (needs a new major version), or the
//! diff may be stricter where [`STRICTER`] says why: breaks that no rustdoc-level lint can show.
//! Where cargo-semver-checks asks for a new minor version, the diff must not call the change
//! documentation only. The crates share one target directory, so the dependencies compile once;
//! the table is printed (`-- --nocapture`) and written to `target/semver-pairs/semver.md`.

use oas_client_gen::{Bump, Generator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Pairs the diff calls breaking while cargo-semver-checks sees no major change, and why.
const STRICTER: &[(&str, &str)] = &[
    ("closed-enum", "wire-level: the variants stay, but a request now refuses `Unknown(..)` before sending"),
    ("constraints", "run-time: tighter rules refuse, before sending, requests that were sent before"),
    ("narrowed-type", "a field and a setter change type (`f64` → `i64`, `i32` → `i64`): no lint compares types"),
    (
        "newly-required-field",
        "`NewContact::new(String)` becomes `new(NewContactRequired)`: same arity, and no lint compares parameter types",
    ),
    ("response-optional", "fields change type (`String` → `Option<String>`): no lint compares field types"),
    (
        "new-success-status",
        "`.await` gives `Response<CreateContactSuccess>`, not `Response<Contact>`: no lint compares return types",
    ),
];

fn root() -> PathBuf {
    contract_tests::workspace().join("target/semver-pairs")
}

/// The cargo-semver-checks binary: `SEMVER_CHECKS_BIN`, else the version `.ci/cargo-tools.sh`
/// pins, which it installs into the tools cache on first use (a few minutes, once).
fn semver_checks() -> PathBuf {
    match std::env::var_os("SEMVER_CHECKS_BIN").filter(|v| !v.is_empty()) {
        Some(bin) => PathBuf::from(bin),
        None => contract_tests::installed_tool("cargo-tools.sh"),
    }
}

/// A command without what `cargo test` sets for this test (some build scripts rerun when those
/// change, which would rebuild the shared dependencies), building into the pairs' target.
fn clean_env(c: &mut Command) -> &mut Command {
    contract_tests::cargo::without_outer_cargo(c)
        .env("CARGO_TARGET_DIR", root().join("target"))
        .env("CARGO_TERM_COLOR", "never")
}

/// Writes `spec` as the crate `name` at `version` in `dir` (a workspace of its own, with the
/// workspace's lock file so nothing new is resolved). Unchanged files are left alone.
fn write_crate(spec: &Path, name: &str, version: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    // The module is named after the file: the same name on both sides.
    let copy = dir.join("contacts.yaml");
    std::fs::copy(spec, &copy).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let runtime = contract_tests::workspace().join("runtime").display().to_string();
    let generator = Generator::new().crate_name(name).runtime_path(runtime).labels_relative_to(dir).prune(true);
    let mut generated = generator.generate(&[copy]).unwrap_or_else(|e| panic!("{e}"));
    let manifest = generated.files_mut().get_mut(Path::new("Cargo.toml")).expect("a Cargo.toml");
    assert!(manifest.contains("\nversion = \"0.1.0\"\n"), "{manifest}");
    *manifest =
        manifest.replace("\nversion = \"0.1.0\"\n", &format!("\nversion = \"{version}\"\n")) + "\n[workspace]\n";
    generated.write(dir).unwrap_or_else(|e| panic!("{e}"));
    let lock = std::fs::read(contract_tests::workspace().join("Cargo.lock")).unwrap();
    if std::fs::read(dir.join("Cargo.lock")).ok() != Some(lock.clone()) {
        std::fs::write(dir.join("Cargo.lock"), lock).unwrap();
    }
}

/// cargo-semver-checks' verdict on `old` → `new` and the lints that failed.
fn judge(bin: &Path, old: &Path, new: &Path) -> Result<(Bump, Vec<String>), String> {
    let output = clean_env(Command::new(bin).args(["semver-checks", "check-release", "--release-type", "patch"]))
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .args(["--color", "never"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("--- failure "))
        .map(|l| l.split(':').next().unwrap_or(l).to_string())
        .collect();
    let verdict = if text.contains("semver requires new major version") {
        Bump::Major
    } else if text.contains("semver requires new minor version") {
        Bump::Minor
    } else if text.contains("no semver update required") && output.status.success() {
        Bump::None
    } else {
        return Err(format!("no verdict ({}):\n{text}", output.status));
    };
    Ok((verdict, lints))
}

struct Row {
    pair: String,
    diff: Bump,
    semver: Result<(Bump, Vec<String>), String>,
    secs: f64,
    /// Why the verdicts may differ, from [`STRICTER`].
    reason: Option<&'static str>,
}

impl Row {
    /// None when the verdicts are consistent; otherwise what is wrong.
    fn problem(&self) -> Option<String> {
        let (semver, _) = match &self.semver {
            Ok(v) => v,
            Err(e) => return Some(format!("cargo-semver-checks failed: {e}")),
        };
        let (diff_breaks, semver_breaks) = (self.diff == Bump::Major, *semver == Bump::Major);
        match (diff_breaks, semver_breaks, self.reason) {
            (false, true, _) => Some(format!("the diff says {} but cargo-semver-checks finds a break", self.diff)),
            (true, false, None) => {
                Some("the diff says breaking, cargo-semver-checks does not, and STRICTER gives no reason".into())
            }
            (true, true, Some(_)) => Some("both say breaking: remove the pair from STRICTER".into()),
            _ if *semver == Bump::Minor && self.diff < Bump::Minor => {
                Some(format!("cargo-semver-checks wants a minor version, the diff says {}", self.diff))
            }
            _ => None,
        }
    }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| pair | diff (from 1.0.0) | cargo-semver-checks | failed lints | s | breaking or not |\n|---|---|---|---|---:|---|\n",
    );
    for r in rows {
        let (semver, lints) = match &r.semver {
            Ok((v, lints)) => (v.to_string(), lints.join(", ")),
            Err(_) => ("error".into(), String::new()),
        };
        let verdict = match (r.problem(), r.reason) {
            (Some(p), _) => format!("FAILED: {p}"),
            (None, Some(reason)) => format!("diff stricter: {reason}"),
            (None, None) => "agree".into(),
        };
        out.push_str(&format!("| {} | {} | {semver} | {lints} | {:.1} | {verdict} |\n", r.pair, r.diff, r.secs));
    }
    out
}

#[test]
fn diff_agrees_with_cargo_semver_checks() {
    let bin = semver_checks();
    let fixtures = contract_tests::workspace().join("generator/tests/fixtures/diff");
    let mut pairs: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|e| panic!("{}: {e}", fixtures.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pairs.sort();
    for (pair, _) in STRICTER {
        assert!(pairs.iter().any(|p| p == pair), "STRICTER names `{pair}`, which is not a fixture pair");
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    for pair in &pairs {
        let t = Instant::now();
        let (old, new) = (fixtures.join(pair).join("old.yaml"), fixtures.join(pair).join("new.yaml"));
        let diff = Generator::diff(&old, &new).unwrap_or_else(|e| panic!("{pair}: {e}")).bump("1.0.0");
        let (old_dir, new_dir) = (root().join(pair).join("old"), root().join(pair).join("new"));
        let name = format!("semver_{}", pair.replace('-', "_"));
        write_crate(&old, &name, "1.0.0", &old_dir);
        write_crate(&new, &name, "1.0.1", &new_dir);
        let semver = judge(&bin, &old_dir, &new_dir);
        let reason = STRICTER.iter().find(|(p, _)| p == pair).map(|(_, r)| *r);
        let row = Row { pair: pair.clone(), diff, semver, secs: t.elapsed().as_secs_f64(), reason };
        eprintln!("semver: {pair}: {}", if row.problem().is_none() { "ok" } else { "FAILED" });
        rows.push(row);
    }
    let table = table(&rows);
    println!("\n{table}\n{} pairs in {:.0}s", rows.len(), started.elapsed().as_secs_f64());
    let _ = std::fs::write(root().join("semver.md"), &table);
    let failed: Vec<String> = rows.iter().filter_map(|r| r.problem().map(|p| format!("  {}: {p}", r.pair))).collect();
    assert!(failed.is_empty(), "{} of {} pairs:\n{}\n\n{table}", failed.len(), rows.len(), failed.join("\n"));
}
