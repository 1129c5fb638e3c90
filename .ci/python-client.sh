#!/usr/bin/env bash
# A second language that consumes the OpenAPI documents for real: generate a Python client
# from every spec/*.yaml with openapi-python-client, then run `pytest tests/python`, which feeds
# every example in the specs and every case of tests/tolerance/cases.json through the generated
# client and models.
#
#   bash .ci/python-client.sh                  install (if needed), generate, run pytest
#   bash .ci/python-client.sh --install-only   install (if needed) and print versions
#   bash .ci/python-client.sh --generate-only  install (if needed) and generate the clients
#   bash .ci/python-client.sh --old-spec REF   check the `oldSpecRejects` flags of the tolerance
#                                              cases: generate from spec/*.yaml as of git REF
#                                              (e.g. main) and require exactly the flagged cases
#                                              to fail there (needs a git checkout)
#   bash .ci/python-client.sh -- ARGS...       extra arguments for pytest (e.g. -k kirim -x)
#
# Exit code: 0 when everything passed, 1 on any failure (install, generation or tests).
# Non-interactive. Needs python3 (>= 3.11, for the generated code) with venv, and network
# access to PyPI on first use only.
#
# Tools: tests/python/requirements.txt pins openapi-python-client, pytest and every transitive
# dependency (plus python-dateutil, which the generated models import, openapi-schema-validator,
# used as an independent schema check, and PyYAML). They are installed into a virtualenv at
# TOOLS_DIR/python-client (TOOLS_DIR defaults to ~/.cache/contract-tools, shared with
# .ci/lint-spec.sh), never into the repository; the install is reused while the requirements
# file and the Python version are unchanged.
#
# Generated clients go to PYTHON_CLIENTS_DIR (default target/python-clients/<stem>, git-ignored);
# they are regenerated on every run.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-${HOME:-/tmp}/.cache/contract-tools}"
VENV="$TOOLS_DIR/python-client"
REQS="$ROOT/tests/python/requirements.txt"
OPC_CONFIG="$ROOT/tests/python/openapi-python-client.yaml"
CLIENTS_DIR="${PYTHON_CLIENTS_DIR:-$ROOT/target/python-clients}"
PY="$VENV/bin/python"

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
export PYTHONDONTWRITEBYTECODE=1

log() { printf '%s\n' "$*"; }
die() { printf 'python-client: %s\n' "$*" >&2; exit 1; }

mode="all"
old_ref=""
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install-only) mode="install" ;;
    --generate-only) mode="generate" ;;
    --old-spec) shift; [ $# -gt 0 ] || die "--old-spec needs a git ref"; old_ref="$1"; mode="old" ;;
    --) shift; pytest_args=("$@"); break ;;
    -h|--help) sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
  shift
done

command -v python3 >/dev/null || die "python3 not found"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "python3 $(python3 -c 'import platform; print(platform.python_version())') is too old (the generated code needs >= 3.11)"
[ -f "$REQS" ] || die "$REQS is missing"
# shellcheck source=lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
tools_lock python-client

# --- install ------------------------------------------------------------------------------------
stamp_want="$( (cat "$REQS"; python3 -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$stamp_want" ]; then
  log "installing the pinned Python tools from tests/python/requirements.txt into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (install the python3-venv package)"
  "$PY" -m pip install --quiet --no-deps --requirement "$REQS" || die "pip install failed"
  "$PY" -m pip check >/dev/null || { "$PY" -m pip check >&2; die "the pinned set is inconsistent (pip check)"; }
  printf '%s\n' "$stamp_want" >"$VENV/.installed"
fi
versions="$("$PY" - <<'EOF'
import importlib.metadata as m
print(", ".join(f"{p} {m.version(p)}" for p in ("openapi-python-client", "pytest", "openapi-schema-validator")))
EOF
)" || die "the tools in $VENV are not importable (delete the directory to reinstall)"
log "tools: $versions, $("$PY" --version)"
[ "$mode" = install ] && exit 0

# --- generate -----------------------------------------------------------------------------------
spec_dir="$ROOT/spec"
tmp=""
if [ "$mode" = old ]; then
  command -v git >/dev/null || die "git not found"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  spec_dir="$tmp/spec"
  mkdir -p "$spec_dir"
  files="$(git -C "$ROOT" ls-tree --name-only "$old_ref" spec/)" || die "cannot list spec/ at $old_ref"
  for f in $files; do
    case "$f" in *.yaml) git -C "$ROOT" show "$old_ref:$f" >"$spec_dir/$(basename "$f")" || die "cannot read $f at $old_ref" ;; esac
  done
  CLIENTS_DIR="$tmp/clients"
fi

docs=()
for f in "$spec_dir"/*.yaml; do
  [ -e "$f" ] || continue
  if grep -qE '^openapi:' "$f"; then docs+=("$f"); fi
done
[ "${#docs[@]}" -gt 0 ] || die "no OpenAPI documents found in $spec_dir"

mkdir -p "$CLIENTS_DIR"
failed=0
for f in "${docs[@]}"; do
  stem="$(basename "$f" .yaml)"
  out="$CLIENTS_DIR/$stem"
  rm -rf "$out"
  if (cd "$CLIENTS_DIR" && "$VENV/bin/openapi-python-client" generate --path "$f" --output-path "$out" \
        --meta none --config "$OPC_CONFIG") >"$CLIENTS_DIR/.log-$stem" 2>&1 \
     && [ -f "$out/__init__.py" ]; then
    # The generator reports schemas or operations it had to leave out as warnings; a client with
    # missing pieces would make the tests below prove less than they claim.
    if grep -qiE 'warning|error|unable|skipping' "$CLIENTS_DIR/.log-$stem"; then
      log "FAIL  $stem  openapi-python-client reported problems:"; sed 's/^/    /' "$CLIENTS_DIR/.log-$stem"; failed=1
    else
      log "PASS  $stem  openapi-python-client -> ${out#"$ROOT/"}"
    fi
  else
    log "FAIL  $stem  openapi-python-client"; sed 's/^/    /' "$CLIENTS_DIR/.log-$stem"; failed=1
  fi
  rm -f "$CLIENTS_DIR/.log-$stem"
done
[ "$failed" -eq 0 ] || die "client generation failed"
[ "$mode" = generate ] && exit 0

# --- test ---------------------------------------------------------------------------------------
export PYTHON_CLIENTS_DIR="$CLIENTS_DIR"
export SPEC_DIR="$spec_dir"
cd "$ROOT"
if [ "$mode" = old ]; then
  log "checking the oldSpecRejects flags against spec/ at $old_ref"
  export TOLERANCE_OLD_SPEC=1
  "$PY" -m pytest -p no:cacheprovider tests/python/test_tolerance.py "${pytest_args[@]}"
else
  "$PY" -m pytest -p no:cacheprovider tests/python "${pytest_args[@]}"
fi
rc=$?
case "$rc" in
  0) log "python-client: OK" ;;
  5) log "python-client: pytest collected no tests"; exit 1 ;;
  *) log "python-client: FAILED (pytest exit $rc)"; exit 1 ;;
esac
