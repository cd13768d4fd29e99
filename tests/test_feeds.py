"""Atom feeds of newly published deployments: all, per country, per vendor."""

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from tests.factories import publish, published_deployment
from tracker.importers.writer import deferred_search_refresh
from tracker.models import Citation, Country, Deployment, Source

ATOM = "{http://www.w3.org/2005/Atom}"
FRENCH = {"france-hikvision-dahua", "france-pass-sanitaire"}
DAHUA = {"france-hikvision-dahua", "xinjiang-uyghur-repression-hikvision-dahua-uniview"}
START = datetime(2026, 1, 1, tzinfo=UTC)
# RFC 4287's RELAX NG schema (its Appendix B): see the file's header for where it comes from.
ATOM_SCHEMA = etree.RelaxNG(etree.parse(Path(__file__).parent / "schemas" / "atom.rng"))


@pytest.fixture(scope="module")
def article_rows(article_rows, django_db_blocker):
    """The article's entries, published one day apart in fixture order (the last is newest)."""
    with django_db_blocker.unblock():
        for days, deployment in enumerate(Deployment.objects.order_by("pk")):
            Deployment.objects.filter(pk=deployment.pk).update(
                published_at=START + timedelta(days=days)
            )


@pytest.fixture
def article(article_rows, db):
    """The module's rows; what a test writes stays in its own savepoint (the ``db`` fixture).
    The module's other tests run before them (tests/conftest.py, MODULE_ROWS)."""


@pytest.fixture
def draft(article):
    return Deployment.objects.create(
        title="Unpublished French entry",
        slug="france-draft",
        country=Country.objects.get(iso2="FR"),
    )


