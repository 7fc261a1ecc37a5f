#!/usr/bin/env bash
# Installs what `make bench` needs and nothing else: the Debian tools the floors use (pigz, GNU time,
# curl, openssl) and a separate venv (.venv-bench, git-ignored by the .venv-* rule) holding the Python
# contenders. Idempotent: a stamp file records the requirement set, so a second run costs nothing.
#
# Pins are what resolved on PyPI when the harness was written (2026-11-27); change them here only.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pigz >/dev/null || need+=(pigz)
[ -x /usr/bin/time ] || need+=(time)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench setup: installing Debian packages: ${need[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

VENV=${BENCH_VENV:-.venv-bench}
REQS='dlt[filesystem]==1.31.0 requests==2.32.5 google-cloud-bigquery==3.47.0'
STAMP="$VENV/.bench-stamp"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$REQS" ]; then
    exit 0
fi
echo "bench setup: creating $VENV with: $REQS"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
# shellcheck disable=SC2086
"$VENV/bin/pip" install -q --disable-pip-version-check $REQS
echo "$REQS" > "$STAMP"
