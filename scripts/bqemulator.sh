#!/usr/bin/env bash
# Starts or stops the local BigQuery emulator (bqemulator) on 127.0.0.1.
#   scripts/bqemulator.sh start RUN_DIR [PORT]   -> prints the REST port; PID in RUN_DIR/bqemulator.pid
#   scripts/bqemulator.sh stop RUN_DIR
# gs:// URIs map to RUN_DIR/gcs (BQEMU_GCS_LOCAL_ROOT), so load jobs can read staged segments.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SYSPRO_BQ_VENV:-.venv}
cmd=${1:?usage: bqemulator.sh start|stop RUN_DIR [PORT]}
run=${2:?usage: bqemulator.sh start|stop RUN_DIR [PORT]}
mkdir -p "$run"
case "$cmd" in
start)
    port=${3:-0}
    if [ "$port" = 0 ]; then
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    fi
    grpc=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    mkdir -p "$run/gcs"
    BQEMU_ENABLE_FORMAT_EXTENSIONS=false BQEMU_GCS_LOCAL_ROOT="$(cd "$run/gcs" && pwd)" \
        "$VENV/bin/bqemulator" start --rest-host 127.0.0.1 --rest-port "$port" \
        --grpc-host 127.0.0.1 --grpc-port "$grpc" --ephemeral --project test-project \
        --log-format console >"$run/bqemulator.log" 2>&1 &
    echo $! >"$run/bqemulator.pid"
    for _ in $(seq 1 100); do
        if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
            echo "$port" >"$run/bqemulator.port"
            echo "$port"
            exit 0
        fi
        if ! kill -0 "$(cat "$run/bqemulator.pid")" 2>/dev/null; then break; fi
        sleep 0.2
    done
    echo "bqemulator did not become healthy; log: $run/bqemulator.log" >&2
    tail -n 20 "$run/bqemulator.log" >&2 || true
    kill "$(cat "$run/bqemulator.pid")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [ -f "$run/bqemulator.pid" ]; then
        pid=$(cat "$run/bqemulator.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$run/bqemulator.pid"
    fi
    ;;
*) echo "usage: bqemulator.sh start|stop RUN_DIR [PORT]" >&2; exit 64 ;;
esac
