"""Country, vendor and technology pages lead: figures, both directions, one page of rows, links.

A profile is the deployment list filtered to one record: it shows summary figures and one page
of entries, and links to the filtered list for the rest, so it never grows with the data.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    FindingFactory,
    TechnologyFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.browse.records import TOP
from tracker.importers.writer import deferred_search_refresh
from tracker.pages import paging

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def section(body, heading_id):
    """The HTML of the <section> whose heading has this id."""
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def entry_rows(body):
    return re.findall(r'<th scope="row"><a href="/en/deployments/([\w-]+)/">', body)


@pytest.fixture
def chinese_exports():
    """A Chinese vendor's entries in Serbia (2) and Kenya (1); a French vendor's in Serbia."""
    china, france = country("CN"), country("FR")
    acme = VendorFactory(name="Acme Vision", slug="acme", headquarters=china)
    gaul = VendorFactory(name="Gaul Optics", slug="gaul", headquarters=france)
    face = TechnologyFactory(name="Face matching", slug="face")
    for title, where in [("Belgrade cameras", "RS"), ("Novi Sad cameras", "RS")]:
        published_deployment(
            title=title,
            country=country(where),
            vendors=[acme],
            technologies=[face],
            origin_countries=[china],
        )
    published_deployment(
        title="Nairobi cameras", country=country("KE"), vendors=[acme], origin_countries=[china]
    )
    published_deployment(
        title="Belgrade airport", country=country("RS"), vendors=[gaul], origin_countries=[france]
    )


@pytest.mark.usefixtures("chinese_exports")
class TestBothDirections:
    def test_chinas_page_shows_what_was_supplied_from_china_with_a_link_to_the_origin_filter(
        self, client
    ):
        body = page(client, "/en/countries/china/")
        exported = body[body.index('id="from"') :]
        assert 'href="/en/deployments/?origin=CN"' in exported
        assert "All 3 entries supplied from China in the list" in exported
        for title in ("Belgrade cameras", "Novi Sad cameras", "Nairobi cameras"):
            assert title in exported
        assert "Belgrade airport" not in body

    def test_chinas_page_links_each_receiving_country_to_its_entries_from_china(self, client):
        body = page(client, "/en/countries/china/")
        serbia = r'href="/en/deployments/\?origin=CN&amp;country=RS">Serbia</a> <span[^>]*>2<'
        assert re.search(serbia, body)
        assert re.search(r'href="/en/deployments/\?origin=CN&amp;country=KE">Kenya</a>', body)

    def test_a_country_known_mostly_as_an_exporter_leads_with_what_left_it(self, client):
        china = page(client, "/en/countries/china/")
        assert china.index('id="from"') < china.index('id="in"')
        serbia = page(client, "/en/countries/serbia/")
        assert serbia.index('id="in"') < serbia.index('id="from"')

    def test_a_receiving_country_gives_figures_for_each_direction(self, client):
        body = page(client, "/en/countries/serbia/")
        here = section(body, "in-heading")
        assert re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", here) == [
            ("Entries", '<a href="/en/deployments/?country=RS">3</a>'),
            ("Vendors", "2"),
            ("Supplied from", '2 <span class="unit">countries</span>'),
        ]
        assert "No published entry records technology supplied from Serbia." in body

    def test_a_receiving_country_links_each_country_of_origin_to_the_entries_from_it(self, client):
        body = page(client, "/en/countries/serbia/")
        assert 'href="/en/deployments/?origin=CN&amp;country=RS">China</a>' in body
        assert 'href="/en/deployments/?origin=FR&amp;country=RS">France</a>' in body

    def test_each_country_on_a_vendor_page_leads_to_that_vendors_entries_there(self, client):
        body = page(client, "/en/vendors/acme/")
        countries = section(body, "countries-heading")
        assert 'href="/en/deployments/?vendor=acme&amp;country=RS">Serbia</a>' in countries
        assert 'href="/en/deployments/?vendor=acme&amp;country=KE">Kenya</a>' in countries
        assert 'href="/en/countries/' not in countries

    def test_each_place_in_a_vendor_pages_table_leads_to_that_vendors_entries_there(self, client):
        body = page(client, "/en/vendors/acme/")
        table = section(body, "deployments-heading")
        assert table.count('href="/en/deployments/?vendor=acme&amp;country=RS">Serbia</a>') == 2
        assert 'href="/en/deployments/?vendor=acme&amp;country=KE">Kenya</a>' in table
        assert 'href="/en/countries/' not in table

    def test_a_country_page_lists_the_technologies_used_there_each_leading_to_its_entries(
        self, client
    ):
        technologies = section(page(client, "/en/countries/serbia/"), "technologies-heading")
        link = '<a href="/en/deployments/?country=RS&amp;technology=face">Face matching</a>'
        assert f'{link} <span class="count">2</span>' in technologies

    @pytest.mark.parametrize(
        "path, heading, title, chosen",
        [
            ("/en/vendors/acme/", "map-heading", "Where Acme Vision has supplied", "vendor=acme"),
            (
                "/en/technologies/face/",
                "where-heading",
                "Face matching: entries per country",
                "technology=face",
            ),
        ],
    )
    def test_a_profile_map_says_what_it_counts_and_leads_to_the_records_entries_per_country(
        self, client, path, heading, title, chosen
    ):
        figure = section(page(client, path), heading)
        assert re.search(rf'<caption id="[\w-]+-map-caption">{title}</caption>', figure)
        # From the map too, a country leads to this record's entries there, not to all of them.
        assert f'<a href="/en/deployments/?{chosen}&amp;country=RS">Serbia</a>' in figure

    def test_a_technology_page_says_where_it_came_from(self, client):
        body = page(client, "/en/technologies/face/")
        assert 'href="/en/deployments/?technology=face&amp;origin=CN">China</a>' in body
        assert 'href="/en/deployments/?technology=face">2</a>' in body


PROFILES = ["/en/countries/serbia/", "/en/vendors/acme/", "/en/technologies/face/"]


@pytest.fixture
def grow(monkeypatch):
    """Entries in Serbia by Acme using face matching, added up to ``n``; three rows a page."""
    monkeypatch.setattr(paging, "ROWS_PER_PAGE", 3)
    acme = VendorFactory(slug="acme")
    face = TechnologyFactory(slug="face")
    made = []

    def grow_to(n):
        # Written as an import writes (derived data once, at the end): the pages are measured.
        with deferred_search_refresh():
            while len(made) < n:
                made.append(
                    published_deployment(
                        title=f"Entry {len(made):02d}",
                        country=country("RS"),
                        vendors=[acme],
                        technologies=[face],
                    )
                )

    return grow_to


@pytest.mark.parametrize("path", PROFILES)
def test_a_profile_with_more_than_a_page_of_entries_shows_one_page_and_a_next_link(
    client, grow, path
):
    grow(7)
    body = page(client, path)
    assert len(entry_rows(body)) == 3
    assert 'rel="next" href="?page=2"' in body
    assert "Page 1 of 3" in body
    assert "All 7 entries" in body
    last = page(client, path + "?page=3")
    assert len(entry_rows(last)) == 1
    assert 'rel="prev"' in last


@pytest.mark.parametrize("path", PROFILES)
def test_the_pages_of_a_profile_show_every_entry_once(client, grow, path):
    grow(7)
    seen = [row for n in (1, 2, 3) for row in entry_rows(page(client, f"{path}?page={n}"))]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 7


@pytest.mark.parametrize("path", PROFILES)
@pytest.mark.parametrize("bad", ["abc", "0", "999", "-1", "1.5"])
def test_a_page_number_that_does_not_exist_shows_a_page_with_a_note(client, grow, path, bad):
    grow(4)
    body = page(client, f"{path}?page={bad}")
    assert len(entry_rows(body)) in (1, 3)
    assert "There is no page" in body


@pytest.mark.parametrize("path", PROFILES)
def test_a_profile_makes_as_many_queries_with_many_entries_as_with_few(client, grow, path):
    """Guards against N+1 queries and against rendering every row: rows past a page cost
    nothing."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client, path)
        return len(captured)

    grow(2)
    few = queries()
    grow(10)
    assert queries() == few


