"""The deployment list at its edges: year and decade limits, the sorts, and facets' own filters.

Every entry here has its own start year, place and publication date, so that a limit moved by
one year, a facet that forgets to leave out its own filter, or a sort that falls back to the
title shows up as a different list.
"""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.http import QueryDict

from tests.conftest import rows_for_class
from tests.factories import (
    TechnologyFactory,
    VendorFactory,
    country,
    published_deployment,
    published_on,
)
from tracker.browse.filters import DeploymentFilter
from tracker.models import Deployment

pytestmark = pytest.mark.django_db
URL = "/en/deployments/"


def listed(client, query):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content[:500]
    return [d.slug for d in response.context["deployments"]]


def facet(client, query, param):
    """{option value: count} of one facet in the sidebar of the list for ``query``."""
    # Rendered afresh: a second request for the same URL would come from the page cache
    # (tracker.ops.cache), without the context read here.
    cache.clear()
    response = client.get(URL + query)
    assert response.status_code == 200
    (found,) = [f for f in response.context["facets"] if f["param"] == param]
    return {option["value"]: option["count"] for option in found["options"]}


@pytest.fixture(scope="class")
def years(django_db_setup, django_db_blocker):
    """Entries starting in 2009, 2010, 2015, 2019 and 2020, and one with no known year."""
    with rows_for_class(django_db_blocker):
        for year, iso2 in [(2009, "RS"), (2010, "KE"), (2015, "FR"), (2019, "RS"), (2020, "EC")]:
            published_deployment(slug=f"from-{year}", start_year=year, country=country(iso2))
        published_deployment(slug="undated", country=country("KE"))
        yield


@pytest.mark.usefixtures("years")
class TestYearLimits:
    def test_started_in_or_after_includes_the_year_given(self, client):
        assert set(listed(client, "?start_year_min=2015")) == {
            "from-2015",
            "from-2019",
            "from-2020",
        }

    def test_started_in_or_before_includes_the_year_given(self, client):
        assert set(listed(client, "?start_year_max=2015")) == {
            "from-2009",
            "from-2010",
            "from-2015",
        }

    def test_a_range_of_one_year_lists_that_year(self, client):
        assert listed(client, "?start_year_min=2019&start_year_max=2019") == ["from-2019"]

    def test_a_decade_runs_from_its_first_to_its_ninth_year(self, client):
        assert set(listed(client, "?decade=2010")) == {"from-2010", "from-2015", "from-2019"}

    def test_the_year_after_a_decade_belongs_to_the_next(self, client):
        assert listed(client, "?decade=2020") == ["from-2020"]
        assert listed(client, "?decade=2000") == ["from-2009"]

    def test_the_decade_facet_counts_each_decade_not_each_year(self, client):
        counts = facet(client, "", "decade")
        assert counts == {"2000": 1, "2010": 3, "2020": 1, "unknown": 1}

    def test_the_decade_facet_names_each_decade_as_readers_say_it(self, client):
        response = client.get(URL)
        (decades,) = [f for f in response.context["facets"] if f["param"] == "decade"]
        labels = [option["label"] for option in decades["options"]]
        assert labels == ["2000s", "2010s", "2020s", "Year not known"]

    def test_the_decade_facet_shows_what_ticking_another_decade_would_give(self, client):
        counts = facet(client, "?decade=2020", "decade")
        assert counts["2010"] == 3
        assert counts["2020"] == 1

    def test_a_chosen_decade_without_entries_stays_offered_with_no_result(self, client):
        counts = facet(client, "?decade=2100", "decade")
        assert counts == {"2000": 1, "2010": 3, "2020": 1, "2100": 0, "unknown": 1}

    def test_the_country_facet_shows_the_other_countries_while_one_is_chosen(self, client):
        counts = facet(client, "?country=RS", "country")
        assert counts == {"RS": 2, "KE": 2, "FR": 1, "EC": 1}

    def test_the_country_facet_still_narrows_by_the_other_filters(self, client):
        counts = facet(client, "?country=RS&decade=2010", "country")
        assert counts == {"RS": 1, "KE": 1, "FR": 1}

    def test_the_region_facet_shows_the_other_regions_while_one_is_chosen(self, client):
        counts = facet(client, "?region=Europe", "region")
        assert counts["Africa"] == 2
        assert counts["Americas"] == 1
        assert counts["Europe"] == 3


@pytest.fixture
def dated(db):
    """Three entries published on three days, in an order that is neither by title nor place."""
    for slug, title, iso2, day in [
        ("middle", "Alpha cameras", "FR", 10),
        ("newest", "Bravo cameras", "RS", 20),
        ("oldest", "Charlie cameras", "EC", 1),
    ]:
        entry = published_deployment(slug=slug, title=title, country=country(iso2))
        published_on(entry, datetime(2025, 3, day, tzinfo=UTC))


def test_newest_first_lists_entries_by_publication_date(client, dated):
    assert listed(client, "?sort=newest") == ["newest", "middle", "oldest"]


def test_the_home_page_lists_the_latest_entries_newest_first(client, dated):
    response = client.get("/en/")
    assert [d.slug for d in response.context["latest"]] == ["newest", "middle", "oldest"]
    body = response.content.decode()
    assert body.index("Bravo cameras") < body.index("Alpha cameras") < body.index("Charlie")


def test_sorting_by_country_follows_the_country_names(client, dated):
    # Ecuador, France, Serbia.
    assert listed(client, "?sort=country") == ["oldest", "middle", "newest"]


