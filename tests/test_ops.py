"""Operations, in-process: health checks, the 503 page, security headers, production settings.

The full outage under gunicorn with a real PostgreSQL is tests/test_database_outage.py.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, RequestFactory

from tests.factories import published_deployment
from tracker.ops import faults

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

# The production environment docs/deploy.md documents (with its own key and host).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-key-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}
OURS = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", *PRODUCTION}


def python(tmp_path, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in OURS and "SECURE" not in k}
    environment.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


# --- Health checks ---------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready\n")


def test_readyz_is_503_while_a_migration_is_not_applied(client):
    latest = MigrationRecorder.Migration.objects.filter(app="tracker").order_by("-name").first()
    latest.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.content.decode() == f"1 unapplied migration(s): tracker.{latest.name}\n"


def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "db", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode().startswith("database unavailable: connection to server")


# --- The 503 page ----------------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as psycopg does when the server has gone away."""
    from django.db.backends.utils import CursorWrapper

    def fail(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", fail)
    monkeypatch.setattr(CursorWrapper, "executemany", fail)


def test_a_failing_database_gives_readers_a_503_page_with_retry_after(database_down, caplog):
    client = Client(raise_request_exception=False)
    response = client.get("/en/deployments/")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in body
    assert "server closed the connection" not in body  # no internals for readers
    assert "Database unavailable for GET /en/deployments/" in caplog.text  # but for operators


def test_a_correction_that_cannot_be_saved_comes_back_with_the_readers_text(monkeypatch):
    deployment = published_deployment()
    client = Client(raise_request_exception=False)
    from django.db.backends.utils import CursorWrapper

    def fail(self, *args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", fail)
    typed = "The contract was signed in 2017 & the minutes say so <see p. 4>."
    response = client.post(
        f"/en/deployments/{deployment.slug}/corrections/",
        {"message": typed, "source_url": "https://example.org/minutes", "email": ""},
    )
    body = response.content.decode()
    assert response.status_code == 503
    assert "Your correction has not been sent: it could not be saved." in body
    assert "The contract was signed in 2017 &amp; the minutes say so &lt;see p. 4&gt;." in body
    assert 'value="https://example.org/minutes"' in body


def test_an_outage_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/en/")
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = faults.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_a_bug_is_still_a_500_not_an_outage():
    request = RequestFactory().get("/en/")
    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = faults.server_error(request)
    assert response.status_code == 500


# --- Headers and production settings ---------------------------------------------------------


def test_pages_forbid_sensors_and_devices_with_a_permissions_policy(client):
    policy = client.get("/healthz")["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "browsing-topics"]:
        assert f"{feature}=()" in policy


def test_the_documented_production_environment_passes_the_deploy_check(tmp_path):
    result = python(
        tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_it_the_deploy_check_fails_on_https_settings(tmp_path):
    result = python(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for check in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert check in result.stderr


def test_the_proxy_ssl_header_is_read_from_the_environment(tmp_path):
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    shell = ["-c", f"import django; django.setup(); {code}"]
    result = python(tmp_path, *shell, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    result = python(tmp_path, *shell, SECURE_PROXY_SSL_HEADER="X-Scheme:HTTPS")
    assert result.stdout.strip() == "('HTTP_X_SCHEME', 'HTTPS')"
    result = python(tmp_path, *shell, SECURE_PROXY_SSL_HEADER="X Forwarded;Proto")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr.strip().splitlines()[-1]


def test_serving_with_debug_off_refuses_to_start_without_a_secret_key(tmp_path):
    result = python(tmp_path, "-c", "import tracker.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment to serve with DEBUG off" in result.stderr


def test_serving_starts_with_a_key_or_in_debug(tmp_path):
    assert python(tmp_path, "-c", "import tracker.wsgi", SECRET_KEY="s" * 50).returncode == 0
    assert python(tmp_path, "-c", "import tracker.wsgi", DEBUG="1").returncode == 0


def test_with_https_redirects_on_probes_still_answer_over_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/en/deployments/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_behind_the_proxy_a_forwarded_https_request_is_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/en/about/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/en/about/", HTTP_X_FORWARDED_PROTO="http").status_code == 301
