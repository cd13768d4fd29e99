"""A full CSV export downloaded from gunicorn as production serves it: time, size, peak memory.

    .venv/bin/python bench/export_server.py --database-url postgres://postgres@127.0.0.1:5432/bench_web_1000000

Serves the database read-only with tracker/ops/gunicorn_config.py (threaded workers, one worker
so its memory is the export's), downloads ``/deployments/?format=csv`` (or ``--query``) without
keeping it, checks the end row (``# end of export,N`` must count the rows received) and reads
the worker's peak resident memory (VmHWM in /proc) once the download has ended. Linux only.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--query", default="format=csv")
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "k" * 44),
        "LOG_LEVEL": "ERROR",
        "TRACKER_CACHE_SECONDS": "0",
    }
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
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
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
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", f"/deployments/?{args.query}")
        response = connection.getresponse()
        size, lines, tail = 0, 0, b""
        complete = True
        try:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-200:]
        except http.client.IncompleteRead:
            complete = False
        elapsed = time.monotonic() - started
        last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
        counted = int(last[len(END) :]) if last.startswith(END) else None
        print(f"database: {args.database_url.rsplit('/', 1)[-1]}; GET /deployments/?{args.query}")
        print(f"status {response.status}; transfer complete: {complete}")
        print(f"end row: {last.decode(errors='replace')!r}; rows counted there: {counted}")
        print(f"time {elapsed:.1f} s; {size / 2**20:.1f} MiB; {lines:,} lines")
        print(f"worker peak RSS {peak_rss_mib(worker):.1f} MiB (before the export: {before:.1f})")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
