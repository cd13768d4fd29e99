"""Benchmark: how fast the public pages answer at 10k, 100k (and 1M) synthetic entries.

For each size it builds a PostgreSQL database of its own (``bench_web_<N>``, dropped and created
again unless ``--reuse``) with ``manage.py generate_synthetic``, serves it with gunicorn as
``make run`` does (two sync workers, DEBUG off, a benchmark-only SECRET_KEY), and drives each
page with wrk on loopback: requests per second, median and 99th-percentile latency, bytes per
page. The number of SQL queries per page and their time come from Django's test client with
CaptureQueriesContext against the same database; the slowest statements are written out for
EXPLAIN ANALYZE (``--explain``).

With ``--datasette`` the same rows are exported to SQLite and Datasette's faceted table page is
measured with the same wrk settings, in rounds alternating with the tracker's list page, so that
both see the same machine load.

    .venv/bin/python bench/web.py                      # 10k and 100k
    .venv/bin/python bench/web.py --sizes 1000000      # 1M (several minutes to build)
    .venv/bin/python bench/web.py --sizes 100000 --reuse --datasette --explain

Needs wrk (Debian: apt-get install wrk) and a PostgreSQL server that the user in --pg (default
postgres@127.0.0.1:5432) may create databases on. Results: docs/performance.md.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SECRET_KEY = "benchmark-only-not-secret-" + "x" * 40


def env_for(database_url, **extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        VAR_DIR=str(Path(tempfile.gettempdir()) / "tracker-bench-web-var"),
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "tracker-bench-web-static"),
        **extra,
    )
    return env


def manage(database_url, *args, **extra):
    # No statement or request limit: a migration or a load at 1M entries takes minutes.
    extra = {"DB_STATEMENT_TIMEOUT": "0", "DB_REQUEST_TIMEOUT": "0", **extra}
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env_for(database_url, **extra), check=True
    )


def psql(server, database, sql):
    # On standard input: a prefetch's statement can list 100,000 ids, too long for an argument.
    out = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", f"{server}/{database}"],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def build(server, n, reuse, seed):
    """The database for ``n`` entries; returns (url, seconds to generate or None if reused)."""
    name = f"bench_web_{n}"
    url = f"{server}/{name}"
    exists = psql(server, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if reuse and exists:
        have = psql(server, name, "SELECT count(*) FROM tracker_deployment")
        if int(have) == n:
            # Migrations added since it was built (indexes, the facet tallies) apply to it too.
            manage(url, "migrate", "--no-input", "--verbosity", "0")
            return url, None
    if exists:
        psql(server, "postgres", f'DROP DATABASE "{name}"')
    psql(server, "postgres", f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--no-input", "--verbosity", "0")
    started = time.monotonic()
    manage(url, "generate_synthetic", "--deployments", str(n), "--seed", str(seed))
    return url, time.monotonic() - started


def pages(server, database):
    """The pages measured, with the heaviest choices (largest country, vendor) where it matters."""
    name = database.rsplit("/", 1)[1]
    iso2, country_slug = psql(
        server,
        name,
        "SELECT c.iso2, c.slug FROM tracker_deployment d JOIN tracker_country c "
        "ON c.id = d.country_id GROUP BY c.id ORDER BY count(*) DESC LIMIT 1",
    ).split("|")
    technology = psql(
        server,
        name,
        "SELECT t.slug FROM tracker_deployment d "
        "JOIN tracker_deployment_technologies dt ON dt.deployment_id = d.id "
        "JOIN tracker_technology t ON t.id = dt.technology_id "
        f"JOIN tracker_country c ON c.id = d.country_id AND c.iso2 = '{iso2}' "
        "GROUP BY t.id ORDER BY count(*) DESC LIMIT 1",
    )
    vendor = psql(
        server,
        name,
        "SELECT v.slug FROM tracker_deployment_vendors dv JOIN tracker_vendor v "
        "ON v.id = dv.vendor_id GROUP BY v.id ORDER BY count(*) DESC LIMIT 1",
    )
    middle = psql(server, name, "SELECT slug FROM tracker_deployment ORDER BY id LIMIT 1 OFFSET "
                  "(SELECT count(*) / 2 FROM tracker_deployment)")  # fmt: skip
    return [
        ("home", "/"),
        ("list", "/deployments/"),
        ("list, country", f"/deployments/?country={iso2}"),
        ("list, country+technology", f"/deployments/?country={iso2}&technology={technology}"),
        ("search", "/deployments/?q=facial+recognition"),
        ("detail", f"/deployments/{middle}/"),
        ("country page", f"/countries/{country_slug}/"),
        ("vendor page", f"/vendors/{vendor}/"),
    ]


QUERY_COUNTER = r"""
import json, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
out = {}
def measure(path):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(path)
        return ctx, response, time.perf_counter() - started