def test_a_technology_page_no_longer_lists_every_entry(client, grow):
    grow(8)
    body = page(client, "/en/technologies/face/")
    assert len(entry_rows(body)) == 3
    assert 'href="/en/deployments/?technology=face">All 8 entries' in body


def test_a_country_page_shows_the_findings_about_it_and_leads_to_all_when_it_shows_the_most(
    client,
):
    serbia, kenya = country("RS"), country("KE")
    FindingFactory(statement="About Kenya only.").countries.add(kenya)
    FindingFactory(statement="About Serbia.").countries.add(serbia)
    body = page(client, "/en/countries/serbia/")
    findings = section(body, "findings-heading")
    assert "Findings about Serbia" in findings
    assert "About Serbia." in findings
    assert "About Kenya only." not in body
    # One finding is all there is: no link to more.
    assert 'href="/en/findings/"' not in findings
    for n in range(TOP):
        FindingFactory(statement=f"Also about Serbia {n}.").countries.add(serbia)
    findings = section(page(client, "/en/countries/serbia/"), "findings-heading")
    assert findings.count('<article class="finding"') == TOP
    assert '<a href="/en/findings/">All findings →</a>' in findings


def test_a_country_page_with_no_entries_either_way_says_so(client):
    body = page(client, "/en/countries/germany/")
    assert "No published deployment in this country yet." in body
    assert "No published entry records technology supplied from Germany." in body
    assert 'rel="next"' not in body
