"""Talks to a local bqemulator for ReconcileTests (stdlib only, loopback only).

  bq_helper.py PORT setup DATASET SPEC.json ROWS.ndjson   create dataset, raw table, views; insert the rows
  bq_helper.py PORT query                                  stdin: {"query":…,"params":[[name,type,value],…]}
                                                           stdout: {"columns":[…],"rows":[[…]]} or exit 1
"""
import json
import sys
import urllib.error
import urllib.request

port, command = sys.argv[1], sys.argv[2]
BASE = f"http://127.0.0.1:{port}/bigquery/v2/projects/test-project"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, method=method, data=data,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer test"})
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        sys.exit(f"HTTP {error.code} on {method} {path}: {error.read().decode()[:400]}")


def query(sql, params=()):
    body = {"query": sql, "useLegacySql": False, "formatOptions": {"useInt64Timestamp": True}}
    if params:
        body["parameterMode"] = "NAMED"
        body["queryParameters"] = [{"name": n, "parameterType": {"type": t}, "parameterValue": {"value": v}}
                                   for n, t, v in params]
    answer = call("POST", "/queries", body)
    if answer.get("errors") and not answer.get("schema", {}).get("fields"):
        sys.exit("query failed: " + json.dumps(answer["errors"]))
    columns = [f["name"] for f in answer.get("schema", {}).get("fields", [])]
    rows = [[cell["v"] for cell in row["f"]] for row in answer.get("rows", [])]
    return {"columns": columns, "rows": rows}


if command == "setup":
    dataset, spec_path, rows_path = sys.argv[3], sys.argv[4], sys.argv[5]
    spec = json.load(open(spec_path))
    call("POST", "/datasets", {"datasetReference": {"projectId": "test-project", "datasetId": dataset}})
    ref = lambda table: {"projectId": "test-project", "datasetId": dataset, "tableId": table}
    call("POST", f"/datasets/{dataset}/tables",
         {"tableReference": ref(spec["table"]), "schema": {"fields": spec["fields"]}})
    for name, sql in spec["views"]:
        call("POST", f"/datasets/{dataset}/tables",
             {"tableReference": ref(name), "view": {"query": sql, "useLegacySql": False}})
    rows = [json.loads(line) for line in open(rows_path) if line.strip()]
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        call("POST", f"/datasets/{dataset}/tables/{spec['table']}/insertAll",
             {"rows": [{"insertId": r["_insert_id"], "json": r} for r in chunk]})
elif command == "query":
    request = json.load(sys.stdin)
    print(json.dumps(query(request["query"], request.get("params", []))))
else:
    sys.exit(f"unknown command {command}")
