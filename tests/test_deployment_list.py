"""The deployment list: each filter narrows alone and combined, the URL keeps the state."""

import pytest
from django.utils.http import urlencode

from tests.conftest import rows_for_class
from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    SourceFactory,
    TechnologyFactory,
    VendorAliasFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.models import Deployment, Source

pytestmark = pytest.mark.django_db
URL = "/en/deployments/"


def listed(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content[:500]
    return {d.slug for d in response.context["deployments"]}


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """Three published entries (Serbia, the United States, Kenya), a draft and one in review."""
    with rows_for_class(django_db_blocker):
        make_world()
        yield


def make_world():
    huawei = VendorFactory(name="Huawei", slug="huawei")
    hikvision = VendorFactory(name="Hikvision", slug="hikvision")
    VendorAliasFactory(vendor=hikvision, name="Hikvsion")
    face = TechnologyFactory(name="Face matching", slug="face-matching")
    cctv = TechnologyFactory(name="Camera networks", slug="camera-networks")
    published_deployment(
        slug="belgrade",
        title="Belgrade Safe City",
        country=country("RS"),
        locality="Belgrade",
        vendors=[huawei],
        technologies=[face, cctv],
        origin_countries=[country("CN")],
        status=Deployment.Status.DEPLOYING,
        start_year=2019,
    )
    published_deployment(
        slug="boston",
        title="State police cameras",
        country=country("US"),
        locality="Massachusetts",
        vendors=[hikvision],
        technologies=[cctv],
        status=Deployment.Status.ACTIVE,
        start_year=2012,
        summary="Used by the police for years.",
    )
    published_deployment(
        slug="nairobi",
        title="Nairobi safe city",
        country=country("KE"),
        vendors=[huawei],
        technologies=[cctv],
        status=Deployment.Status.ACTIVE,
    )
    for state in (Deployment.State.DRAFT, Deployment.State.REVIEW):
        DeploymentFactory(
            slug=f"{state}-in-serbia",
            title=f"Belgrade {state}",
            country=country("RS"),
            vendors=[huawei],
            state=state,
        )


@pytest.mark.usefixtures("world")
class TestFilters:
    def test_with_no_filter_it_lists_every_published_deployment(self, client):
        assert listed(client) == {"belgrade", "boston", "nairobi"}

    def test_it_filters_by_country_code_in_any_case(self, client):
        assert listed(client, "?country=RS") == {"belgrade"}
        assert listed(client, "?country=rs") == {"belgrade"}

    def test_repeating_a_country_lists_either(self, client):
        assert listed(client, "?country=RS&country=us") == {"belgrade", "boston"}

    def test_it_filters_by_region(self, client):
        assert listed(client, "?region=Europe") == {"belgrade"}
        assert listed(client, "?region=Africa&region=Americas") == {"nairobi", "boston"}

    def test_it_filters_by_vendor(self, client):
        assert listed(client, "?vendor=huawei") == {"belgrade", "nairobi"}

    def test_it_filters_by_technology(self, client):
        assert listed(client, "?technology=face-matching") == {"belgrade"}

    def test_it_filters_by_origin_country(self, client):
        assert listed(client, "?origin=cn") == {"belgrade"}

    def test_it_filters_by_status(self, client):
        assert listed(client, "?status=active") == {"boston", "nairobi"}

    def test_it_filters_by_start_year_range(self, client):
        assert listed(client, "?start_year_min=2015") == {"belgrade"}
        assert listed(client, "?start_year_max=2015") == {"boston"}
        assert listed(client, "?start_year_min=2010&start_year_max=2020") == {
            "belgrade",
            "boston",
        }

    def test_it_filters_by_decade_including_unknown_years(self, client):
        assert listed(client, "?decade=2010") == {"belgrade", "boston"}
        assert listed(client, "?decade=unknown") == {"nairobi"}

    def test_filters_combine(self, client):
        assert listed(client, "?vendor=huawei&country=KE") == {"nairobi"}
        assert listed(client, "?vendor=huawei&technology=face-matching&status=active") == set()
        assert listed(client, "?region=Europe&vendor=hikvision") == set()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("Belgrade", {"belgrade"}),  # title
            ("massachusetts", {"boston"}),  # locality
            ("police for years", {"boston"}),  # summary
            ("hikvision", {"boston"}),  # vendor name
            ("Hikvsion", {"boston"}),  # vendor alias
            ("claim", {"belgrade", "boston", "nairobi"}),  # citation quote
            ("safe city", {"belgrade", "nairobi"}),
            ("nothing-like-this", set()),
        ],
    )
    def test_the_text_query_searches_entries_vendors_aliases_and_quotes(
        self, client, query, expected
    ):
        assert listed(client, "?q=" + query) == expected

    def test_the_result_count_is_shown(self, client):
        response = client.get(URL + "?vendor=huawei")
        assert "2 deployments" in response.content.decode()

    @pytest.mark.parametrize(
        "query", ["", "?country=RS", "?vendor=huawei", "?q=Belgrade", "?region=Europe"]
    )
    def test_drafts_and_entries_in_review_never_appear(self, client, query):
        assert listed(client, query) & {"draft-in-serbia", "review-in-serbia"} == set()
        body = client.get(URL + query).content.decode()
        assert "Belgrade draft" not in body and "Belgrade review" not in body

    def test_facets_count_what_each_option_would_give(self, client):
        response = client.get(URL + "?vendor=huawei")
        facets = {facet["param"]: facet for facet in response.context["facets"]}
        countries = {o["value"]: o["count"] for o in facets["country"]["options"]}
        assert countries == {"RS": 1, "KE": 1}
        # Within the vendor facet, the other vendor is offered with what it would add.
        vendors = {o["value"]: (o["count"], o["checked"]) for o in facets["vendor"]["options"]}
        assert vendors == {"huawei": (2, True), "hikvision": (1, False)}
        # The chosen option leads its list, so it stays in sight in a long one.
        assert [o["value"] for o in facets["vendor"]["options"]] == ["huawei", "hikvision"]

    def test_it_sorts_by_newest_country_and_year(self, client):
        def order(query):
            response = client.get(URL + query)
            return [d.slug for d in response.context["deployments"]]

        assert order("?sort=year") == ["boston", "belgrade", "nairobi"]
        assert order("?sort=country") == ["nairobi", "belgrade", "boston"]
        assert order("?sort=newest")[0] == "nairobi"


