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


def printable(text):
    """Control characters (SYSPRO text may hold tabs and line breaks) shown as escapes, for a table on a terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


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
    if "GenTransaction_current" not in names:
        print("\n(no GL trial balance: GenTransaction was not loaded)")
        return
    source, label = trial_balance_source(bq, args, names)
    totals = query(bq, f"""
        SELECT company, COUNT(DISTINCT GlCode) AS accounts, SUM(postings) AS postings,
               SUM(debit) AS debit, SUM(credit) AS credit, SUM(net) AS net
        FROM {source} GROUP BY company ORDER BY company""")
    print(f"\nGL trial balance ({label}), per company (a balanced ledger nets to 0.00):\n")
    lines = [(r["company"], f"{r['accounts']:,}", f"{r['postings']:,}", f"{r['debit']:,.2f}",
              f"{r['credit']:,.2f}", f"{r['net']:,.2f}") for r in totals]
    for line in table_lines(("company", "accounts", "postings", "debit", "credit", "net"), lines,
                            right={1, 2, 3, 4, 5}):
        print("  " + line)
    if not args.limit:
        return
    latest = query(bq, f"SELECT MAX(GlYear * 100 + GlPeriod) AS p FROM {source}")[0]["p"]
    if latest is None:
        return
    year, month = divmod(int(latest), 100)
    period = query(bq, f"""
        SELECT company, GlYear, GlPeriod, GlCode, Description, debit, credit, net
        FROM {source} WHERE GlYear = {year} AND GlPeriod = {month}
        ORDER BY company, GlCode LIMIT {args.limit}""")
    print(f"\nPeriod {year}-{month:02d}, first {len(period)} accounts:\n")
    lines = [(r["company"], f"{int(r['GlYear'])}-{int(r['GlPeriod']):02d}", r["GlCode"],
              printable(r["Description"] or "")[:28], f"{r['debit']:,.2f}", f"{r['credit']:,.2f}", f"{r['net']:,.2f}")
             for r in period]
    for line in table_lines(("company", "period", "GL code", "description", "debit", "credit", "net"), lines,
                            right={4, 5, 6}):
        print("  " + line)


def trial_balance_source(bq, args, names):
    """The gl_trial_balance view when the emulator can run it, else the same query over the current views.

    Returns (a FROM item with columns company, GlYear, GlPeriod, GlCode, Description, debit, credit, net,
    postings; a label saying which was used)."""
    if "gl_trial_balance" in names:
        view = ref(args, "gl_trial_balance")
        try:
            fields = {f.name for f in bq.get_table(f"{args.project}.{args.dataset}.gl_trial_balance", retry=RETRY).schema}
            query(bq, f"SELECT COUNT(*) AS n FROM {view}")
            if "Description" in fields:
                return view, f"view {args.dataset}.gl_trial_balance"
            return (f"(SELECT *, CAST(NULL AS STRING) AS Description FROM {view})",
                    f"view {args.dataset}.gl_trial_balance")
        except Exception as error:  # the emulator's SQL dialect differs from BigQuery's (bigquery.md B4)
            reason = str(error).split("\n")[0][:160]
            print(f"\nNote: the emulator cannot run view gl_trial_balance ({reason}); "
                  "the same totals are computed from GenTransaction_current below.")
    master = (f"LEFT JOIN (SELECT _company, GlCode, Description FROM {ref(args, 'GenMaster_current')}) m "
              "ON m._company = t._company AND m.GlCode = t.GlCode") if "GenMaster_current" in names else ""
    description = "ANY_VALUE(m.Description)" if master else "CAST(NULL AS STRING)"
    return (f"""(SELECT t._company AS company, t.GlYear AS GlYear, t.GlPeriod AS GlPeriod, t.GlCode AS GlCode,
                {description} AS Description,
                SUM(IF(t.EntryValue > 0, t.EntryValue, 0)) AS debit,
                -SUM(IF(t.EntryValue < 0, t.EntryValue, 0)) AS credit,
                SUM(t.EntryValue) AS net, COUNT(*) AS postings
              FROM {ref(args, 'GenTransaction_current')} t {master}
              GROUP BY t._company, t.GlYear, t.GlPeriod, t.GlCode)""",
            f"computed from {args.dataset}.GenTransaction_current")


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