for label, path in json.loads(sys.argv[1]):
    ctx, response, elapsed = measure(path)
    if elapsed < 5:  # measure again, warm (connection, caches); a slow page only once
        ctx, response, elapsed = measure(path)
    queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    out[label] = {
        "status": response.status_code,
        "queries": len(queries),
        "sql_seconds": sum(t for t, _ in queries),
        "seconds": elapsed,
        "slowest": sorted(queries, reverse=True)[:3],
    }
print(json.dumps(out))
"""


def count_queries(database_url, measured):
    """Queries per page through Django's test client (no statement timeout, to see them all)."""
    out = subprocess.run(
        [PYTHON, "-c", QUERY_COUNTER, json.dumps(measured)],
        cwd=ROOT,
        env=env_for(
            database_url,
            ALLOWED_HOSTS="testserver",
            DB_STATEMENT_TIMEOUT="0",
            DB_REQUEST_TIMEOUT="0",
            TRACKER_CACHE_SECONDS="0",
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class Server:
    """A process serving on a free loopback port, stopped when the block ends."""

    def __init__(self, argv, env, ready_path="/"):
        self.argv, self.env, self.ready_path = argv, env, ready_path
        self.port = free_port()

    def __enter__(self):
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self.base + self.ready_path)
        return self

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def gunicorn(database_url, workers):
    """The production command (as `make run`), uncached: the page cache (tracker.ops.cache) is
    off, so every request is rendered and what is measured is the queries and the rendering."""
    argv = [GUNICORN, "tracker.wsgi", "--bind", "127.0.0.1:{port}", "--workers", str(workers)]
    if (ROOT / "tracker" / "ops" / "gunicorn_config.py").exists():
        argv[1:1] = ["-c", "python:tracker.ops.gunicorn_config"]
    return Server(argv, env_for(database_url, TRACKER_CACHE_SECONDS="0"), ready_path="/healthz")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def wrk(url, args, connections=None):
    """req/s, p50 and p99 in ms, and the count of errors (non-2xx/3xx, timeouts, sockets)."""
    connections = connections or args.connections
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(args.threads, connections)}",
            f"-c{connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if match is None:  # no request completed
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(map(int, match.groups()))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors,
    }


def export_for_datasette(server, database_url, path):
    """The same entries as one flat SQLite table (Datasette's own way of faceting)."""
    name = database_url.rsplit("/", 1)[1]
    sql = """
        SELECT d.id, d.slug, d.title, c.iso2 AS country, c.region, d.locality, d.status,
               d.evidence, d.start_year, d.pair_sources, d.published_at::text,
               coalesce((SELECT json_agg(v.name ORDER BY v.name) FROM tracker_deployment_vendors dv
                   JOIN tracker_vendor v ON v.id = dv.vendor_id WHERE dv.deployment_id = d.id),
                   '[]')::text AS vendors,
               coalesce((SELECT json_agg(t.name ORDER BY t.name)
                   FROM tracker_deployment_technologies dt JOIN tracker_technology t
                   ON t.id = dt.technology_id WHERE dt.deployment_id = d.id), '[]')::text
                   AS technologies,
               d.summary
        FROM tracker_deployment d JOIN tracker_country c ON c.id = d.country_id
        WHERE d.state = 'published' AND d.status <> 'not_completed'
    """
    csv_path = Path(path).with_suffix(".csv")
    with open(csv_path, "w") as handle:
        subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-d",
                f"{server}/{name}",
                "-c",
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
            ],
            stdout=handle,
            check=True,
        )
    Path(path).unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE deployments (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, country TEXT, "
        "region TEXT, locality TEXT, status TEXT, evidence TEXT, start_year INTEGER, "
        "pair_sources INTEGER, published_at TEXT, vendors TEXT, technologies TEXT, summary TEXT)"
    )
    import csv

    with open(csv_path, newline="") as handle:
        rows = ([None if v == "" and i == 8 else v for i, v in enumerate(row)]
                for row in csv.reader(handle))  # fmt: skip
        db.executemany(f"INSERT INTO deployments VALUES ({', '.join('?' * 14)})", rows)
    db.commit()
    db.close()
    csv_path.unlink()


