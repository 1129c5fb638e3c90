#!/usr/bin/env bash
# The peer OpenAPI -> Rust generators that bench/compare.py measures ours against, pinned.
#
#   bash bench/install-peers.sh               install what is missing or at another version, print versions
#   bash bench/install-peers.sh --print-dir   the same, but stdout carries only the bin directory
#
# Installed with `cargo install --locked` into TOOLS_DIR/cargo/bin (TOOLS_DIR defaults to
# ~/.cache/contract-tools, the same root as .ci/cargo-tools.sh), never into the repository, one
# at a time, each in a throw-away CARGO_TARGET_DIR under /tmp that is deleted afterwards. Uses at
# most CARGO_TOOLS_JOBS (default 2) jobs; all three take roughly 15 minutes on 2 cores the first
# time, and a second run only reads `cargo install --list` (under a second). Non-interactive; needs
# network access to crates.io on first use only. Not used by CI.
set -euo pipefail

# crate  version  binary
PEERS=(
  "cargo-progenitor 0.15.1 cargo-progenitor"
  "ploidy 0.15.0 ploidy"
  "openapi-to-rust 0.23.0 openapi-to-rust"
)

TOOLS_DIR="${TOOLS_DIR:-${HOME:-/tmp}/.cache/contract-tools}"
CARGO_ROOT="$TOOLS_DIR/cargo"
BIN_DIR="$CARGO_ROOT/bin"

mode="all"
case "${1:-}" in
  "") ;;
  --print-dir) mode="dir" ;;
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'install-peers: unknown argument %s (try --help)\n' "$1" >&2; exit 2 ;;
esac
if [ "$mode" = dir ]; then exec 3>&1 1>&2; fi
log() { printf '%s\n' "$*"; }
die() { printf 'install-peers: %s\n' "$*" >&2; exit 2; }
command -v cargo >/dev/null || die "cargo not found"

target=""
trap '[ -z "$target" ] || rm -rf "$target"' EXIT

for entry in "${PEERS[@]}"; do
  read -r crate version binary <<<"$entry"
  # The version comes from cargo's install record, not from the binary: cargo-progenitor has no
  # --version flag (its -v is the generated crate's version).
  version_ok() {
    [ -x "$BIN_DIR/$binary" ] && cargo install --list --root "$CARGO_ROOT" 2>/dev/null | grep -qxF "$crate v$version:"
  }
  if ! version_ok; then
    log "installing $crate $version into $CARGO_ROOT"
    mkdir -p "$CARGO_ROOT"
    target="$(mktemp -d "${TMPDIR:-/tmp}/install-peers-target.XXXXXX")"
    CARGO_TARGET_DIR="$target" CARGO_TERM_PROGRESS_WHEN=never \
      cargo install --locked --force --quiet --root "$CARGO_ROOT" -j "${CARGO_TOOLS_JOBS:-2}" "$crate" --version "$version" \
      || die "cargo install $crate $version failed"
    rm -rf "$target"; target=""
    version_ok || die "$BIN_DIR/$binary does not report version $version after installing"
  fi
  log "$crate $version: $BIN_DIR/$binary"
done

if [ "$mode" = dir ]; then printf '%s\n' "$BIN_DIR" >&3; fi
