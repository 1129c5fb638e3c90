//! Running cargo on generated crates (compile checks, `verify`): an environment cleaned of what
//! a surrounding `cargo test` or `cargo run` sets, offline first, and the lock file of a
//! workspace copied in so that nothing new is resolved.

use std::path::Path;
use std::process::{Command, Output};

/// Variables cargo sets for the process it runs (a test, a `cargo run`) that must not leak into
/// a generated crate's build: some build scripts (ring's) rerun when e.g. `CARGO_MANIFEST_DIR`
/// changes, which would rebuild the dependencies whenever the build is run from elsewhere.
const SET_BY_CARGO: &[&str] = &[
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
];

/// `cargo` (the one running us, if any) building into `target_dir`, without the variables of
/// the cargo process around this one.
pub fn command(target_dir: &Path) -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    without_outer_cargo(&mut c).env("CARGO_TARGET_DIR", target_dir);
    c
}

/// Removes from `c`'s environment what the cargo process around this one set for it.
pub fn without_outer_cargo(c: &mut Command) -> &mut Command {
    for (var, _) in std::env::vars_os() {
        let var = var.to_string_lossy();
        let by_cargo = var.starts_with("CARGO_PKG_") || var.starts_with("CARGO_BIN_EXE_");
        if by_cargo || SET_BY_CARGO.contains(&var.as_ref()) {
            c.env_remove(var.as_ref());
        }
    }
    c
}

/// What cargo says when it could not work offline (a dependency not downloaded yet).
const OFFLINE_TROUBLE: &[&str] =
    &["offline", "failed to download", "no matching package", "failed to select a version", "download of"];

/// Runs `args` in `dir` with `--offline` (the copied lock names only downloaded crates); when
/// cargo could not resolve offline, runs them again online. Returns the output and whether the
/// registry was needed.
pub fn run_offline_first(dir: &Path, target_dir: &Path, args: &[&str]) -> std::io::Result<(Output, bool)> {
    let run = |offline: bool| {
        let mut c = command(target_dir);
        c.current_dir(dir).args(args);
        if offline {
            c.arg("--offline");
        }
        c.output()
    };
    let output = run(true)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() && OFFLINE_TROUBLE.iter().any(|s| stderr.contains(s)) {
        return Ok((run(false)?, true));
    }
    Ok((output, false))
}

/// Copies the lock file `lock` into `dir`, pinning the dependencies of the crates there. Cargo
/// rewrites the copy (it drops packages it does not need): it is compared with a pristine copy
/// of what was last copied, so that an unchanged lock is not touched and nothing rebuilds.
pub fn pin_lock(dir: &Path, lock: &Path) -> Result<(), String> {
    let text = std::fs::read(lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    let pristine = dir.join(".Cargo.lock.orig");
    let copy = dir.join("Cargo.lock");
    if std::fs::read(&pristine).ok().as_deref() != Some(text.as_slice()) || !copy.exists() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::write(&copy, &text).map_err(|e| format!("{}: {e}", copy.display()))?;
        std::fs::write(&pristine, &text).map_err(|e| format!("{}: {e}", pristine.display()))?;
    }
    Ok(())
}
