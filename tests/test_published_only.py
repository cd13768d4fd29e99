"""Readers see published entries only: in every count, list, map, timeline, export and history.

The world below is built so that counting anything else shows: a vendor with a published
entry and also a draft, an entry in review and a retracted one, each in a country and a year
of its own; a vendor with nothing but drafts; one source cited by two published entries (and a
draft), and a source cited only by a draft.
"""

import json
import re
from datetime import UTC, datetime

import pytest
from django.utils.html import strip_tags

from tests.conftest import rows_for_class
from tests.factories import (
    SourceFactory,
    TechnologyFactory,
    VendorFactory,
    citing,
    country,
    published_deployment,
    published_on,
    retracted_deployment,
)
from tracker.editorial import workflow
from tracker.exports import read_csv
from tracker.models import Deployment

pytestmark = pytest.mark.django_db
State = Deployment.State
PUBLISHED_SLUGS = {"belgrade", "nis", "nairobi"}


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    with rows_for_class(django_db_blocker):
        make_world()
        yield


def make_world():
    acme = VendorFactory(name="Acme Vision", slug="acme")
    ghost = VendorFactory(name="Ghost Systems", slug="ghost")
    gait = TechnologyFactory(name="Gait recognition", slug="gait")
    shared = SourceFactory(title="Shared report", slug="shared")
    draft_only = SourceFactory(title="Leaked memo", slug="draft-only")
    published = [
        citing(
            shared,
            slug="belgrade",
            title="Belgrade cameras",
            country=country("RS"),
            vendors=[acme],
            technologies=[gait],
            start_year=2019,
        ),
        citing(
            shared,
            slug="nis",
            title="Nis cameras",
            country=country("RS"),
            vendors=[acme],
            start_year=2020,
        ),
        published_deployment(slug="nairobi", title="Nairobi cameras", country=country("KE")),
    ]
    for day, entry in enumerate(published, start=1):
        published_on(entry, datetime(2025, 1, day, tzinfo=UTC))
    citing(
        shared,
        state=State.DRAFT,
        slug="paris-draft",
        title="Paris draft entry",
        country=country("FR"),
        vendors=[acme],
        technologies=[gait],
        start_year=2015,
    )
    citing(
        draft_only,
        state=State.REVIEW,
        slug="quito-review",
        title="Quito entry in review",
        country=country("EC"),
        vendors=[acme, ghost],
        technologies=[gait],
        start_year=2016,
    )
    citing(
        draft_only,
        state=State.DRAFT,
        slug="ghost-draft",
        title="Ghost draft entry",
        country=country("JP"),
        vendors=[ghost],
        start_year=2017,
    )
    retracted_deployment(
        slug="withdrawn",
        title="Withdrawn entry",
        country=country("US"),
        vendors=[acme],
        technologies=[gait],
        start_year=2011,
    )


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def main(body):
    """The page's own content, without the navigation and footer every page shares."""
    return body.split("<main", 1)[1].split("</main>", 1)[0]


def texts(html):
    """The pieces of text between the tags of ``html``, in order."""
    return [piece.strip() for piece in re.split(r"<[^>]+>", html) if piece.strip()]


def row(body, link):
    """The texts of the table row, list item or term holding ``link``."""
    start = body.index(link)
    begin = max(body.rfind(f"<{tag}", 0, start) for tag in ("tr", "li", "dt"))
    ends = [body.find(f"</{tag}>", start) for tag in ("tr", "li", "dt")]
    return texts(body[begin : min(end for end in ends if end != -1)])


def totals(body):
    """The home page's totals: {"Deployments": 3, …}."""
    found = re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", body, flags=re.S)
    return {name: int(strip_tags(value).replace(",", "")) for name, value in found}


@pytest.mark.usefixtures("world")
class TestCounts:
    def test_the_home_totals_count_published_entries_and_each_source_once(self, client):
        assert totals(page(client, "/en/")) == {
            "Deployments": 3,
            "Countries": 2,
            "Vendors": 1,
            "Sources cited": 2,
        }

    def test_the_vendor_list_counts_only_published_entries_and_their_countries(self, client):
        body = page(client, "/en/vendors/")
        assert row(body, 'href="/en/vendors/acme/"') == ["Acme Vision", "China", "2", "1"]
        assert row(body, 'href="/en/vendors/ghost/"') == ["Ghost Systems", "China", "0", "0"]

    def test_the_technology_list_counts_only_published_entries(self, client):
        body = page(client, "/en/technologies/")
        assert row(body, 'href="/en/technologies/gait/"') == ["Gait recognition", "1"]

    def test_the_source_list_counts_only_claims_in_published_entries(self, client):
        body = page(client, "/en/sources/")
        assert row(body, 'href="/en/sources/shared/"')[-1] == "2"
        assert row(body, 'href="/en/sources/draft-only/"')[-1] == "0"

    def test_the_country_list_shows_only_countries_with_published_entries(self, client):
        body = main(page(client, "/en/countries/"))
        assert "Serbia" in body
        assert "Kenya" in body
        for name in ("France", "Ecuador", "Japan", "United States"):
            assert name not in body


