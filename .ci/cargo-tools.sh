#!/usr/bin/env bash
# Cargo-installed contract tooling: the pinned cargo-semver-checks.
#
#   bash .ci/cargo-tools.sh               install (only if missing or another version), print path and version
#   bash .ci/cargo-tools.sh --print-path  the same, but stdout carries only the binary's path
#                                         (install progress goes to stderr), for tests:
#                                         SEMVER_CHECKS="$(bash .ci/cargo-tools.sh --print-path)"
#
# Why cargo-semver-checks 0.51.0: cargo-semver-checks reads rustdoc's JSON output, whose format
# version changes with rustc; each release only understands the format versions it bundles an
# adapter for (trustfall-rustdoc-adapter). rustc 1.95.0, this project's toolchain, emits rustdoc
# JSON format version 57. 0.51.0 is the newest release (it needs rustc >= 1.93 to build) and
# bundles adapters for formats 57, 60 and 61, so it reads 1.95.0's output and also that of newer
# nightlies. Checked on a two-version test crate pair: removing a `pub fn` is reported as
# `function_missing` ("semver requires new major version", exit 100), and only adding one passes
# (exit 0). When the toolchain moves to a rustc whose format version 0.51.0 does not list, bump
# the pin to a release that does and repeat that check.
#
# Installed with `cargo install --locked` into TOOLS_DIR/cargo (TOOLS_DIR defaults to
# ~/.cache/contract-tools, shared with .ci/lint-spec.sh and .ci/contract-tools.sh), never into the
# repository, building in a throw-away CARGO_TARGET_DIR under /tmp that is deleted afterwards.
# The build uses at most CARGO_TOOLS_JOBS (default 2) jobs: about 6 minutes on an idle 2-core
# machine (23 minutes once with other builds running, load 8-11);
# when the pinned version is already there the script only runs `--version` (well under a second).
# Non-interactive; needs network access to crates.io on first use only.
set -euo pipefail

SEMVER_CHECKS_VERSION="0.51.0"

TOOLS_DIR="${TOOLS_DIR:-${HOME:-/tmp}/.cache/contract-tools}"
CARGO_ROOT="$TOOLS_DIR/cargo"
BIN="$CARGO_ROOT/bin/cargo-semver-checks"

mode="all"
case "${1:-}" in
  "") ;;
  --print-path) mode="path" ;;
  -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'cargo-tools: unknown argument %s (try --help)\n' "$1" >&2; exit 2 ;;
esac

# In --print-path mode stdout carries only the path, so everything else goes to stderr.
if [ "$mode" = path ]; then exec 3>&1 1>&2; fi
log() { printf '%s\n' "$*"; }
die() { printf 'cargo-tools: %s\n' "$*" >&2; exit 2; }

command -v cargo >/dev/null || die "cargo not found"
# shellcheck source=lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
tools_lock cargo-tools

installed_ok() {
  [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null)" = "cargo-semver-checks $SEMVER_CHECKS_VERSION" ]
}

if ! installed_ok; then
  log "installing cargo-semver-checks $SEMVER_CHECKS_VERSION into $CARGO_ROOT (a few minutes)"
  mkdir -p "$CARGO_ROOT"
  target="$(mktemp -d "${TMPDIR:-/tmp}/cargo-tools-target.XXXXXX")"
  trap 'rm -rf "$target"' EXIT
  # --force: also replaces a binary of the same version that no longer runs.
  CARGO_TARGET_DIR="$target" CARGO_TERM_PROGRESS_WHEN=never \
    cargo install --locked --force --quiet --root "$CARGO_ROOT" -j "${CARGO_TOOLS_JOBS:-2}" \
      cargo-semver-checks --version "$SEMVER_CHECKS_VERSION" \
    || die "cargo install cargo-semver-checks $SEMVER_CHECKS_VERSION failed"
  rm -rf "$target"
  installed_ok || die "$BIN is not cargo-semver-checks $SEMVER_CHECKS_VERSION after installing"
fi

case "$mode" in
  path) printf '%s\n' "$BIN" >&3 ;;
  *)
    log "tools: $("$BIN" --version), $(rustc --version)"
    log "SEMVER_CHECKS_BIN=$BIN"
    ;;
esac
