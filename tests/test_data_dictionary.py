"""The exports' data dictionary (column names and meanings) is English in every language."""

import importlib

from django.utils import translation

from tracker.exports import columns


def _descriptions():
    return {field.name: field.description for field in columns.COLUMNS}


def test_column_descriptions_stay_english_when_a_french_request_loads_them_first():
    # A worker may import the exports for the first time while serving /fr/: the choice labels
    # inside the English descriptions must still be English.
    english = _descriptions()
    try:
        with translation.override("fr"):
            importlib.reload(columns)
        assert _descriptions() == english
        assert "deploying (being deployed)" in english["status"]
    finally:
        importlib.reload(columns)
