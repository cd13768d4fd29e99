"""A hostile or mistaken import file ends in one line naming the problem and exit status 1.

Run as a real ``manage.py`` process, as an editor would: a RecursionError or MemoryError inside
the command would print a traceback there, which no in-process test would show.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.importers.base import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, tmp_path):
    environment = {**os.environ, "VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 50}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_nested_100000_levels_deep_is_refused_in_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = manage("import_sii", str(path), "--dry-run", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {path}: JSON nested too deeply to be a transfers file "
        "(records are flat objects)"
    ]


@pytest.mark.parametrize("command", ["import_sii", "import_aigs", "import_csv"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, command):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_FILE_BYTES + 1)
    result = manage(command, str(path), "--dry-run", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"CommandError: {path}: 100 MiB is more than the 100 MiB")


def test_a_csv_citations_cell_nested_too_deeply_is_a_refused_row_not_a_traceback(
    tmp_path, django_db_setup, migrated_databases
):
    from tracker.exports import COLUMN_NAMES

    path = tmp_path / "deep.csv"
    cells = dict.fromkeys(COLUMN_NAMES, "")
    cells.update(slug="deep", title="Deep", country_code="FR", summary="S")
    cells["citations"] = "[" * 60_000 + "]" * 60_000
    path.write_text(
        ",".join(COLUMN_NAMES) + "\n" + ",".join(cells[name] for name in COLUMN_NAMES) + "\n"
    )
    migrated_databases.sqlite(tmp_path / "db.sqlite3")  # the database manage() below uses
    result = manage("import_csv", str(path), "--dry-run", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    assert "citations is nested too deeply to be a JSON array of citations" in output
