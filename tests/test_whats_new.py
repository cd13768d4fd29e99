"""What's new: the date an entry was first published on this site, and every view of it.

``?sort=newest``, "Latest entries" on the home page and the Atom feeds list entries in one order
(first published on this site, newest first, then the entry created last); ``?added_since=``
filters on that date; /changes/ lists publications, edits, retractions and unpublishings.
The site's data is loaded as ``make run`` loads it (``load_site_data``), then dated a week ago
where a test needs "an earlier import".
"""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from tests.conftest import ARTICLE_FIXTURE
from tests.factories import (
    FindingFactory,
    SourceFactory,
    citing,
    published_deployment,
    published_on,
)
from tracker.editorial import history, workflow
from tracker.models import Deployment, SiteDataLoad
from tracker.ops import cache as page_cache
from tracker.pages.about import ChangesView

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
WEEK_AGO = timezone.now() - timedelta(days=7)


@pytest.fixture
def loaded(db):
    """The article's entries, loaded as `make run` does, the load dated a week ago."""
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    Deployment.objects.update(published_at=WEEK_AGO, created_at=WEEK_AGO)
    SiteDataLoad.objects.update(loaded_at=WEEK_AGO)
    return list(Deployment.objects.published().values_list("slug", flat=True))


def newest(client, query=""):
    response = client.get("/en/deployments/?sort=newest" + query)
    assert response.status_code == 200, response.content[:500]
    return [d.slug for d in response.context["deployments"]]


def feed(client, url="/feeds/latest.atom"):
    root = etree.fromstring(client.get(url).content)
    return [
        entry.find(f"{ATOM}link").get("href").strip("/").split("/")[-1]
        for entry in root.findall(f"{ATOM}entry")
    ]


def home_latest(client):
    return [d.slug for d in client.get("/en/").context["latest"]]


def changes(client, query=""):
    """[(title, what)] of the /changes/ table, in page order."""
    body = client.get("/en/changes/" + query).content.decode()
    rows = re.findall(r'<th scope="row">(.*?)</th><td>([^<]*)</td>', body, flags=re.S)
    return [(html.unescape(re.sub(r"<[^>]+>", "", title)).strip(), what) for title, what in rows]


# --- The date first published on this site ----------------------------------------------------


def test_loading_the_site_data_dates_its_entries_today_not_with_the_files_date():
    before = timezone.now()
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    dates = set(Deployment.objects.published().values_list("published_at", flat=True))
    assert len(dates) == 1
    (published,) = dates
    # The fixture says 28 November 2026 for every entry: that is when the file was written.
    assert published >= before
    assert published == SiteDataLoad.objects.get(name="article.json").loaded_at


def test_loading_a_newer_file_over_the_entries_keeps_their_first_publication_date(tmp_path):
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    Deployment.objects.update(published_at=WEEK_AGO, created_at=WEEK_AGO)
    newer = tmp_path / "article.json"
    newer.write_text(ARTICLE_FIXTURE.read_text().replace("Belgrade", "Belgrade (city)"))
    call_command("load_site_data", newer, update=True, verbosity=0)
    assert set(Deployment.objects.values_list("published_at", flat=True)) == {WEEK_AGO}


def test_a_republished_entry_keeps_the_date_it_was_first_published():
    entry = published_on(published_deployment(), datetime(2025, 1, 10, tzinfo=UTC))
    workflow.unpublish(entry)
    workflow.publish(entry)
    entry.refresh_from_db()
    assert entry.published_at == datetime(2025, 1, 10, tzinfo=UTC)


def test_the_entry_page_tells_the_sites_date_from_the_sources_date(client):
    source = SourceFactory(title="Daily report", published_on=datetime(2019, 5, 2).date())
    entry = published_on(citing(source), datetime(2026, 12, 1, tzinfo=UTC))
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "First published on this site" in body
    assert "1 December 2026" in body
    assert "published 2 May 2019" in body


# --- Newest first, everywhere -----------------------------------------------------------------


def test_an_entry_published_today_comes_first_in_the_list_on_home_and_in_the_feed(client, loaded):
    today = published_deployment(title="Published today")
    assert newest(client)[0] == today.slug
    assert home_latest(client)[0] == today.slug
    assert feed(client)[0] == today.slug
    assert changes(client)[0] == ("Published today", "published")


def test_entries_sharing_a_date_come_newest_created_first_in_the_same_order_everywhere(
    client, loaded
):
    """All entries of one import share its date: the one created last comes first."""
    by_creation = list(
        Deployment.objects.published().order_by("-id").values_list("slug", flat=True)
    )
    assert newest(client) == by_creation
    assert feed(client) == by_creation
    assert home_latest(client) == by_creation[:6]