def parse(response):
    """The feed's root element, once the schema of RFC 4287 has found nothing wrong with it."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.content)
    assert ATOM_SCHEMA.validate(feed), f"not valid Atom (RFC 4287 schema):\n{ATOM_SCHEMA.error_log}"
    return feed


def one(element, tag):
    found = element.findall(f"{ATOM}{tag}")
    assert len(found) == 1, f"<{element.tag}> must have exactly one <{tag}>, has {len(found)}"
    return found[0]


def rfc3339(text):
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"{text} has no time zone"
    return value


def link(element, rel):
    links = [el for el in element.findall(f"{ATOM}link") if el.get("rel", "alternate") == rel]
    assert len(links) == 1, f"<{element.tag}> must have one link rel={rel}"
    return links[0].get("href")


def assert_valid_atom(feed):
    """What RFC 4287 requires beyond its schema, which parse() checked, and what we promise.

    The schema leaves out the RFC's Schematron rules (an author for every entry, an alternate
    link), and says nothing of our ids, links or HTML summaries.
    """
    assert feed.tag == f"{ATOM}feed"
    assert one(feed, "id").text.startswith("http://testserver/")
    assert one(feed, "title").text
    rfc3339(one(feed, "updated").text)
    assert link(feed, "self").startswith("http://testserver/feeds/")
    assert link(feed, "alternate").startswith("http://testserver/")
    entries = feed.findall(f"{ATOM}entry")
    feed_author = feed.findall(f"{ATOM}author")
    for entry in entries:
        assert one(entry, "id").text.startswith("http://testserver/deployments/")
        assert one(entry, "title").text
        rfc3339(one(entry, "updated").text)
        rfc3339(one(entry, "published").text)
        assert link(entry, "alternate").startswith("http://testserver/deployments/")
        # No <content>, so the alternate link and a summary are what a reader gets.
        assert not entry.findall(f"{ATOM}content")
        assert one(entry, "summary").get("type") == "html"
        assert feed_author or entry.findall(f"{ATOM}author"), "every entry needs an author"
    if feed_author:
        assert one(feed_author[0], "name").text == "Surveillance Export Tracker"
    ids = [one(entry, "id").text for entry in entries]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    return entries


def slugs(entries):
    return [link(entry, "alternate").rstrip("/").rsplit("/", 1)[1] for entry in entries]


def test_the_latest_feed_is_valid_atom_with_the_newest_entries_first(client, article):
    feed = parse(client.get("/feeds/latest.atom"))

    entries = assert_valid_atom(feed)
    expected = list(
        Deployment.objects.published().order_by("-published_at").values_list("slug", flat=True)
    )
    assert slugs(entries) == expected
    published = [rfc3339(one(entry, "published").text) for entry in entries]
    assert published == sorted(published, reverse=True)
    assert one(feed, "id").text == "http://testserver/feeds/latest.atom"
    assert rfc3339(one(feed, "updated").text) >= published[0]


def test_an_entry_is_dated_by_publication_and_last_change(client, article):
    deployment = Deployment.objects.get(slug="belgrade-huawei-safe-city")
    changed = START + timedelta(days=100)
    Deployment.objects.filter(pk=deployment.pk).update(updated_at=changed)

    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")

    (entry,) = [e for e in entries if slugs([e]) == ["belgrade-huawei-safe-city"]]
    assert rfc3339(one(entry, "published").text) == deployment.published_at
    assert rfc3339(one(entry, "updated").text) == changed
    assert one(entry, "id").text == "http://testserver/deployments/belgrade-huawei-safe-city/"


def test_an_entry_summary_is_the_summary_then_the_first_quote(client, article):
    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")

    (entry,) = [e for e in entries if slugs([e]) == ["belgrade-huawei-safe-city"]]
    deployment = Deployment.objects.get(slug="belgrade-huawei-safe-city")
    first, second = Citation.objects.filter(deployment=deployment).order_by("pk")
    summary = html.unescape(one(entry, "summary").text)
    assert summary.startswith(f"<p>{deployment.summary}</p>")
    assert f"<blockquote><p>{first.quote}</p></blockquote>" in summary
    assert first.source.title in summary
    assert second.quote not in summary


def test_titles_and_summaries_with_markup_are_shown_as_written(client, article):
    markup = Deployment.objects.create(
        title="Cameras & <sensors> “quoted”",
        slug="markup",
        country=Country.objects.get(iso2="FR"),
        summary="Less < more & <b>not bold</b>",
    )
    Citation.objects.create(
        deployment=markup,
        source=Source.objects.get(slug="qg-2021-08-28-surveillance-export"),
        locator="test",
    )
    publish(markup)

    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")

    (entry,) = [e for e in entries if slugs([e]) == ["markup"]]
    assert one(entry, "title").text == "Cameras & <sensors> “quoted”"
    # The summary is HTML: the text's own "<b>" is escaped, so readers show it, not apply it.
    assert "<b>" not in one(entry, "summary").text
    assert html.unescape(one(entry, "summary").text) == "<p>Less < more & <b>not bold</b></p>"


def test_drafts_are_not_in_any_feed(client, draft):
    for url in ["/feeds/latest.atom", "/feeds/countries/france.atom"]:
        entries = parse(client.get(url)).findall(f"{ATOM}entry")
        assert "france-draft" not in slugs(entries)


def test_the_country_feed_lists_only_that_countrys_entries(client, article):
    feed = parse(client.get("/feeds/countries/france.atom"))

    entries = assert_valid_atom(feed)
    assert set(slugs(entries)) == FRENCH
    assert "France" in one(feed, "title").text
    assert link(feed, "alternate") == "http://testserver/countries/france/"
    assert one(feed, "id").text == "http://testserver/feeds/countries/france.atom"


def test_the_vendor_feed_lists_only_that_vendors_entries(client, article):
    feed = parse(client.get("/feeds/vendors/dahua.atom"))

    entries = assert_valid_atom(feed)
    assert set(slugs(entries)) == DAHUA
    assert "Dahua" in one(feed, "title").text
    assert link(feed, "alternate") == "http://testserver/vendors/dahua/"


def without_the_feed_id(feed):
    feed.remove(one(feed, "id"))


def with_a_space_for_the_t_of_a_date(feed):
    # The hand-written checks let it through: Python's fromisoformat() accepts a space there.
    updated = one(feed.find(f"{ATOM}entry"), "updated")
    updated.text = updated.text.replace("T", " ")


@pytest.mark.parametrize("break_feed", [without_the_feed_id, with_a_space_for_the_t_of_a_date])
def test_the_schema_rejects_a_broken_feed(client, article, break_feed):
    response = client.get("/feeds/latest.atom")
    feed = parse(response)
    break_feed(feed)
    response.content = etree.tostring(feed, xml_declaration=True, encoding="utf-8")

    with pytest.raises(AssertionError, match="not valid Atom") as failure:
        parse(response)
    # The message carries the schema's own error log.
    assert "RELAXNG_ERR" in str(failure.value)


def test_a_country_without_entries_has_a_valid_empty_feed(client, article):
    feed = parse(client.get("/feeds/countries/iceland.atom"))

    assert assert_valid_atom(feed) == []


@pytest.mark.parametrize(
    "url",
    ["/feeds/countries/atlantis.atom", "/feeds/vendors/acme.atom", "/feeds/countries/FR.atom"],
)
def test_an_unknown_country_or_vendor_feed_is_not_found(client, article, url):
    assert client.get(url).status_code == 404


def add_entries(count, start=0):
    serbia = Country.objects.get(iso2="RS")
    source = Source.objects.get(slug="qg-2021-08-28-surveillance-export")
    with deferred_search_refresh():
        for number in range(start, start + count):
            deployment = Deployment.objects.create(
                title=f"Entry {number}",
                slug=f"entry-{number}",
                country=serbia,
                summary=f"Summary {number}",
            )
            Citation.objects.create(deployment=deployment, source=source, quote=f"Quote {number}")
            publish(deployment)


def test_a_feed_holds_the_50_newest_entries(client, article):
    add_entries(55)

    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")

    assert len(entries) == 50
    assert slugs(entries)[0] == "entry-54"
    assert "belgrade-huawei-safe-city" not in slugs(entries)


def test_a_feed_costs_the_same_queries_for_5_entries_as_for_50(client, article):
    Deployment.objects.all().delete()
    add_entries(5)
    with CaptureQueriesContext(connection) as few:
        parse(client.get("/feeds/countries/serbia.atom"))
    add_entries(45, start=5)
    with CaptureQueriesContext(connection) as many:
        entries = parse(client.get("/feeds/countries/serbia.atom")).findall(f"{ATOM}entry")

    assert len(entries) == 50
    assert len(many) == len(few)


# --- One entry, built with the factories ------------------------------------------------------


def feed_entry(client, slug):
    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")
    (entry,) = [e for e in entries if slugs([e]) == [slug]]
    return entry


def test_an_entry_summary_is_exactly_the_summary_the_first_quote_and_its_source(client, db):
    deployment = published_deployment(slug="nairobi-cameras", summary="Cameras in Nairobi.")
    citation = deployment.citations.get()

    summary = html.unescape(one(feed_entry(client, "nairobi-cameras"), "summary").text)
    assert summary == (
        f"<p>Cameras in Nairobi.</p><blockquote><p>{citation.quote}</p></blockquote>"
        f"<p>— {citation.source.title}</p>"
    )


def test_an_entry_whose_citations_were_removed_keeps_its_summary_in_the_feed(client, db):
    deployment = published_deployment(slug="nairobi-cameras", summary="Cameras in Nairobi.")
    deployment.citations.all().delete()

    summary = html.unescape(one(feed_entry(client, "nairobi-cameras"), "summary").text)
    assert summary == "<p>Cameras in Nairobi.</p>"


def test_an_entry_with_neither_summary_nor_quote_is_summarised_by_its_title(client, db):
    deployment = published_deployment(slug="nairobi-cameras", title="Nairobi <cameras>", summary="")
    deployment.citations.update(quote="", locator="table 2, row 14")

    summary = one(feed_entry(client, "nairobi-cameras"), "summary").text
    assert html.unescape(summary) == "Nairobi <cameras>"


def test_the_latest_feed_links_to_the_list_sorted_newest_first(client, db):
    feed = parse(client.get("/feeds/latest.atom"))
    assert link(feed, "alternate") == "http://testserver/deployments/?sort=newest"


def test_a_feed_names_its_stylesheet_before_the_root_element(client, db):
    text = client.get("/feeds/latest.atom").content.decode()
    prolog = text[: text.index("<feed")]
    assert '<?xml-stylesheet href="/feeds/feed.xsl" media="screen" type="text/xsl"?>' in prolog


def test_a_browser_asking_for_html_gets_the_feed_as_xml_it_can_style(client, db):
    browser = client.get("/feeds/latest.atom", HTTP_ACCEPT="text/html,application/xml;q=0.9")
    reader = client.get("/feeds/latest.atom", HTTP_ACCEPT="application/atom+xml")

    assert browser["Content-Type"] == "application/xml; charset=utf-8"
    assert reader["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "Accept" in browser["Vary"]


def test_a_feed_may_be_cached_by_anyone_who_revalidates_it(client, db):
    cache_control = client.get("/feeds/latest.atom")["Cache-Control"]
    assert set(cache_control.replace(" ", "").split(",")) == {"public", "no-cache"}


def test_an_entry_a_source_says_never_completed_is_not_announced(client, db):
    published_deployment(slug="cameras-installed")
    published_deployment(slug="cameras-never-installed", status=Deployment.Status.NOT_COMPLETED)

    entries = parse(client.get("/feeds/latest.atom")).findall(f"{ATOM}entry")
    assert slugs(entries) == ["cameras-installed"]
