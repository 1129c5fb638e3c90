#!/usr/bin/env bash
# Validate and lint every OpenAPI document in spec/.
#
#   bash .ci/lint-spec.sh
#
# For each spec/*.yaml that is an OpenAPI document (top-level `openapi:` key):
#   1. openapi-spec-validator (PyPI, pinned): structural validation against the OAS 3.0 schema.
#   2. redocly lint (npm @redocly/cli, pinned) with spec/redocly.yaml: the `recommended`
#      ruleset plus strict example validation. Errors fail; warnings fail too unless
#      LINT_SPEC_ALLOW_WARNINGS=1.
#   3. A documentation check: every operation has operationId/summary/description and
#      every inline schema and property under components/schemas has a description
#      (the Rust generator turns descriptions into doc comments).
#
# Tools are installed on first use, non-interactively, into TOOLS_DIR
# (default ~/.cache/contract-tools), never into the repository:
#   TOOLS_DIR/python : virtualenv holding openapi-spec-validator
#   TOOLS_DIR/npm    : npm prefix holding @redocly/cli
# Needs python3 with pip/venv and node/npm; network access only to PyPI and npm.
set -euo pipefail

OSV_VERSION="0.9.0"        # openapi-spec-validator (PyPI)
REDOCLY_VERSION="2.77.0"   # @redocly/cli (npm); supports Node >=20.19 <21 and >=22.12

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-${HOME:-/tmp}/.cache/contract-tools}"
PY_DIR="$TOOLS_DIR/python"
NPM_DIR="$TOOLS_DIR/npm"
ALLOW_WARNINGS="${LINT_SPEC_ALLOW_WARNINGS:-0}"

export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

log() { printf '%s\n' "$*"; }
die() { printf 'lint-spec: %s\n' "$*" >&2; exit 2; }

command -v python3 >/dev/null || die "python3 not found"
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
# shellcheck source=lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
tools_lock lint-spec

# --- openapi-spec-validator -------------------------------------------------
PY="$PY_DIR/bin/python"
osv_ok() {
  [ -x "$PY" ] && "$PY" - "$OSV_VERSION" <<'EOF' 2>/dev/null
import sys, importlib.metadata as m
sys.exit(0 if m.version("openapi-spec-validator") == sys.argv[1] else 1)
EOF
}
if ! osv_ok; then
  log "installing openapi-spec-validator==$OSV_VERSION into $PY_DIR"
  rm -rf "$PY_DIR"
  python3 -m venv "$PY_DIR" || die "python3 -m venv failed (install the python3-venv package)"
  "$PY" -m pip install --quiet "openapi-spec-validator==$OSV_VERSION"
  osv_ok || die "openapi-spec-validator $OSV_VERSION is not importable after install"
fi

# --- @redocly/cli -----------------------------------------------------------
REDOCLY="$NPM_DIR/node_modules/.bin/redocly"
redocly_ok() {
  [ -x "$REDOCLY" ] && [ "$(node -p "require('$NPM_DIR/node_modules/@redocly/cli/package.json').version" 2>/dev/null)" = "$REDOCLY_VERSION" ]
}
if ! redocly_ok; then
  log "installing @redocly/cli@$REDOCLY_VERSION into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --prefix "$NPM_DIR" --save-exact --no-audit --no-fund --loglevel=error \
    "@redocly/cli@$REDOCLY_VERSION" >/dev/null
  redocly_ok || die "@redocly/cli $REDOCLY_VERSION is not runnable after install"
fi

log "tools: openapi-spec-validator $OSV_VERSION, @redocly/cli $REDOCLY_VERSION, node $(node --version)"

# --- documentation check (uses PyYAML, a dependency of openapi-spec-validator) ---
DOC_CHECK='
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
problems = []
def walk(node, where):
    if not isinstance(node, dict) or "$ref" in node:
        return
    if not str(node.get("description", "")).strip():
        problems.append(where + ": no description")
    for name, sub in (node.get("properties") or {}).items():
        walk(sub, where + ".properties." + name)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            walk(node[key], where + "." + key)
for name, schema in ((doc.get("components") or {}).get("schemas") or {}).items():
    walk(schema, "#/components/schemas/" + name)
for path, item in (doc.get("paths") or {}).items():
    for method, op in item.items():
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
            for key in ("operationId", "summary", "description"):
                if not op.get(key):
                    problems.append(method.upper() + " " + path + ": no " + key)
for p in problems:
    print("    " + p)
sys.exit(1 if problems else 0)
'

# --- run ----------------------------------------------------------------------
cd "$ROOT"
shopt -s nullglob
docs=()
for f in spec/*.yaml; do
  if grep -qE '^openapi:' "$f"; then docs+=("$f"); else log "skip  $f (not an OpenAPI document)"; fi
done
[ "${#docs[@]}" -gt 0 ] || die "no OpenAPI documents found in spec/"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0
for f in "${docs[@]}"; do
  # 1. structural validation
  if "$PY" -m openapi_spec_validator "$f" >"$tmp/osv.txt" 2>&1; then
    log "PASS  $f  openapi-spec-validator"
  else
    log "FAIL  $f  openapi-spec-validator"; sed 's/^/    /' "$tmp/osv.txt"; failed=1
  fi

  # 2. redocly lint (JSON report for the counts, stylish report when there is something to show)
  rc=0
  "$REDOCLY" lint --config spec/redocly.yaml --format=json "$f" >"$tmp/redocly.json" 2>"$tmp/redocly.err" || rc=$?
  if counts="$(node -e '
      const t = require(process.argv[1]).totals;
      process.stdout.write(t.errors + " " + t.warnings);' "$tmp/redocly.json" 2>/dev/null)"; then
    read -r errors warnings <<<"$counts"
  else
    errors="?"; warnings="?"
  fi
  if [ "$rc" -eq 0 ] && [ "$errors" = 0 ] && { [ "$warnings" = 0 ] || [ "$ALLOW_WARNINGS" = 1 ]; }; then
    log "PASS  $f  redocly lint ($errors errors, $warnings warnings)"
  else
    log "FAIL  $f  redocly lint ($errors errors, $warnings warnings)"
    "$REDOCLY" lint --config spec/redocly.yaml --format=stylish "$f" 2>&1 \
      | grep -v '[║╔╚]' | sed 's/^/    /' || true
    if [ "$errors" = "?" ]; then grep -v '[║╔╚]' "$tmp/redocly.err" | sed 's/^/    /' || true; fi
    failed=1
  fi

  # 3. descriptions and operation metadata
  if "$PY" -c "$DOC_CHECK" "$f" >"$tmp/doc.txt" 2>&1; then
    log "PASS  $f  descriptions"
  else
    log "FAIL  $f  descriptions"; cat "$tmp/doc.txt"; failed=1
  fi
done

if [ "$failed" -ne 0 ]; then
  log "lint-spec: FAILED"
  exit 1
fi
log "lint-spec: all ${#docs[@]} OpenAPI documents passed"
