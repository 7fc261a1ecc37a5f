#!/usr/bin/env bash
# `make demo`: SYSPRO-shaped data from the simulator lands in a local BigQuery emulator and queries back.
#
# Installs what it needs (Debian packages, the Python venv), builds, then in a fresh .run/demo:
#   1. starts syspro-sim (a simulated SYSPRO 8 OData server), bqemulator (a local BigQuery) and fake-bigquery
#      (used here only as the OAuth token endpoint for a throwaway service-account key), all on 127.0.0.1;
#   2. runs syspro-bq init, creds set syspro-password, creds import-service-account, check, extract, load;
#   3. queries the emulator with Google's Python client: rows per table and the GL trial balance;
#   4. runs syspro-bq reconcile (staged control totals vs BigQuery vs SYSPRO's own GL period balances; the demo
#      fails if any check fails) and writes the HTML audit report;
#   5. stops everything it started (by PID) and leaves the staging log in .run/demo for you to look at.
#
# Knobs (environment): DEMO_SCALE (simulator data volume, default 0.05), DEMO_COMPANIES (default A,B),
# DEMO_BUILD (debug or release, default debug).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SCALE=${DEMO_SCALE:-0.05}
COMPANIES=${DEMO_COMPANIES:-A,B}
BUILD=${DEMO_BUILD:-debug}
RUN="$ROOT/.run/demo"
DATASET=syspro_demo
PROJECT=test-project
OPERATOR=BQSYNC
CLIENT_EMAIL="syspro-bq-demo@$PROJECT.iam.gserviceaccount.com"
SWIFT=${SWIFT:-swift}
# A setting left in the caller's environment would silently change the demo's configuration.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^SYSPRO_BQ_' || true)

started=$(date +%s)
step_started=$started
step() {
    local now
    now=$(date +%s)
    printf '\n\033[1m==> %s\033[0m  (%ss so far)\n' "$*" "$((now - started))"
    step_started=$now
}

step "Installing what the demo needs (Debian packages, Python venv with bqemulator)"
scripts/setup-system.sh
scripts/setup-python.sh

step "Building syspro-bq, syspro-sim and fake-bigquery ($BUILD)"
$SWIFT build -c "$BUILD" --product syspro-bq
$SWIFT build -c "$BUILD" --product syspro-sim
$SWIFT build -c "$BUILD" --product fake-bigquery
BIN=$($SWIFT build -c "$BUILD" --show-bin-path)

rm -rf "$RUN"
mkdir -p "$RUN/logs"
KEYS=$(mktemp -d)
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    scripts/bqemulator.sh stop "$RUN/bqemulator" || true
    rm -rf "$KEYS"
    if [ "$status" -ne 0 ]; then
        echo >&2
        echo "demo failed (exit $status). Logs: $RUN/logs/" >&2
    fi
}
trap cleanup EXIT

# Waits for a server's --port-file and prints the port; gives up if the process died.
wait_port() {
    local file=$1 pid=$2 name=$3
    for _ in $(seq 1 600); do
        if [ -s "$file" ]; then cat "$file"; return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "$name did not start; its log:" >&2
    tail -n 20 "$RUN/logs/$name.log" >&2 || true
    return 1
}

step "Starting the SYSPRO simulator, the BigQuery emulator and the token endpoint on 127.0.0.1"
SYSPRO_PASSWORD=$(openssl rand -hex 12)
"$BIN/syspro-sim" --port 0 --port-file "$RUN/sim.port" --seed 42 --scale "$SCALE" --companies "$COMPANIES" \
    --operator "$OPERATOR" --password "$SYSPRO_PASSWORD" --log-level warning >"$RUN/logs/syspro-sim.log" 2>&1 &
pids+=($!)
SIM_PORT=$(wait_port "$RUN/sim.port" "${pids[-1]}" syspro-sim)

scripts/e2e/make-service-account.sh "$KEYS" "$CLIENT_EMAIL" "http://127.0.0.1:9/token"
cp "$KEYS/service-account.pub.pem" "$RUN/service-account.pub.pem"
"$BIN/fake-bigquery" --port 0 --port-file "$RUN/token.port" --project "$PROJECT" \
    --public-key "$RUN/service-account.pub.pem" --client-email "$CLIENT_EMAIL" >"$RUN/logs/fake-bigquery.log" 2>&1 &
pids+=($!)
TOKEN_PORT=$(wait_port "$RUN/token.port" "${pids[-1]}" fake-bigquery)
EMU_PORT=$(scripts/bqemulator.sh start "$RUN/bqemulator")
echo "syspro-sim    http://127.0.0.1:$SIM_PORT/SYSPRO8Odata/SYSPROOData  (companies $COMPANIES, scale $SCALE)"
echo "bqemulator    http://127.0.0.1:$EMU_PORT  (project $PROJECT)"
echo "token server  http://127.0.0.1:$TOKEN_PORT/token  (fake-bigquery, checks the key's JWT signature)"

