#!/usr/bin/env bash
# Contract tooling from npm: install the pinned tools, then type-check the OpenAPI documents
# from the TypeScript side.
#
#   bash .ci/contract-tools.sh                 install (if needed), print versions, run the TS check
#   bash .ci/contract-tools.sh --install-only  install (if needed) and print versions
#   bash .ci/contract-tools.sh --rust          ...and afterwards run the Rust mock-server test
#   eval "$(bash .ci/contract-tools.sh --env)" install quietly, then export PRISM_BIN in this shell
#   bash .ci/contract-tools.sh --print-path    install (if needed); stdout carries only Prism's path
#   bash .ci/contract-tools.sh --update-lock   re-resolve tests/ts/package-lock.json after a pin change
#
# Tools (pinned below, and in tests/ts/package.json + package-lock.json, which also pin every
# transitive dependency; the script refuses to run when the two disagree):
#   @stoplight/prism-cli  mock server used by tests/mock_server.rs (found there via PRISM_BIN,
#                         else TOOLS_DIR/npm-contract/node_modules/.bin/prism, else PATH).
#                         5.14.2 is the newest release that supports Node 20 (5.15.10+ need
#                         Node >= 24.14).
#   openapi-typescript    generates TypeScript types for every spec/*.yaml into
#                         tests/ts/generated/ (git-ignored).
#   typescript            `tsc -p tests/ts` (strict, noEmit) compiles tests/ts/usage.ts against
#                         them. 5.x because openapi-typescript 7 declares `typescript: ^5.x`.
#
# Installed with `npm ci` into TOOLS_DIR/npm-contract (TOOLS_DIR defaults to
# ~/.cache/contract-tools, shared with .ci/lint-spec.sh), never into the repository. Reinstalls
# only when the lockfile or the Node major version changed. Non-interactive; needs node >= 20
# and npm, and network access to the npm registry on first use only.
set -euo pipefail

PRISM_VERSION="5.14.2"          # @stoplight/prism-cli
OPENAPI_TS_VERSION="7.13.0"     # openapi-typescript
TYPESCRIPT_VERSION="5.9.3"      # typescript
NODE_MIN_MAJOR=20

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-${HOME:-/tmp}/.cache/contract-tools}"
NPM_DIR="$TOOLS_DIR/npm-contract"
TS_DIR="$ROOT/tests/ts"
MANIFEST="$TS_DIR/package.json"
LOCK="$TS_DIR/package-lock.json"
BIN="$NPM_DIR/node_modules/.bin"
PRISM_BIN="$BIN/prism"
OTS_BIN="$BIN/openapi-typescript"
TSC_BIN="$BIN/tsc"

export NO_UPDATE_NOTIFIER=1
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false
export npm_config_yes=true

mode="all"
case "${1:-}" in
  "") ;;
  --install-only) mode="install" ;;
  --env) mode="env" ;;
  --print-path) mode="path" ;;
  --rust) mode="rust" ;;
  --update-lock) mode="update-lock" ;;
  -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'contract-tools: unknown argument %s (try --help)\n' "$1" >&2; exit 2 ;;
esac

# In --env and --print-path modes stdout carries only the export line or the path, so everything
# else goes to stderr.
if [ "$mode" = env ] || [ "$mode" = path ]; then exec 3>&1 1>&2; fi
log() { printf '%s\n' "$*"; }
die() { printf 'contract-tools: %s\n' "$*" >&2; exit 2; }

command -v node >/dev/null || die "node not found (need Node >= $NODE_MIN_MAJOR)"
command -v npm >/dev/null || die "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge "$NODE_MIN_MAJOR" ] || die "Node $(node --version) is too old (need >= $NODE_MIN_MAJOR)"
[ -f "$MANIFEST" ] || die "$MANIFEST is missing"
# shellcheck source=lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"
tools_lock contract-tools

# The pins above and tests/ts/package.json must agree.
node - "$MANIFEST" "@stoplight/prism-cli=$PRISM_VERSION" "openapi-typescript=$OPENAPI_TS_VERSION" \
  "typescript=$TYPESCRIPT_VERSION" <<'EOF' || die "tests/ts/package.json does not match the pins in .ci/contract-tools.sh"
