"""Detail pages: every field, the citations in the source's words, drafts hidden, 404s."""

import datetime

import pytest
from django.utils.html import escape

from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    DesignationFactory,
    FindingFactory,
    SourceFactory,
    TechnologyFactory,
    VendorAliasFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.editorial import workflow
from tracker.models import Citation, DatePrecision, Deployment, Source

pytestmark = pytest.mark.django_db

ARTICLE = "qg-2021-08-28-surveillance-export"


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


def shows(body, *texts):
    """Every text appears in the page, as Django's autoescaping writes it."""
    missing = [text for text in texts if escape(text) not in body]
    assert missing == []


@pytest.mark.usefixtures("article_for_class")
class TestTheArticlesPages:
    def test_the_belgrade_page_quotes_the_article_word_for_word_and_links_to_it(self, client):
        quote = Citation.objects.get(
            deployment__slug="belgrade-huawei-safe-city", quote__startswith="À l’image de Belgrade"
        ).quote
        article = Source.objects.get(slug=ARTICLE)
        body = page(client, "/en/deployments/belgrade-huawei-safe-city/")
        assert escape(quote) in body
        assert f'href="{escape(article.url)}"' in body

    def test_the_belgrade_page_shows_every_field(self, client):
        body = page(client, "/en/deployments/belgrade-huawei-safe-city/")
        shows(
            body,
            "Safe City",
            "Serbia",
            "Belgrade",
            "Huawei",
            "China",
            "Facial recognition",
            "Being deployed",
            "milliers de caméras",
            "Xiao Qiang",
            "Cite this entry",
        )

    def test_every_deployment_page_quotes_each_of_its_citations_and_links_to_the_article(
        self, client
    ):
        article = Source.objects.get(slug=ARTICLE)
        for deployment in Deployment.objects.published():
            body = page(client, deployment.get_absolute_url())
            citations = Citation.objects.filter(deployment=deployment)
            assert citations.exists()
            for citation in citations:
                assert escape(citation.quote) in body, deployment.slug
            assert f'href="{escape(article.url)}"' in body, deployment.slug

    def test_the_country_page_lists_its_deployments_and_vendors(self, client):
        body = page(client, "/en/countries/united-states/")
        for locality in ["Massachusetts", "Colorado", "Tennessee"]:
            assert locality in body
        assert "Hikvision" in body
        assert "Huawei" not in body
        assert "Belgrade" not in body
        restrictions = body.split("Restrictions on these vendors")[1].split("</section>")[0]
        assert "Hikvision" in restrictions
        assert "Dahua" not in restrictions  # Dahua supplied France, not the United States

    def test_the_vendor_page_lists_deployments_by_country_and_designations(self, client):
        body = page(client, "/en/vendors/hikvision/")
        shows(body, "United States", "France", "China", "Massachusetts")
        shows(body, "United States government", "Blacklist of Chinese AI companies")
        assert "October 2019" in body
        assert "huit entreprises chinoises" in body
        countries = body.split("Countries supplied")[1].split("</section>")[0]
        assert countries.index("China") < countries.index("France")
        assert countries.index("France") < countries.index("United States")

    def test_the_source_page_lists_the_claims_that_cite_it(self, client):
        body = page(client, f"/en/sources/{ARTICLE}/")
        for deployment in Deployment.objects.published():
            assert escape(deployment.title) in body
        shows(body, "Julien Moschetti", "QG", "28 August 2021", "News article")
        article = Source.objects.get(slug=ARTICLE)
        assert f'href="{escape(article.url)}"' in body

    def test_a_source_credited_by_the_article_lists_what_it_is_credited_for(self, client):
        body = page(client, "/en/sources/thomson-reuters-foundation-2021-02/")
        assert "London boroughs" in body
        assert "no URL known" in body

    def test_the_technology_page_says_where_and_by_whom(self, client):
        body = page(client, "/en/technologies/facial-recognition/")
        assert "Serbia" in body and "Huawei" in body
        assert "Hikvision" not in body

    def test_the_findings_page_shows_the_carnegie_count_with_its_source(self, client):
        body = page(client, "/en/findings/")
        assert "63 countries" in body
        assert "63 pays ont ainsi importé" in body

    def test_the_home_page_gives_totals_and_latest_entries(self, client):
        body = page(client, "/en/")
        assert "Belgrade" in body
        assert ">8</a>" in body


