"""Benchmark: how fast the public pages answer at 10k, 100k (and 1M) synthetic entries.

For each size it builds a PostgreSQL database of its own (``bench_web_<N>``, dropped and created
again unless ``--reuse``) with ``manage.py generate_synthetic``, serves it with the production
command (gunicorn with tracker/ops/gunicorn_config.py: gthread workers with threads, ``--workers``
of them, DEBUG off, a benchmark-only SECRET_KEY) and the page cache off, and drives each page
with wrk on loopback: requests per second, median and 99th-percentile latency, bytes per page.
A bare Django view (``/healthz``, every middleware and no work) is driven the same way: the
stack's ceiling. The number of SQL queries per page and their time come from Django's test
client with CaptureQueriesContext against the same database; the slowest statements are written
out for EXPLAIN ANALYZE (``--explain``).

Then a second gunicorn serves the same database with the page cache on (the file cache, or
Redis with ``--redis``): home, the list and a filtered list, each fetched twice first, are
driven with wrk in rounds beside the bare view, and every answer wrk counts must be a cache hit
(``X-Cache: hit``, tracker.ops.cache). The target: a cached page at ≥ 50 % of the bare view.

With ``--datasette`` the same rows are exported to SQLite and Datasette's faceted table page is
measured with the same wrk settings, in rounds alternating with the tracker's list page, so that
both see the same machine load.

With ``--export``, a full CSV download of the list from a gunicorn of one worker (production
settings): seconds, bytes, the rows its end row counts, whether it completed, and the worker's
peak RSS (bench/export_server.py).

With ``--real``, the site's real entries (``bench_web_real``: ``migrate`` and
``load_site_data``) are served with the production command and the list is read by 32
concurrent clients (``wrk -t2 -c32``), cache off and on. The target: p99 under 1 s.

    .venv/bin/python bench/web.py                      # 10k and 100k
    .venv/bin/python bench/web.py --sizes 1000000      # 1M (several minutes to build)
    .venv/bin/python bench/web.py --sizes 100000 --reuse --datasette --explain 5
    .venv/bin/python bench/web.py --sizes 3000 --duration 3 --rounds 1 --export --real

Needs wrk (Debian: apt-get install wrk) and a PostgreSQL server that the user in --pg (default
postgres@127.0.0.1:5432) may create databases on. Results: docs/performance.md.
"""

import argparse
import json
import os
import re
import runpy
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

from export_server import measure_export

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
GUNICORN_CONFIG = ROOT / "tracker" / "ops" / "gunicorn_config.py"
SECRET_KEY = "benchmark-only-not-secret-" + "x" * 40
BARE = ("bare view (/healthz)", "/healthz")
REDIS_DEFAULT = "redis://127.0.0.1:6379/13"


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


def cache_env(cached, redis):
    """The page cache's settings: off, or on (tracker.settings' default lifetime) in the file
    cache or in Redis (``redis``, a URL)."""
    if not cached:
        return {"TRACKER_CACHE_SECONDS": "0"}
    env = {"TRACKER_CACHE_SECONDS": os.environ.get("TRACKER_CACHE_SECONDS") or "600"}
    if redis:
        env["REDIS_URL"] = redis
    return env


def server_env(database_url, cached=False, redis=None):
    env = env_for(database_url, **cache_env(cached, redis))
    if not redis:
        # Without --redis the cache must be the file cache, whatever this shell exports.
        env.pop("REDIS_URL", None)
    return env


def gunicorn(database_url, workers, cached=False, redis=None):
    """The production command (as `make run`). Uncached by default: every request is rendered,
    so what is measured is the queries and the rendering."""
    argv = [GUNICORN, "tracker.wsgi", "--bind", "127.0.0.1:{port}", "--workers", str(workers)]
    if GUNICORN_CONFIG.exists():
        argv[1:1] = ["-c", "python:tracker.ops.gunicorn_config"]
    env = server_env(database_url, cached, redis)
    if cached:
        # A page stored by an earlier run on a database since rebuilt must not be served.
        subprocess.run([PYTHON, "manage.py", "invalidate_pages", "--verbosity", "0"], cwd=ROOT,
                       env=env, check=True)  # fmt: skip
    return Server(argv, env, ready_path="/healthz")


