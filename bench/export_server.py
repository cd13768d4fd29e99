"""A full CSV export downloaded from gunicorn as production serves it: time, size, peak memory.

    .venv/bin/python bench/export_server.py --database-url postgres://postgres@127.0.0.1:5432/bench_web_1000000

Serves the database with tracker/ops/gunicorn_config.py (threaded workers, one worker so its
memory is the export's), downloads ``/deployments/?format=csv`` (or ``--query``) without
keeping it, checks the end row (``# end of export,N`` must count the rows received) and reads
the worker's peak resident memory (VmHWM in /proc) once the download has ended. Linux only.
``bench/web.py --export`` runs the same measurement (``measure_export``) for each size.
"""

import argparse
import http.client
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port  # noqa: E402

END = b"# end of export,"


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def default_env(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "k" * 44),
        "LOG_LEVEL": "ERROR",
        "TRACKER_CACHE_SECONDS": "0",
    }


def measure_export(database_url, query="format=csv", env=None):
    """Download ``/deployments/?<query>`` from a one-worker gunicorn; what it took, as a dict.

    ``env`` is the server's whole environment (DATABASE_URL included); by default this
    process's, with ``database_url`` and the page cache off (a streamed export is never cached).
    """
    port = free_port()
    env = env or default_env(database_url)
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        "python:tracker.ops.gunicorn_config",
        "tracker.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        [worker] = worker_pids(server.pid)
        before = peak_rss_mib(worker)
        started = time.monotonic()
        # A long timeout: PostgreSQL materialises the whole cursor before the first row (46 s
        # at 1M entries), and a busy machine can stall a read for as long.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", f"/deployments/?{query}")
        response = connection.getresponse()
        size, lines, records, quoted, tail = 0, 0, 0, False, b""
        complete = True
        try:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-200:]
                # A summary may hold line breaks: a newline ends a CSV record only outside
                # quotes (an escaped quote is two, which leaves the parity as it was).
                *ended, rest = chunk.split(b"\n")
                for piece in ended:
                    quoted ^= piece.count(b'"') % 2 == 1
                    records += not quoted
                quoted ^= rest.count(b'"') % 2 == 1
        except http.client.IncompleteRead:
            complete = False
        elapsed = time.monotonic() - started
        last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
        counted = int(last[len(END) :]) if last.startswith(END) else None
        return {
            "database": database_url.rsplit("/", 1)[-1],
            "path": f"/deployments/?{query}",
            "status": response.status,
            "transfer_complete": complete,
            "end_row": last.decode(errors="replace"),
            "rows_counted": counted,
            # Every CSV record but the header and the end row: what the end row must count.
            "rows_received": max(records - 2, 0),
            "lines": lines,
            "seconds": elapsed,
            "bytes": size,
            "peak_rss_mib": peak_rss_mib(worker),
            "rss_before_mib": before,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--query", default="format=csv")
    args = parser.parse_args()
    r = measure_export(args.database_url, args.query)
    print(f"database: {r['database']}; GET {r['path']}")
    print(f"status {r['status']}; transfer complete: {r['transfer_complete']}")
    print(f"end row: {r['end_row']!r}; rows counted there: {r['rows_counted']}; "
          f"rows received: {r['rows_received']}")  # fmt: skip
    print(f"time {r['seconds']:.1f} s; {r['bytes'] / 2**20:.1f} MiB; {r['lines']:,} lines")
    print(f"worker peak RSS {r['peak_rss_mib']:.1f} MiB (before the export: "
          f"{r['rss_before_mib']:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