DATASETTE_FACETS = (
    "/bench/deployments?_facet=country&_facet=region&_facet=status&_facet=evidence"
    "&_facet=start_year&_facet_array=technologies&_facet_array=vendors"
)


def datasette_bin(args):
    """Datasette, installed into a venv of its own on first use (never into the site's)."""
    datasette = Path(args.datasette_bin)
    if not datasette.exists():
        venv = datasette.parent.parent
        print(f"Installing Datasette {DATASETTE_VERSION} into {venv} …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        f"datasette=={DATASETTE_VERSION}"], check=True)  # fmt: skip
    return datasette


DATASETTE_VERSION = "0.65.*"


def datasette_rounds(server, database_url, tracker_base, args, iso2):
    datasette = datasette_bin(args)
    path = Path(tempfile.gettempdir()) / "bench.db"
    export_for_datasette(server, database_url, path)
    results = {"tracker list": [], "datasette table": [], "tracker list, country": [],
               "datasette table, country": []}  # fmt: skip
    with Server(
        [str(datasette), "serve", str(path), "--port", "{port}", "--host", "127.0.0.1"],
        dict(os.environ),
        ready_path="/-/versions.json",
    ) as served:
        url = served.base + DATASETTE_FACETS
        filtered = url + f"&country={iso2}"
        status, size = fetch(url)
        # Datasette drops a facet that takes over facet_time_limit_ms (200) and says so on the
        # page ("These facets timed out: …"); its JSON then simply lacks it.
        with urllib.request.urlopen(url, timeout=120) as response:
            page = response.read().decode()
        found = re.search(r"timed out:\s*([^<]*)", page)
        timed_out = [f.strip() for f in found.group(1).split(",")] if found else []
        fetch(filtered)
        for _ in range(args.rounds):
            results["tracker list"].append(wrk(tracker_base + "/deployments/", args))
            results["datasette table"].append(wrk(url, args))
            filtered_list = f"{tracker_base}/deployments/?country={iso2}"
            results["tracker list, country"].append(wrk(filtered_list, args))
            results["datasette table, country"].append(wrk(filtered, args))
    return {"rounds": results, "bytes": size, "status": status, "facets_timed_out": timed_out}


def run_size(n, args):
    url, built = build(args.pg, n, args.reuse, args.seed)
    if built is not None:
        print(f"\n{n:,} entries built in {built:.0f} s (generate_synthetic, {url})")
    manage(url, "collectstatic", "--no-input", "--verbosity", "0")
    measured = every = pages(args.pg, url)
    if args.pages:
        words = args.pages.split(",")
        measured = [(label, path) for label, path in measured if any(w in label for w in words)]
    queries = count_queries(url, measured)
    rows = []
    with gunicorn(url, args.workers) as served:
        for label, path in measured:
            status, size = fetch(served.base + path)  # also warms the workers
            one = wrk(served.base + path, args, connections=1)  # one client, request after request
            rows.append((label, path, status, size, wrk(served.base + path, args), one))
        iso2 = dict(every)["list, country"].rsplit("=", 1)[1]
        comparison = (
            datasette_rounds(args.pg, url, served.base, args, iso2) if args.datasette else None
        )
    report(n, rows, queries, comparison, args)
    return {"url": url, "n": n, "built_seconds": built, "pages": rows, "queries": queries,
            "datasette": comparison}  # fmt: skip


def report(n, rows, queries, comparison, args):
    print(f"\n{n:,} entries; wrk -t{args.threads} -c{args.connections} -d{args.duration}s; "
          f"gunicorn {args.workers} sync workers")  # fmt: skip
    print(f"{'page':<26} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>6} {'queries':>7} "
          f"{'SQL ms':>7} {'errors':>6}")  # fmt: skip
    for label, _, status, size, w, _one in rows:
        q = queries[label]
        note = "" if status == 200 else f"  HTTP {status}"
        print(f"{label:<26} {w['rps']:>7.1f} {w['p50']:>8.1f} {w['p99']:>8.1f} "
              f"{size / 1024:>6.0f} {q['queries']:>7} {q['sql_seconds'] * 1000:>7.0f} "
              f"{w['errors']:>6}{note}")  # fmt: skip
    for label, path, *_ in rows:
        print(f"  {label:<26} {path}")
    print("\nMarkdown:\n")
    print("| page | 1 client p50 ms | req/s | p50 ms | p99 ms | KiB | queries | SQL ms | Django ms "
          "| errors |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, _, status, size, w, one in rows:
        q = queries[label]
        print(f"| {label} | {one['p50']:.0f} | {w['rps']:.1f} | {w['p50']:.0f} | {w['p99']:.0f} "
              f"| {size / 1024:.0f} "
              f"| {q['queries']} | {q['sql_seconds'] * 1000:.0f} | {q['seconds'] * 1000:.0f} "
              f"| {w['errors'] or ''}{'' if status == 200 else f' (HTTP {status})'} |")  # fmt: skip
    if comparison:
        kib, late = comparison["bytes"] / 1024, comparison["facets_timed_out"] or "none"
        print(f"\nalternating rounds ({args.rounds}); Datasette page {kib:.0f} KiB, "
              f"facets timed out: {late}")  # fmt: skip
        for label, rounds in comparison["rounds"].items():
            cells = "  ".join(f"{r['rps']:.1f} req/s p50 {r['p50']:.0f} p99 {r['p99']:.0f}"
                              for r in rounds)  # fmt: skip
            print(f"  {label:<16} {cells}")


def explain(server, database_url, queries, top):
    """EXPLAIN ANALYZE of the slowest statements seen on any page."""
    name = database_url.rsplit("/", 1)[1]
    seen = {}
    for label, page in queries.items():
        for seconds, sql in page["slowest"]:
            if sql not in seen or seen[sql][0] < seconds:
                seen[sql] = (seconds, label)
    for sql, (seconds, label) in sorted(seen.items(), key=lambda kv: -kv[1][0])[:top]:
        plan = psql(server, name, "SET statement_timeout = 0; EXPLAIN (ANALYZE, BUFFERS) " + sql)
        print(f"\n--- {label}: {seconds * 1000:.0f} ms in the test client\n{sql}\n{plan}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add 1,000,000 to --sizes")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep a database of the right size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--datasette", action="store_true")
    parser.add_argument(
        "--datasette-bin",
        default=str(ROOT / "var" / "bench" / "datasette-venv" / "bin" / "datasette"),
        help="installed there (its own venv) when missing",
    )
    parser.add_argument("--pages", help="only the pages whose label contains one of these "
                        "comma-separated words (e.g. home,list)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--explain", type=int, default=0, metavar="K",
                        help="EXPLAIN ANALYZE the K slowest statements")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    sizes = sorted(set(args.sizes + ([1_000_000] if args.million else [])))
    results = []
    for n in sizes:
        results.append(run_size(n, args))
        if args.json:  # after each size, so that a later failure loses nothing measured
            Path(args.json).write_text(json.dumps(results, indent=1, default=str))
        if args.explain:
            explain(args.pg, results[-1]["url"], results[-1]["queries"], args.explain)


if __name__ == "__main__":
    main()
