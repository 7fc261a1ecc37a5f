"""What a data engineer would pick instead of syspro-bq extract: dlt's rest_api source into its
filesystem destination (jsonl), paging syspro-sim's GenTransaction the way the connector does.

Paging is keyset, like the connector's: a small dlt paginator (a BasePaginator subclass, dlt's
documented extension point) sets `$filter=TimeStamp gt binary'<last row's TimeStamp>'` from the
previous page's last row and stops after a short page. It writes the query string itself, percent-
encoded, because requests would encode the filter's spaces as `+`, which syspro-sim (like a strict
RFC 3986 server) does not read as a space.

dlt runs offline: telemetry off (RUNTIME__DLTHUB_TELEMETRY=false, set here too), pipelines and
bucket under --work on the local disk. dlt's defaults are kept otherwise: it infers a schema, turns
column names into snake_case, and writes gzip-compressed jsonl load files (its own gzip level). It
reads decimals as JSON numbers (floats): unlike the connector it does not keep the decimal text.

Prints one JSON line with the counts on stdout.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt  # noqa: E402
from dlt.sources.helpers.rest_client.paginators import BasePaginator  # noqa: E402
from dlt.sources.rest_api import rest_api_source  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odata_pages import PAGE_ROWS, page_url  # noqa: E402

MAX_PAGES = 100_000  # a bound on the loop: 500M rows at 5000 per page
PAGES = [0]  # pages seen; module-level because dlt copies the paginator per resource


class KeysetPaginator(BasePaginator):
    """Continues after the previous page's last TimeStamp; done after a page shorter than $top."""

    def __init__(self, entity_url):
        super().__init__()
        self.entity_url = entity_url
        self.last_stamp = None

    def init_request(self, request):
        request.url = page_url(self.entity_url, None)
        request.params = {}

    def update_state(self, response, data=None):
        PAGES[0] += 1
        rows = data if data is not None else response.json()["value"]
        if len(rows) < PAGE_ROWS or PAGES[0] >= MAX_PAGES:
            self._has_next_page = False
            return
        self.last_stamp = rows[-1]["TimeStamp"]

    def update_request(self, request):
        request.url = page_url(self.entity_url, self.last_stamp)
        request.params = {}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--service-root", required=True)
    p.add_argument("--company", default="A")
    p.add_argument("--table", default="GenTransaction")
    p.add_argument("--user", default="ADMIN")
    p.add_argument("--password", default="secret")
    p.add_argument("--work", required=True)
    a = p.parse_args()

    os.makedirs(a.work, exist_ok=True)
    entity = "%s/%s/%s" % (a.service_root.rstrip("/"), a.company, a.table)
    paginator = KeysetPaginator(entity)
    source = rest_api_source({
        "client": {
            "base_url": a.service_root.rstrip("/") + "/",
            "auth": {"type": "http_basic", "username": a.user, "password": a.password},
            "paginator": paginator,
        },
        "resource_defaults": {"write_disposition": "append"},
        "resources": [{
            "name": a.table.lower(),
            "endpoint": {"path": "%s/%s" % (a.company, a.table), "data_selector": "value"},
        }],
    })
    pipeline = dlt.pipeline(
        pipeline_name="bench_dlt",
        pipelines_dir=os.path.join(a.work, "pipelines"),
        destination=dlt.destinations.filesystem(bucket_url="file://" + os.path.join(a.work, "bucket")),
        dataset_name="syspro",
    )
    info = pipeline.run(source, loader_file_format="jsonl")
    rows = pipeline.last_trace.last_normalize_info.row_counts.get(a.table.lower(), 0)
    print(json.dumps({"rows": rows, "pages": PAGES[0], "loads": len(info.loads_ids)}))


if __name__ == "__main__":
    main()
