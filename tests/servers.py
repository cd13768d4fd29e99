"""Real servers for tests: a scratch database prepared with manage.py, gunicorn started with the
production settings (tracker/ops/gunicorn_config.py), and plain HTTP clients talking to it."""

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
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
