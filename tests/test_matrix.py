"""The vendor-by-country matrix: vendors by head office, countries by region, each non-empty cell
a link to that vendor's entries in that country; usable at full size; bad input falls back."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VendorFactory, country, published_deployment
from tracker.pages import matrix

pytestmark = pytest.mark.django_db


def page(client, path="/en/matrix/"):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def cells(body):
    """{link: number} of every non-empty cell."""
    return {
        href.replace("&amp;", "&"): int(n)
        for href, n in re.findall(r'<td><a class="cell-c\d" href="([^"]+)"[^>]*>(\d+)</a>', body)
    }


@pytest.fixture
def suppliers():
    china, us = country("CN"), country("US")
    hik = VendorFactory(name="Hikvision", slug="hikvision", headquarters=china)
    hua = VendorFactory(name="Huawei", slug="huawei", headquarters=china)
    ver = VendorFactory(name="Verint", slug="verint", headquarters=us)
    published_deployment(country=country("FR"), vendors=[hik])
    published_deployment(country=country("FR"), vendors=[hik, hua])
    published_deployment(country=country("RS"), vendors=[hua])
    published_deployment(country=country("KE"), vendors=[ver])
    published_deployment(country=country("KE"), vendors=[ver], state="draft")
    return hik, hua, ver


@pytest.mark.usefixtures("suppliers")
class TestTheMatrix:
    def test_each_non_empty_cell_links_to_that_vendors_entries_in_that_country(self, client):
        assert cells(page(client)) == {
            "/en/deployments/?vendor=hikvision&country=FR": 2,
            "/en/deployments/?vendor=huawei&country=FR": 1,
            "/en/deployments/?vendor=huawei&country=RS": 1,
            "/en/deployments/?vendor=verint&country=KE": 1,
        }

    def test_vendors_are_grouped_by_head_office_and_countries_by_region(self, client):
        body = page(client)
        assert re.findall(r"Headquartered in ([\w ]+) · (\d+) vendor", body) == [
            ("China", "2"),
            ("United States", "1"),
        ]
        regions = re.findall(r'<th scope="colgroup" colspan="(\d+)">(\w+)</th>', body)
        assert regions == [("1", "Africa"), ("2", "Europe")]
        assert body.index(">Kenya<") < body.index(">France<") < body.index(">Serbia<")

    def test_choosing_a_head_office_country_shows_only_its_vendors(self, client):
        body = page(client, "/en/matrix/?origin=us")
        assert cells(body) == {"/en/deployments/?vendor=verint&country=KE": 1}

    def test_choosing_a_region_shows_only_its_countries(self, client):
        body = page(client, "/en/matrix/?region=Europe")
        assert set(cells(body)) == {
            "/en/deployments/?vendor=hikvision&country=FR",
            "/en/deployments/?vendor=huawei&country=FR",
            "/en/deployments/?vendor=huawei&country=RS",
        }
        assert "Verint" not in body

    def test_a_smaller_table_keeps_the_vendors_and_countries_with_most_entries(
        self, client, monkeypatch
    ):
        monkeypatch.setitem(matrix.VENDOR_SIZES, "30", 1)
        monkeypatch.setitem(matrix.COUNTRY_SIZES, "40", 1)
        body = page(client)
        assert cells(body) == {"/en/deployments/?vendor=hikvision&country=FR": 2}
        assert "Showing 1 of 3 receiving countries" in body

    @pytest.mark.parametrize(
        "query, notice",
        [
            ("origin=ZZ", "No vendor with entries has its head office in “ZZ”"),
            ("region=Atlantis", "“Atlantis” is not a region"),
            ("origin=%3Cb%3E", "head office in “B”"),
            ("origin=12", "That is not a country code"),
        ],
    )
    def test_an_unknown_choice_shows_everything_with_a_note(self, client, query, notice):
        body = page(client, f"/en/matrix/?{query}")
        assert notice in body
        assert len(cells(body)) == 4

    def test_even_the_largest_table_has_a_bounded_number_of_vendors(self, client, monkeypatch):
        monkeypatch.setattr(matrix, "VENDOR_SIZES", {"30": 1, "60": 1, "150": 2})
        body = page(client, "/en/matrix/?vendors=150&countries=all")
        assert len(re.findall(r'<tr><th scope="row">', body)) == 2

    def test_an_unknown_size_falls_back_to_the_default(self, client):
        assert len(cells(page(client, "/en/matrix/?vendors=lots&countries=-1"))) == 4

    def test_each_cell_is_shaded_on_the_maps_scale_and_named_for_screen_readers(self, client):
        body = page(client)
        hikvision = re.search(r'<a class="cell-c(\d)" href="[^"]+" title="([^"]+)"', body)
        assert hikvision.groups() == ("2", "Hikvision in France: 2 entries")
        assert (
            '<a class="cell-c1" href="/en/deployments/?vendor=huawei&amp;country=RS" '
            'title="Huawei in Serbia: 1 entry" aria-label="Huawei in Serbia: 1 entry">1</a>'
        ) in body

    def test_with_nothing_chosen_the_table_shows_no_note(self, client):
        body = page(client)
        assert 'class="notice"' not in body
        assert ", of 3 vendors with entries." in body

    def test_a_chosen_region_stays_chosen_in_the_form_and_the_count_says_so(self, client):
        body = page(client, "/en/matrix/?region=Europe")
        assert '<option value="Europe" selected>Europe</option>' in body
        assert body.count(" selected>") == 3  # the region, and the two sizes
        assert ", of 2 vendors with entries for this choice." in body

    def test_the_table_scrolls_in_its_own_box_with_names_in_view(self, client):
        body = page(client)
        assert 'class="matrix-scroll" tabindex="0" role="region"' in body

    def test_the_countries_and_vendors_indexes_lead_to_it(self, client):
        for path in ("/en/countries/", "/en/vendors/"):
            assert 'href="/en/matrix/"' in page(client, path)


def test_the_matrix_makes_as_many_queries_with_many_entries_as_with_few(client):
    """Guards against a query per vendor, country or cell."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client)
        return len(captured)

    vendor = VendorFactory(headquarters=country("CN"))
    published_deployment(country=country("FR"), vendors=[vendor])
    few = queries()
    for code in ("RS", "KE", "BR", "EC"):
        other = VendorFactory(headquarters=country("US"))
        published_deployment(country=country(code), vendors=[vendor, other])
    assert queries() == few == 4


@pytest.mark.parametrize(
    "n, shade", [(1, 1), (2, 2), (4, 2), (5, 3), (9, 3), (10, 4), (24, 4), (25, 5), (900, 5)]
)
def test_a_cell_is_shaded_as_the_map_shades_a_country_with_as_many_entries(n, shade):
    assert matrix.shade(n) == shade


def test_the_head_office_menu_is_in_the_readers_alphabet(client):
    for code in ("US", "CN", "DE"):
        published_deployment(
            country=country("FR"), vendors=[VendorFactory(headquarters=country(code))]
        )
    menu = page(client, "/fr/matrix/").split('id="matrix-origin"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w\w)"', menu) == ["DE", "CN", "US"]


def test_with_no_entries_the_matrix_says_so(client):
    assert "No published entry names a vendor." in page(client)
