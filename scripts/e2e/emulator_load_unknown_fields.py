#!/usr/bin/env python3
"""Shows, with the official client alone, how bqemulator's NDJSON load jobs differ from BigQuery's.

A gzip NDJSON object whose keys are not the table's columns is loaded from gs:// with
ignoreUnknownValues=false and maxBadRecords=0. BigQuery fails such a job ("No such field"; the
ignoreUnknownValues field of JobConfigurationLoad defaults to treating unknown values as errors). bqemulator
runs it as `COPY <table> FROM <file> (FORMAT JSON)` in DuckDB, which ignores keys that are not columns and
fills missing columns with NULL: the job is DONE without an errorResult and the table gains all-NULL rows.

This is why a connector bug (every stream's segment 1 staged under one gs:// object, so each table loaded
the first table's file) showed as wrong values rather than as failed jobs. Run with the project venv against
a running emulator whose BQEMU_GCS_LOCAL_ROOT is --gcs-root:

    .venv/bin/python scripts/e2e/emulator_load_unknown_fields.py --endpoint http://127.0.0.1:PORT --gcs-root DIR

It prints the job's state and error, and the rows the table holds afterwards, then exits 0 when the
emulator accepted the job (the known difference) and 1 when it refused it (as BigQuery does).
"""
import argparse
import gzip
import json
import os
import sys

from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--gcs-root", required=True)
    parser.add_argument("--project", default="test-project")
    args = parser.parse_args()
    bq = bigquery.Client(project=args.project, credentials=AnonymousCredentials(),
                         client_options=ClientOptions(api_endpoint=args.endpoint))
    dataset = bq.create_dataset("unknown_fields_repro", exists_ok=True)
    table = bq.create_table(bigquery.Table(dataset.table("customers"), schema=[
        bigquery.SchemaField("Customer", "STRING"), bigquery.SchemaField("CreditLimit", "NUMERIC")]),
        exists_ok=True)
    # Rows of another table (invoices): none of their keys is a column of `customers`.
    os.makedirs(os.path.join(args.gcs_root, "repro"), exist_ok=True)
    with gzip.open(os.path.join(args.gcs_root, "repro", "invoices.ndjson.gz"), "wt") as f:
        f.write(json.dumps({"Supplier": "   10", "Invoice": "INV-001", "OrigInvValue": "1234.50"}) + "\n")
        f.write(json.dumps({"Supplier": "000150802", "Invoice": "INV-002", "OrigInvValue": "-0.01"}) + "\n")
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
                                    ignore_unknown_values=False, max_bad_records=0,
                                    write_disposition="WRITE_APPEND", create_disposition="CREATE_NEVER")
    job = bq.load_table_from_uri("gs://repro/invoices.ndjson.gz", table, job_config=config)
    try:
        job.result(timeout=60)
    except Exception as error:  # BigQuery's behaviour: the job fails with "No such field".
        print("job failed: %s" % error)
        return 1
    print("job %s: state %s, errorResult %s" % (job.job_id, job.state, job.error_result))
    rows = [dict(r) for r in bq.query("SELECT * FROM `%s.unknown_fields_repro.customers`" % args.project).result()]
    print("rows now in customers: %s" % json.dumps(rows, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