const [manifest, ...pins] = process.argv.slice(2);
const deps = require(manifest).devDependencies || {};
let ok = Object.keys(deps).length === pins.length;
for (const pin of pins) {
  const at = pin.lastIndexOf("=");
  const [name, want] = [pin.slice(0, at), pin.slice(at + 1)];
  if (deps[name] !== want) { console.error(`  ${name}: package.json has ${deps[name]}, script pins ${want}`); ok = false; }
}
process.exit(ok ? 0 : 1);
EOF

if [ "$mode" = update-lock ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  cp "$MANIFEST" "$tmp/package.json"
  (cd "$tmp" && npm install --package-lock-only --save-exact --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$tmp/package-lock.json" "$LOCK"
  log "updated $LOCK"
  exit 0
fi
[ -f "$LOCK" ] || die "$LOCK is missing (create it with: bash .ci/contract-tools.sh --update-lock)"

# --- install ------------------------------------------------------------------------------------
installed_version() { # <package> -> version installed in NPM_DIR, or nothing
  node -p "require('$NPM_DIR/node_modules/$1/package.json').version" 2>/dev/null || true
}
stamp_want="$(cat "$MANIFEST" "$LOCK" | node -e '
  let s = ""; process.stdin.on("data", d => s += d).on("end", () =>
    process.stdout.write(require("crypto").createHash("sha256").update(s).digest("hex") + " node" + process.argv[1]));' "$node_major")"
tools_ok() {
  [ -x "$PRISM_BIN" ] && [ -x "$OTS_BIN" ] && [ -x "$TSC_BIN" ] \
    && [ "$(cat "$NPM_DIR/.installed" 2>/dev/null)" = "$stamp_want" ] \
    && [ "$(installed_version @stoplight/prism-cli)" = "$PRISM_VERSION" ] \
    && [ "$(installed_version openapi-typescript)" = "$OPENAPI_TS_VERSION" ] \
    && [ "$(installed_version typescript)" = "$TYPESCRIPT_VERSION" ]
}
if ! tools_ok; then
  log "installing @stoplight/prism-cli@$PRISM_VERSION openapi-typescript@$OPENAPI_TS_VERSION typescript@$TYPESCRIPT_VERSION into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  rm -f "$NPM_DIR/.installed"
  cp "$MANIFEST" "$NPM_DIR/package.json"
  cp "$LOCK" "$NPM_DIR/package-lock.json"
  # npm ci: exactly the lockfile's tree (it also removes a stale node_modules first).
  (cd "$NPM_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "npm ci failed in $NPM_DIR"
  printf '%s\n' "$stamp_want" >"$NPM_DIR/.installed"
  tools_ok || die "the tools are not runnable after installing into $NPM_DIR"
fi

log "tools: @stoplight/prism-cli $("$PRISM_BIN" --version), openapi-typescript $("$OTS_BIN" --version | sed 's/^v//'), typescript $("$TSC_BIN" --version | sed 's/^Version //'), node $(node --version)"
log "PRISM_BIN=$PRISM_BIN"

case "$mode" in
  env) printf 'export PRISM_BIN=%q\n' "$PRISM_BIN" >&3; exit 0 ;;
  path) printf '%s\n' "$PRISM_BIN" >&3; exit 0 ;;
  install) exit 0 ;;
esac