def test_a_deployment_page_shows_every_field_and_its_citations(client):
    vendor = VendorFactory(name="Acme Vision", headquarters=country("CN"))
    technology = TechnologyFactory(name="Gait recognition")
    credited = SourceFactory(title="The original investigation", url=None)
    deployment = published_deployment(
        title="Cameras in Novi Sad",
        summary="The city bought cameras.",
        country=country("RS"),
        locality="Novi Sad",
        operator="Novi Sad city police",
        scale="120 cameras",
        status=Deployment.Status.ACTIVE,
        start_year=2015,
        end_year=2019,
        vendors=[vendor],
        technologies=[technology],
        origin_countries=[country("CN")],
    )
    source = SourceFactory(
        title="Cameras everywhere",
        url="https://news.example.org/cameras?id=1&lang=en",
        publisher="Example Daily",
        published_on=datetime.date(2020, 12, 1),
        published_on_precision=DatePrecision.MONTH,
    )
    CitationFactory(
        deployment=deployment,
        source=source,
        quote="La ville a acheté « 120 caméras » & plus.",
        locator="paragraph 4",
        attributed_to=credited,
    )

    body = page(client, deployment.get_absolute_url())

    shows(
        body,
        "Cameras in Novi Sad",
        "The city bought cameras.",
        "Serbia",
        "Novi Sad",
        "Acme Vision",
        "China",
        "Gait recognition",
        "Novi Sad city police",
        "Active",
        "2015–2019",
        "120 cameras",
        "La ville a acheté « 120 caméras » & plus.",
        "Cameras everywhere",
        "Example Daily",
        "December 2020",
        "paragraph 4",
        "The original investigation",
    )
    assert f'href="{escape(source.url)}"' in body
    assert f'href="{vendor.get_absolute_url()}"' in body
    assert f'href="{source.get_absolute_url()}"' in body


def test_a_country_page_shows_its_codes_and_region(client):
    published_deployment(country=country("RS"), title="Serbian entry")
    body = page(client, "/en/countries/serbia/")
    shows(body, "Serbia", "RS", "SRB", "Southern Europe", "Serbian entry")


def test_a_country_page_lists_the_vendors_present_with_their_headquarters(client):
    vendor = VendorFactory(name="Acme Vision", headquarters=country("CN"))
    published_deployment(country=country("KE"), vendors=[vendor])
    body = page(client, "/en/countries/kenya/")
    present = body.split("Vendors present")[1].split("</section>")[0]
    assert "Acme Vision" in present
    assert "China" in present


def test_a_vendor_page_shows_every_field_and_its_designations(client):
    vendor = VendorFactory(
        name="Acme Vision",
        headquarters=country("CN"),
        headquarters_source=SourceFactory(title="Trade register extract"),
        headquarters_quote="Acme Vision, Shenzhen",
        headquarters_locator="entry 12",
        website="https://acme.example.com/",
        description="Makes cameras.",
    )
    VendorAliasFactory(vendor=vendor, name="Akme")
    DesignationFactory(
        vendor=vendor,
        authority="United States government",
        list_name="Entity List",
        listed_on=datetime.date(2019, 10, 7),
        note="Listed with seven others.",
        quote="Acme was added to the Entity List.",
    )
    published_deployment(country=country("KE"), vendors=[vendor], title="Nairobi cameras")
    published_deployment(country=country("EC"), vendors=[vendor], title="Quito cameras")

    body = page(client, vendor.get_absolute_url())

    shows(
        body,
        "Acme Vision",
        "China",
        "Trade register extract",
        "Acme Vision, Shenzhen",
        "entry 12",
        "https://acme.example.com/",
        "Makes cameras.",
        "Akme",
        "United States government",
        "Entity List",
        "7 October 2019",
        "Listed with seven others.",
        "Acme was added to the Entity List.",
        "Nairobi cameras",
        "Quito cameras",
    )
    assert f'href="{vendor.headquarters_source.get_absolute_url()}"' in body
    table = body.split("Deployments, by country")[1]
    assert table.index("Ecuador") < table.index("Kenya")


def test_a_source_page_shows_every_field_and_the_claims_citing_it(client):
    source = SourceFactory(
        title="Cameras everywhere",
        publisher="Example Daily",
        authors="A. Writer",
        url="https://news.example.org/cameras",
        archive_url="https://archive.example.org/cameras",
        published_on=datetime.date(2021, 2, 3),
        language="fr",
        kind=Source.Kind.REPORT,
        notes="Paywalled.",
    )
    deployment = published_deployment(title="Nairobi cameras", country=country("KE"))
    CitationFactory(deployment=deployment, source=source, quote="Des caméras partout.")
    FindingFactory(source=source, statement="Forty cities bought cameras.")

    body = page(client, source.get_absolute_url())

    shows(
        body,
        "Cameras everywhere",
        "Example Daily",
        "A. Writer",
        "3 February 2021",
        "Report",
        "fr",
        "Paywalled.",
        "Nairobi cameras",
        "Kenya",
        "Des caméras partout.",
        "Forty cities bought cameras.",
    )
    assert 'href="https://news.example.org/cameras"' in body
    assert 'href="https://archive.example.org/cameras"' in body


def test_a_technology_page_shows_where_and_by_whom(client):
    technology = TechnologyFactory(name="Gait recognition", description="Walks, recognised.")
    vendor = VendorFactory(name="Acme Vision")
    published_deployment(
        title="Nairobi gait", country=country("KE"), vendors=[vendor], technologies=[technology]
    )
    published_deployment(title="Other cameras", country=country("FR"))
    body = page(client, technology.get_absolute_url())
    shows(body, "Gait recognition", "Walks, recognised.", "Kenya", "Acme Vision", "Nairobi gait")
    assert "France" not in body.split("<main", 1)[1].split("</main>")[0]
    assert "Other cameras" not in body