def served_by(workers):
    """What the production config really runs, for the report (its defaults may change)."""
    if not GUNICORN_CONFIG.exists():
        return f"gunicorn, {workers} sync workers"
    config = runpy.run_path(str(GUNICORN_CONFIG))
    kind = config.get("worker_class", "sync")
    threads = f" x {config['threads']} threads" if kind == "gthread" else ""
    plural = "s" if workers != 1 else ""
    return f"gunicorn -c tracker/ops/gunicorn_config.py, {workers} {kind} worker{plural}{threads}"


def fetch(url, header=None):
    """(status, bytes) of one GET; with ``header``, that response header's value too."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            found = (response.headers.get(header),) if header else ()
            return response.status, len(response.read()), *found
    except urllib.error.HTTPError as error:
        found = (error.headers.get(header),) if header else ()
        return error.code, len(error.read()), *found


# Counts, over wrk's threads, the answers that were not served from the page cache: a run
# against the cached server measures the cache only if this stays at 0.
COUNT_CACHE_HITS = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0 end
function response(status, headers, body)
  if (headers["X-Cache"] or headers["x-cache"]) == "hit" then hits = hits + 1
  else misses = misses + 1 end
end
function done(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses") end
  io.write(string.format("cache hits %d, not hits %d\\n", h, m))
end
"""


def wrk(url, args, connections=None, threads=None, count_hits=False):
    """req/s, p50 and p99 in ms, and the count of errors (non-2xx/3xx, timeouts, sockets);
    with ``count_hits``, how many answers were and were not cache hits."""
    connections = connections or args.connections
    threads = threads or min(args.threads, connections)
    script = []
    if count_hits:
        lua = Path(tempfile.gettempdir()) / "tracker-bench-web-count-hits.lua"
        lua.write_text(COUNT_CACHE_HITS)
        script = ["-s", str(lua)]
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "--latency",
            # As every browser does: the page cache sends stored pages compressed to clients
            # that take gzip (uncached pages, and Datasette's, are sent as they are either way).
            "-H",
            "Accept-Encoding: gzip",
            *script,
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
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors,
    }
    if count_hits:
        hits, misses = re.search(r"cache hits (\d+), not hits (\d+)", out).groups()
        result.update(cache_hits=int(hits), not_cache_hits=int(misses))
    return result


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


def uncached_pages(url, every, measured, args):
    """Each page (and the bare view) against the uncached production server."""
    rows = []
    with gunicorn(url, args.workers) as served:
        for label, path in measured:
            status, size = fetch(served.base + path)  # also warms the workers
            one = wrk(served.base + path, args, connections=1)  # one client, request after request
            rows.append({"label": label, "path": path, "status": status, "bytes": size,
                         "wrk": wrk(served.base + path, args), "one_client": one})  # fmt: skip
        iso2 = dict(every)["list, country"].rsplit("=", 1)[1]
        comparison = (
            datasette_rounds(args.pg, url, served.base, args, iso2) if args.datasette else None
        )
    return rows, comparison


def warm(base, paths):
    """Two fetches of each page: the first stores it, the second must be served from the cache."""
    for path in paths:
        fetch(base + path)
        status, _, cache = fetch(base + path, header="X-Cache")
        if status != 200 or cache != "hit":
            raise RuntimeError(f"{path}: HTTP {status}, X-Cache {cache!r} on the second fetch")


def cached_pages(url, every, args):
    """Home, the list and a filtered list from a second gunicorn with the page cache on, in
    rounds beside the bare view on the same server, so that each ratio compares one moment."""
    paths = dict(every)
    measured = [(label, paths[label]) for label in ("home", "list", "list, country")]
    rounds = []
    with gunicorn(url, args.workers, cached=True, redis=args.redis) as served:
        warm(served.base, [path for _, path in measured])
        fetch(served.base + BARE[1])
        for _ in range(args.rounds):
            bare = wrk(served.base + BARE[1], args)
            pages = []
            for label, path in measured:
                w = wrk(served.base + path, args, count_hits=True)
                share = w["rps"] / bare["rps"] if bare["rps"] else None
                pages.append({"label": label, "path": path, "wrk": w, "of_bare": share})
            rounds.append({"bare": bare, "pages": pages})
    return {"cache": f"Redis {args.redis}" if args.redis else "file cache", "rounds": rounds}


