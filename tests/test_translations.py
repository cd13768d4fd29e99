"""The French catalogue is complete: no interface string reaches a French reader in English.

``makemessages`` is run on the code and templates as they are, into a copy of the committed
catalogue; a string added, changed or removed without its catalogue entry shows up as a
difference. GNU gettext's xgettext does the extraction (``make test`` installs it).
"""

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "tracker" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def read(path):
    with open(path, "rb") as file:
        return read_po(file, locale="fr")


def ids(catalogue):
    return {message.id for message in catalogue if message.id}


def untranslated(catalogue):
    return [
        message.id
        for message in catalogue
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue as makemessages leaves it, run on a copy of the code, templates and
    committed catalogue (makemessages writes into the catalogue it finds beside the code)."""
    project = tmp_path_factory.mktemp("project")
    base = Path(settings.BASE_DIR)
    for folder in ("tracker", "templates"):
        shutil.copytree(
            base / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    locale = project / "tracker" / "locale"
    original_paths, original_dir = settings.LOCALE_PATHS, Path.cwd()
    settings.LOCALE_PATHS = [locale]
    try:
        os.chdir(project)
        call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(original_dir)
        settings.LOCALE_PATHS = original_paths
    return read(locale / "fr" / "LC_MESSAGES" / "django.po")


def test_every_interface_string_is_in_the_french_catalogue(extracted):
    committed = read(CATALOGUE)

    missing = ids(extracted) - ids(committed)
    stale = ids(committed) - ids(extracted)
    assert not missing, (
        f"strings without a French entry (run `make messages`): {sorted(map(str, missing))}"
    )
    assert not stale, f"entries for strings no longer in the code: {sorted(map(str, stale))}"


def test_every_french_entry_is_translated_and_none_is_a_guess(extracted):
    committed = read(CATALOGUE)

    assert not untranslated(committed), untranslated(committed)
    assert not untranslated(extracted), untranslated(extracted)
    fuzzy = [message.id for message in extracted if message.id and message.fuzzy]
    assert not fuzzy, f"entries marked fuzzy (a guess, not a translation): {fuzzy}"


def test_french_entries_keep_their_placeholders():
    broken = []
    for message in read(CATALOGUE):
        if not message.id or not message.python_format:
            continue
        try:
            python_format(None, message)
        except Exception as error:  # babel's TranslationError: the reason is in the message
            broken.append(f"{message.id!r}: {error}")
    assert not broken, broken
