"""What a user would write instead of syspro-bq extract: requests + json + gzip, keyset paging.

Pages one OData table of syspro-sim exactly as the connector does (see odata_pages.py), and writes
each row in the staged row contract (docs: helpers' CONVENTIONS, "The staged row contract"): lineage
fields, `_insert_id` = SHA-256 over company, table, key values and `_version`, decimals as the exact
text received (json.loads(parse_float=str, parse_int=str)), dates as YYYY-MM-DD, the rowversion as
`0x` + 16 upper-case hex digits. Rows go to `<out>/<company>/<table>/segment-<seq>.ndjson.gz`, a new
segment every --segment-rows rows, gzip at --level (syspro-bq's default is 1). No manifests: this is
the honest minimum a script needs to produce the same rows, not a staging log.

Prints one JSON line with the counts on stdout.
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import json
import os
import sys
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odata_pages import GEN_TRANSACTION_COLUMNS, GEN_TRANSACTION_KEY, PAGE_ROWS, page_url  # noqa: E402

DATE_COLUMNS = {"JnlDate", "TransactionDate"}
MAX_PAGES = 100_000  # a bound on the loop: 500M rows at 5000 per page


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--service-root", required=True)
    p.add_argument("--company", default="A")
    p.add_argument("--table", default="GenTransaction")
    p.add_argument("--user", default="ADMIN")
    p.add_argument("--password", default="secret")
    p.add_argument("--out", required=True)
    p.add_argument("--level", type=int, default=1)
    p.add_argument("--segment-rows", type=int, default=100_000)
    a = p.parse_args()

    stream_dir = os.path.join(a.out, a.company, a.table)
    os.makedirs(stream_dir, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    run_id = now.strftime("%Y%m%dT%H%M%SZ-") + os.urandom(3).hex()
    prefix = (a.company + "\0" + a.table + "\0").encode()

    session = requests.Session()
    session.auth = (a.user, a.password)
    entity = "%s/%s/%s" % (a.service_root.rstrip("/"), a.company, a.table)
    seq, line, segment, total, pages, raw_bytes = 0, 0, None, 0, 0, 0
    last_stamp = None
    for _ in range(MAX_PAGES):
        r = session.get(page_url(entity, last_stamp), timeout=120)
        r.raise_for_status()
        raw_bytes += len(r.content)
        pages += 1
        rows = json.loads(r.content, parse_float=str, parse_int=str)["value"]
        extracted_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        out = []
        for row in rows:
            if segment is None or line >= a.segment_rows:
                if segment is not None:
                    segment.close()
                seq += 1
                line = 0
                path = os.path.join(stream_dir, "segment-%012d.ndjson.gz" % seq)
                segment = gzip.open(path, "wb", compresslevel=a.level)
            stamp = row["TimeStamp"]
            version = "0x" + base64.b64decode(stamp).hex().upper()
            h = hashlib.sha256(prefix)
            for k in GEN_TRANSACTION_KEY:
                h.update(row[k].encode() + b"\0")
            h.update(version.encode() + b"\0")
            staged = {
                "_segment": seq, "_line": line, "_insert_id": h.hexdigest()[:32], "_company": a.company,
                "_table": a.table, "_version": version, "_deleted": False, "_extracted_at": extracted_at,
                "_run_id": run_id,
            }
            for c in GEN_TRANSACTION_COLUMNS:
                if c == "TimeStamp":
                    continue
                v = row.get(c)
                staged[c] = v[:10] if c in DATE_COLUMNS and v is not None else v
            out.append(json.dumps(staged, ensure_ascii=False, separators=(",", ":")))
            line += 1
            if line >= a.segment_rows:
                segment.write(("\n".join(out) + "\n").encode())
                out = []
        if out:
            segment.write(("\n".join(out) + "\n").encode())
        total += len(rows)
        if len(rows) < PAGE_ROWS:
            break
        last_stamp = rows[-1]["TimeStamp"]
    else:
        sys.exit("plain_extract: stopped after %d pages without reaching the end" % MAX_PAGES)
    if segment is not None:
        segment.close()
    print(json.dumps({"rows": total, "pages": pages, "response_bytes": raw_bytes, "segments": seq}))


if __name__ == "__main__":
    main()