def test_the_home_page_shows_the_four_most_recent_findings_and_leads_to_the_rest(client):
    for year in range(2015, 2021):
        FindingFactory(statement=f"As of {year}.", as_of=date(year, 6, 1))
    body = client.get("/en/").content.decode()
    shown = re.findall(r'<p class="statement">(As of \d+\.)', body)
    assert shown == ["As of 2020.", "As of 2019.", "As of 2018.", "As of 2017."]
    assert '<a href="/en/findings/">All findings →</a>' in body


def test_newest_first_is_not_alphabetical_when_titles_disagree_with_dates(client):
    older = published_on(published_deployment(title="Alpha"), datetime(2025, 1, 1, tzinfo=UTC))
    newer = published_on(published_deployment(title="Zulu"), datetime(2025, 6, 1, tzinfo=UTC))
    assert newest(client) == [newer.slug, older.slug]
    assert feed(client) == [newer.slug, older.slug]


# --- Added since ------------------------------------------------------------------------------


def test_added_since_lists_entries_first_published_on_or_after_that_day(client):
    published_on(published_deployment(slug="before"), datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    published_on(published_deployment(slug="on-the-day"), datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    published_on(published_deployment(slug="after"), datetime(2026, 12, 3, tzinfo=UTC))
    assert newest(client, "&added_since=2026-12-01") == ["after", "on-the-day"]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "01/12/2026", "2026-12-01T10:00"])
def test_a_date_that_is_not_yyyy_mm_dd_is_a_400_saying_how_to_write_it(client, value):
    response = client.get("/en/deployments/", {"added_since": value})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_the_home_page_counts_what_was_added_since_the_last_import_and_links_to_it(client, loaded):
    published_deployment(title="Added by an editor")
    body = client.get("/en/").content.decode()
    day = timezone.localdate(WEEK_AGO)
    link = f"/en/deployments/?added_since={day.isoformat()}&amp;sort=newest"
    expected = len(loaded) + 1
    assert f'<a href="{link}">{expected} entries added since {day:%-d %B %Y}</a>' in body
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["paginator"].count == expected


# --- /changes/ --------------------------------------------------------------------------------


def test_changes_list_publications_edits_retractions_and_unpublishings_newest_first(client):
    kept = published_deployment(title="Corrected entry")
    withdrawn = published_deployment(title="Withdrawn entry")
    hidden = published_deployment(title="Taken down entry")
    kept.summary = "A corrected summary."
    kept.save()
    workflow.retract(withdrawn, "The source withdrew it.")
    workflow.unpublish(hidden)
    workflow.publish(hidden)
    assert changes(client) == [
        ("Taken down entry", "published again"),
        ("Taken down entry", "unpublished"),
        ("Withdrawn entry (retracted)", "retracted"),
        ("Corrected entry", "changed: summary (English)"),
        ("Taken down entry", "published"),
        ("Withdrawn entry (retracted)", "published"),
        ("Corrected entry", "published"),
    ]


def older(client, query=""):
    """The address of the "Older changes" link on a /changes/ page (None on the oldest page)."""
    body = client.get("/en/changes/" + query).content.decode()
    link = re.search(r'<a rel="next" href="([^"]*)">Older changes', body)
    return html.unescape(link.group(1)) if link else None


def test_changes_come_in_pages_that_keep_their_place(client):
    for n in range(52):
        published_deployment(title=f"Entry {n:02}")
    first, link = changes(client), older(client)
    assert len(first) == 50
    assert first[0] == ("Entry 51", "published")
    assert [title for title, _ in changes(client, link)] == ["Entry 01", "Entry 00"]
    assert older(client, link) is None
    published_deployment(title="Published since")
    # An older page starts after a given change, not after a number of rows: what is published
    # meanwhile goes on the first page and pushes nothing onto the one a reader is on.
    assert changes(client)[0] == ("Published since", "published")
    assert [title for title, _ in changes(client, link)] == ["Entry 01", "Entry 00"]


@pytest.mark.parametrize("query", ["?before=x", "?before=-3", "?before=", "?page=999", "?page=x"])
def test_a_page_address_that_means_nothing_shows_the_newest_changes(client, query):
    published_deployment(title="Only entry")
    response = client.get("/en/changes/" + query)
    assert response.status_code == 200
    assert changes(client, query) == [("Only entry", "published")]


def test_a_page_older_than_every_change_says_so_and_links_to_the_newest(client):
    published_deployment(title="Only entry")
    body = client.get("/en/changes/?before=999999999").content.decode()
    assert "No older changes." in body
    assert '<a href="/en/changes/">Newest changes</a>' in body