def test_readers_can_narrow_to_a_dataset_from_the_sidebar(client):
    sii = SourceFactory(slug="sii", title="Surveillance Industry Index", kind=Source.Kind.DATASET)
    aigs = SourceFactory(
        slug="aigs", title="AI Global Surveillance Index", kind=Source.Kind.DATASET
    )
    article = SourceFactory(slug="article", title="An article", kind=Source.Kind.NEWS_ARTICLE)
    both = published_deployment(slug="both", country=country("RS"))
    CitationFactory(deployment=both, source=sii)
    CitationFactory(deployment=both, source=article)
    CitationFactory(
        deployment=published_deployment(slug="sii-only", country=country("FR")), source=sii
    )
    CitationFactory(
        deployment=published_deployment(slug="aigs-rs", country=country("RS")), source=aigs
    )
    published_deployment(slug="article-only")

    response = client.get(URL + "?country=RS")
    facets = {facet["param"]: facet for facet in response.context["facets"]}
    datasets = {o["label"]: o["count"] for o in facets["dataset"]["options"]}
    # Only datasets are offered, counted within the other filters (here: Serbia).
    assert datasets == {"Surveillance Industry Index": 1, "AI Global Surveillance Index": 1}
    assert 'name="dataset" value="sii"' in response.content.decode()
    assert listed(client, "?dataset=sii") == {"both", "sii-only"}
    assert listed(client, "?dataset=sii&dataset=aigs&country=RS") == {"both", "aigs-rs"}


def found(client, text):
    return listed(client, "?" + urlencode({"q": text}))


