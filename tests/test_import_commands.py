"""What the three import commands share (tracker.importers.base): their help, the file checks
made before anything is parsed, a run from a script, and the one-line error of a failed run."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from tracker.browse import search
from tracker.importers import base
from tracker.importers.sii import SIIImporter
from tracker.models import Deployment

SAMPLES = Path(__file__).resolve().parent / "import_samples"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["import_sii", "import_aigs", "import_csv"])
def test_the_help_explains_the_file_and_each_option(command):
    parser = load_command_class("tracker", command).create_parser("manage.py", command)
    text = " ".join(parser.format_help().split())
    assert "path The file to import." in text
    assert "--dry-run Show what would be created, updated and refused; write nothing." in text
    assert (
        "--skip-invalid Import the valid records and report the refused ones, instead of "
        "stopping." in text
    )


def sparse_file(tmp_path, size):
    path = tmp_path / "transfers.json"
    with path.open("wb") as handle:  # sparse: costs no disk and is never read
        handle.truncate(size)
    return path


def test_a_file_over_the_size_limit_is_refused_naming_both_sizes(tmp_path):
    path = sparse_file(tmp_path, base.MAX_FILE_BYTES + 1)
    with pytest.raises(CommandError) as error:
        call_command("import_sii", str(path), stdout=StringIO())
    assert str(error.value) == (f"{path}: 100 MiB is more than the 100 MiB an import file may have")


def test_a_file_of_exactly_the_size_limit_is_read(tmp_path, monkeypatch):
    # Read it is, and refused for what it holds; a smaller limit keeps the test fast.
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 1024)
    path = sparse_file(tmp_path, 1024)
    with pytest.raises(CommandError) as error:
        call_command("import_sii", str(path), stdout=StringIO())
    assert "not valid JSON" in str(error.value)


def test_an_import_run_from_a_script_writes_its_entries():
    # As tracker.importers.fixture builds the site's data: no options given.
    lines = []
    SIIImporter().run(SAMPLES / "sii_valid.json", write=lines.append)
    assert Deployment.objects.filter(external_id="sii:Semptian_Algeria_2010").exists()
    assert not any("dry run" in line for line in lines)


def test_a_failure_refreshing_the_search_index_is_named_and_nothing_is_written(monkeypatch):
    def refresh(deployment_ids):
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(search, "refresh", refresh)
    with pytest.raises(CommandError) as error:
        call_command("import_sii", str(SAMPLES / "sii_valid.json"), stdout=StringIO())
    assert str(error.value) == (
        "import stopped at the search index refresh: RuntimeError: search index unavailable. "
        "Nothing was written (the run is atomic)."
    )
    assert Deployment.objects.count() == 0