def test_an_edit_that_changes_nothing_readers_see_takes_no_place_on_the_page(client, monkeypatch):
    """Pages hold a full page of changes whenever there are that many, whatever was saved."""
    monkeypatch.setattr(ChangesView, "paginate_by", 2)
    entries = [published_deployment(title=f"Entry {n}") for n in range(3)]
    for entry in entries:
        entry.save()  # a save without a change: only updated_at moves
    assert changes(client) == [("Entry 2", "published"), ("Entry 1", "published")]
    assert changes(client, older(client)) == [("Entry 0", "published")]


def test_changes_made_at_the_same_moment_are_each_listed_once_across_pages(client, monkeypatch):
    """Records sharing a date (one import) are split between pages by their order, not lost."""
    monkeypatch.setattr(ChangesView, "paginate_by", 2)
    for n in range(5):
        published_deployment(title=f"Entry {n}")
    Deployment.history.update(history_date=WEEK_AGO)
    seen, link = changes(client), older(client)
    while link:
        seen, link = seen + changes(client, link), older(client, link)
    assert [title for title, _ in seen] == [f"Entry {n}" for n in range(4, -1, -1)]


def test_an_entry_still_taken_down_is_named_as_it_was_published_without_a_link(client):
    entry = published_deployment(title="Taken down entry")
    workflow.unpublish(entry)
    entry.title = "A draft title"
    entry.save()
    body = client.get("/en/changes/").content.decode()
    assert changes(client)[0] == ("Taken down entry (no longer published)", "unpublished")
    assert entry.get_absolute_url() not in body
    assert "A draft title" not in body


def test_drafting_is_not_a_change_readers_see(client):
    draft = published_deployment(title="Never published", state=Deployment.State.DRAFT)
    draft.summary = "Still drafting."
    draft.save()
    assert changes(client) == []


def test_whats_new_is_in_the_site_navigation(client):
    body = client.get("/en/about/").content.decode()
    nav = body.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/en/changes/">What\'s new</a>' in nav


def test_the_list_form_keeps_the_added_since_date_when_other_filters_are_applied(client):
    body = client.get("/en/deployments/", {"added_since": "2026-12-01"}).content.decode()
    form = body.split('id="filter-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="added_since" value="2026-12-01"' in form


def test_the_changes_page_costs_the_same_queries_for_5_events_as_for_500(
    client, django_assert_num_queries
):
    """Guards against a query per event and against reading the whole history: one page of
    changes (one index range, the older page's cursor included) and the entries it links."""
    entries = [published_deployment(title=f"Entry {i}") for i in range(5)]
    with django_assert_num_queries(2):
        assert len(client.get("/en/changes/").context["changes"]) == 5
    # 495 corrections, recorded as a data load records them (in bulk, no signal per record).
    for n in range(99):
        for entry in entries:
            entry.summary = f"Corrected {n}."
        Deployment.history.bulk_history_create(entries, update=True)
    history.note_reader_changes(Deployment.history.model, entry_ids=[e.pk for e in entries])
    page_cache.bump()  # as a data load does
    with django_assert_num_queries(2):
        first = client.get("/en/changes/")
    assert len(first.context["changes"]) == 50  # rendered afresh, not a cached copy
    assert first.context["changes"][0].what == "changed: summary (English)"
    with django_assert_num_queries(2):
        response = client.get("/en/changes/", {"before": first.context["older"]})
    assert len(response.context["changes"]) == 50


def test_changes_list_the_entries_of_a_load_in_the_order_of_newest(client):
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    titles = [title for title, what in changes(client) if what == "published"]
    listed = client.get("/en/deployments/?sort=newest").context["deployments"]
    assert titles == [d.title for d in listed]


def test_a_page_holding_exactly_the_last_changes_offers_no_older_page(client, monkeypatch):
    monkeypatch.setattr(ChangesView, "paginate_by", 2)
    for n in range(2):
        published_deployment(title=f"Entry {n}")
    assert changes(client) == [("Entry 1", "published"), ("Entry 0", "published")]
    assert older(client) is None


@pytest.mark.parametrize("digits", [12, 30])
def test_a_page_address_too_long_to_be_a_change_shows_the_newest_changes(client, digits):
    published_deployment(title="Only entry")
    query = "?before=" + "9" * digits
    assert changes(client, query) == [("Only entry", "published")]
    assert "No older changes." not in client.get("/en/changes/" + query).content.decode()


def test_the_longest_page_address_taken_is_eleven_digits(client):
    published_deployment(title="Only entry")
    body = client.get("/en/changes/?before=" + "9" * 11).content.decode()
    assert "No older changes." in body
