#!/usr/bin/env bash
# Creates the project's Python virtualenv (.venv, git-ignored) with the BigQuery emulator and the
# official BigQuery client used by the end-to-end tests and the demo. Idempotent: a stamp file
# records the requirement set, so a second run costs nothing.
#
# bqemulator needs two fixes to start offline (docs/reference: shared/reference/bigquery.md, B2):
#   1. duckdb pinned to 1.5.5, with the spatial extension installed from its PyPI wheel (DuckDB
#      would otherwise download it at start-up);
#   2. numpy, needed at start-up but only listed in an extra.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${SYSPRO_BQ_VENV:-.venv}
REQS='bqemulator==1.4.0 google-cloud-bigquery==3.47.0 duckdb==1.5.5 duckdb-extensions==1.5.5 duckdb-extension-spatial==1.5.5 numpy'
STAMP="$VENV/.syspro-bq-stamp"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$REQS" ] && [ -x "$VENV/bin/bqemulator" ]; then
    exit 0
fi

echo "setup: creating Python venv $VENV with: $REQS"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
# shellcheck disable=SC2086
"$VENV/bin/pip" install -q --disable-pip-version-check $REQS
# Install DuckDB's spatial extension from the local wheel. The custom repository is a closed
# loopback port, so nothing can leave the machine.
"$VENV/bin/python" - <<'PY'
import duckdb
from duckdb_extensions import import_extension
con = duckdb.connect(":memory:", config={"custom_extension_repository": "http://127.0.0.1:9"})
import_extension("spatial", con=con)
PY
echo "$REQS" > "$STAMP"