@pytest.mark.usefixtures("world")
class TestTheVendorPage:
    def test_it_lists_only_countries_with_published_entries(self, client):
        response = client.get("/en/vendors/acme/")
        assert [(c.name, c.deployment_count) for c in response.context["countries"]] == [
            ("Serbia", 2)
        ]
        body = main(response.content.decode())
        assert "Serbia" in body
        for name in ("France", "Ecuador", "United States"):
            assert name not in body

    def test_its_map_counts_only_published_entries(self, client):
        body = main(page(client, "/en/vendors/acme/"))
        map_table = body.split('id="vendor-map-caption">', 1)[1].split("</table>", 1)[0]
        assert texts(map_table) == [
            "Where Acme Vision has supplied",
            "Country",
            "Entries",
            "Serbia",
            "2",
        ]

    def test_its_timeline_shows_only_the_years_of_published_entries(self, client):
        body = page(client, "/en/vendors/acme/")
        assert "2019: 1 deployment" in body
        assert "2020: 1 deployment" in body
        for year in ("2011", "2015", "2016"):
            assert f"{year}:" not in body

    def test_a_vendor_with_only_drafts_has_nothing_to_show(self, client):
        body = main(page(client, "/en/vendors/ghost/"))
        assert "No published deployment names this vendor yet." in body
        assert "On the map" not in body
        assert "Japan" not in body
        assert "Ghost draft entry" not in body
        assert "Quito" not in body


@pytest.mark.usefixtures("world")
class TestListsAndExports:
    def test_the_deployment_list_shows_published_entries_newest_first(self, client):
        response = client.get("/en/deployments/?sort=newest")
        assert [d.slug for d in response.context["deployments"]] == ["nairobi", "nis", "belgrade"]

    def test_the_csv_export_holds_only_published_entries(self, client):
        response = client.get("/en/deployments/?format=csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert {r["slug"] for r in read_csv(text)} == PUBLISHED_SLUGS

    def test_the_json_export_holds_only_published_entries(self, client):
        response = client.get("/en/deployments/?format=json")
        data = json.loads(b"".join(response.streaming_content))
        assert {r["slug"] for r in data["results"]} == PUBLISHED_SLUGS

    def test_the_source_page_of_a_source_cited_only_by_drafts_quotes_nothing(self, client):
        body = main(page(client, "/en/sources/draft-only/"))
        assert "Quito" not in body
        assert "Ghost draft entry" not in body

    def test_a_retracted_entry_keeps_its_page_marked_as_retracted(self, client):
        body = page(client, "/en/deployments/withdrawn/")
        assert "The source withdrew the story." in body
        assert "Withdrawn entry" not in page(client, "/en/deployments/")

    @pytest.mark.parametrize("slug", ["paris-draft", "quito-review", "ghost-draft"])
    def test_an_unpublished_entry_has_no_page(self, client, slug):
        assert client.get(f"/en/deployments/{slug}/").status_code == 404


def test_recent_changes_show_an_entry_returned_to_draft_as_it_was_published_and_unlinked(client):
    kept = published_deployment(title="Still published entry")
    hidden = published_deployment(title="Entry back in draft")
    for entry in (kept, hidden):
        entry.summary = "Corrected after publication."
        entry.save()
    workflow.unpublish(hidden)
    hidden.title = "Draft title no reader has seen"
    hidden.save()
    body = main(page(client, "/en/changes/"))
    assert "Still published entry" in body
    assert 'Entry back in draft <span class="muted">(no longer published)</span>' in body
    assert hidden.get_absolute_url() not in body
    assert "Draft title no reader has seen" not in body


def test_recent_changes_list_a_retraction_as_such(client):
    entry = published_deployment(title="Entry later withdrawn")
    workflow.retract(entry, "Wrong country.")
    body = main(page(client, "/en/changes/"))
    assert "Entry later withdrawn" in body
    assert "(retracted)" in body
