"""A reader's journey in a real browser (Debian's Chromium driven by Playwright).

Every request the browser makes is recorded: a page that loaded a font, a script or a map tile
from another host would tell that host who is reading about surveillance.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls made here (loading
# the fixture) happen before any page is driven, so Django's async guard can stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTICLE_URL_PREFIX = "https://qg.media/2021/08/28/"
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "article.json"


@pytest.fixture
def browser_page(live_server, settings):
    from playwright.sync_api import sync_playwright

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("loaddata", FIXTURE, verbosity=0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.requested_hosts = set()
        page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).hostname))
        page.base = live_server.url
        yield page
        browser.close()


def test_a_reader_goes_from_the_map_to_belgrade_and_its_source_without_leaving_this_host(
    browser_page,
):
    page = browser_page
    page.goto(page.base + "/")

    page.locator('svg a[href*="country=RS"]').first.click()
    page.wait_for_url("**/deployments/?*country=RS*")
    assert "1 deployment" in page.locator(".result-count").inner_text()

    page.get_by_role("link", name="Belgrade “Safe City”: Huawei facial recognition cameras").click()
    page.wait_for_url("**/deployments/belgrade-huawei-safe-city/")
    quote = page.locator(".citation blockquote").first.inner_text()
    assert quote.startswith("À l’image de Belgrade")

    source_link = page.locator(".citation a.source-link").first
    assert source_link.get_attribute("href").startswith(ARTICLE_URL_PREFIX)
    page.locator(".citation").first.get_by_role("link", name="About this source").click()
    page.wait_for_url("**/sources/qg-2021-08-28-surveillance-export/")
    assert page.locator(".facts a.source-link").get_attribute("href").startswith(ARTICLE_URL_PREFIX)

    assert page.requested_hosts == {"127.0.0.1"}