def test_a_search_lists_entries_named_after_the_words_before_those_that_only_mention_them(
    client,
):
    vendor = VendorFactory(name="Hikvision", slug="hikvision")
    published_deployment(slug="mention", title="Airport cameras", vendors=[vendor])
    published_deployment(slug="named", title="Zagreb Hikvision cameras", vendors=[vendor])
    assert listed(client, "?q=hikvision") == ["named", "mention"]
    assert listed(client, "?q=hikvision&sort=relevance") == ["named", "mention"]


@pytest.mark.usefixtures("years")
class TestSeveralDecades:
    def test_two_decades_list_either(self, client):
        assert set(listed(client, "?decade=2000&decade=2020")) == {"from-2009", "from-2020"}

    def test_year_not_known_lists_entries_without_a_start_year(self, client):
        assert listed(client, "?decade=unknown") == ["undated"]

    def test_year_not_known_combines_with_a_decade(self, client):
        assert set(listed(client, "?decade=2020&decade=unknown")) == {"undated", "from-2020"}
        assert set(listed(client, "?decade=unknown&decade=2000")) == {"undated", "from-2009"}

    def test_the_last_plausible_decade_can_be_chosen(self, client):
        assert listed(client, "?decade=2100") == []

    def test_a_year_is_not_a_decade(self, client):
        response = client.get(URL + "?decade=2015")
        assert response.status_code == 400
        assert "2015 is not one of the available choices" in response.content.decode()


def refusal(client, query):
    response = client.get(URL + query)
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.django_db
class TestUnknownValues:
    def test_an_unknown_code_is_named_in_the_refusal(self, client):
        body = refusal(client, "?country=ZZ")
        assert "“ZZ” is not a known country code (use ISO alpha-2, e.g. RS)." in body

    def test_a_long_unknown_value_is_shown_cut_to_forty_characters(self, client):
        body = refusal(client, "?vendor=" + "v" * 60)
        assert "“" + "v" * 39 + "…” is not a known vendor." in body

    def test_a_value_longer_than_any_slug_is_refused_by_name(self, client):
        body = refusal(client, "?technology=" + "t" * 101)
        assert "“" + "t" * 39 + "…” is not a known technology." in body

    def test_a_value_longer_than_any_slug_is_refused_without_a_lookup(
        self, django_assert_num_queries
    ):
        # Refused before the database: PostgreSQL would be asked for a slug none can match.
        filterset = DeploymentFilter(QueryDict("technology=" + "t" * 101))
        with django_assert_num_queries(0):
            assert not filterset.is_valid()
        assert "is not a known technology." in str(filterset.errors["technology"])

    def test_a_plain_text_refusal_quotes_the_value_without_markup_characters(self, client):
        # A CSV export answers a bad filter in plain text, where nothing would escape a tag.
        response = client.get(URL, {"vendor": "<script>x", "format": "csv"})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        body = response.content.decode()
        assert "vendor: “scriptx” is not a known vendor." in body
        assert "<" not in body and ">" not in body


@pytest.fixture
def abandoned(db):
    published_deployment(slug="done", title="Completed cameras")
    published_deployment(
        slug="abandoned", title="Abandoned cameras", status=Deployment.Status.NOT_COMPLETED
    )


def test_entries_a_source_says_never_completed_are_listed_only_when_asked_for(client, abandoned):
    assert listed(client, "?sort=country") == ["done"]
    assert listed(client, "?status=not_completed") == ["abandoned"]


def test_the_bare_list_leaves_out_entries_never_completed(client, abandoned):
    assert listed(client, "") == ["done"]


def test_by_default_entries_naming_their_supplier_come_first(client):
    vendor = VendorFactory(name="Acme Vision", slug="acme")
    published_deployment(slug="unnamed", title="Austria cameras", country=country("AT"))
    published_deployment(
        slug="named", title="Zambia cameras", country=country("ZM"), vendors=[vendor]
    )
    assert listed(client, "") == ["named", "unnamed"]
    assert listed(client, "?sort=sourced") == ["named", "unnamed"]
    assert listed(client, "?country=AT&country=ZM") == ["named", "unnamed"]


def test_the_status_facet_offers_never_completed_entries_that_other_facets_leave_out(
    client, abandoned
):
    assert facet(client, "?sort=country", "status")["not_completed"] == 1
    assert facet(client, "?sort=country", "country") == {"RS": 1}
    assert facet(client, "?status=not_completed", "country") == {"RS": 1}


def test_a_chosen_vendor_without_entries_among_the_other_filters_shows_no_result(client):
    vendor = VendorFactory(name="Acme Vision", slug="acme")
    published_deployment(slug="serbia", country=country("RS"), vendors=[vendor])
    published_deployment(slug="france", country=country("FR"))
    assert listed(client, "?vendor=acme&country=FR") == []
    assert facet(client, "?vendor=acme&country=FR", "vendor") == {"acme": 0}


def test_an_entry_matching_two_ticked_options_is_counted_once_in_other_facets(client):
    faces = TechnologyFactory(name="Face matching", slug="faces")
    cameras = TechnologyFactory(name="Camera networks", slug="cameras")
    published_deployment(slug="both", technologies=[faces, cameras])
    query = "?technology=faces&technology=cameras"
    assert listed(client, query) == ["both"]
    assert facet(client, query, "country") == {"RS": 1}
    assert facet(client, query, "status")["reported"] == 1
