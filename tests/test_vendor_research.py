"""Shape of tracker/data/vendor_research.json: sourced head offices, designations and relations.

No database: the file is read as plain JSON and checked against the rules its researchers
followed (every fact points at a source page, every quote is non-empty, codes are real).
"""

import json
import re
from datetime import date
from pathlib import Path

import pycountry
import pytest

DATA = Path(__file__).resolve().parent.parent / "tracker" / "data" / "vendor_research.json"

SOURCE_KINDS = {
    "news_article",
    "report",
    "dataset",
    "official_record",
    "academic",
    "statement",
    "other",
}
PRECISIONS = {"day", "month", "year"}
RELATION_KINDS = {"brand", "subsidiary", "former_name", "parent"}
ENTITY_LIST_2019 = [
    "Dahua",
    "Hikvision",
    "iFlytek",
    "Megvii",
    "SenseTime",
    "Meiya Pico",
    "Yitu",
    "Yixin",
]


@pytest.fixture(scope="module")
def research():
    with DATA.open(encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def source_keys(research):
    return {source["key"] for source in research["sources"]}


def test_top_level_shape(research):
    assert set(research) == {
        "sources",
        "headquarters",
        "designations",
        "relations",
        "not_found",
    }
    for section in research.values():
        assert isinstance(section, list)


def _check_date(value, precision):
    """A full ISO date (what the importer parses) or null; the precision says how much of it
    the page gave (a month-precision date is stored as the first of that month)."""
    assert precision in PRECISIONS
    if value is None:
        assert precision == "day"
        return
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    parsed = date.fromisoformat(value)
    if precision in ("month", "year"):
        assert parsed.day == 1, value
    if precision == "year":
        assert parsed.month == 1, value


def test_sources(research):
    keys = [source["key"] for source in research["sources"]]
    assert len(keys) == len(set(keys)), "one source entry per page"
    urls = [source["url"] for source in research["sources"]]
    assert len(urls) == len(set(urls)), "one source entry per page"
    for source in research["sources"]:
        assert set(source) == {
            "key",
            "title",
            "url",
            "publisher",
            "published_on",
            "published_on_precision",
            "language",
            "kind",
        }
        assert source["key"].strip()
        assert source["title"].strip()
        assert source["publisher"].strip()
        assert re.match(r"https?://\S+$", source["url"]), source["url"]
        assert source["kind"] in SOURCE_KINDS
        assert pycountry.languages.get(alpha_2=source["language"]) is not None
        _check_date(source["published_on"], source["published_on_precision"])


def test_headquarters(research, source_keys):
    offices = {}
    for row in research["headquarters"]:
        assert set(row) == {"vendor", "country", "source", "quote", "locator"}
        assert row["vendor"].strip()
        assert row["source"] in source_keys, row
        assert row["quote"].strip(), row
        assert isinstance(row["locator"], str)
        assert len(row["country"]) == 2
        assert pycountry.countries.get(alpha_2=row["country"]) is not None, row["country"]
        offices.setdefault(row["vendor"], set()).add(row["country"])
    two_offices = {vendor: codes for vendor, codes in offices.items() if len(codes) > 1}
    assert not two_offices, f"vendors with two different head offices: {two_offices}"


def test_designations(research, source_keys):
    for row in research["designations"]:
        assert set(row) == {
            "vendor",
            "authority",
            "list_name",
            "listed_on",
            "listed_on_precision",
            "source",
            "quote",
            "locator",
        }
        assert row["vendor"].strip()
        assert row["authority"].strip()
        assert row["list_name"].strip()
        assert row["source"] in source_keys, row
        assert row["quote"].strip(), row
        assert isinstance(row["locator"], str)
        _check_date(row["listed_on"], row["listed_on_precision"])


def test_the_2019_entity_list_companies_each_have_a_designation(research):
    listed = {
        row["vendor"]
        for row in research["designations"]
        if row["list_name"] == "Entity List" and row["listed_on"].startswith("2019-10")
    }
    missing = [vendor for vendor in ENTITY_LIST_2019 if vendor not in listed]
    assert not missing, f"no 2019 Entity List designation for {missing}"


def test_relations(research, source_keys):
    for row in research["relations"]:
        assert set(row) == {"vendor", "kind", "of", "source", "quote", "locator"}
        assert row["vendor"].strip()
        assert row["of"].strip()
        assert row["vendor"] != row["of"]
        assert row["kind"] in RELATION_KINDS
        assert row["source"] in source_keys, row
        assert row["quote"].strip(), row
        assert isinstance(row["locator"], str)


def test_not_found(research):
    found = {row["vendor"] for row in research["headquarters"]}
    for row in research["not_found"]:
        assert set(row) == {"vendor", "tried"}
        assert row["vendor"].strip()
        assert row["tried"].strip()
        assert row["vendor"] not in found, f"{row['vendor']} is both found and not found"
    names = [row["vendor"] for row in research["not_found"]]
    assert len(names) == len(set(names))


def test_every_source_is_used(research):
    used = {
        row["source"]
        for section in ("headquarters", "designations", "relations")
        for row in research[section]
    }
    unused = {source["key"] for source in research["sources"]} - used
    assert not unused, f"sources cited by nothing: {unused}"
