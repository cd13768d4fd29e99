"""Settings come from the environment and refuse values they cannot understand."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Whatever the outer run uses (e.g. DATABASE_URL for PostgreSQL) must not decide these tests.
OURS = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VAR_DIR", "TRACKER_PAGE_SIZE"}


def start(var_dir, **env):
    """Run ``manage.py check`` as a fresh process with these variables set."""
    environment = {key: value for key, value in os.environ.items() if key not in OURS}
    environment.update(DJANGO_SETTINGS_MODULE="tracker.settings", VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://x"),
        ("DATABASE_URL", "postgres://"),
        ("CONN_MAX_AGE", "forever"),
        ("TRACKER_PAGE_SIZE", "lots"),
        ("SECURE_COOKIES", "perhaps"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value):
    result = start(tmp_path, **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert variable in last_line
    assert "ImproperlyConfigured" in last_line


def test_good_values_start(tmp_path):
    result = start(
        tmp_path,
        DEBUG="off",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="tracker.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("value", ["YES", " on ", "0"])
def test_debug_accepts_the_usual_spellings(tmp_path, value):
    result = start(tmp_path, DEBUG=value, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_without_a_secret_key_one_is_created_once_and_reused(tmp_path):
    first = start(tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert start(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
