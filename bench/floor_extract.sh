#!/usr/bin/env bash
# The extract floor: the same OData pages the connector fetches, through the fastest honest tools.
#
# One curl process fetches every page URL in sequence over one keep-alive connection (the URL list is
# computed beforehand by the bench driver from each previous page's last row, so no parsing happens
# here), the bodies stream into pigz on both cores at the connector's gzip level, and the gzip output is
# written to a file and hashed with openssl (EVP SHA-256) through tee. Nothing here parses JSON or
# writes staged rows: it is the cost of moving, compressing and hashing the bytes, a lower bound.
#
# Usage: floor_extract.sh CURL_CONFIG GZIP_LEVEL OUT_FILE
set -euo pipefail
config=$1 level=$2 out=$3
curl --silent --show-error --fail --fail-early --config "$config" \
    | pigz -p 2 "-$level" \
    | tee "$out" \
    | openssl dgst -sha256 >"$out.sha256"
