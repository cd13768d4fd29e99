"""The Source admin refuses a source it seems to have already, unless the editor says otherwise.

Same work: the same URL whatever its scheme, "www." or trailing slash; the same DOI; or the
same title and publisher, case and spacing aside. The refusal names the existing source and
links its change page; "This is a different work" saves anyway.
"""

import pytest
from django.urls import reverse

from tests.factories import SourceFactory
from tracker.models import Source

pytestmark = pytest.mark.django_db

ADD = reverse("admin:tracker_source_add")


def form(**fields):
    return {
        "title": "A new source",
        "slug": "a-new-source",
        "publisher": "",
        "authors": "",
        "url": "",
        "archive_url": "",
        "published_on": "",
        "published_on_precision": "day",
        "language": "en",
        "kind": "news_article",
        "notes": "",
        **fields,
    }


def refused(response, existing):
    """The form came back naming and linking ``existing``; nothing was saved."""
    body = response.content.decode()
    assert response.status_code == 200
    assert "already recorded as" in body
    assert reverse("admin:tracker_source_change", args=[existing.pk]) in body
    assert existing.title in body
    assert "This is a different work" in body
    return body


@pytest.mark.parametrize(
    "existing_url, new_url",
    [
        ("https://www.example.org/story", "http://example.org/story/"),
        ("http://example.org/story/", "https://www.example.org/story"),
        ("https://example.org/story", "https://EXAMPLE.org/story/"),
    ],
)
def test_the_same_url_written_differently_is_refused(admin_client, existing_url, new_url):
    existing = SourceFactory(url=existing_url, title="The story")
    before = Source.objects.count()
    body = refused(admin_client.post(ADD, form(url=new_url)), existing)
    assert "the same URL" in body
    assert Source.objects.count() == before


def test_the_same_doi_is_refused(admin_client):
    existing = SourceFactory(url="https://doi.org/10.17632/gjhf5y4xjp.1", title="AIGS")
    url = "https://data.mendeley.com/datasets/10.17632/GJHF5Y4XJP.1"
    body = refused(admin_client.post(ADD, form(url=url)), existing)
    assert "the same DOI" in body
    assert not Source.objects.filter(slug="a-new-source").exists()


def test_the_same_title_and_publisher_is_refused_whatever_the_case_and_spacing(admin_client):
    existing = SourceFactory(
        url=None,
        title="Private Interests: Monitoring Central Asia",
        publisher="Privacy International",
    )
    data = form(
        title="  private interests:   MONITORING Central Asia ",
        publisher="privacy  international",
        url="https://privacyinternational.org/report/private-interests",
    )
    body = refused(admin_client.post(ADD, data), existing)
    assert "the same title and publisher" in body
    assert not Source.objects.filter(slug="a-new-source").exists()


def test_ticking_different_work_saves_it(admin_client):
    existing = SourceFactory(url="https://www.example.org/story", title="The story")
    response = admin_client.post(
        ADD, form(url="http://example.org/story/", different_work="on", _save="Save")
    )
    assert response.status_code == 302
    saved = Source.objects.get(slug="a-new-source")
    assert saved.url == "http://example.org/story/"
    assert saved.pk != existing.pk


def test_another_work_is_saved_without_a_question(admin_client):
    SourceFactory(url="https://example.org/story", title="The story", publisher="Example Press")
    data = form(title="The story", publisher="Other Press", url="https://example.org/other")
    assert admin_client.post(ADD, data).status_code == 302
    assert Source.objects.filter(slug="a-new-source").exists()


def test_editing_a_source_is_not_refused_for_its_own_url_or_an_unchanged_twin(admin_client):
    one = SourceFactory(url=None, title="Annual report", publisher="Ministry")
    two = SourceFactory(url=None, title="Annual report", publisher="Ministry", slug="twin")
    change = reverse("admin:tracker_source_change", args=[two.pk])
    data = form(title=two.title, slug=two.slug, publisher=two.publisher, notes="Checked.")
    assert admin_client.post(change, data).status_code == 302
    assert Source.objects.get(pk=two.pk).notes == "Checked."
    mine = SourceFactory(url="https://example.org/mine", title="Mine")
    change = reverse("admin:tracker_source_change", args=[mine.pk])
    data = form(title="Mine, retitled", slug=mine.slug, url="https://www.example.org/mine/")
    assert admin_client.post(change, data).status_code == 302
    # Changing the title of the twin to its sibling's again is asked about.
    data = form(title="ANNUAL report", slug=two.slug, publisher="Ministry")
    refused(admin_client.post(reverse("admin:tracker_source_change", args=[two.pk]), data), one)
