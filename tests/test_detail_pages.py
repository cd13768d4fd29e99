"""Detail pages: every field, the citations in the source's words, drafts hidden, 404s."""

import pytest
from django.utils.html import escape

from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    SourceFactory,
    TechnologyFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.models import Citation, Deployment

pytestmark = pytest.mark.django_db


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.usefixtures("article")
class TestTheArticlesPages:
    def test_every_deployment_page_quotes_the_article_and_links_to_it(self, client):
        for deployment in Deployment.objects.published():
            body = page(client, deployment.get_absolute_url())
            citations = Citation.objects.filter(deployment=deployment)
            assert citations.exists()
            for citation in citations:
                assert escape(citation.quote) in body
            article = citations.filter(source__slug="qg-2021-08-28-surveillance-export")[0].source
            assert f'href="{escape(article.url)}"' in body

    def test_the_belgrade_page_shows_every_field(self, client):
        body = page(client, "/deployments/belgrade-huawei-safe-city/")
        for text in [
            "Serbia",
            "Belgrade",
            "Huawei",
            "China",
            "Facial recognition",
            "Being deployed",
            "milliers de caméras",
            "Xiao Qiang",
            "Cite this entry",
        ]:
            assert escape(text) in body, text
        assert "À l’image de Belgrade, qui est en train de se doter" in body

    def test_the_country_page_lists_its_deployments_and_vendors(self, client):
        body = page(client, "/countries/united-states/")
        assert body.count("state police use Hikvision") == 3
        assert "Hikvision" in body and "Huawei" not in body

    def test_the_vendor_page_lists_deployments_by_country_and_designations(self, client):
        body = page(client, "/vendors/hikvision/")
        for text in ["United States", "France", "China", "United States government"]:
            assert text in body, text
        assert "October 2019" in body
        assert "huit entreprises chinoises" in body

    def test_the_source_page_lists_the_claims_that_cite_it(self, client):
        body = page(client, "/sources/qg-2021-08-28-surveillance-export/")
        for deployment in Deployment.objects.published():
            assert escape(deployment.title) in body

    def test_a_source_credited_by_the_article_lists_what_it_is_credited_for(self, client):
        body = page(client, "/sources/thomson-reuters-foundation-2021-02/")
        assert "London boroughs" in body
        assert "no URL known" in body

    def test_the_technology_page_says_where_and_by_whom(self, client):
        body = page(client, "/technologies/facial-recognition/")
        assert "Serbia" in body and "Huawei" in body

    def test_the_findings_page_shows_the_carnegie_count_with_its_source(self, client):
        body = page(client, "/findings/")
        assert "63 countries" in body
        assert "63 pays ont ainsi importé" in body

    def test_the_home_page_gives_totals_and_latest_entries(self, client):
        body = page(client, "/")
        assert "Belgrade" in body
        assert ">8</a>" in body


def test_a_draft_is_hidden_from_readers_everywhere(client):
    vendor = VendorFactory(slug="acme", name="Acme")
    technology = TechnologyFactory(slug="gait", name="Gait")
    source = SourceFactory(slug="leak")
    draft = DeploymentFactory(
        title="Secret draft entry",
        state=Deployment.State.DRAFT,
        published_at=None,
        country=country("FR"),
        vendors=[vendor],
        technologies=[technology],
    )
    CitationFactory(deployment=draft, source=source)
    page(client, draft.get_absolute_url(), status=404)
    for path in [
        "/",
        "/deployments/",
        "/deployments/?country=FR",
        "/countries/france/",
        "/vendors/acme/",
        "/technologies/gait/",
        "/sources/leak/",
    ]:
        assert "Secret draft entry" not in page(client, path), path


@pytest.mark.parametrize(
    "path",
    [
        "/deployments/no-such-entry/",
        "/countries/atlantis/",
        "/vendors/nobody/",
        "/sources/nothing/",
        "/technologies/telepathy/",
        "/no/such/page/",
    ],
)
def test_an_unknown_address_is_a_404_page(client, path):
    body = page(client, path, status=404)
    assert "Page not found" in body


def test_a_country_without_entries_says_so(client):
    body = page(client, "/countries/germany/")
    assert "No published deployment in this country yet." in body


def test_a_deployment_with_no_vendor_says_so_rather_than_guess(client):
    deployment = published_deployment(title="Unattributed cameras")
    body = page(client, deployment.get_absolute_url())
    assert "not named by the sources" in body
    assert "not stated" in body