def export(url):
    """A full CSV of the list, from one worker of the production command (its memory is the
    export's)."""
    e = measure_export(url, "format=csv", env=server_env(url))
    # Complete: nothing cut, and the end row counts the rows received.
    e["complete"] = bool(
        e["status"] == 200
        and e["transfer_complete"]
        and e["rows_counted"] is not None
        and e["rows_counted"] == e["rows_received"]
    )
    return e


def run_size(n, args):
    url, built = build(args.pg, n, args.reuse, args.seed)
    if built is not None:
        print(f"\n{n:,} entries built in {built:.0f} s (generate_synthetic, {url})")
    manage(url, "collectstatic", "--no-input", "--verbosity", "0")
    measured = every = pages(args.pg, url)
    if args.pages:
        words = args.pages.split(",")
        measured = [(label, path) for label, path in measured if any(w in label for w in words)]
    measured = [BARE, *measured]
    queries = count_queries(url, measured)
    rows, comparison = uncached_pages(url, every, measured, args)
    result = {"url": url, "n": n, "built_seconds": built, "served_by": served_by(args.workers),
              "wrk": wrk_settings(args), "pages": rows, "queries": queries,
              "datasette": comparison}  # fmt: skip
    report(n, rows, queries, comparison, args)
    if not args.no_cached:
        result["cached"] = cached_pages(url, every, args)
        report_cached(result["cached"], args)
    if args.export:
        result["export"] = export(url)
        report_export(result["export"])
    return result


