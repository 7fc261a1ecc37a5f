#!/usr/bin/env bash
# Creates a throwaway Google service-account key for local runs (the demo and the end-to-end tests).
#   scripts/e2e/make-service-account.sh OUT_DIR CLIENT_EMAIL TOKEN_URI
# Writes OUT_DIR/service-account.json (type, project_id, private_key_id, private_key, client_email, token_uri;
# mode 0600) and OUT_DIR/service-account.pub.pem (the public half, for fake-bigquery's token endpoint).
# The key is a fresh 2048-bit RSA key in PKCS#8 PEM, as Google issues them; it is good for nothing but 127.0.0.1.
set -euo pipefail
out=${1:?usage: make-service-account.sh OUT_DIR CLIENT_EMAIL TOKEN_URI}
email=${2:?usage: make-service-account.sh OUT_DIR CLIENT_EMAIL TOKEN_URI}
token_uri=${3:?usage: make-service-account.sh OUT_DIR CLIENT_EMAIL TOKEN_URI}
mkdir -p "$out"
umask 077
pem="$out/service-account.key.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pem" 2>/dev/null
openssl pkey -in "$pem" -pubout -out "$out/service-account.pub.pem"
python3 - "$pem" "$email" "$token_uri" "$(openssl rand -hex 20)" >"$out/service-account.json" <<'PY'
import json, sys
pem, email, token_uri, key_id = sys.argv[1:5]
with open(pem, encoding="ascii") as f:
    private_key = f.read()
project = email.split("@", 1)[1].split(".", 1)[0] if "@" in email else "test-project"
json.dump({
    "type": "service_account",
    "project_id": project,
    "private_key_id": key_id,
    "private_key": private_key,
    "client_email": email,
    "client_id": "100000000000000000001",
    "token_uri": token_uri,
}, sys.stdout, indent=2)
sys.stdout.write("\n")
PY
rm -f "$pem"
chmod 600 "$out/service-account.json"
chmod 644 "$out/service-account.pub.pem"
