"""The deployment list's filters in a real browser: reaching a selection from the home page,
typing to find an option, ticking to apply, and the same without JavaScript."""

import re

import pytest

from tests.browsing import DESKTOP, shared_site
from tests.conftest import load_article
from tests.factories import TechnologyFactory, country, published_deployment
from tracker.models import Technology

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Enough countries that the country filter is a long list with a box to type in.
MORE_COUNTRIES = ["AR", "BR", "CL", "EC", "KE", "NG", "PK", "EG", "MY", "ID", "TH", "DE", "IT"]


def make_entries():
    """The article, Chinese-supplied facial recognition in Ecuador and Kenya, and an entry in
    each of many more countries (supplied from Germany, with no facial recognition)."""
    load_article()
    facial = Technology.objects.get(slug="facial-recognition")
    other = TechnologyFactory(slug="licence-plates", name="Licence plate reading")
    for code in ("EC", "KE"):
        published_deployment(
            title=f"ECU-911 style platform in {code}",
            country=country(code),
            technologies=[facial],
            origin_countries=[country("CN")],
        )
    for code in MORE_COUNTRIES:
        published_deployment(
            title=f"Plate readers in {code}",
            country=country(code),
            technologies=[other],
            origin_countries=[country("DE")],
        )


# Every test here only reads: one set of entries, one server and one Chromium for them all.
site = shared_site(make_entries)


@pytest.fixture
def browser(site):
    with site.fresh() as browser:
        yield browser


def result_titles(page):
    return page.locator("table.deployments tbody th a").all_inner_texts()


def test_from_home_a_reader_reaches_chinese_facial_recognition_in_two_clicks(browser):
    page = browser.page(DESKTOP)
    page.goto(browser.base + "/")

    page.locator(".exporter-list").get_by_role("link", name="China").click()  # 1
    page.wait_for_url(re.compile(r"/en/deployments/\?origin=CN$"))
    page.locator("#facet-technology").get_by_label("Facial recognition").check()  # 2
    page.wait_for_url(re.compile(r"technology=facial-recognition"))

    assert "origin=CN" in page.url
    assert page.title().startswith("Facial recognition from China: 3 entries")
    assert page.locator("h1").inner_text() == "Facial recognition from China: 3 entries"
    assert sorted(result_titles(page)) == [
        "Belgrade “Safe City”: Huawei facial recognition cameras",
        "ECU-911 style platform in EC",
        "ECU-911 style platform in KE",
    ]
    assert browser.hosts == {browser.own_host}


def test_typing_a_name_narrows_a_long_list_of_options(browser):
    page = browser.page(DESKTOP)
    page.goto(browser.base + "/en/deployments/")
    countries = page.locator("#options-country label.option")
    assert countries.count() >= 15

    page.get_by_label("Find a name in this list").first.fill("ke")
    visible = page.locator("#options-country label.option:visible").all_inner_texts()
    assert [re.sub(r"\s+\d+$", "", text.strip()) for text in visible] == ["Kenya"]
    assert page.locator("#found-country").inner_text() == f"1 of {countries.count()} shown"

    # Accents and case do not matter; clearing the box shows every option again.
    page.get_by_label("Find a name in this list").first.fill("UNITED")
    assert page.locator("#options-country label.option:visible").count() == 2
    page.get_by_label("Find a name in this list").first.fill("")
    assert page.locator("#options-country label.option:visible").count() == countries.count()


def test_ticking_a_box_applies_it_at_once_and_its_chip_takes_it_away(browser):
    page = browser.page(DESKTOP)
    page.goto(browser.base + "/en/deployments/")
    page.locator("#facet-country").get_by_label("Kenya").check()
    page.wait_for_url(re.compile(r"country=KE"))
    assert page.title().startswith("Deployments in Kenya: 2 entries")
    assert sorted(result_titles(page)) == ["ECU-911 style platform in KE", "Plate readers in KE"]
    # The keyboard is back on the box the reader ticked.
    assert page.evaluate("document.activeElement.id") == "f-country-ke"

    page.get_by_role("link", name="Remove filter Country: Kenya").click()
    page.wait_for_url(re.compile(r"/en/deployments/\?$|/deployments/$"))
    assert page.locator("h1").inner_text().startswith("Deployments: ")
    assert browser.hosts == {browser.own_host}


def test_without_javascript_the_apply_button_filters_and_chips_still_work(browser):
    page = browser.page(DESKTOP, javascript=False)
    page.goto(browser.base + "/en/deployments/")
    # No script: the type-to-filter boxes stay hidden (they could not work), the panel is open.
    assert not page.locator(".facet-find").first.is_visible()
    page.locator("#facet-country").get_by_label("Kenya").check()
    page.locator("#facet-origin").get_by_label("China").check()
    assert "country=KE" not in page.url  # nothing happens until Apply
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=KE"))
    assert page.title().startswith("Deployments from China in Kenya: 1 entry")
    assert result_titles(page) == ["ECU-911 style platform in KE"]

    page.get_by_role("link", name="Remove filter Technology from: China").click()
    page.wait_for_url(re.compile(r"country=KE"))
    assert "origin=" not in page.url
    assert page.title().startswith("Deployments in Kenya: 2 entries")
    assert browser.hosts == {browser.own_host}
