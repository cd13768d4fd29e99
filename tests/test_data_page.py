"""The /data/ page documents the exports, the feeds, the licence and how to cite."""

import csv
import html
import io
import json
import re

import pytest
from django.utils.html import escape

from tracker.exports import CITATION_FIELDS, COLUMNS


@pytest.fixture
def page(client, article):
    """The /data/ page (the article fixture and plain static storage come from conftest)."""
    response = client.get("/en/data/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_data_page_documents_every_column_of_the_csv_in_order(client, page):
    export = client.get("/en/deployments/", {"format": "csv"}).getvalue().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(export)))

    documented = re.findall(r'<tr id="field-([a-z_]+)">', page)
    assert documented == header


def test_the_data_page_gives_each_field_a_type_a_meaning_and_an_example(page):
    for field in COLUMNS:
        row = page[page.index(f'<tr id="field-{field.name}">') :]
        row = row[: row.index("</tr>")]
        assert f"<td>{escape(field.type)}</td>" in row
        assert f"<td>{escape(field.description)}</td>" in row
    for field in CITATION_FIELDS:
        assert f'<tr id="citation-field-{field.name}">' in page


def test_the_data_page_example_is_valid_json_with_every_field(page):
    blocks = re.findall(r"<pre><code>(.*?)</code></pre>", page, flags=re.DOTALL)
    example = json.loads(html.unescape(blocks[0]))

    assert list(example) == [field.name for field in COLUMNS]
    assert list(example["citations"][0]) == [field.name for field in CITATION_FIELDS]


def test_the_data_page_states_the_licence_and_how_to_cite(page):
    assert "Creative Commons Attribution 4.0" in page
    assert "(CC BY 4.0)" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert "“Surveillance Export Tracker” and the original sources" in page
    assert "quotations remain the property of their publishers" in page.lower()
    assert "How to cite" in page
    assert "Surveillance Export Tracker, “Deployments in France” (CSV export)" in page
    assert "http://testserver/deployments/?country=FR&amp;format=csv" in page


def test_the_data_page_lists_the_feeds_and_advertises_the_latest(page):
    assert "http://testserver/feeds/latest.atom" in page
    assert "http://testserver/feeds/countries/france.atom" in page
    assert "http://testserver/feeds/vendors/hikvision.atom" in page
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Surveillance Export Tracker: newly published deployments" '
        'href="/feeds/latest.atom">'
    ) in page


def test_the_data_page_links_to_the_downloads(page):
    assert 'href="/en/deployments/?format=csv"' in page
    assert 'href="/en/deployments/?format=json"' in page
    assert "<code>http://testserver/deployments/belgrade-huawei-safe-city.json</code>" in page


# --- What /data/ tells a script writer, with no data loaded ---------------------------------


@pytest.fixture
def bare_page(client, db):
    response = client.get("/en/data/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_data_page_names_each_filter_with_its_label_and_which_repeat(bare_page):
    assert "<code>country</code> (country, repeatable)" in bare_page
    assert "<code>status</code> (status, repeatable)" in bare_page
    assert "<code>start_year_min</code> (started in or after)," in bare_page
    assert "<code>sort</code> (sort by)." in bare_page


def test_the_data_page_gives_the_separator_of_multi_valued_cells(bare_page):
    assert "several values with “<code>; </code>”" in bare_page
    assert 'row["vendor_slugs"].split("; ")' in bare_page


def test_the_data_page_lists_the_formats_accepted(bare_page):
    assert (
        "<code>format</code> accepts <code>html</code>, <code>csv</code>, <code>json</code>."
        in bare_page
    )


def test_the_data_page_gives_the_french_entries_as_json_too(bare_page):
    assert '<a href="http://testserver/deployments/?country=FR&amp;format=json">JSON</a>' in (
        bare_page
    )


def test_the_data_page_describes_each_feed(bare_page):
    assert "<li>Every newly published deployment: <a " in bare_page
    assert "<li>Deployments in one country, e.g. France: <a " in bare_page
    assert "<li>Deployments of one vendor, e.g. Hikvision: <a " in bare_page


def test_the_data_page_cites_a_download_with_todays_date(bare_page):
    from django.utils import timezone

    today = timezone.now()
    assert f"(CSV export), downloaded {today.day} {today:%B %Y}," in bare_page