def build_real(server, reuse):
    """``bench_web_real``: the site's real entries, as `make run` loads them."""
    name = "bench_web_real"
    url = f"{server}/{name}"
    exists = psql(server, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and not reuse:
        psql(server, "postgres", f'DROP DATABASE "{name}"')
    if not exists or not reuse:
        psql(server, "postgres", f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--no-input", "--verbosity", "0")
    # Loads each file once per database: a reused database keeps what it holds.
    manage(url, "load_site_data", "--verbosity", "0")
    return url


def crowd(url, args, cached):
    """The list read by 32 clients at once, as when a story breaks."""
    with gunicorn(url, args.workers, cached=cached, redis=args.redis) as served:
        path = served.base + "/deployments/"
        if cached:
            warm(served.base, ["/deployments/"])
        else:
            fetch(path)
        return wrk(path, args, connections=32, threads=2, count_hits=cached)


def run_real(args):
    url = build_real(args.pg, args.reuse)
    manage(url, "collectstatic", "--no-input", "--verbosity", "0")
    name = url.rsplit("/", 1)[1]
    published = int(psql(args.pg, name, "SELECT count(*) FROM tracker_deployment "
                         "WHERE state = 'published'"))  # fmt: skip
    result = {"url": url, "published": published, "served_by": served_by(args.workers),
              "wrk": f"wrk -t2 -c32 -d{args.duration}s", "path": "/deployments/",
              "cache off": crowd(url, args, cached=False)}  # fmt: skip
    if not args.no_cached:
        result["cache on"] = crowd(url, args, cached=True)
    report_real(result, args)
    return result


def wrk_settings(args):
    return f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"


def report(n, rows, queries, comparison, args):
    print(f"\n{n:,} entries; {wrk_settings(args)}; {served_by(args.workers)}; page cache off")
    print(f"{'page':<26} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'KiB':>6} {'queries':>7} "
          f"{'SQL ms':>7} {'errors':>6}")  # fmt: skip
    for row in rows:
        q, w, status = queries[row["label"]], row["wrk"], row["status"]
        note = "" if status == 200 else f"  HTTP {status}"
        print(f"{row['label']:<26} {w['rps']:>7.1f} {w['p50']:>8.1f} {w['p99']:>8.1f} "
              f"{row['bytes'] / 1024:>6.0f} {q['queries']:>7} {q['sql_seconds'] * 1000:>7.0f} "
              f"{w['errors']:>6}{note}")  # fmt: skip
    for row in rows:
        print(f"  {row['label']:<26} {row['path']}")
    print("\nMarkdown:\n")
    print("| page | 1 client p50 ms | req/s | p50 ms | p99 ms | KiB | queries | SQL ms | Django ms "
          "| errors |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        q, w, one, status = queries[row["label"]], row["wrk"], row["one_client"], row["status"]
        print(f"| {row['label']} | {one['p50']:.0f} | {w['rps']:.1f} | {w['p50']:.0f} "
              f"| {w['p99']:.0f} | {row['bytes'] / 1024:.0f} "
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


def hits_note(w):
    """Empty when every answer wrk counted was a cache hit; else what was not."""
    missed = w.get("not_cache_hits", 0)
    return f"{missed} of {missed + w['cache_hits']} NOT cache hits" if missed else ""


def report_cached(cached, args):
    print(f"\nPage cache on ({cached['cache']}); {wrk_settings(args)}; {served_by(args.workers)}; "
          "each page fetched twice first; target: ≥ 50 % of the bare view's req/s")  # fmt: skip
    print("\nMarkdown:\n")
    print("| round | page | req/s | p50 ms | p99 ms | of bare view | errors | cache hits |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for number, r in enumerate(cached["rounds"], 1):
        b = r["bare"]
        print(f"| {number} | {BARE[0]} | {b['rps']:.1f} | {b['p50']:.1f} | {b['p99']:.1f} "
              f"| 100 % | {b['errors'] or ''} | (not cached) |")  # fmt: skip
        for page in r["pages"]:
            w, ratio = page["wrk"], page["of_bare"]
            share = f"{ratio * 100:.0f} %" if ratio is not None else "–"
            hits = hits_note(w) or f"all {w['cache_hits']}"
            print(f"| {number} | {page['label']} (`{page['path']}`) | {w['rps']:.1f} "
                  f"| {w['p50']:.1f} | {w['p99']:.1f} | {share} | {w['errors'] or ''} "
                  f"| {hits} |")  # fmt: skip


def report_export(e):
    transfer = "complete" if e["transfer_complete"] else "cut"
    print(f"\nCSV export, {served_by(1)}: GET {e['path']}")
    print("\nMarkdown:\n")
    print("| export | HTTP | seconds | MiB | rows in the end row | rows received | complete | "
          "worker peak RSS MiB |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    print(f"| `{e['path']}` ({e['database']}) | {e['status']} | {e['seconds']:.1f} "
          f"| {e['bytes'] / 2**20:.1f} | {e['rows_counted']} | {e['rows_received']} "
          f"| {'yes' if e['complete'] else 'NO'} (transfer {transfer}, end row {e['end_row']!r}) "
          f"| {e['peak_rss_mib']:.1f} |")  # fmt: skip


def report_real(r, args):
    print(f"\nReal data: {r['published']} published entries ({r['url']}); {r['wrk']} "
          f"{r['path']}; {r['served_by']}; target: p99 under 1 s")  # fmt: skip
    print("\nMarkdown:\n")
    print("| page cache | req/s | p50 ms | p99 ms | errors | p99 < 1 s |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label in ("cache off", "cache on"):
        if label not in r:
            continue
        w = r[label]
        note = f" ({hits_note(w)})" if hits_note(w) else ""
        print(f"| {label}{note} | {w['rps']:.1f} | {w['p50']:.0f} | {w['p99']:.0f} "
              f"| {w['errors'] or ''} | {'yes' if w['p99'] < 1000 else 'NO'} |")  # fmt: skip


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
    parser.add_argument("--no-cached", action="store_true",
                        help="skip the pages served from the page cache")  # fmt: skip
    parser.add_argument("--redis", nargs="?", const=REDIS_DEFAULT, metavar="URL",
                        help="cache pages in Redis (production's cache; default URL "
                        f"{REDIS_DEFAULT}) instead of the file cache")  # fmt: skip
    parser.add_argument(
        "--export", action="store_true", help="a full CSV export of each size: time, peak RSS"
    )
    parser.add_argument(
        "--real", action="store_true", help="the site's real entries under 32 readers"
    )
    parser.add_argument("--explain", type=int, default=0, metavar="K",
                        help="EXPLAIN ANALYZE the K slowest statements")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    sizes = sorted(set(args.sizes + ([1_000_000] if args.million else [])))
    results = {"command": sys.argv, "sizes": [], "real": None}

    def save():  # after each part, so that a later failure loses nothing measured
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str))

    for n in sizes:
        results["sizes"].append(run_size(n, args))
        save()
        if args.explain:
            last = results["sizes"][-1]
            explain(args.pg, last["url"], last["queries"], args.explain)
    if args.real:
        results["real"] = run_real(args)
        save()


if __name__ == "__main__":
    main()
