"""Rules the database holds, and the small behaviours each model carries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
from tracker.models import (
    Citation,
    Deployment,
    Designation,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
    VendorRelation,
)
from tracker.models.tallies import FacetFact, FacetPair, FacetTally, FacetTriple, Fact

pytestmark = pytest.mark.django_db


def violates_a_rule(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
    return True


def test_an_end_year_before_the_start_year_is_refused():
    assert violates_a_rule(lambda: DeploymentFactory(start_year=2020, end_year=2019))


@pytest.mark.parametrize("field", ["start_year", "end_year"])
@pytest.mark.parametrize("year", [1800, 2200])
def test_implausible_years_are_refused(field, year):
    assert violates_a_rule(lambda: DeploymentFactory(**{field: year}))


def test_a_plausible_range_is_kept():
    deployment = DeploymentFactory(start_year=2015, end_year=2019)
    assert deployment.years_display == "2015–2019"
    assert DeploymentFactory(start_year=1900, end_year=2100).pk


def test_a_single_year_range_is_kept():
    assert DeploymentFactory(start_year=2019, end_year=2019).years_display == "2019–2019"


def test_a_citation_needs_a_quote_or_a_locator():
    deployment = DeploymentFactory()
    assert violates_a_rule(lambda: CitationFactory(deployment=deployment, quote="", locator=""))
    assert CitationFactory(deployment=deployment, quote="", locator="p. 4").pk


def test_the_same_citation_cannot_be_recorded_twice_on_one_deployment():
    citation = CitationFactory(quote="The same words.")
    assert violates_a_rule(
        lambda: Citation.objects.create(
            deployment=citation.deployment, source=citation.source, quote="The same words."
        )
    )


def test_the_same_source_can_back_a_deployment_with_two_different_passages():
    citation = CitationFactory(quote="First passage.")
    CitationFactory(deployment=citation.deployment, source=citation.source, quote="Second.")
    assert citation.deployment.citations.count() == 2


def test_a_head_office_needs_a_source_and_its_words_or_place():
    china = country("CN")
    assert violates_a_rule(lambda: VendorFactory(headquarters=china, headquarters_source=None))
    assert violates_a_rule(
        lambda: VendorFactory(headquarters=china, headquarters_quote="", headquarters_locator="")
    )
    assert VendorFactory(headquarters=china, headquarters_quote="Chinese company").pk
    assert VendorFactory(headquarters=None).pk


def test_designations_and_findings_also_need_a_quote_or_a_locator():
    assert violates_a_rule(lambda: DesignationFactory(quote="", locator=""))
    assert violates_a_rule(lambda: FindingFactory(quote="", locator=""))


def test_slugs_are_unique():
    DeploymentFactory(slug="same")
    assert violates_a_rule(lambda: DeploymentFactory(slug="same"))


def test_vendor_names_differing_only_in_case_are_one_vendor():
    VendorFactory(name="Hikvision")
    assert violates_a_rule(lambda: VendorFactory(name="HIKVISION"))


def test_vendor_names_differing_only_in_the_case_of_an_accented_letter_are_one_vendor():
    VendorFactory(name="Élan Vision")
    assert violates_a_rule(lambda: VendorFactory(name="élan vision"))


def test_an_alias_points_at_one_vendor_whatever_its_case():
    VendorAliasFactory(name="Hikvsion")
    assert violates_a_rule(lambda: VendorAliasFactory(name="hikvsion"))


def test_sources_without_a_url_can_coexist_but_a_url_is_recorded_once():
    SourceFactory(url="")
    SourceFactory(url=None)
    assert Source.objects.filter(url__isnull=True).count() == 2
    SourceFactory(url="https://example.org/a")
    assert violates_a_rule(lambda: SourceFactory(url="https://example.org/a"))


def test_an_empty_url_cannot_slip_past_save_into_the_database():
    source = SourceFactory(url=None)
    assert violates_a_rule(lambda: Source.objects.filter(pk=source.pk).update(url=""))


def test_published_returns_only_what_readers_may_see():
    shown = published_deployment()
    DeploymentFactory(state=Deployment.State.DRAFT)
    DeploymentFactory(state=Deployment.State.REVIEW)
    withdrawn = published_deployment()
    Deployment.objects.filter(pk=withdrawn.pk).update(
        state=Deployment.State.RETRACTED, retraction_reason="The source corrected it."
    )
    assert list(Deployment.objects.published()) == [shown]


def test_publishing_stamps_the_publication_time():
    draft = DeploymentFactory(state=Deployment.State.DRAFT, published_at=None)
    assert draft.published_at is None
    draft.state = Deployment.State.PUBLISHED
    draft.save()
    assert draft.published_at is not None


def test_saving_a_published_deployment_again_keeps_its_first_publication_time():
    deployment = published_deployment()
    first = deployment.published_at
    deployment.summary = "Corrected."
    deployment.save()
    deployment.refresh_from_db()
    assert deployment.published_at == first


def test_a_published_deployment_must_have_a_publication_time():
    deployment = DeploymentFactory()
    assert violates_a_rule(
        lambda: Deployment.objects.filter(pk=deployment.pk).update(published_at=None)
    )


def test_every_model_names_itself_and_has_a_page(client):
    deployment = published_deployment(title="Cameras in Novi Sad")
    vendor = VendorFactory(name="Acme Vision")
    deployment.vendors.add(vendor)
    technology = TechnologyFactory(name="Gait recognition")
    deployment.technologies.add(technology)
    citation = deployment.citations.get()
    designation = DesignationFactory(vendor=vendor)
    finding = FindingFactory(statement="Forty cities bought cameras.")
    alias = VendorAliasFactory(vendor=vendor, name="Akme")

    assert str(deployment) == "Cameras in Novi Sad"
    assert str(vendor) == "Acme Vision"
    assert str(technology) == "Gait recognition"
    assert str(deployment.country) == "Serbia"
    assert str(alias) == "Akme"
    assert str(citation) == f"{citation.source.title} → Cameras in Novi Sad"
    assert str(designation) == f"Acme Vision on United States government: {designation.list_name}"
    assert str(finding) == "Forty cities bought cameras."
    assert str(FindingFactory(statement="x" * 200)) == "x" * 80
    for obj in [deployment, vendor, technology, deployment.country, citation.source]:
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        assert escape(str(obj)) in response.content.decode(), obj
    # Links to a part of a page land on an element that exists there.
    for obj in [citation, designation, finding, alias]:
        path, _, anchor = obj.get_absolute_url().partition("#")
        response = client.get(path)
        assert response.status_code == 200, obj
        assert not anchor or f'id="{anchor}"' in response.content.decode(), obj


def test_deleting_a_deployment_removes_its_citations_but_not_its_sources():
    deployment = published_deployment()
    source = deployment.citations.get().source
    deployment.delete()
    assert not Citation.objects.exists()
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_source_cited_somewhere_cannot_be_deleted():
    citation = CitationFactory()
    assert violates_a_rule(lambda: Source.objects.filter(pk=citation.source_id).delete())


def test_vendor_lookup_by_natural_key():
    vendor = VendorFactory(slug="acme")
    assert Vendor.objects.get_by_natural_key("acme") == vendor


# --- What an editor is told when a vendor's head office or name is not sourced or clashes ------


class TestAVendorsHeadOffice:
    def errors(self, vendor):
        with pytest.raises(ValidationError) as refused:
            vendor.clean()
        return refused.value.message_dict

    def test_a_head_office_without_a_source_asks_for_one(self):
        vendor = Vendor(name="Acme Vision", slug="acme-vision", headquarters=country("CN"))
        assert self.errors(vendor) == {
            "headquarters_source": ["Which source gives this head office? Cite it here."]
        }

    def test_a_sourced_head_office_without_words_or_place_asks_for_them(self):
        vendor = Vendor(
            name="Acme Vision",
            slug="acme-vision",
            headquarters=country("CN"),
            headquarters_source=SourceFactory(),
        )
        assert self.errors(vendor) == {
            "headquarters_quote": [
                "Copy the source's words for the head office, or say where in the source they are."
            ]
        }

    @pytest.mark.parametrize(
        "quote, locator", [("Based in Shenzhen.", ""), ("", "page 3"), ("Based.", "page 3")]
    )
    def test_its_words_or_where_they_are_are_enough(self, quote, locator):
        vendor = Vendor(
            name="Acme Vision",
            slug="acme-vision",
            headquarters=country("CN"),
            headquarters_source=SourceFactory(),
            headquarters_quote=quote,
            headquarters_locator=locator,
        )
        vendor.clean()

    def test_a_vendor_with_no_head_office_needs_no_source(self):
        Vendor(name="Acme Vision", slug="acme-vision").clean()

    def test_a_name_another_vendor_has_is_refused_naming_it(self):
        VendorFactory(name="Acme Vision")
        assert self.errors(Vendor(name="ACME  vision", slug="acme-2")) == {
            "name": ["There is already a vendor called “Acme Vision”: add to that one."]
        }


@pytest.mark.parametrize(
    "day, precision, shown",
    [
        (datetime.date(2019, 1, 1), "year", "2019"),
        (datetime.date(2020, 12, 1), "month", "December 2020"),
        (datetime.date(2020, 12, 5), "day", "5 December 2020"),
        (None, "day", ""),
    ],
)
def test_a_sources_date_is_written_to_the_precision_the_source_gives_never_more(
    day, precision, shown
):
    from tracker.models.sources import partial_date

    assert partial_date(day, precision) == shown


# --- Vendors' other names and groups, and countries' names --------------------------------------


def test_a_spelling_that_is_already_another_vendors_alias_is_refused_naming_that_vendor():
    VendorAliasFactory(name="Hik Vision", vendor=VendorFactory(name="Hikvision"))
    alias = VendorAlias(vendor=VendorFactory(name="Other"), name="HIK  vision")
    with pytest.raises(ValidationError) as refused:
        alias.clean()
    assert refused.value.message_dict == {
        "name": ["“Hik Vision” is already another name of Hikvision."]
    }


def test_fixtures_find_an_alias_and_a_group_tie_by_their_natural_keys():
    gamma = VendorFactory(name="Gamma Group", slug="gamma-group")
    finfisher = VendorFactory(name="FinFisher", slug="finfisher")
    alias = VendorAliasFactory(name="Fin Fisher", vendor=finfisher)
    tie = VendorRelation.objects.create(
        vendor=finfisher,
        kind=VendorRelation.Kind.BRAND,
        other=gamma,
        source=SourceFactory(),
        quote="FinFisher, a brand of Gamma Group.",
    )
    # Ties that share two of the three keys with it, so that each key must be matched.
    for vendor, kind, other in (
        (VendorFactory(), VendorRelation.Kind.BRAND, gamma),
        (finfisher, VendorRelation.Kind.SUBSIDIARY, gamma),
        (finfisher, VendorRelation.Kind.BRAND, VendorFactory()),
    ):
        VendorRelation.objects.create(
            vendor=vendor, kind=kind, other=other, source=SourceFactory(), quote="A tie."
        )
    assert VendorAlias.objects.get_by_natural_key("fin  FISHER") == alias
    assert VendorRelation.objects.get_by_natural_key("finfisher", "brand", "gamma-group") == tie
    assert tie.get_absolute_url() == "/en/vendors/finfisher/#group"


def test_a_country_is_shown_by_the_short_name_readers_know():
    assert country("BN").display_name == "Brunei"
    assert country("FR").display_name == country("FR").name


def test_a_saved_vendor_or_alias_edited_again_does_not_clash_with_itself():
    vendor = VendorFactory(name="Acme Vision")
    alias = VendorAliasFactory(name="Acme Vision Ltd", vendor=vendor)
    vendor.clean()
    alias.clean()


def test_fixtures_find_a_designation_by_vendor_authority_and_list():
    acme, other = VendorFactory(slug="acme"), VendorFactory(slug="other")
    listed = DesignationFactory(vendor=acme, authority="US", list_name="Entity List")
    # Designations that share two of the three keys with it, so that each key must be matched.
    DesignationFactory(vendor=other, authority="US", list_name="Entity List")
    DesignationFactory(vendor=acme, authority="EU", list_name="Entity List")
    DesignationFactory(vendor=acme, authority="US", list_name="Military End User List")

    assert Designation.objects.get_by_natural_key("acme", "US", "Entity List") == listed


def test_fixtures_find_a_source_a_finding_a_technology_and_a_citation_by_their_natural_keys():
    finding = FindingFactory(slug="sixty-three-countries")
    FindingFactory(slug="other-finding")
    technology = TechnologyFactory(slug="gait-recognition")
    TechnologyFactory(slug="other-technology")
    source = SourceFactory(slug="report")
    cited = CitationFactory(
        deployment=DeploymentFactory(slug="belgrade"), source=source, locator="p. 4", quote="Q."
    )
    # The same words of the same source cited on another entry.
    nis = DeploymentFactory(slug="nis")
    CitationFactory(deployment=nis, source=source, locator="p. 4", quote="Q.")

    assert Source.objects.get_by_natural_key("report") == source
    assert Finding.objects.get_by_natural_key("sixty-three-countries") == finding
    assert Technology.objects.get_by_natural_key("gait-recognition") == technology
    assert Citation.objects.get_by_natural_key("belgrade", "report", "p. 4", "Q.") == cited


def test_the_kept_counts_name_their_facts_in_words_for_whoever_checks_them():
    # Shown by the shell and in error reports; a number alone would not say which fact it is.

    fact = FacetFact(deployment_id=7, fact=Fact.VENDOR, key=3, counted=True)
    tally = FacetTally(fact=Fact.COUNTRY, key=5, counted=3, published=4)
    pair = FacetPair(
        given_fact=Fact.COUNTRY, given_key=5, fact=Fact.YEAR, key=2019, counted=2, published=2
    )
    triple = FacetTriple(
        given_fact=Fact.COUNTRY,
        given_key=5,
        also_fact=Fact.VENDOR,
        also_key=3,
        fact=Fact.TECHNOLOGY,
        key=9,
        counted=1,
        published=1,
    )

    assert str(fact) == "7: vendor (id) 3"
    assert str(tally) == "country (id) 5: 3"
    assert str(pair) == "country (id) 5 → start year (0: not known) 2019: 2"
    assert str(triple) == "country (id) 5 and vendor (id) 3 → technology (id) 9: 1"
