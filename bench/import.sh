#!/usr/bin/env bash
# Client-side overhead of the importer: rows per second and peak memory (RSS) of
# `whatsapp-contacts import whats91` for ROWS rows (default 1,000,000) against the
# provider mock on 127.0.0.1, which answers at once. The whole command is measured:
# the check of the file, the journal, every batch and the report.
#
#   bash bench/import.sh                 # 1,000,000 rows
#   ROWS=200000 CONCURRENCY=8 bash bench/import.sh
#
# Targets: >= 50,000 rows/s and < 64 MiB peak RSS. Exits 1 when a target is missed.
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${ROWS:-1000000}
concurrency=${CONCURRENCY:-4}
work=$(mktemp -d "${TMPDIR:-/tmp}/import-bench.XXXXXX")
mock_pid=
cleanup() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x /usr/bin/time ]; then
    echo "bench/import.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

echo "building (release) ..." >&2
cargo build --release -q -p whatsapp-contacts-importer --bin whatsapp-contacts --example contacts-mock
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
importer=$target/release/whatsapp-contacts
mock=$target/release/examples/contacts-mock

echo "writing $rows rows ..." >&2
awk -v n="$rows" 'BEGIN {
    print "phone,firstName,lastName,email,city"
    for (i = 0; i < n; i++) printf "+9190%08d,First%d,Last%d,user%d@example.com,City %d\n", i, i, i, i, i % 97
}' > "$work/contacts.csv"

"$mock" --token bench-token > "$work/mock.url" &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.url" ] && break; sleep 0.05; done
url=$(head -n 1 "$work/mock.url")

cmd=("$importer" import whats91 --book grp_test --base-url "$url" --concurrency "$concurrency" --quiet "$work/contacts.csv")
echo "running: WHATS91_TOKEN=… /usr/bin/time -v ${cmd[*]}" >&2
WHATS91_TOKEN=bench-token /usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" 2> "$work/importer.err" || {
    cat "$work/importer.err" "$work/time.txt" >&2
    exit 1
}

wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
seconds=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
peak_kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
reported=$(($(wc -l < "$work/contacts.whats91-report.csv") - 1))
stats=$(exec 3<>"/dev/tcp/127.0.0.1/${url##*:}"; printf 'GET /stats HTTP/1.1\r\nhost: x\r\n\r\n' >&3; timeout 2 cat <&3 | tail -n 1 || true)
rate=$(awk -v r="$rows" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')
peak_mib=$(awk -v k="$peak_kib" 'BEGIN { printf "%.1f", k / 1024 }')

echo
echo "command:    WHATS91_TOKEN=… /usr/bin/time -v ${cmd[*]}"
echo "machine:    $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows:       $rows (report rows: $reported; mock: $stats)"
echo "wall time:  ${seconds} s"
echo "throughput: $rate rows/s (target >= 50000)"
echo "peak RSS:   $peak_mib MiB (target < 64)"
sed -n 's/^ */  /; /this run:/p; /CREATED/p' "$work/importer.err"

ok=1
[ "$reported" -eq "$rows" ] || { echo "FAIL: the report has $reported rows, not $rows"; ok=0; }
[ "$rate" -ge 50000 ] || { echo "MISSED: throughput below 50000 rows/s"; ok=0; }
awk -v k="$peak_kib" 'BEGIN { exit !(k < 64 * 1024) }' || { echo "MISSED: peak RSS not under 64 MiB"; ok=0; }
[ "$ok" = 1 ] && echo "both targets met"
[ "$ok" = 1 ]
