#!/usr/bin/env python3
"""`make bench`: syspro-bq against its floors and against what a user would pick instead.

For each row count (BENCH_ROWS, default "100000,1000000"; 10M with BENCH_ROWS=10000000) this starts
syspro-sim with that many GenTransaction rows, and measures in one run, side by side:

  extract  syspro-bq extract | floor (curl -> pigz -p 2 -> tee file -> openssl dgst) | plain Python
           (requests + json + gzip) | dlt rest_api -> filesystem (jsonl); plus the simulator's own
           serving rate (curl -> /dev/null), so it is known not to be the bottleneck;
  load     syspro-bq load | google-cloud-bigquery insert_rows_json, into fake-bigquery with no
           latency and with 50 ms per request;
  verify   syspro-bq verify and replay | pigz -dc + openssl dgst -sha256 of the same segment files.

Every contender runs under GNU `/usr/bin/time -v` (wall from a monotonic clock, user+sys CPU and the
peak RSS of the process tree's largest process). Results: a fixed-width table on stdout with PASS /
FAIL per target, and the same as JSON in bench-results/<timestamp>.json and bench-results/latest.json.

syspro-bq rows run only when the release binary answers `syspro-bq <command> --help`; until then they
are reported as "not available yet" and their targets as PENDING. Nothing is estimated or filled in.
Before them the driver stores syspro-bq's credentials (init, creds set, creds import-service-account),
untimed. BENCH_SKIP_PYTHON=1 leaves the Python contenders out (their targets read NOT RUN).

Bounds: every server is started on 127.0.0.1, stopped by PID at exit (atexit and SIGTERM/SIGINT), and
every subprocess has a time limit after which its process group is killed.

Standard library only; the Python contenders run in .venv-bench (bench/setup.sh).
"""

import atexit
import base64
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "baselines"))
from odata_pages import PAGE_ROWS, page_url  # noqa: E402

RELEASE_BIN = os.environ.get("BENCH_BIN_DIR") or os.path.join(ROOT, ".build", "release")
VENV_PY = os.path.join(ROOT, os.environ.get("BENCH_VENV", ".venv-bench"), "bin", "python")
WORK = os.path.join(ROOT, ".run", "bench")
RESULTS = os.path.join(ROOT, "bench-results")

COMPANY, TABLE = "A", "GenTransaction"
OPERATOR, PASSWORD = "ADMIN", "secret"
ODATA_ROOT = "/SYSPRO8Odata/SYSPROOData"
GZIP_LEVEL = int(os.environ.get("BENCH_GZIP_LEVEL", "1"))  # syspro-bq's default staging.gzip_level
BATCH_ROWS, IN_FLIGHT = 500, 4  # syspro-bq's defaults bigquery.batch_rows / in_flight, written in its config
LATENCY_MS = 50
PROJECT, DATASET = "test-project", "bench"
CLIENT_EMAIL = "bench@test-project.iam.gserviceaccount.com"
MAX_RSS_MB = 64
# BENCH_SKIP_PYTHON=1 leaves out the Python contenders (plain script, dlt, BigQuery client): a quick run of
# syspro-bq against its floors. The targets measured against a Python contender then read NOT RUN.
SKIP_PYTHON = os.environ.get("BENCH_SKIP_PYTHON", "") not in ("", "0")
# Each extract contender runs this many times per row count, fresh each time; the table shows the median (see
# `median_run`). The Python contenders vary 10-20 % between runs on a shared VM, which made one run's PASS/FAIL
# a coin toss near a target; so did syspro-bq's and the floor's wall times at 1M rows (ratios 1.36-1.55 from
# single runs of one build). Default: 3 up to 100k rows; above, 3 for syspro-bq, the floor and the simulator's
# serve (seconds each) and 1 for the Python contenders (dlt alone takes ~15 minutes at 1M rows).
EXTRACT_REPEAT = os.environ.get("BENCH_EXTRACT_REPEAT", "")


def extract_repeat(rows, python=False):
    if EXTRACT_REPEAT:
        return int(EXTRACT_REPEAT)
    return 3 if rows <= 100_000 or not python else 1


# ---------------------------------------------------------------------------------------------------
# Processes: servers stopped by PID, contenders timed with /usr/bin/time -v under a time limit.

_servers = []


def _stop_all_servers(*_):
    for s in list(_servers):
        s.stop()


def _on_signal(signum, _frame):
    _stop_all_servers()
    sys.exit(128 + signum)


atexit.register(_stop_all_servers)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


