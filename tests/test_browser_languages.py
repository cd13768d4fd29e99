"""A French-speaking reader in a real browser (Debian's Chromium): the site answers in French,
the language switch keeps the filters, and quotes keep their language with the editors'
translation beside them only where the reader's language is another."""

import pytest

from tests.browsing import serious_accessibility_violations, shared_site
from tests.conftest import load_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BELGRADE = "/deployments/belgrade-huawei-safe-city/"


# Both tests only read: the article, one server and one Chromium for both.
site = shared_site(load_article)


@pytest.fixture
def browser(site):
    with site.fresh() as browser:
        yield browser


def test_a_french_browser_reads_in_french_and_switches_to_english_keeping_its_filters(browser):
    page = browser.page(locale="fr-FR")
    page.goto(browser.base + "/deployments/?country=RS&technology=facial-recognition")

    page.wait_for_url("**/fr/deployments/?country=RS&technology=facial-recognition")
    assert page.locator("html").get_attribute("lang") == "fr"
    heading = page.locator("h1").inner_text()
    assert "Reconnaissance faciale" in heading and "Serbie" in heading
    assert page.get_by_role("link", name="Déploiements", exact=True).is_visible()
    assert not serious_accessibility_violations(page)

    page.locator(".language-switch").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/deployments/?country=RS&technology=facial-recognition")
    assert page.locator("html").get_attribute("lang") == "en"
    heading = page.locator("h1").inner_text()
    assert "Facial recognition" in heading and "Serbia" in heading
    assert "Belgrade" in page.locator("main").inner_text()

    page.locator(".language-switch").get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/deployments/?country=RS&technology=facial-recognition")
    assert browser.hosts == {browser.own_host}


def test_the_belgrade_quote_is_translated_for_english_readers_only(browser):
    english = browser.page(locale="en-GB")
    english.goto(browser.base + BELGRADE)
    english.wait_for_url(f"**/en{BELGRADE}")
    citation = english.locator(".citation").first
    assert citation.locator("blockquote").get_attribute("lang") == "fr"
    translation = citation.locator(".quote-translation")
    assert translation.is_visible()
    assert translation.get_attribute("lang") == "en"
    assert translation.inner_text().startswith("Translation by the editors:")

    french = browser.page(locale="fr-FR")
    french.goto(browser.base + BELGRADE)
    french.wait_for_url(f"**/fr{BELGRADE}")
    assert (
        french.locator(".citation blockquote")
        .first.inner_text()
        .startswith("À l’image de Belgrade")
    )
    assert french.locator(".quote-translation").count() == 0
    assert "28 août 2021" in french.locator(".citation").first.inner_text()
