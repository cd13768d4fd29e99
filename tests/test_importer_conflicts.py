"""import_csv refuses what would attach facts to the wrong source or the wrong vendor.

Each case is a file an editor could really produce; the import must stop with a sentence that
names the problem, and write nothing (the run is atomic).
"""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import SourceFactory, VendorAliasFactory, VendorFactory
from tracker.importers.csv_format import USED
from tracker.models import Deployment, Source, VendorAlias

pytestmark = pytest.mark.django_db


def citation(**overrides):
    return {
        "source_title": "Lyon installe des caméras",
        "source_url": "https://news.example.org/lyon-cameras",
        "source_publisher": "Example News",
        "source_page": None,
        "quote": "La ville a installé 50 caméras.",
        "locator": "",
        "attributed_to": None,
        **overrides,
    }


def csv_file(tmp_path, *rows):
    """A file in the export's format holding ``rows`` (dicts of the cells that matter)."""
    path = tmp_path / "deployments.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=USED)
        writer.writeheader()
        for row in rows:
            cells = {"country_code": "FR", "status": "active", **row}
            cells["citations"] = json.dumps(cells.get("citations") or [citation()])
            writer.writerow(cells)
    return path


def run(path):
    out = StringIO()
    call_command("import_csv", str(path), stdout=out)
    return out.getvalue()


def refused(path):
    with pytest.raises(CommandError) as raised:
        run(path)
    assert not Deployment.objects.filter(slug="lyon").exists()
    return str(raised.value)


def lyon(**overrides):
    return {"slug": "lyon", "title": "Lyon cameras", **overrides}


def test_a_valid_row_is_imported_and_published(tmp_path):
    run(csv_file(tmp_path, lyon()))
    assert Deployment.objects.get(slug="lyon").state == Deployment.State.PUBLISHED


class TestSources:
    def test_a_source_page_naming_a_source_with_another_url_stops_the_import(self, tmp_path):
        SourceFactory(slug="lyon-report", url="https://elsewhere.example.org/other-story")
        page = "https://tracker.example.org/sources/lyon-report/"
        path = csv_file(tmp_path, lyon(citations=[citation(source_page=page)]))
        message = refused(path)
        assert "source slug 'lyon-report' is taken by https://elsewhere.example.org/" in message
        assert Source.objects.get(slug="lyon-report").url == (
            "https://elsewhere.example.org/other-story"
        )
        assert not Source.objects.filter(url="https://news.example.org/lyon-cameras").exists()

    @pytest.mark.parametrize(
        "url", ["javascript:alert(1)", "not a url", "ftp://files.example.org/report.pdf"]
    )
    def test_a_source_url_that_is_not_a_web_address_is_refused(self, tmp_path, url):
        path = csv_file(tmp_path, lyon(citations=[citation(source_url=url)]))
        message = refused(path)
        assert "1 of 1 rows refused" in message
        assert not Source.objects.filter(url=url).exists()

    def test_the_refusal_names_the_row_and_the_bad_url(self, tmp_path, capsys):
        path = csv_file(tmp_path, lyon(citations=[citation(source_url="not a url")]))
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("import_csv", str(path), stdout=out)
        said = out.getvalue() + capsys.readouterr().out
        assert "row 2 (lyon)" in said
        assert "citation 1: invalid source_url “not a url”" in said


class TestCountries:
    def test_an_unknown_origin_country_is_refused_with_its_code(self, tmp_path, capsys):
        path = csv_file(tmp_path, lyon(origin_country_codes="CN; ZZ"))
        out = StringIO()
        with pytest.raises(CommandError, match="1 of 1 rows refused"):
            call_command("import_csv", str(path), stdout=out)
        said = out.getvalue() + capsys.readouterr().out
        assert "unknown origin country code(s) ZZ" in said
        assert not Deployment.objects.filter(slug="lyon").exists()

    def test_known_origin_countries_are_recorded(self, tmp_path):
        run(csv_file(tmp_path, lyon(origin_country_codes="cn; KR")))
        entry = Deployment.objects.get(slug="lyon")
        assert set(entry.origin_countries.values_list("iso2", flat=True)) == {"CN", "KR"}


class TestVendors:
    def test_a_spelling_that_is_another_vendors_alias_stops_the_import(self, tmp_path):
        acme = VendorFactory(name="Acme Vision", slug="acme")
        VendorAliasFactory(vendor=acme, name="Acme Eye")
        VendorFactory(name="Bravo Systems", slug="bravo")
        path = csv_file(tmp_path, lyon(vendors="Acme Eye", vendor_slugs="bravo"))
        message = refused(path)
        assert "the spelling 'Acme Eye' is already an alias of vendor" in message
        assert "not of Bravo Systems" in message
        assert list(VendorAlias.objects.values_list("name", "vendor__slug")) == [
            ("Acme Eye", "acme")
        ]

    def test_an_alias_is_matched_to_its_own_vendor(self, tmp_path):
        acme = VendorFactory(name="Acme Vision", slug="acme")
        VendorAliasFactory(vendor=acme, name="Acme Eye")
        run(csv_file(tmp_path, lyon(vendors="Acme Eye")))
        entry = Deployment.objects.get(slug="lyon")
        assert list(entry.vendors.values_list("slug", flat=True)) == ["acme"]