@pytest.mark.parametrize("state", [Deployment.State.DRAFT, Deployment.State.REVIEW])
def test_an_unpublished_entry_is_hidden_from_readers_everywhere(client, state):
    vendor = VendorFactory(slug="acme", name="Acme")
    secret_vendor = VendorFactory(slug="secret-vendor", name="Secretvendor Ltd")
    technology = TechnologyFactory(slug="gait", name="Gait")
    source = SourceFactory(slug="leak")
    published_deployment(country=country("FR"), vendors=[vendor], technologies=[technology])
    hidden = DeploymentFactory(
        title="Secret draft entry",
        state=state,
        country=country("FR"),
        vendors=[vendor, secret_vendor],
        technologies=[technology],
    )
    CitationFactory(deployment=hidden, source=source, quote="Words nobody may read yet.")

    page(client, hidden.get_absolute_url(), status=404)
    for path in [
        "/en/",
        "/en/deployments/",
        "/en/deployments/?country=FR",
        "/en/deployments/?q=secret",
        "/en/countries/france/",
        "/en/vendors/acme/",
        "/en/technologies/gait/",
        "/en/sources/leak/",
    ]:
        body = page(client, path)
        assert "Secret draft entry" not in body, path
        assert "Words nobody may read yet." not in body, path
    assert "Secretvendor" not in page(client, "/en/countries/france/")
    assert "Secretvendor" not in page(client, "/en/technologies/gait/")


def test_a_newly_published_entry_reports_no_change_since_publication(client):
    deployment = DeploymentFactory(title="Fresh entry", state=Deployment.State.DRAFT)
    workflow.publish(deployment)  # what the admin's publish button does
    body = page(client, deployment.get_absolute_url())
    history = body.split("History of this entry")[1].split("</section>")[0]
    assert "No change since publication." in history
    assert "changed:" not in history


def test_a_change_after_publication_is_listed_on_the_entry(client):
    deployment = published_deployment(title="Corrected entry")
    deployment.summary = "A corrected summary."
    deployment.save()
    body = page(client, deployment.get_absolute_url())
    history = body.split("History of this entry")[1].split("</section>")[0]
    assert "changed: summary" in history


@pytest.mark.parametrize(
    "path",
    [
        "/en/deployments/no-such-entry/",
        "/en/countries/atlantis/",
        "/en/vendors/nobody/",
        "/en/sources/nothing/",
        "/en/technologies/telepathy/",
        "/no/such/page/",
    ],
)
def test_an_unknown_address_is_a_404_page(client, path):
    body = page(client, path, status=404)
    assert "Page not found" in body


def test_a_country_without_entries_says_so(client):
    body = page(client, "/en/countries/germany/")
    assert "No published deployment in this country yet." in body


def test_an_imported_entry_names_its_dataset_and_links_to_everything_from_it(client):
    dataset = SourceFactory(
        title="AI Global Surveillance Index (2019)",
        slug="carnegie-aigs-2019",
        kind=Source.Kind.DATASET,
    )
    imported = published_deployment(title="Imported entry")
    CitationFactory(deployment=imported, source=dataset, quote="", locator="row 58 (Serbia)")
    body = page(client, imported.get_absolute_url())
    assert "<dt>Dataset</dt>" in body
    assert "AI Global Surveillance Index (2019)</a>, row 58 (Serbia)" in body
    assert 'href="/en/deployments/?dataset=carnegie-aigs-2019"' in body


def test_an_entry_from_no_dataset_shows_no_dataset_line(client):
    body = page(client, published_deployment(title="Reported entry").get_absolute_url())
    assert "<dt>Dataset</dt>" not in body


def test_a_deployment_with_no_vendor_says_so_rather_than_guess(client):
    deployment = published_deployment(title="Unattributed cameras")
    body = page(client, deployment.get_absolute_url())
    assert "not named by the sources" in body
    assert "not stated" in body


# --- What an entry's page adds to its own fields ------------------------------------------------


def test_each_citation_says_which_facts_its_source_states(client):
    vendor = VendorFactory(name="Acme Vision")
    deployment = published_deployment(locality="Novi Sad", country=country("RS"), vendors=[vendor])
    body = page(client, deployment.get_absolute_url())
    assert "This source states: vendor: Acme Vision; place: Novi Sad, Serbia." in body


def test_an_entry_lists_the_other_entries_about_its_supplier_in_its_country(client):
    vendor = VendorFactory(name="Acme Vision")
    entry = published_deployment(
        title="Cameras in Belgrade", country=country("RS"), vendors=[vendor]
    )
    published_deployment(title="Cameras in Novi Sad", country=country("RS"), vendors=[vendor])
    published_deployment(title="Cameras by someone else", country=country("RS"))
    published_deployment(title="Acme in Kenya", country=country("KE"), vendors=[vendor])

    body = page(client, entry.get_absolute_url())
    also = body[body.index('<section class="also-reported"') :]
    also = also[: also.index("</section>")]
    assert "Cameras in Novi Sad" in also
    assert "Cameras by someone else" not in also
    assert "Acme in Kenya" not in also
    assert "Cameras in Belgrade" not in also
