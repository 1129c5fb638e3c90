//! What the importer's tests share: the provider mock, a scratch directory per test, running
//! the binary, and reading its report.
#![allow(dead_code)] // each test file uses a different part

pub mod mock;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::Duration;

pub const TOKEN: &str = "tok-SECRET-4f9a2c";

/// An empty directory for one test, under cargo's scratch space for integration tests.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("importer").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The importer, with the test token in all three variables and no colours.
pub fn importer(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_whatsapp-contacts"));
    cmd.args(args)
        .env("WHATS91_TOKEN", TOKEN)
        .env("KIRIM_TOKEN", TOKEN)
        .env("WACR_TOKEN", TOKEN)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    cmd
}

pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Everything the run printed.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "status {:?}\n--- stdout\n{}\n--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}

fn finish(output: Output) -> Run {
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the command to its end without blocking the mock's runtime.
pub async fn run(mut cmd: Command) -> Run {
    tokio::task::spawn_blocking(move || finish(cmd.output().expect("the importer starts"))).await.unwrap()
}

/// Starts the command with its output collected in the background.
pub fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the importer starts")
}

/// Waits for a child (killed or not) and collects what it printed.
pub async fn wait(child: Child) -> Run {
    tokio::task::spawn_blocking(move || finish(child.wait_with_output().unwrap())).await.unwrap()
}

/// Polls `until` every few milliseconds while the child runs; true if it held before the child
/// ended.
pub async fn poll(child: &mut Child, mut until: impl FnMut() -> bool) -> bool {
    loop {
        if until() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// A CSV of `n` contacts with unique phones: `phone,firstName,lastName,email,city`.
pub fn contacts_csv(path: &Path, n: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "phone,First Name,lastName,email,city").unwrap();
    for i in 0..n {
        writeln!(out, "{},F{i},L{i},u{i}@example.com,City {}", phone(i), i % 97).unwrap();
    }
    out.flush().unwrap();
}

pub fn phone(i: usize) -> String {
    format!("+9190{i:08}")
}

/// One report line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub row: u64,
    pub line: u64,
    pub status: String,
    pub reason: String,
    pub uid: String,
    pub phone: String,
    pub resent: bool,
}

/// The report, checked to have the documented header.
pub fn report(path: &Path) -> Vec<ReportRow> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ["row", "line", "status", "reason", "contact_uid", "phone", "resent"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            ReportRow {
                row: r[0].parse().unwrap(),
                line: r[1].parse().unwrap(),
                status: r[2].to_string(),
                reason: r[3].to_string(),
                uid: r[4].to_string(),
                phone: r[5].to_string(),
                resent: &r[6] == "true",
            }
        })
        .collect()
}

/// The report by row, asserting that it has rows 1..=n, each exactly once.
pub fn report_by_row(path: &Path, n: u64) -> HashMap<u64, ReportRow> {
    let rows = report(path);
    let mut by_row = HashMap::with_capacity(rows.len());
    for r in rows {
        let row = r.row;
        assert!(by_row.insert(row, r).is_none(), "row {row} is in the report twice");
    }
    assert_eq!(by_row.len() as u64, n, "the report has {} rows, the input {n}", by_row.len());
    assert!((1..=n).all(|r| by_row.contains_key(&r)), "a row is missing from the report");
    by_row
}
