"""The site on a phone (390 px wide) and its accessibility, in a real browser.

Results come before the filters, every page fits the screen's width, rows read as labelled
cards and charts stay legible; axe-core finds nothing serious on any public page, and no page
asks another host for anything.
"""

import pytest

from tests.browsing import (
    DESKTOP,
    PHONE,
    PUBLIC_PAGES,
    serious_accessibility_violations,
    shared_site,
)
from tests.conftest import load_article
from tests.factories import VendorFactory, country, published_deployment
from tracker.importers.writer import deferred_search_refresh
from tracker.models import Technology

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

COUNTRIES = ["AR", "BR", "CL", "EC", "KE", "NG", "PK", "EG", "MY", "ID", "TH", "DE", "IT", "ZW"]


def make_entries():
    """The article, and entries in many more countries, with years and vendors: long facets,
    a timeline and a map with several shades."""
    load_article()
    facial = Technology.objects.get(slug="facial-recognition")
    vendor = VendorFactory(name="Long-Named Surveillance Systems International Holdings")
    with deferred_search_refresh():
        for i, code in enumerate(COUNTRIES * 2):
            published_deployment(
                title=f"City surveillance platform number {i} in {code}",
                country=country(code),
                locality="A city with a rather long name",
                vendors=[vendor],
                technologies=[facial],
                origin_countries=[country("CN")],
                start_year=2008 + i % 14,
            )


# Every test here only reads: one set of entries, one server and one Chromium for them all.
site = shared_site(make_entries)


@pytest.fixture
def browser(site):
    with site.fresh() as browser:
        yield browser


@pytest.mark.parametrize(
    "path", ["/en/deployments/", "/en/deployments/?origin=CN&country=KE&q=city"]
)
def test_on_a_phone_the_first_result_starts_within_the_first_900_pixels(browser, path):
    page = browser.page(PHONE)
    page.goto(browser.base + path)
    first = page.locator("table.deployments tbody tr").first
    assert first.bounding_box()["y"] < 900
    # The filters are one tap away, folded above the results.
    assert page.locator("details.filters-panel > summary").is_visible()
    assert not page.locator("#filter-form").is_visible()
    page.locator("details.filters-panel > summary").click()
    assert page.locator("#filter-form").is_visible()
    assert browser.hosts == {browser.own_host}


def test_no_public_page_scrolls_sideways_on_a_phone(browser):
    page = browser.page(PHONE)
    wider = {}
    for path in [*PUBLIC_PAGES, "/en/deployments/?origin=CN&vendor=hikvision"]:
        page.goto(browser.base + path)
        width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > screen:
            wider[path] = width
    assert wider == {}
    assert browser.hosts == {browser.own_host}


def test_on_a_phone_each_entry_is_a_card_with_each_value_labelled(browser):
    page = browser.page(PHONE)
    page.goto(browser.base + "/en/deployments/?country=KE")
    card = page.locator("table.deployments tbody tr").first
    labels = card.locator("td").evaluate_all(
        "cells => cells.map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels == [
        '"Where"',
        '"Vendors"',
        '"Technologies"',
        '"Evidence"',
        '"Years"',
        '"Sources"',
    ]
    assert not page.locator("table.deployments thead").is_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def rendered_font_sizes(page, selector):
    """On-screen size in pixels of each text matched, SVG scaling included."""
    return page.locator(selector).evaluate_all(
        """texts => texts
            .filter(t => t.getBoundingClientRect().width > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize)
                      * (t.getScreenCTM ? t.getScreenCTM().a : 1))"""
    )


def test_on_a_phone_the_timeline_and_the_map_legend_are_legible(browser):
    page = browser.page(PHONE)
    page.goto(browser.base + "/")
    timeline = rendered_font_sizes(page, "svg.timeline text")
    assert timeline, "the timeline drew no text"
    assert min(timeline) >= 11
    legend = page.locator(".map-legend").first
    assert legend.is_visible()
    assert min(rendered_font_sizes(page, ".map-legend li")) >= 11
    # The legend sits with the map, not after the table of every country.
    map_box = page.locator("svg.world-map").first.bounding_box()
    legend_box = legend.bounding_box()
    table_box = page.locator(".map-table").first.bounding_box()
    assert map_box["y"] < legend_box["y"] < table_box["y"]


def test_on_a_wide_screen_the_legend_is_beside_the_map_and_the_map_above_the_list(browser):
    page = browser.page(DESKTOP)
    page.goto(browser.base + "/en/deployments/?origin=CN")
    map_box = page.locator("svg.world-map").bounding_box()
    legend_box = page.locator(".map-legend").bounding_box()
    assert legend_box["x"] > map_box["x"] + map_box["width"] - 1
    assert legend_box["y"] < map_box["y"] + map_box["height"]
    first_row = page.locator("table.deployments tbody tr").first.bounding_box()
    assert map_box["y"] < first_row["y"] < 1400


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation_on_public_pages(browser, viewport):
    page = browser.page(viewport, axe=True)
    found = {}
    for path in [
        *PUBLIC_PAGES,
        "/en/deployments/?origin=CN&country=KE",
        "/en/deployments/?country=ZZ",
    ]:
        page.goto(browser.base + path)
        if viewport == PHONE and path.split("?")[0] == "/en/deployments/":
            page.locator("details.filters-panel > summary").click()  # the filters too
        violations = serious_accessibility_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
    assert browser.hosts == {browser.own_host}
