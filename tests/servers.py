"""Real servers for tests: a scratch database prepared with manage.py, gunicorn started with the
production settings (tracker/ops/gunicorn_config.py), and plain HTTP clients talking to it."""

import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:tracker.ops.gunicorn_config"]


def environment(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_", "TRACKER_", "GUNICORN_"))
    }
    env.update(
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        SECRET_KEY="test-servers-" + "k" * 40,
        DEBUG="0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def postgres_server(url=None):
    """The PostgreSQL server scratch databases go on, as postgres://user@host:port: the one of
    TEST_POSTGRES_URL, else of DATABASE_URL, else the local one."""
    if url is None:
        url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            url = "postgres://postgres@127.0.0.1:5432/"
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc if parts.port else f"{parts.netloc}:5432"
    return urllib.parse.urlunsplit(("postgres", netloc, "", "", ""))


def postgres_admin(server):
    """An autocommit connection to server's postgres database, to create and drop databases."""
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)


class MigratedDatabases:
    """Databases the project's migrations ran on in this test session, copied for each scratch
    site instead of migrating it again: ``manage.py migrate`` costs 5 to 7 s of CPU, a copy a
    small fraction of a second.

    One per database engine and test process (two xdist workers never share one). The suite's
    own test database is kept (``keep``) just after Django has migrated it, before any test
    writes to it; the other engine's is made by ``manage.py migrate`` once, when a test first
    asks for it.
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.sqlite_file = None
        self.postgres_templates = {}  # server -> name of a migrated database to copy

    def keep(self, connection):
        """Keep a copy of the test database ``connection`` has just been migrated to."""
        if connection.vendor == "sqlite":
            # The test database may live in memory: the backup API copies it as it stands.
            connection.ensure_connection()
            path = self.folder / "migrated.sqlite3"
            with closing(sqlite3.connect(path)) as copy:
                connection.connection.backup(copy)
            self.sqlite_file = path
        elif connection.vendor == "postgresql":
            settings = connection.settings_dict
            user = urllib.parse.quote(settings["USER"] or "")
            if settings["PASSWORD"]:
                user += ":" + urllib.parse.quote(settings["PASSWORD"])
            server = postgres_server(
                f"postgres://{user}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/"
            )
            connection.close()  # PostgreSQL copies a database only while nobody is connected
            self._copy_postgres(server, settings["NAME"])

    def sqlite(self, path):
        """A copy of the migrated SQLite database at path; its DATABASE_URL."""
        if self.sqlite_file is None:
            migrated = self.folder / "migrated.sqlite3"
            self._migrate(f"sqlite:///{migrated}")
            self.sqlite_file = migrated
        shutil.copyfile(self.sqlite_file, path)
        return f"sqlite:///{path}"

    def postgres_template(self, server):
        """The name of a migrated database on server, for ``CREATE DATABASE ... TEMPLATE``."""
        if server not in self.postgres_templates:
            self._migrate(f"{server}/{self._copy_postgres(server, 'template1')}")
        return self.postgres_templates[server]

    def remove(self):
        for server, name in self.postgres_templates.items():
            with postgres_admin(server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _copy_postgres(self, server, source):
        name = f"sxt_migrated_{uuid.uuid4().hex[:8]}"
        with postgres_admin(server) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self.postgres_templates[server] = name
        return name

    def _migrate(self, url):
        manage(environment(self.folder, DATABASE_URL=url), "migrate", "--no-input", "-v0")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, *options):
    """A gunicorn serving tracker.wsgi on a free port, until the block ends; yields its URL."""
    port = free_port()
    log = Path(env["VAR_DIR"]) / f"gunicorn-{port}.log"  # read it when a test fails
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [*GUNICORN, "tracker.wsgi", "--bind", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": env.get("LOG_LEVEL", "ERROR")},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                raise AssertionError(log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer /healthz")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def download(url):
    """(status, body as far as it came, whether the response ended as HTTP says it must)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        try:
            return response.status, response.read(), True
        except (http.client.IncompleteRead, ConnectionError) as exc:
            return response.status, getattr(exc, "partial", b""), False
    finally:
        connection.close()


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them: enough to sign in to the admin."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()

    def post_form(self, path, fields):
        _, _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True)
        try:
            with self.opener.open(self.base + path, data.encode(), timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
