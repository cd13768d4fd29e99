"""Small faults seen in a real browser (Debian's Chromium, Playwright) against a live server:
a feed opened in a browser reads as a page, and the admin's list of deployments fits 1366 px."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from tests.conftest import load_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a long editorial passphrase"


@pytest.fixture
def chromium(live_server):
    from playwright.sync_api import sync_playwright

    load_article()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def opened(chromium, live_server, width=1366):
    """A page at this width, and the set of hosts it contacted."""
    hosts = set()
    page = chromium.new_context(viewport={"width": width, "height": 800}).new_page()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    return page, hosts


def test_a_feed_opened_in_a_browser_reads_as_a_page_offered_for_feed_readers(chromium, live_server):
    page, hosts = opened(chromium, live_server)
    page.goto(live_server.url + "/feeds/latest.atom")
    assert "This is an Atom feed, for a feed reader." in page.inner_text("main")
    first = page.locator("ol.feed-entries li a").first
    assert first.get_attribute("href").startswith(live_server.url + "/deployments/")
    # The site's stylesheet was applied: the page is laid out, not raw XML.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    assert hosts == {"localhost"} or hosts == {"127.0.0.1"}


@pytest.fixture
def chief(live_server):
    # Before the browser starts: Playwright's event loop forbids database calls in the test.
    return User.objects.create_superuser("chief", "chief@example.org", PASSWORD)


def test_the_admin_list_of_deployments_fits_1366_px_with_titles_readable(
    chief, chromium, live_server
):
    page, _ = opened(chromium, live_server)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/tracker/deployment/")
    sizes = page.evaluate(
        """() => {
          const results = document.querySelector('#changelist .results');
          const widths = {};
          for (const th of document.querySelectorAll('#result_list thead th')) {
            widths[th.className.match(/column-(\\w+)/)?.[1] || 'checkbox'] =
              th.getBoundingClientRect().width;
          }
          const cells = document.querySelectorAll('#result_list th, #result_list td');
          const right = Math.max(...[...cells].map(cell => cell.getBoundingClientRect().right));
          return {scroll: results.scrollWidth, visible: results.clientWidth, widths, right,
                  page: document.documentElement.scrollWidth};
        }"""
    )
    assert sizes["scroll"] <= sizes["visible"], sizes  # no column cut off or scrolled away
    assert sizes["page"] <= 1366, sizes
    assert sizes["right"] <= 1366, sizes
    assert sizes["widths"]["title"] >= 250, sizes
    assert set(sizes["widths"]) >= {"title", "where", "status", "state", "updated_on"}
