#!/usr/bin/env python3
"""Reads a syspro-bq dataset back through the official BigQuery Python client (google-cloud-bigquery).

Used by `make demo` and the end-to-end tests against the local emulator (bqemulator); run it with the
project's venv: `.venv/bin/python scripts/e2e/bq_query.py --endpoint http://127.0.0.1:PORT --dataset D CMD`.

    current TABLE...  the rows of each TABLE_current view as NDJSON, one object per row with "_view": TABLE
                      first; NUMERIC values are printed as exact decimal text (never through float), DATE as
                      YYYY-MM-DD, DATETIME as YYYY-MM-DDTHH:MM:SS.
    count VIEW_OR_TABLE   the row count.
    report            the demo's tables: rows per raw table and per current view, and the GL trial balance.

The client talks to the endpoint with anonymous credentials (the emulator accepts any token) and with
retries capped, because the emulator answers some bad requests with HTTP 500 (bigquery.md B3).
"""
import argparse
import base64
import datetime
import decimal
import json
import sys

from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from google.cloud.bigquery.retry import DEFAULT_RETRY

RETRY = DEFAULT_RETRY.with_deadline(30)


def client(args):
    return bigquery.Client(
        project=args.project,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=args.endpoint),
    )


def query(bq, sql):
    job = bq.query(sql, retry=RETRY, job_retry=None)
    return list(job.result(timeout=120, retry=RETRY))


def text(value):
    """A cell as JSON-ready text: exact decimals, ISO dates; strings untouched."""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def ref(args, table):
    return f"`{args.project}.{args.dataset}.{table}`"


def cmd_current(bq, args):
    out = sys.stdout
    for table in args.tables:
        for row in query(bq, f"SELECT * FROM {ref(args, table + '_current')}"):
            fields = {"_view": table}
            fields.update((k, text(v)) for k, v in row.items())
            out.write(json.dumps(fields, ensure_ascii=False) + "\n")


def cmd_count(bq, args):
    print(query(bq, f"SELECT COUNT(*) AS n FROM {ref(args, args.table)}")[0]["n"])


def table_lines(headers, rows, right):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    def fmt(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    yield fmt(headers)
    yield "  ".join("-" * w for w in widths)
    for r in rows:
        yield fmt(r)


def cmd_report(bq, args):
    names = sorted(t.table_id for t in bq.list_tables(f"{args.project}.{args.dataset}", retry=RETRY))
    raw = [n for n in names if not n.endswith("_current") and n != "gl_trial_balance" and n + "_current" in names]
    rows = []
    for name in raw:
        n_raw = query(bq, f"SELECT COUNT(*) AS n FROM {ref(args, name)}")[0]["n"]
        n_cur = query(bq, f"SELECT COUNT(*) AS n FROM {ref(args, name + '_current')}")[0]["n"]
        rows.append((name, f"{n_raw:,}", f"{n_cur:,}"))
    print(f"Rows in BigQuery dataset {args.project}.{args.dataset} (raw = every version staged; "
          "current = latest version per key, deletes removed):\n")
    for line in table_lines(("table", "raw rows", "<table>_current rows"), rows, right={1, 2}):
        print("  " + line)
    if "gl_trial_balance" not in names:
        print("\n(no gl_trial_balance view: GenTransaction was not loaded)")
        return
    totals = query(bq, f"""
        SELECT company, COUNT(DISTINCT GlCode) AS accounts, SUM(postings) AS postings,
               SUM(debit) AS debit, SUM(credit) AS credit, SUM(net) AS net
        FROM {ref(args, 'gl_trial_balance')} GROUP BY company ORDER BY company""")
    print(f"\nGL trial balance (view {args.dataset}.gl_trial_balance), per company:\n")
    lines = [(r["company"], f"{r['accounts']:,}", f"{r['postings']:,}", f"{r['debit']:,.2f}",
              f"{r['credit']:,.2f}", f"{r['net']:,.2f}") for r in totals]
    for line in table_lines(("company", "accounts", "postings", "debit", "credit", "net"), lines,
                            right={1, 2, 3, 4, 5}):
        print("  " + line)
    period = []
    if args.limit:
        latest = query(bq, f"SELECT MAX(GlYear * 100 + GlPeriod) AS p FROM {ref(args, 'gl_trial_balance')}")[0]["p"]
        if latest is not None:
            year, month = divmod(int(latest), 100)
            view = bq.get_table(f"{args.project}.{args.dataset}.gl_trial_balance", retry=RETRY)
            described = any(f.name == "Description" for f in view.schema)
            period = query(bq, f"""
                SELECT company, GlYear, GlPeriod, GlCode, {"Description" if described else "'' AS Description"},
                       debit, credit, net
                FROM {ref(args, 'gl_trial_balance')} WHERE GlYear = {year} AND GlPeriod = {month}
                ORDER BY company, GlCode LIMIT {args.limit}""")
    if period:
        print(f"\nLatest period, first {len(period)} accounts:\n")
        lines = [(r["company"], f"{int(r['GlYear'])}-{int(r['GlPeriod']):02d}", r["GlCode"],
                  (r["Description"] or "")[:28], f"{r['debit']:,.2f}", f"{r['credit']:,.2f}", f"{r['net']:,.2f}")
                 for r in period]
        for line in table_lines(("company", "period", "GL code", "description", "debit", "credit", "net"), lines,
                                right={4, 5, 6}):
            print("  " + line)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:9050")
    p.add_argument("--project", default="test-project")
    p.add_argument("--dataset", required=True)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("current")
    s.add_argument("tables", nargs="+")
    s = sub.add_parser("count")
    s.add_argument("table")
    s = sub.add_parser("report")
    s.add_argument("--limit", type=int, default=12, help="accounts of the latest period to list (0: none)")
    args = p.parse_args()
    bq = client(args)
    {"current": cmd_current, "count": cmd_count, "report": cmd_report}[args.cmd](bq, args)


if __name__ == "__main__":
    main()