CONF="$RUN/syspro-bq/syspro-bq.toml"
bq() { "$BIN/syspro-bq" "$@" --config "$CONF"; }

step "syspro-bq init"
"$BIN/syspro-bq" init --directory "$RUN/syspro-bq"
companies_toml="[$(printf '"%s", ' ${COMPANIES//,/ } | sed 's/, $//')]"
python3 scripts/e2e/set_config.py "$CONF" \
    "syspro.odata_url=\"http://127.0.0.1:$SIM_PORT/SYSPRO8Odata/SYSPROOData\"" \
    "syspro.companies=$companies_toml" \
    "syspro.operator=\"$OPERATOR\"" \
    "syspro.time_zone=\"Africa/Johannesburg\"" \
    "bigquery.project=\"$PROJECT\"" \
    "bigquery.dataset=\"$DATASET\"" \
    "bigquery.api_url=\"http://127.0.0.1:$EMU_PORT\"" \
    "bigquery.token_uri=\"http://127.0.0.1:$TOKEN_PORT/token\"" \
    "bigquery.allow_insecure_local_endpoints=true" \
    "bigquery.load_mode=\"insertAll\""
echo "Set [syspro] and [bigquery] in $CONF for the local servers."

step "syspro-bq creds set syspro-password (from stdin) and creds import-service-account"
printf '%s\n' "$SYSPRO_PASSWORD" | bq creds set syspro-password
bq creds import-service-account "$KEYS/service-account.json"
rm -f "$KEYS/service-account.json"
echo "Deleted the key file: the service account now lives only in the encrypted credential store."

step "syspro-bq check"
bq check

step "syspro-bq extract (SYSPRO -> staging log)"
bq extract --log-level warning 2> >(tee "$RUN/logs/extract.log" >&2)

step "syspro-bq load (staging log -> BigQuery)"
bq load --log-level warning 2> >(tee "$RUN/logs/load.log" >&2)

step "Querying BigQuery (the emulator) with Google's Python client"
.venv/bin/python scripts/e2e/bq_query.py --endpoint "http://127.0.0.1:$EMU_PORT" --project "$PROJECT" \
    --dataset "$DATASET" report

step "syspro-bq reconcile (staging log vs BigQuery vs SYSPRO's own GL balances, to the cent)"
# Every finding goes to a file; the terminal gets the number of passed/failed checks per kind, and any failure.
if bq reconcile --log-level warning >"$RUN/reconcile.txt"; then
    awk 'NR > 1 && NF > 5 { print $1, $5 }' "$RUN/reconcile.txt" | sort | uniq -c
    tail -n 1 "$RUN/reconcile.txt"
else
    status=$?
    head -n 1 "$RUN/reconcile.txt"
    grep '^FAIL' "$RUN/reconcile.txt" | head -n 40
    tail -n 1 "$RUN/reconcile.txt"
    echo "reconcile failed (exit $status); every finding: $RUN/reconcile.txt" >&2
    exit "$status"
fi
echo "All findings: $RUN/reconcile.txt"

step "syspro-bq report --html (self-contained audit report)"
bq report --html "$RUN/audit-report.html" --log-level warning

segment=$(find "$RUN/syspro-bq/staging" -name '*.gz' -type f | sort | head -n 1)
finished=$(date +%s)
cat <<EOF

==> What just happened ($((finished - started))s)
  syspro-bq read ${COMPANIES//,/ and } from a simulated SYSPRO over OData, wrote every row into a checksummed
  staging log of gzipped NDJSON segments, and streamed the sealed segments into BigQuery (a local emulator):
  one append-only raw table per SYSPRO table, a <table>_current view (latest version per key), the
  gl_trial_balance view and the ap_aging, ar_aging and po_commitments views. reconcile then proved that
  BigQuery holds exactly what was staged (rows and sums per segment, every journal balanced) and that the
  trial balance equals SYSPRO's own GL period balances, to the cent. The servers are stopped; everything
  syspro-bq wrote is still on disk:

  configuration   $CONF
  staging log     $RUN/syspro-bq/staging
  reconciliation  $RUN/reconcile.txt
  audit report    $RUN/audit-report.html  (open it in a browser)
  logs            $RUN/logs/

  Try:
    zcat ${segment:-<a segment under the staging log>} | head -n 2
    $BIN/syspro-bq verify --config $CONF
    $BIN/syspro-bq status --config $CONF

  Run it again with \`make demo\` (each run starts from a fresh .run/demo); docs/operations.md explains the rest.
EOF