# --- TypeScript check ---------------------------------------------------------------------------
cd "$ROOT"
shopt -s nullglob
docs=()
for f in spec/*.yaml; do
  if grep -qE '^openapi:' "$f"; then docs+=("$f"); fi
done
[ "${#docs[@]}" -gt 0 ] || die "no OpenAPI documents found in spec/"

GEN="$TS_DIR/generated"
rm -rf "$GEN"
mkdir -p "$GEN"
failed=0
for f in "${docs[@]}"; do
  stem="$(basename "$f" .yaml)"
  if "$OTS_BIN" "$f" --output "$GEN/$stem.ts" >"$GEN/.log" 2>&1; then
    log "PASS  $f  openapi-typescript -> tests/ts/generated/$stem.ts"
  else
    log "FAIL  $f  openapi-typescript"; sed 's/^/    /' "$GEN/.log"; failed=1
  fi
  # Every provider must be exercised by the hand-written usage file.
  if ! grep -qE "from \"\\./generated/$stem(\\.js)?\"" "$TS_DIR/usage.ts"; then
    log "FAIL  tests/ts/usage.ts does not import ./generated/$stem"; failed=1
  fi
done
rm -f "$GEN/.log"
[ "$failed" -eq 0 ] || die "TypeScript generation failed"

if "$TSC_BIN" -p "$TS_DIR" --pretty false; then
  log "PASS  tsc -p tests/ts (strict, noEmit): $(cd "$GEN" && ls -- *.ts | tr '\n' ' ')+ usage.ts"
else
  die "tsc -p tests/ts failed"
fi

# Negative check: a `// @ts-expect-error TSnnnn: why` directive is satisfied by ANY error on the
# next line. Compile a copy of usage.ts with the directives blanked out: each marked line must now
# fail with exactly the code its directive names, and no other line may fail.
NEG="$GEN/negative"
mkdir -p "$NEG"
node - "$TS_DIR/usage.ts" "$NEG" <<'EOF' || die "cannot prepare the negative check"
const fs = require("fs"), path = require("path");
const [src, out] = process.argv.slice(2);
const lines = fs.readFileSync(src, "utf8").split("\n");
const expected = [];
const copy = lines.map((line, i) => {
  const m = /^\s*\/\/\s*@ts-expect-error\b\s*(TS\d+)?/.exec(line);
  if (!m) return line.replace(/from "\.\/generated\//g, 'from "../');
  if (!m[1]) { console.error(`usage.ts:${i + 1}: @ts-expect-error must name the expected code (TSnnnn)`); process.exit(1); }
  expected.push({ line: i + 2, code: m[1], why: line.trim() });
  return "// (directive removed for the negative check)";
});
if (expected.length === 0) { console.error("usage.ts has no @ts-expect-error lines"); process.exit(1); }
fs.writeFileSync(path.join(out, "usage.ts"), copy.join("\n"));
fs.writeFileSync(path.join(out, "expected.json"), JSON.stringify(expected, null, 2));
fs.writeFileSync(path.join(out, "tsconfig.json"),
  JSON.stringify({ extends: "../../tsconfig.json", include: [], files: ["usage.ts"] }, null, 2));
EOF
"$TSC_BIN" -p "$NEG" --pretty false >"$NEG/tsc.txt" 2>&1 || true
node - "$NEG" <<'EOF' || die "negative check failed: see above (tests/ts/usage.ts)"
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8"));
const errors = [];
for (const l of fs.readFileSync(path.join(dir, "tsc.txt"), "utf8").split("\n")) {
  const m = /^(.*)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(l);
  if (m) errors.push({ file: path.basename(m[1]), line: +m[2], code: m[4], msg: m[5] });
  else if (l.trim() && errors.length === 0) errors.push({ file: "?", line: 0, code: "?", msg: l });
}
let ok = true;
for (const e of expected) {
  const here = errors.filter(x => x.file === "usage.ts" && x.line === e.line);
  const hit = here.some(x => x.code === e.code);
  console.log(`${hit ? "PASS" : "FAIL"}  usage.ts:${e.line} rejected with ${e.code}` +
    (hit ? "" : ` (got: ${here.map(x => x.code + " " + x.msg).join("; ") || "no error"})`) + `  ${e.why.replace(/^\/\/\s*@ts-expect-error\s*/, "")}`);
  ok = ok && hit;
}
for (const x of errors) {
  if (!expected.some(e => x.file === "usage.ts" && e.line === x.line)) {
    console.log(`FAIL  unexpected error ${x.file}:${x.line} ${x.code} ${x.msg}`); ok = false;
  }
}
process.exit(ok ? 0 : 1);
EOF

if [ "$mode" = rust ]; then
  log "running: PRISM_BIN=$PRISM_BIN cargo test -p contract-tests --test mock_server"
  PRISM_BIN="$PRISM_BIN" cargo test -p contract-tests --test mock_server
fi
log "contract-tools: OK"