class Server:
    """A server on 127.0.0.1 that writes its port to a file; stopped by PID (SIGTERM, then SIGKILL)."""

    def __init__(self, name, argv, port_file, log_path, start_timeout):
        self.name = name
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(log_path, "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        _servers.append(self)
        while not os.path.exists(port_file):
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s before listening; see %s" % (name, self.proc.returncode, log_path))
            if time.monotonic() - t0 > start_timeout:
                self.stop()
                raise RuntimeError("%s did not listen within %d s; see %s" % (name, start_timeout, log_path))
            time.sleep(0.05)
        self.start_seconds = time.monotonic() - t0
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.pid = self.proc.pid

    def cpu_seconds(self):
        """User+system CPU of the server process so far (from /proc/PID/stat)."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self):
        """(current RSS, peak RSS) of the server process in MB, from /proc/PID/status."""
        values = {}
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line.split(":")[0]] = int(line.split()[1]) / 1024
        return values.get("VmRSS"), values.get("VmHWM")

    def stop(self):
        if self in _servers:
            _servers.remove(self)
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self.log.close()


def timed(name, argv, timeout, env=None, stdout_path=None):
    """Runs argv under /usr/bin/time -v; returns wall, cpu, peak RSS, exit code and stdout."""
    time_file = os.path.join(WORK, "time-%s.txt" % re.sub(r"[^A-Za-z0-9_.-]", "_", name))
    stdout_path = stdout_path or os.path.join(WORK, "out-%s.txt" % re.sub(r"[^A-Za-z0-9_.-]", "_", name))
    full_env = dict(os.environ)
    full_env.update(env or {})
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            ["/usr/bin/time", "-v", "-o", time_file] + argv,
            stdout=out, stderr=err, env=full_env, start_new_session=True,
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = "timeout after %d s" % timeout
        wall = time.monotonic() - t0
    m = {"wall_s": wall, "exit": code}
    try:
        text = open(time_file).read()
        user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
        system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
        m.update(user_s=user, sys_s=system, cpu_s=user + system,
                 max_rss_mb=int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024)
    except (OSError, AttributeError):
        pass
    m["stdout"] = open(stdout_path, "rb").read()[-4000:].decode("utf-8", "replace")
    m["stderr_tail"] = open(stdout_path + ".err", "rb").read()[-2000:].decode("utf-8", "replace")
    if code != 0:
        print("bench: %s failed (%s): %s" % (name, code, m["stderr_tail"].strip()[-600:]), file=sys.stderr)
    return m


def median_run(runs):
    """One measurement from repeated runs of a contender: the run with the median CPU seconds (its user, system
    and server CPU with it), the median wall time of all runs (each median on its own), the largest peak RSS.
    A failed run is returned as it is: a contender counts only if every run did its work."""
    for m in runs:
        if m.get("exit") != 0 or "cpu_s" not in m:
            return m
    by_cpu = sorted(runs, key=lambda m: m["cpu_s"])
    m = dict(by_cpu[len(by_cpu) // 2])
    m["wall_s"] = statistics.median(r["wall_s"] for r in runs)
    m["max_rss_mb"] = max(r["max_rss_mb"] for r in runs)
    if len(runs) > 1:
        m["runs"] = [{k: r.get(k) for k in ("wall_s", "cpu_s", "max_rss_mb", "server_cpu_s")} for r in runs]
    return m


def repeated(count, run, before_each):
    """`run()` `count` times, `before_each()` ahead of each; stops at the first failure."""
    runs = []
    for _ in range(count):
        before_each()
        runs.append(run())
        if runs[-1].get("exit") != 0:
            break
    return median_run(runs)


def alternated(count, contenders):
    """Runs each of `contenders` ((name, run, before_each) triples) `count` times, taking turns: A B A B A B.
    Compared contenders then see the same moments of a shared VM, whose speed drifts over tens of seconds; run
    back to back (A A A B B B), a slow spell could fall on one side only. Returns {name: median_run}; a
    contender stops at its first failure, the others go on."""
    runs = {name: [] for name, _, _ in contenders}
    for _ in range(count):
        for name, run, before_each in contenders:
            done = runs[name]
            if done and done[-1].get("exit") != 0:
                continue
            before_each()
            done.append(run())
    return {name: median_run(done) for name, done in runs.items()}


def empty_directory(path):
    """Removes what `path` holds (it stays, with its mode), or creates it."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    for name in os.listdir(path):
        child = os.path.join(path, name)
        if os.path.isdir(child) and not os.path.islink(child):
            shutil.rmtree(child)
        else:
            os.remove(child)


def limit_for(rows):
    """A generous time limit for one contender over `rows` rows (a 1,000 rows/s floor for the slowest contender)."""
    return 120 + rows // 1000


# ---------------------------------------------------------------------------------------------------
# The page list: the connector's keyset pages over GenTransaction, computed once per data set.

def compute_pages(port, expected_rows):
    """Fetches every page once (untimed) and returns (urls, response_bytes, rows)."""
    entity = "http://127.0.0.1:%d%s/%s/%s" % (port, ODATA_ROOT, COMPANY, TABLE)
    auth = "Basic " + base64.b64encode(("%s:%s" % (OPERATOR, PASSWORD)).encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    urls, total_bytes, rows, last = [], 0, 0, None
    stamp = re.compile(rb'"TimeStamp":"([A-Za-z0-9+/=]+)"')
    for _ in range(expected_rows // PAGE_ROWS + 2):
        url = page_url(entity, last)
        urls.append(url)
        conn.request("GET", url[url.index("/", len("http://")):], headers={"Authorization": auth})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError("page %d: HTTP %d %s" % (len(urls), r.status, body[:300]))
        total_bytes += len(body)
        stamps = stamp.findall(body)
        rows += len(stamps)
        if len(stamps) < PAGE_ROWS:
            break
        last = stamps[-1].decode()
    else:
        raise RuntimeError("paging did not end after %d pages" % len(urls))
    conn.close()
    return urls, total_bytes, rows


def write_curl_config(path, urls):
    with open(path, "w") as f:
        f.write('user = "%s:%s"\n' % (OPERATOR, PASSWORD))
        for u in urls:
            f.write('url = "%s"\n' % u)


# ---------------------------------------------------------------------------------------------------
# syspro-bq: available only once the integrator lands the CLI; the exact command lines live here.

def syspro_bq_bin():
    return os.path.join(RELEASE_BIN, "syspro-bq")


def syspro_bq_can(command):
    """Whether the release syspro-bq has `command` (it answers `syspro-bq <command> --help` with 0)."""
    exe = syspro_bq_bin()
    if not os.access(exe, os.X_OK):
        return False
    try:
        return subprocess.run([exe, command, "--help"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def write_syspro_bq_config(path, staging, sim_port, bq_port):
    """The TOML every syspro-bq run reads (keys from Operator/Config/ConfigurationSchema.swift)."""
    bq = "http://127.0.0.1:%d" % bq_port if bq_port else "http://127.0.0.1:9"
    text = """# Written by bench/run.py for one benchmark run; every endpoint is on 127.0.0.1.
[syspro]
odata_url = "http://127.0.0.1:%(sim)d%(root)s"
source = "odata"
companies = ["%(company)s"]
operator = "%(operator)s"
time_zone = "UTC"
page_size = %(page)d

[bigquery]
project = "%(project)s"
dataset = "%(dataset)s"
api_url = "%(bq)s"
token_uri = "%(bq)s/token"
load_mode = "insertAll"
batch_rows = %(batch)d
in_flight = %(inflight)d
allow_insecure_local_endpoints = true

[staging]
directory = "%(staging)s"
segment_max_rows = 100000
gzip_level = %(level)d

[security]
key_file = "%(work)s/bq-home/syspro-bq.key"
credentials_file = "%(work)s/credentials.enc.json"

[logging]
level = "warning"

[tables.%(table)s]
enabled = true
strategy = "rowversion"
""" % dict(sim=sim_port or 9, root=ODATA_ROOT, company=COMPANY, operator=OPERATOR, page=PAGE_ROWS,
           project=PROJECT, dataset=DATASET, bq=bq, batch=BATCH_ROWS, inflight=IN_FLIGHT, staging=staging,
           level=GZIP_LEVEL, work=os.path.dirname(path), table=TABLE)
    with open(path, "w") as f:
        f.write(text)


def syspro_bq_argv(command, config):
    """The exact command lines the bench runs (the integrator's CLI must accept them)."""
    exe = syspro_bq_bin()
    return {
        "extract": [exe, "extract", "--config", config, "--table", TABLE],
        "load": [exe, "load", "--config", config, "--table", TABLE],
        "verify": [exe, "verify", "--config", config],
        "replay": [exe, "replay", "--config", config, "--table", TABLE, "--from", "1900-01-01", "--to", "2999-12-31"],
    }[command]


def store_syspro_bq_credentials(directory, config):
    """`syspro-bq init` (master key), then the SYSPRO password and the service-account key into the store.

    The password goes in on stdin (one line, as `creds set` reads it when stdin is not a TTY), never on a
    command line. syspro-bq's copy of the service-account key keeps Google's https token_uri (the key
    validation asks for one); the config's [bigquery] token_uri, allowed by allow_insecure_local_endpoints,
    points the token exchange at fake-bigquery instead. Returns None, or why it failed.
    """
    exe = syspro_bq_bin()
    home = os.path.join(directory, "bq-home")
    steps = [([exe, "init", "--directory", home], None)]
    make_service_account(directory, "https://oauth2.googleapis.com/token")  # creates sa-key.pem once per size
    key_pem = os.path.join(directory, "sa-key.pem")
    sa = os.path.join(directory, "syspro-bq-service-account.json")
    info = {
        "type": "service_account", "project_id": PROJECT, "private_key_id": "bench",
        "private_key": open(key_pem).read(), "client_email": CLIENT_EMAIL, "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    with open(sa, "w") as f:
        json.dump(info, f)
    os.chmod(sa, 0o600)
    steps.append(([exe, "creds", "set", "syspro-password", "--config", config], (PASSWORD + "\n").encode()))
    steps.append(([exe, "creds", "import-service-account", sa, "--config", config], None))
    for argv, stdin in steps:
        r = subprocess.run(argv, input=stdin if stdin is not None else b"", capture_output=True, timeout=60)
        if r.returncode != 0:
            return "%s: exit %d: %s" % (" ".join(argv[1:3]), r.returncode, r.stderr.decode("utf-8", "replace")[-400:])
    os.unlink(sa)
    return None


def not_available(what):
    return {"status": "not available yet", "why": what}


NOT_RUN = {"status": "not run", "why": "BENCH_SKIP_PYTHON=1"}


def skipped(m):
    return isinstance(m, dict) and m.get("status") == "not run"


# ---------------------------------------------------------------------------------------------------
# One data set.

def sizes_of(paths):
    return sum(os.path.getsize(p) for p in paths)


def uncompressed_size(paths):
    """(uncompressed bytes, lines) of gzip files."""
    total = lines = 0
    for p in paths:
        out = subprocess.run(["pigz", "-dc", p], stdout=subprocess.PIPE, check=True).stdout
        total += len(out)
        lines += out.count(b"\n")
    return total, lines


def rows_stored(bq):
    """Rows fake-bigquery holds per table, from its test endpoint GET /_fake/stats."""
    conn = http.client.HTTPConnection("127.0.0.1", bq.port, timeout=30)
    conn.request("GET", "/_fake/stats")
    stats = json.loads(conn.getresponse().read())
    conn.close()
    return stats.get("rowsStored", {})


def check_stored(m, bq, before, prefix, rows):
    """Marks a load run failed unless tables named `prefix…` gained at least `rows` rows."""
    after = rows_stored(bq)
    gained = sum(n - before.get(t, 0) for t, n in after.items() if t.startswith(prefix))
    m["rows_stored"] = gained
    if m.get("exit") == 0 and gained < rows:
        m["exit"] = "fake-bigquery stored %d rows, expected %d" % (gained, rows)
    return m


def segment_files(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if re.fullmatch(r"segment-\d{12}\.ndjson\.gz", n))


def rates(m, rows, mb):
    """Adds rows/s, MB/s and rows per CPU second to a measurement."""
    if m.get("exit") == 0:
        m["rows"] = rows
        m["mb"] = mb
        m["rows_per_s"] = rows / m["wall_s"]
        m["mb_per_s"] = mb / m["wall_s"]
        if m.get("cpu_s"):
            m["rows_per_cpu_s"] = rows / m["cpu_s"]
    return m


def make_service_account(directory, token_uri):
    """An RSA key pair and a service-account JSON whose token_uri is the fake server's /token."""
    key = os.path.join(directory, "sa-key.pem")
    pub = os.path.join(directory, "sa-pub.pem")
    if not os.path.exists(key):
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
    info = {
        "type": "service_account", "project_id": PROJECT, "private_key_id": "bench",
        "private_key": open(key).read(), "client_email": CLIENT_EMAIL, "client_id": "1",
        "token_uri": token_uri,
    }
    path = os.path.join(directory, "service-account.json")
    with open(path, "w") as f:
        json.dump(info, f)
    os.chmod(path, 0o600)
    return path, pub


def start_fake_bigquery(directory, latency_ms, tag):
    port_file = os.path.join(directory, "fbq-%s.port" % tag)
    _, pub = make_service_account(directory, "http://127.0.0.1:0/token")
    argv = [os.path.join(RELEASE_BIN, "fake-bigquery"), "--port", "0", "--port-file", port_file,
            "--project", PROJECT, "--public-key", pub, "--client-email", CLIENT_EMAIL,
            "--latency-ms", str(latency_ms), "--dedup-window", "0"]
    server = Server("fake-bigquery", argv, port_file, os.path.join(directory, "fbq-%s.log" % tag), 60)
    sa, _ = make_service_account(directory, "http://127.0.0.1:%d/token" % server.port)
    return server, sa


def bench_size(rows):
    d = os.path.join(WORK, "rows-%d" % rows)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    out = {"rows": rows, "extract": {}, "load": {}, "verify": {}}
    limit = limit_for(rows)

    # --- the simulator
    port_file = os.path.join(d, "sim.port")
    sim = Server("syspro-sim", [os.path.join(RELEASE_BIN, "syspro-sim"), "--port", "0", "--port-file", port_file,
                                "--seed", "42", "--scale", "0.05", "--gl-rows", str(rows),
                                "--operator", OPERATOR, "--password", PASSWORD, "--log-level", "warning"],
                 port_file, os.path.join(d, "sim.log"), 60 + rows // 2000)
    print("bench: %d rows: syspro-sim ready on port %d after %.1f s" % (rows, sim.port, sim.start_seconds))
    urls, response_bytes, served_rows = compute_pages(sim.port, rows)
    if served_rows != rows:
        raise RuntimeError("syspro-sim served %d GenTransaction rows, expected %d" % (served_rows, rows))
    mb = response_bytes / 1e6
    out["sim"] = {"generate_s": sim.start_seconds, "pages": len(urls), "response_mb": mb,
                  "rss_mb": sim.rss_mb()[0]}
    cfg = os.path.join(d, "pages.curl")
    write_curl_config(cfg, urls)

    def with_sim_cpu(name, argv, env=None):
        before = sim.cpu_seconds()
        m = timed("%d-%s" % (rows, name), argv, limit, env)
        m["server_cpu_s"] = sim.cpu_seconds() - before
        return m

    ex = out["extract"]
    repeat = extract_repeat(rows)
    python_repeat = extract_repeat(rows, python=True)
    out["extract_runs"] = repeat
    out["python_extract_runs"] = python_repeat

    def nothing():
        pass

    ex["sim-serve"] = rates(repeated(repeat, lambda: with_sim_cpu("sim-serve", ["bash", "-c", 'exec curl -sS --fail --fail-early -K "$0" >/dev/null', cfg]), nothing), rows, mb)
    service_root = "http://127.0.0.1:%d%s" % (sim.port, ODATA_ROOT)
    plain_out = os.path.join(d, "plain-staging")
    ex["plain-python"] = dict(NOT_RUN) if SKIP_PYTHON else rates(repeated(python_repeat, lambda: with_sim_cpu("plain", [VENV_PY, os.path.join(HERE, "baselines", "plain_extract.py"),
                                                      "--service-root", service_root, "--out", plain_out,
                                                      "--level", str(GZIP_LEVEL)]), lambda: shutil.rmtree(plain_out, ignore_errors=True)), rows, mb)
    dlt_dir = os.path.join(d, "dlt")
    ex["dlt"] = dict(NOT_RUN) if SKIP_PYTHON else rates(repeated(python_repeat, lambda: with_sim_cpu("dlt", [VENV_PY, os.path.join(HERE, "baselines", "dlt_extract.py"),
                                           "--service-root", service_root, "--work", dlt_dir],
                                   env={"RUNTIME__DLTHUB_TELEMETRY": "false"}), lambda: shutil.rmtree(dlt_dir, ignore_errors=True)), rows, mb)

    # The floor and syspro-bq take turns (floor, syspro-bq, floor, ...): their wall ratio is a target.
    contenders = [("floor", lambda: with_sim_cpu("floor", [os.path.join(HERE, "floor_extract.sh"), cfg, str(GZIP_LEVEL),
                                                          os.path.join(d, "floor.ndjson.gz")]), nothing)]
    staging = os.path.join(d, "staging")
    config = os.path.join(d, "syspro-bq.toml")
    os.makedirs(staging, mode=0o700)  # syspro-bq never creates its staging directory (`init` does)
    write_syspro_bq_config(config, staging, sim.port, None)
    creds_error = store_syspro_bq_credentials(d, config) if syspro_bq_can("creds") else "no creds command"
    if creds_error and syspro_bq_can("extract"):
        ex["syspro-bq"] = {"exit": "storing credentials failed: " + creds_error}
        print("bench: storing syspro-bq credentials failed: %s" % creds_error, file=sys.stderr)
    elif syspro_bq_can("extract"):
        # Every run extracts into an empty staging directory (watermark, index and segments start afresh).
        contenders.append(("syspro-bq", lambda: with_sim_cpu("syspro-bq-extract", syspro_bq_argv("extract", config)),
                           lambda: empty_directory(staging)))
    else:
        ex["syspro-bq"] = not_available("syspro-bq extract is not in the release build yet")
    for name, m in alternated(repeat, contenders).items():
        ex[name] = rates(m, rows, mb)
    ex["floor"]["gzip_mb"] = os.path.getsize(os.path.join(d, "floor.ndjson.gz")) / 1e6
    if ok(ex.get("syspro-bq") or {}):
        # What a scheduled run costs when nothing changed: the same extract again over the log just written
        # (it reads the stream's manifests and state and asks SYSPRO for rows above the watermark: none).
        ex["syspro-bq-incremental"] = rates(with_sim_cpu("syspro-bq-incremental", syspro_bq_argv("extract", config)),
                                            0, 0)
    out["sim"]["rss_after_mb"], out["sim"]["peak_rss_mb"] = sim.rss_mb()
    sim.stop()

    # --- the staged rows both loaders send: syspro-bq's segments when it ran, else the plain script's
    ours = segment_files(os.path.join(staging, COMPANY, TABLE))
    plain = segment_files(os.path.join(plain_out, COMPANY, TABLE))
    if ours and not ok(ex["syspro-bq"]):
        ours = []  # a failed extract's partial log is not loaded
    staged, staged_by = (ours, "syspro-bq extract") if ours else (plain, "plain_extract.py")
    out["staged"] = {"by": staged_by, "files": len(staged), "gzip_mb": sizes_of(staged) / 1e6}
    staged_bytes, staged_rows = uncompressed_size(staged) if staged else (0, 0)
    staged_mb = staged_bytes / 1e6
    out["staged"]["ndjson_mb"] = staged_mb
    out["staged"]["rows"] = staged_rows
    syspro_extract = ex["syspro-bq"]
    if ok(syspro_extract) and staged_rows != rows:
        syspro_extract["exit"] = "staged %d rows, expected %d" % (staged_rows, rows)
    staged_dir = os.path.dirname(staged[0]) if staged else plain_out
    # Load remembers what it sent (its journal in the staging directory), so each syspro-bq load starts
    # from this copy of the freshly extracted log: both loads send every row to a fresh fake-bigquery.
    extracted = staging + ".extracted"
    if ours:
        shutil.copytree(staging, extracted, symlinks=True)

    # --- load: fake BigQuery without and with latency
    for latency in (0, LATENCY_MS):
        tag = "%dms" % latency
        bq, sa = start_fake_bigquery(d, latency, tag)
        endpoint = "http://127.0.0.1:%d" % bq.port
        table = "py_%s_%s" % (TABLE, tag)
        base = [VENV_PY, os.path.join(HERE, "baselines", "bq_client_load.py"), "--api-endpoint", endpoint,
                "--key-file", sa, "--project", PROJECT, "--dataset", DATASET, "--table", table,
                "--segments", staged_dir, "--chunk", str(BATCH_ROWS)]
        created = None if SKIP_PYTHON else timed("%d-bq-create-%s" % (rows, tag), base + ["--create-table"], 120)
        if created is None:
            out["load"]["python-client-" + tag] = dict(NOT_RUN)
        elif created["exit"] != 0:
            out["load"]["python-client-" + tag] = created
        else:
            before, stored = bq.cpu_seconds(), rows_stored(bq)
            m = timed("%d-bq-client-%s" % (rows, tag), base, limit + (rows // BATCH_ROWS) * latency // 1000)
            m["server_cpu_s"] = bq.cpu_seconds() - before
            out["load"]["python-client-" + tag] = rates(check_stored(m, bq, stored, DATASET + ".py_", rows),
                                                        rows, staged_mb)
        write_syspro_bq_config(config, staging, None, bq.port)
        if not syspro_bq_can("load"):
            out["load"]["syspro-bq-" + tag] = not_available("syspro-bq load is not in the release build yet")
        elif not ours:
            out["load"]["syspro-bq-" + tag] = not_available("no syspro-bq staging log to load (extract did not run)")
        else:
            shutil.rmtree(staging)
            shutil.copytree(extracted, staging, symlinks=True)
            before, stored = bq.cpu_seconds(), rows_stored(bq)
            m = timed("%d-syspro-bq-load-%s" % (rows, tag), syspro_bq_argv("load", config), limit)
            m["server_cpu_s"] = bq.cpu_seconds() - before
            # syspro-bq names its own tables; every table outside py_* in the dataset is its.
            out["load"]["syspro-bq-" + tag] = rates(check_stored(m, bq, stored, DATASET + ".", rows), rows, staged_mb)
        if latency == 0:
            if ours and syspro_bq_can("replay"):
                stored = rows_stored(bq)
                m = timed("%d-syspro-bq-replay" % rows, syspro_bq_argv("replay", config), limit)
                out["verify"]["syspro-bq-replay"] = rates(check_stored(m, bq, stored, DATASET + ".", rows), rows,
                                                          staged_mb)
            else:
                out["verify"]["syspro-bq-replay"] = not_available("syspro-bq replay is not in the release build yet")
        bq.stop()

    # --- verify: the floor over the same segment files
    if staged:
        out["verify"]["floor"] = rates(timed("%d-verify-floor" % rows, [os.path.join(HERE, "floor_verify.sh")] + staged,
                                             limit), rows, staged_mb)
    if ours and syspro_bq_can("verify"):
        out["verify"]["syspro-bq"] = rates(timed("%d-syspro-bq-verify" % rows, syspro_bq_argv("verify", config), limit),
                                           rows, staged_mb)
    else:
        out["verify"]["syspro-bq"] = not_available("syspro-bq verify is not in the release build yet")
    return out


# ---------------------------------------------------------------------------------------------------
# Targets and report.

def ok(m):
    return isinstance(m, dict) and m.get("exit") == 0 and "cpu_s" in m


def targets(size):
    """PASS / FAIL / PENDING per target of the issue, with the measured ratio."""
    ex, ld, vf = size["extract"], size["load"], size["verify"]
    ours = ex.get("syspro-bq")
    res = []

    def add(name, contender, ratio, goal, better_high, reference=None):
        runs = contender if isinstance(contender, list) else [contender]
        if skipped(reference):
            res.append({"target": name, "status": "NOT RUN", "ratio": None, "goal": goal,
                        "why": "reference not run (BENCH_SKIP_PYTHON=1)"})
        elif not runs or any(not isinstance(m, dict) or m.get("status") == "not available yet" for m in runs):
            res.append({"target": name, "status": "PENDING", "ratio": None, "goal": goal})
        elif not all(ok(m) for m in runs):
            res.append({"target": name, "status": "FAIL", "ratio": None, "goal": goal, "why": "syspro-bq run failed"})
        elif ratio is None:
            res.append({"target": name, "status": "FAIL", "ratio": None, "goal": goal, "why": "reference did not run"})
        else:
            passed = ratio >= goal if better_high else ratio <= goal
            res.append({"target": name, "status": "PASS" if passed else "FAIL", "ratio": ratio, "goal": goal})

    def ratio(a, b, key):
        return a[key] / b[key] if ok(a) and ok(b) and a.get(key) and b.get(key) else None

    add("extract wall / floor wall <= 1.5", ours,
        ratio(ours, ex["floor"], "wall_s") if ok(ours) else None, 1.5, False)
    for ref in ("plain-python", "dlt"):
        add("extract rows/CPU-s vs %s >= 10x" % ref, ours,
            ratio(ours, ex[ref], "rows_per_cpu_s") if ok(ours) else None, 10, True, ex[ref])
    add("load rows/CPU-s vs python client >= 10x", ld.get("syspro-bq-0ms"),
        ratio(ld.get("syspro-bq-0ms"), ld["python-client-0ms"], "rows_per_cpu_s"), 10, True, ld["python-client-0ms"])
    bound = IN_FLIGHT * BATCH_ROWS / (LATENCY_MS / 1000)
    m = ld.get("syspro-bq-%dms" % LATENCY_MS)
    add("load @%dms rows/s vs bound %d >= 0.8" % (LATENCY_MS, bound), m,
        m["rows_per_s"] / bound if ok(m) else None, 0.8, True)
    add("verify speed vs pigz -dc + openssl >= 0.8", vf.get("syspro-bq"),
        ratio(vf.get("syspro-bq"), vf.get("floor") or {}, "rows_per_s"), 0.8, True)
    runs = [m for m in (ours, ex.get("syspro-bq-incremental"), ld.get("syspro-bq-0ms"), ld.get("syspro-bq-%dms" % LATENCY_MS),
                        vf.get("syspro-bq"), vf.get("syspro-bq-replay")) if isinstance(m, dict)]
    measured = [m["max_rss_mb"] for m in runs if ok(m)]
    add("peak RSS of every syspro-bq run <= %d MB" % MAX_RSS_MB, runs,
        max(measured) if measured else None, MAX_RSS_MB, False)
    return res


ORDER = ["sim-serve", "floor", "syspro-bq", "syspro-bq-incremental", "plain-python", "dlt", "syspro-bq-0ms", "python-client-0ms",
         "syspro-bq-50ms", "python-client-50ms", "syspro-bq-replay"]


def ordered(stage_results):
    """(name, measurement) pairs in the table's fixed order (JSON files come back with sorted keys)."""
    return sorted(stage_results.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER))


def fmt(v, spec):
    return format(v, spec) if isinstance(v, (int, float)) else "-"


def table_lines(size):
    lines = ["", "%d GenTransaction rows (sim: %d pages, %.1f MB of OData JSON; staged rows by %s, %.1f MB NDJSON)"
             % (size["rows"], size["sim"]["pages"], size["sim"]["response_mb"], size["staged"]["by"],
                size["staged"]["ndjson_mb"])]
    head = "%-9s %-22s %9s %11s %8s %8s %11s %9s %9s" % (
        "stage", "contender", "wall s", "rows/s", "MB/s", "CPU s", "rows/CPU-s", "RSS MB", "srv CPU")
    lines += [head, "-" * len(head)]
    for stage in ("extract", "load", "verify"):
        for name, m in ordered(size[stage]):
            if m.get("status") in ("not available yet", "not run"):
                lines.append("%-9s %-22s %s" % (stage, name, m["status"] + ": " + m["why"]))
            elif m.get("exit") != 0:
                lines.append("%-9s %-22s FAILED (%s)" % (stage, name, m.get("exit")))
            else:
                lines.append("%-9s %-22s %9s %11s %8s %8s %11s %9s %9s" % (
                    stage, name, fmt(m["wall_s"], ".2f"), fmt(m.get("rows_per_s"), ",.0f"),
                    fmt(m.get("mb_per_s"), ".1f"), fmt(m.get("cpu_s"), ".2f"), fmt(m.get("rows_per_cpu_s"), ",.0f"),
                    fmt(m.get("max_rss_mb"), ".1f"), fmt(m.get("server_cpu_s"), ".2f")))
    lines.append("")
    if size.get("extract_runs", 1) > 1:
        spread = ["%s %s" % (name, "/".join("%.2f" % r["cpu_s"] for r in m["runs"]))
                  for name, m in ordered(size["extract"]) if m.get("runs")]
        python_runs = size.get("python_extract_runs", size["extract_runs"])
        each = ("each" if python_runs == size["extract_runs"] else
                "each (%d of the Python contenders)" % python_runs)
        lines.append("  extract: median of %d runs %s, the floor and syspro-bq taking turns; CPU s of every run: %s"
                     % (size["extract_runs"], each, ", ".join(spread)))
        lines.append("")
    for t in size["targets"]:
        lines.append("  %-7s %-52s %s" % (t["status"], t["target"],
                                            "" if t["ratio"] is None else "measured %.2f" % t["ratio"]))
    return lines


def markdown(report):
    """The results of a report as Markdown tables (for docs/benchmarks.md)."""
    lines = []
    for size in report["sizes"]:
        lines += ["", "**%s GenTransaction rows** (%d pages, %.1f MB of OData JSON; staged rows by %s, %.1f MB of "
                  "NDJSON; simulator %.0f MB RSS; load average %s when the run started)" % (
                      format(size["rows"], ","), size["sim"]["pages"], size["sim"]["response_mb"], size["staged"]["by"],
                      size["staged"]["ndjson_mb"], size["sim"].get("peak_rss_mb") or 0,
                      " / ".join(report["machine"].get("loadavg_start", []))), "",
                  "| stage | contender | wall s | rows/s | MB/s | CPU s | rows per CPU s | peak RSS MB | server CPU s |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for stage in ("extract", "load", "verify"):
            for name, m in ordered(size[stage]):
                if m.get("status") in ("not available yet", "not run"):
                    lines.append("| %s | %s | %s: %s | | | | | | |" % (
                        stage, name, "pending" if m["status"] == "not available yet" else "not run", m["why"]))
                elif m.get("exit") != 0:
                    lines.append("| %s | %s | failed (%s) | | | | | | |" % (stage, name, m.get("exit")))
                else:
                    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                        stage, name, fmt(m["wall_s"], ".2f"), fmt(m.get("rows_per_s"), ",.0f"),
                        fmt(m.get("mb_per_s"), ".1f"), fmt(m.get("cpu_s"), ".2f"),
                        fmt(m.get("rows_per_cpu_s"), ",.0f"), fmt(m.get("max_rss_mb"), ".1f"),
                        fmt(m.get("server_cpu_s"), ".2f")))
        lines += ["", "| target | status | measured |", "| --- | --- | ---: |"]
        for t in size["targets"]:
            lines.append("| %s | %s | %s |" % (t["target"], t["status"], "" if t["ratio"] is None else "%.2f" % t["ratio"]))
    return "\n".join(lines)


def machine():
    info = {"nproc": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}
    try:
        cpu = open("/proc/cpuinfo").read()
        info["cpu"] = re.search(r"model name\s*: (.*)", cpu).group(1).strip()
        info["mem_gb"] = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
        info["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
        info["swift"] = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        info["curl"] = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]
        info["pigz"] = subprocess.run(["pigz", "--version"], capture_output=True, text=True).stdout.strip() or \
            subprocess.run(["pigz", "--version"], capture_output=True, text=True).stderr.strip()
        info["openssl"] = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    except (OSError, AttributeError, IndexError):
        pass
    return info


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--markdown":
        print(markdown(json.load(open(sys.argv[2]))))
        return
    sizes = [int(x) for x in os.environ.get("BENCH_ROWS", "100000,1000000").split(",") if x.strip()]
    if not sizes or min(sizes) <= 0:
        sys.exit("bench: BENCH_ROWS must list positive row counts, e.g. 100000,1000000")
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(RESULTS, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    report = {"started": started.isoformat(), "machine": machine(), "gzip_level": GZIP_LEVEL,
              "page_rows": PAGE_ROWS, "batch_rows": BATCH_ROWS, "in_flight": IN_FLIGHT, "latency_ms": LATENCY_MS,
              "config_commands": {c: syspro_bq_argv(c, "<config>") for c in ("extract", "load", "verify", "replay")},
              "sizes": []}
    path = os.path.join(RESULTS, started.strftime("%Y%m%dT%H%M%SZ") + ".json")
    for n in sizes:
        size = bench_size(n)
        size["targets"] = targets(size)
        report["sizes"].append(size)
        print("\n".join(table_lines(size)), flush=True)
        # Written after every size, so a long run that is stopped still leaves what it measured.
        report["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        report["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        for p in (path, os.path.join(RESULTS, "latest.json")):
            with open(p, "w") as f:
                json.dump(report, f, indent=1, sort_keys=True)
    print("\nbench: results in %s and bench-results/latest.json" % os.path.relpath(path, ROOT))
    failed = [t for s in report["sizes"] for t in s["targets"] if t["status"] == "FAIL"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
