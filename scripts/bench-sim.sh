#!/usr/bin/env bash
# Measures how fast syspro-sim serves OData rows: GenTransaction with ROWS rows (default 1M),
# fetched with curl in pages of 5000 by TimeStamp keyset paging
# ($orderby=TimeStamp&$filter=TimeStamp gt binary'<last>'), one connection per page.
# Reports wall-clock rows/s (includes curl and a grep over each page: a lower bound, and on a
# shared machine mostly a measure of the load) and rows per server CPU-second (from
# /proc/<pid>/stat utime+stime), which is what the simulator itself costs.
#
#   scripts/bench-sim.sh                 # release build, 1M rows
#   ROWS=200000 CONFIG=debug scripts/bench-sim.sh
set -euo pipefail
ROWS=${ROWS:-1000000}
CONFIG=${CONFIG:-release}
PAGE=5000
cd "$(dirname "$0")/.."
swift build -c "$CONFIG" --product syspro-sim >&2
BIN="$(swift build -c "$CONFIG" --show-bin-path)/syspro-sim"
dir=$(mktemp -d)
"$BIN" --port-file "$dir/port" --gl-rows "$ROWS" --companies A --log-level warning &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
gen_start=$(date +%s.%N)
while [ ! -s "$dir/port" ]; do sleep 0.2; done
gen_end=$(date +%s.%N)
port=$(cat "$dir/port")
base="http://127.0.0.1:$port/SYSPRO8Odata/SYSPROOData/A/GenTransaction"
last="AAAAAAAAAAA="
total=0
pages=0
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
cpu0=$(cpu)
start=$(date +%s.%N)
while :; do
  enc=$(printf '%s' "$last" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
  curl -sf -u ADMIN:secret -o "$dir/page" \
    "$base?\$orderby=TimeStamp&\$top=$PAGE&\$filter=TimeStamp%20gt%20binary'$enc'"
  n=$(grep -o '"TimeStamp":"[^"]*"' "$dir/page" | wc -l)
  total=$((total + n))
  pages=$((pages + 1))
  [ "$n" -lt "$PAGE" ] && break
  last=$(grep -o '"TimeStamp":"[^"]*"' "$dir/page" | tail -1 | cut -d'"' -f4)
done
end=$(date +%s.%N)
cpu1=$(cpu)
ticks=$(getconf CLK_TCK)
awk -v r="$total" -v p="$pages" -v s="$start" -v e="$end" -v gs="$gen_start" -v ge="$gen_end" -v c="$CONFIG" \
  -v cpu="$((cpu1 - cpu0))" -v hz="$ticks" 'BEGIN {
  printf "build=%s rows=%d pages=%d wall_seconds=%.2f wall_rows_per_second=%.0f server_cpu_seconds=%.2f rows_per_server_cpu_second=%.0f startup_seconds=%.1f\n",
    c, r, p, e - s, r / (e - s), cpu / hz, (cpu > 0 ? r / (cpu / hz) : 0), ge - gs }'
[ "$total" -eq "$ROWS" ] || { echo "expected $ROWS rows, got $total" >&2; exit 1; }
