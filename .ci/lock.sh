# Sourced by the .ci scripts that install into TOOLS_DIR (bash; not run on its own).
#
#   tools_lock NAME   hold TOOLS_DIR/.NAME.lock until the script exits
#
# Tests install their tools on first use, and `cargo test` runs them in parallel (and beside
# .ci/run): two runs of one script must never install into the same directory at once. The
# second waits (saying so on stderr) and then finds the tool installed. flock(1) is util-linux.
tools_lock() {
  command -v flock >/dev/null || { printf '%s: flock not found (it is part of util-linux)\n' "$1" >&2; exit 2; }
  mkdir -p "$TOOLS_DIR"
  exec 9>"$TOOLS_DIR/.$1.lock"
  if ! flock -n 9; then
    printf '%s: waiting for another run holding %s\n' "$1" "$TOOLS_DIR/.$1.lock" >&2
    flock 9
  fi
}
