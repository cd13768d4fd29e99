"""CSV exports never hand a spreadsheet a formula to run; the JSON keeps every text exactly."""

import io
import json

import pytest
from django.test import RequestFactory

from tests.factories import published_deployment
from tracker.exports import export_response, read_csv
from tracker.exports.columns import csv_cell, csv_text
from tracker.models import Deployment

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://x")'


def csv_rows(response):
    text = response.getvalue().decode("utf-8").removeprefix("\ufeff")
    return read_csv(text)


def test_an_entry_titled_with_a_formula_is_exported_as_text_in_the_csv(client):
    published_deployment(title=TITLE, locality="+33 Paris", scale="-1 camera", operator="@ops")

    [row] = csv_rows(client.get("/en/deployments/", {"format": "csv"}))
    assert row["title"] == "'" + TITLE
    assert row["locality"] == "'+33 Paris"
    assert row["scale"] == "'-1 camera"
    assert row["operator"] == "'@ops"
    # Ordinary cells are untouched.
    assert not row["country_code"].startswith("'")
    assert not row["slug"].startswith("'")


def test_the_json_export_keeps_the_exact_title(client):
    published_deployment(title=TITLE)
    [result] = json.loads(client.get("/en/deployments/", {"format": "json"}).getvalue())["results"]
    assert result["title"] == TITLE


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'=x",
        "''@x",
        "'X=1",
        "'plain",
        "plain",
        "",
        "'",
    ],
)
def test_each_cell_comes_back_exactly_and_never_starts_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_text(cell) == text


def test_a_formula_title_survives_the_csv_round_trip(tmp_path):
    from django.core.management import call_command

    deployment = published_deployment(title=TITLE)
    request = RequestFactory().get("/en/deployments/", {"format": "csv"})
    response = export_response(Deployment.objects.all(), "csv", request)
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    Deployment.objects.filter(pk=deployment.pk).update(title="changed")

    call_command("import_csv", str(path), stdout=io.StringIO())
    deployment.refresh_from_db()
    assert deployment.title == TITLE


def test_the_data_page_says_how_formula_cells_are_written(client):
    text = client.get("/en/data/").content.decode()
    assert "starts with an added apostrophe" in text
