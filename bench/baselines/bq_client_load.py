"""What a user would write instead of syspro-bq load: google-cloud-bigquery's insert_rows_json.

Reads staged segments (`segment-*.ndjson.gz`, gzipped NDJSON in the staged row contract), and sends
their rows to one table in chunks of --chunk rows (500, syspro-bq's default batch), one request at a
time, with `row_ids` = each row's `_insert_id` (so BigQuery can deduplicate, as syspro-bq does) and
retries disabled (retry=None), so a failure shows instead of being hidden by a retry.

Authentication is the ordinary service-account flow: google-auth signs a JWT and exchanges it at the
key's token_uri (the fake server's /token); the client talks to --api-endpoint (fake-bigquery on
127.0.0.1). --create-table creates the dataset and table first (schema from the first row) and exits:
the bench runs that untimed.

Prints one JSON line with the counts on stdout; exits 1 when BigQuery rejected any row.
"""

import argparse
import glob
import gzip
import json
import os
import sys

from google.api_core.client_options import ClientOptions
from google.cloud import bigquery
from google.oauth2 import service_account

SCOPES = ["https://www.googleapis.com/auth/bigquery"]
NUMERIC = {"GlYear", "GlPeriod", "Journal", "GlLine", "EntryValue", "SubModJournal"}
DATES = {"JnlDate", "TransactionDate"}


def client_for(a):
    creds = service_account.Credentials.from_service_account_file(a.key_file, scopes=SCOPES)
    return bigquery.Client(
        project=a.project, credentials=creds, client_options=ClientOptions(api_endpoint=a.api_endpoint)
    )


def schema_for(row):
    fields = []
    for name in row:
        if name in ("_segment", "_line"):
            t = "INT64"
        elif name == "_deleted":
            t = "BOOL"
        elif name == "_extracted_at":
            t = "TIMESTAMP"
        elif name in NUMERIC:
            t = "NUMERIC"
        elif name in DATES:
            t = "DATE"
        else:
            t = "STRING"
        fields.append(bigquery.SchemaField(name, t))
    return fields


def first_row(files):
    with gzip.open(files[0], "rb") as f:
        return json.loads(f.readline())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api-endpoint", required=True)
    p.add_argument("--key-file", required=True)
    p.add_argument("--project", default="test-project")
    p.add_argument("--dataset", default="bench")
    p.add_argument("--table", required=True)
    p.add_argument("--segments", required=True, help="directory holding segment-*.ndjson.gz")
    p.add_argument("--chunk", type=int, default=500)
    p.add_argument("--create-table", action="store_true")
    a = p.parse_args()

    files = sorted(glob.glob(os.path.join(a.segments, "segment-*.ndjson.gz")))
    if not files:
        sys.exit("bq_client_load: no segment-*.ndjson.gz in %s" % a.segments)
    client = client_for(a)
    table_id = "%s.%s.%s" % (a.project, a.dataset, a.table)
    if a.create_table:
        client.create_dataset(bigquery.Dataset("%s.%s" % (a.project, a.dataset)), exists_ok=True)
        client.create_table(bigquery.Table(table_id, schema=schema_for(first_row(files))), exists_ok=True)
        print(json.dumps({"created": table_id}))
        return

    sent = requests_made = 0
    errors = []

    def flush(rows):
        nonlocal sent, requests_made
        result = client.insert_rows_json(table_id, rows, row_ids=[r["_insert_id"] for r in rows], retry=None)
        requests_made += 1
        sent += len(rows)
        if result:
            errors.extend(result[:5])

    for path in files:
        chunk = []
        with gzip.open(path, "rb") as f:
            for line in f:
                chunk.append(json.loads(line))
                if len(chunk) == a.chunk:
                    flush(chunk)
                    chunk = []
        if chunk:
            flush(chunk)
    print(json.dumps({"rows": sent, "requests": requests_made, "row_errors": len(errors)}))
    if errors:
        print(json.dumps(errors[:5]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
