"""Journeys in a real browser (Debian's Chromium driven by Playwright), against a live server.

Every request the browser makes is recorded: a page that loaded a font, a script or a map tile
from another host would tell that host who is reading about surveillance.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.browsing import launched, shared_site
from tests.conftest import load_article
from tracker.editorial.roles import EDITOR, PUBLISHER, setup_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


ARTICLE_URL_PREFIX = "https://qg.media/2021/08/28/"


# Contrast as WCAG 2.1 defines it, on what the browser actually rendered: each text's colour
# against the first opaque background behind it (SVG text by its fill).
CONTRAST_SCRIPT = (Path(__file__).parent / "contrast.js").read_text()


# One page of each kind, and the list with a refused filter (its message box).
CONTRAST_PAGES = [
    "/en/",
    "/en/deployments/",
    "/en/deployments/?start_year_min=abc",
    "/en/deployments/belgrade-huawei-safe-city/",
    "/en/countries/serbia/",
    "/en/vendors/hikvision/",
    "/en/data/",
]


# The tests that only read share the article, a server and a Chromium. Class-wide, so that
# all of it is gone before the test that writes (pytest-django runs it after them) starts its
# own: Playwright refuses to start while another of its event loops runs in the thread.
site = shared_site(load_article, scope="class")


@pytest.fixture
def browser(site):
    with site.fresh() as browser:
        yield browser


class TestReaders:
    """Journeys that only read what the article put there."""

    def test_a_reader_goes_from_the_map_to_belgrade_and_its_source_without_leaving_this_host(
        self, browser
    ):
        page = browser.page()
        page.goto(browser.base + "/")

        page.locator('svg a[href*="country=RS"]').first.click()
        page.wait_for_url("**/deployments/?*country=RS*")
        assert "1 deployment" in page.locator(".result-count").inner_text()

        page.get_by_role(
            "link", name="Belgrade “Safe City”: Huawei facial recognition cameras"
        ).click()
        page.wait_for_url("**/deployments/belgrade-huawei-safe-city/")
        quote = page.locator(".citation blockquote").first.inner_text()
        assert quote.startswith("À l’image de Belgrade")

        source_link = page.locator(".citation a.source-link").first
        assert source_link.get_attribute("href").startswith(ARTICLE_URL_PREFIX)
        page.locator(".citation").first.get_by_role("link", name="About this source").click()
        page.wait_for_url("**/sources/qg-2021-08-28-surveillance-export/")
        assert (
            page.locator(".facts a.source-link")
            .get_attribute("href")
            .startswith(ARTICLE_URL_PREFIX)
        )

        assert browser.hosts == {"127.0.0.1"}

    def test_text_on_public_pages_meets_wcag_aa_contrast(self, browser):
        # One browser for every page (starting one per page cost a second and a half each).
        page = browser.page()
        failures = {}
        for path in CONTRAST_PAGES:
            page.goto(browser.base + path)
            result = page.evaluate(CONTRAST_SCRIPT)
            assert result["checked"] > 20, f"{path}: the page rendered too little text to judge"
            if result["failures"]:
                failures[path] = result["failures"]
        assert failures == {}


def choose(page, select_id, text):
    """Pick ``text`` in one of the admin's autocomplete boxes, as an editor would."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


@pytest.fixture
def editorial_team(transactional_db):
    """An editor (erin) and a publisher (paul), made before the browser starts.

    The database is set up here rather than in the test: once Playwright runs, Django refuses
    database calls in the test, and would give them a connection of their own that nothing
    closes (PostgreSQL then refuses to drop the test database at the end of the run).
    """
    groups = setup_roles()
    for username, role in [("erin", EDITOR), ("paul", PUBLISHER)]:
        user = User.objects.create_user(
            username, password="a long editorial passphrase", is_staff=True
        )
        user.groups.add(groups[role])


@pytest.fixture
def own_browser(live_server):
    """The article on a database of this test's own: what it writes is flushed at its end."""
    load_article()
    with launched(live_server.url) as browser:
        yield browser


# Writes through the site. serialized_rollback: the flush at its end would otherwise drop the
# countries and the technology vocabulary that migrations load.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_submits_a_sourced_entry_and_a_publisher_publishes_it(
    editorial_team, own_browser
):
    editor = own_browser.log_in("erin")
    editor.goto(own_browser.base + "/admin/tracker/source/add/")
    editor.fill("#id_title", "Novi Sad council minutes")
    editor.fill("#id_url", "https://novisad.example.org/minutes/2021-03")
    editor.locator("input[name=_save]").click()
    editor.wait_for_url("**/admin/tracker/source/")

    editor.goto(own_browser.base + "/admin/tracker/deployment/add/")
    editor.fill("#id_title", "Novi Sad traffic cameras")
    choose(editor, "id_country", "Serbia")
    editor.fill("#id_locality", "Novi Sad")
    choose(editor, "id_citations-0-source", "Novi Sad council minutes")
    editor.fill("#id_citations-0-quote", "The council approved forty cameras.")
    editor.locator("input[name=_submit_review]").click()
    editor.wait_for_load_state()
    assert "submitted for review" in editor.content()
    assert "Novi Sad traffic cameras" not in _public_list(own_browser)

    publisher = own_browser.log_in("paul")
    publisher.goto(own_browser.base + "/admin/tracker/deployment/?state__exact=review")
    publisher.get_by_role("link", name="Novi Sad traffic cameras").click()
    publisher.locator("input[name=_publish]").click()
    publisher.wait_for_load_state()
    assert "published" in publisher.content()

    reader = own_browser.page()
    reader.goto(own_browser.base + "/en/deployments/?country=RS")
    reader.get_by_role("link", name="Novi Sad traffic cameras").click()
    assert "The council approved forty cameras." in reader.locator(".citation").inner_text()
    assert reader.locator(".citation a.source-link").get_attribute("href") == (
        "https://novisad.example.org/minutes/2021-03"
    )
    assert own_browser.hosts == {"127.0.0.1"}


def _public_list(browser):
    page = browser.page()
    page.goto(browser.base + "/en/deployments/")
    return page.content()