def test_the_search_follows_edits_made_after_an_entry_is_published(client):
    vendor = VendorFactory(name="Zenvision")
    deployment = published_deployment(slug="plain", title="Plain entry", vendors=[vendor])
    VendorAliasFactory(vendor=vendor, name="Zenvizion")
    assert found(client, "Zenvizion") == {"plain"}
    vendor.name = "Zenithvision"
    vendor.save()
    assert found(client, "Zenithvision") == {"plain"}
    assert found(client, "Zenvision") == set()
    citation = deployment.citations.get()
    citation.quote = "Words quoted later"
    citation.save()
    assert found(client, "quoted later") == {"plain"}
    deployment.vendors.remove(vendor)
    assert found(client, "Zenithvision") == set()


def test_a_deleted_vendor_no_longer_matches_a_search(client):
    vendor = VendorFactory(name="Zenvision")
    published_deployment(slug="plain", title="Plain entry", vendors=[vendor])
    assert found(client, "Zenvision") == {"plain"}
    vendor.delete()
    assert found(client, "Zenvision") == set()


def test_a_deleted_technology_no_longer_matches_a_search(client):
    technology = TechnologyFactory(name="Gaitscan")
    published_deployment(slug="plain", title="Plain entry", technologies=[technology])
    assert found(client, "Gaitscan") == {"plain"}
    technology.delete()
    assert found(client, "Gaitscan") == set()


def test_the_article_lists_belgrade_by_huawei_for_serbia_and_nothing_from_the_us(client, article):
    response = client.get(URL + "?country=RS")
    deployments = list(response.context["deployments"])
    assert [d.slug for d in deployments] == ["belgrade-huawei-safe-city"]
    assert [v.slug for v in deployments[0].vendors.all()] == ["huawei"]
    body = response.content.decode()
    assert "1 deployment<" in body
    results = body.split('class="results"')[1]
    assert 'href="/en/deployments/belgrade-huawei-safe-city/"' in results
    assert 'href="/en/vendors/huawei/"' in results
    for american in Deployment.objects.filter(country__iso2="US"):
        assert american.get_absolute_url() not in body
        assert american.locality not in results


def test_pagination_keeps_the_filters(client, settings):
    settings.TRACKER_PAGE_SIZE = 2
    for n in range(5):
        published_deployment(slug=f"rs-{n}", country=country("RS"))
    published_deployment(slug="elsewhere", country=country("FR"))
    response = client.get(URL + "?country=RS")
    body = response.content.decode()
    assert "5 deployments" in body
    assert 'href="?country=RS&amp;page=2"' in body
    second = client.get(URL + "?country=RS&page=2")
    assert len(second.context["deployments"]) == 2
    assert all(d.country.iso2 == "RS" for d in second.context["deployments"])
    second_body = second.content.decode()
    assert 'href="?country=RS&amp;page=1"' in second_body
    assert 'href="?country=RS&amp;page=3"' in second_body


def test_pagination_keeps_repeated_filters_and_the_search(client, settings):
    settings.TRACKER_PAGE_SIZE = 2
    for n in range(3):
        published_deployment(slug=f"rs-{n}", title=f"Cameras {n}", country=country("RS"))
        published_deployment(slug=f"fr-{n}", title=f"Cameras {n}", country=country("FR"))
    published_deployment(slug="ke", title="Cameras", country=country("KE"))
    body = client.get(URL + "?country=RS&country=fr&q=cameras").content.decode()
    assert "6 deployments" in body
    assert 'href="?country=RS&amp;country=fr&amp;q=cameras&amp;page=2"' in body
    last = client.get(URL + "?country=RS&country=fr&q=cameras&page=3")
    assert {d.slug[:2] for d in last.context["deployments"]} <= {"rs", "fr"}
    assert len(last.context["deployments"]) == 2


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(client, settings):
    settings.TRACKER_PAGE_SIZE = 2
    for n in range(3):
        published_deployment(slug=f"d-{n}")
    response = client.get(URL + "?page=99")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    # The whole notice, as the reader reads it (nothing around the sentence).
    notice = '<p class="notice" role="status">There is no page “99”; showing page 2.</p>'
    assert notice in response.content.decode()


def test_the_sort_menu_offers_every_order_with_the_chosen_one_selected(client):
    published_deployment()
    body = client.get(URL, {"sort": "newest"}).content.decode()
    assert '<option value="newest" selected>Newest first</option>' in body
    for value, label in (("sourced", "Best sourced first"), ("country", "Country")):
        assert f'<option value="{value}">{label}</option>' in body
