"""The site under gunicorn while its PostgreSQL hangs, stops and comes back, without a restart.

The test starts a PostgreSQL cluster of its own (initdb and pg_ctl from
/usr/lib/postgresql/*/bin, in a temporary directory, on a free port, as the postgres user
when run as root), restores into it a dump of a database migrated in this test session (else
migrates it), loads the article, and serves the site with gunicorn as production does. Then,
as a reader would see it:

- a query stuck behind a lock ends at DB_STATEMENT_TIMEOUT with a 503 page and Retry-After,
  not a worker killed after 30 s; a frozen server (SIGSTOP) at DB_REQUEST_TIMEOUT, the same;
- a stopped database gives the same 503 page, fast; /healthz still answers, /readyz says 503;
- a correction posted during the outage comes back in the 503 page with the reader's text;
- once the database is back, the same gunicorn serves pages again.
"""

import contextlib
import glob
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests import servers

ROOT = Path(__file__).resolve().parent.parent
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
STATEMENT_TIMEOUT = 2  # seconds, DB_STATEMENT_TIMEOUT for the served site
UNAVAILABLE_WITHIN = 10  # seconds: a frozen or stopped database answers 503 by then (issue 12)

pytestmark = [
    pytest.mark.own_servers,
    pytest.mark.skipif(not BINARIES, reason="no PostgreSQL server binaries here"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster; as root, run as the postgres user (initdb refuses root)."""

    def __init__(self):
        self.bin = Path(BINARIES[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "tracker")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tracker"

    def run(self, tool, *args, **kwargs):
        command = [str(self.bin / tool), *map(str, args)]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, timeout=60, **kwargs)

    def start(self):
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def processes(self):
        postmaster = (self.data / "postmaster.pid").read_text().split()[0]
        children = subprocess.run(["pgrep", "-P", postmaster], capture_output=True, text=True)
        return [int(postmaster), *map(int, children.stdout.split())]

    def freeze(self):
        """Every server process stopped in its tracks: connections stay open, nothing answers."""
        self.signal_all(signal.SIGSTOP)

    def thaw(self):
        self.signal_all(signal.SIGCONT)

    def signal_all(self, signum):
        for pid in self.processes():
            # A backend may end between the listing and the signal (the killed lock's own
            # backend does, now and then): it needs no stopping, and the others must still be.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self):
        # A test that failed while the server was frozen must not hang the clean-up.
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            self.thaw()
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.remove()


def migrate(cluster, env, migrated_databases):
    """The cluster's database as the project's migrations leave it.

    A dump of a database migrated in this session, restored with psql, costs a fraction of a
    second; migrating costs 5 to 7. Without a PostgreSQL server to take it from, migrate.
    """
    psycopg = pytest.importorskip("psycopg")
    server = servers.postgres_server()
    try:
        template = migrated_databases.postgres_template(server)
    except psycopg.OperationalError:
        manage = [sys.executable, "manage.py", "migrate", "--no-input"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        return
    dump = subprocess.run(
        [cluster.bin / "pg_dump", "--no-owner", f"{server}/{template}"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    restore = [cluster.bin / "psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url]
    subprocess.run(restore, input=dump.stdout, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def site(cluster, django_db_setup, migrated_databases):
    """gunicorn serving the tracker on the cluster, as `make run` does."""
    var = Path(tempfile.mkdtemp(prefix="tracker-var-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DB_"))},
        "DATABASE_URL": cluster.url,
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-" + "x" * 50,
        "VAR_DIR": str(var),
        # What is asked here is what the database gives; a cached page would answer instead
        # (tests/test_cache.py, tests/test_two_app_servers.py test the cache).
        "TRACKER_CACHE_SECONDS": "0",
        # The connect and request timeouts are left at their defaults: what a site gets.
        "DB_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(var / "static"),
    }
    migrate(cluster, env, migrated_databases)
    # Both commands in one process: each start of manage.py costs a second.
    code = (
        "from django.core.management import call_command as run; "
        "run('loaddata', 'fixtures/article.json'); run('collectstatic', '--no-input')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(var / "gunicorn.log").open("w"),  # a pipe nobody reads could fill and block it
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    shutil.rmtree(var, ignore_errors=True)


class Browser:
    """Keeps cookies like a browser, and times each request."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        started = time.monotonic()
        try:
            response = self.opener.open(request, timeout=40)
        except urllib.error.HTTPError as error:
            response = error
        return (
            response.status,
            response.headers,
            response.read().decode(),
            (time.monotonic() - started),
        )


def wait_for_lock(cluster):
    held = (
        "select count(*) from pg_locks where relation = 'tracker_deployment'::regclass "
        "and mode = 'AccessExclusiveLock' and granted"
    )
    for _ in range(100):
        command = [str(cluster.bin / "psql"), cluster.url, "-tAc", held]
        if subprocess.run(command, capture_output=True, text=True).stdout.strip() == "1":
            return
        time.sleep(0.1)
    raise AssertionError("the lock was never taken")


def release_lock(cluster):
    terminate = (
        "select pg_terminate_backend(pid) from pg_locks "
        "where relation = 'tracker_deployment'::regclass and mode = 'AccessExclusiveLock'"
    )
    subprocess.run([str(cluster.bin / "psql"), cluster.url, "-tAc", terminate], check=True)


def assert_unavailable_page(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Temporarily unavailable" in body
    assert "Traceback" not in body and "psycopg" not in body


def test_a_database_outage_is_a_503_and_the_site_recovers_without_a_restart(cluster, site):
    reader = Browser(site)
    status, _, page, _ = reader.request("/en/deployments/belgrade-huawei-safe-city/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert reader.request("/readyz")[:3:2] == (200, "ready\n")

    # A query stuck behind a lock: answered by the statement timeout, not by gunicorn's kill.
    lock = subprocess.Popen(
        [str(cluster.bin / "psql"), cluster.url, "-c",
         "BEGIN; LOCK TABLE tracker_deployment IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_lock(cluster)
        status, headers, body, seconds = reader.request("/en/deployments/")
        assert_unavailable_page(status, headers, body)
        assert seconds < STATEMENT_TIMEOUT + 3
    finally:
        lock.kill()
        lock.wait()
        release_lock(cluster)  # the server would otherwise finish pg_sleep(30) holding it

    # A frozen server: the worker's open connection gets no answer, and no timeout of
    # PostgreSQL's can fire. The request's deadline cuts it: a 503, not gunicorn's kill at 30 s.
    cluster.freeze()
    try:
        status, headers, body, seconds = reader.request("/en/deployments/")
        assert_unavailable_page(status, headers, body)
        assert seconds < UNAVAILABLE_WITHIN
    finally:
        cluster.thaw()
    assert reader.request("/en/deployments/")[0] == 200

    cluster.stop()
    try:
        status, headers, body, seconds = reader.request("/en/deployments/")
        assert_unavailable_page(status, headers, body)
        assert seconds < 5
        assert reader.request("/healthz")[0] == 200
        status, _, body, _ = reader.request("/readyz")
        assert status == 503 and body.startswith("database unavailable")

        typed = "The cameras were installed in 2019, not 2020 (city council minutes)."
        status, headers, body, _ = reader.request(
            "/en/deployments/belgrade-huawei-safe-city/corrections/",
            {"csrfmiddlewaretoken": token, "message": typed, "email": "", "source_url": ""},
        )
        assert_unavailable_page(status, headers, body)
        assert "Your correction has not been sent: it could not be saved." in body
        assert typed in body
        assert 'action="/en/deployments/belgrade-huawei-safe-city/corrections/"' in body
    finally:
        cluster.start()

    status, _, body, _ = reader.request("/en/deployments/")
    assert status == 200
    assert "Belgrade" in body
    assert reader.request("/readyz")[0] == 200


def test_make_backup_then_make_restore_brings_back_what_was_lost(cluster, site, tmp_path):
    """docs/deploy.md's backup and restore, on the same cluster, as an operator runs them."""
    env = {**os.environ, "DATABASE_URL": cluster.url}
    backups = tmp_path / "backups"
    make = ["make", "--no-print-directory", "-C", str(ROOT)]
    subprocess.run([*make, "backup", f"BACKUP_DIR={backups}"], env=env, check=True, timeout=120)
    [dump] = backups.glob("tracker-*.dump")

    def psql(sql):
        command = [str(cluster.bin / "psql"), cluster.url, "-tAc", sql]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

    page = "/en/deployments/belgrade-huawei-safe-city/"
    summary = psql(
        "select summary from tracker_deployment where slug = 'belgrade-huawei-safe-city'"
    )
    psql("update tracker_deployment set summary = 'LOST'")
    assert "LOST" in Browser(site).request(page)[2]

    subprocess.run([*make, "restore", f"BACKUP={dump}"], env=env, check=True, timeout=120)
    assert psql("select count(*) from tracker_deployment where summary = 'LOST'") == "0"
    status, _, body, _ = Browser(site).request(page)
    assert status == 200
    assert "LOST" not in body
    assert summary[:60] in body
