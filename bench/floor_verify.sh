#!/usr/bin/env bash
# The verify/replay floor: decompress every segment with pigz and hash the NDJSON with openssl
# (EVP SHA-256), the two costs `syspro-bq verify` cannot avoid.
#
# Usage: floor_verify.sh SEGMENT_FILE...
set -euo pipefail
pigz -dc -- "$@" | openssl dgst -sha256
