"""What every importer writes through tracker.importers.writer: a vendor's head office filled in
when a record first gives it, an entry's origin taken from its suppliers' head offices, a
country-level finding and what a second import changes in it."""

import pytest

from tests.factories import VendorFactory
from tracker.importers.base import (
    CitationSpec,
    DeploymentSpec,
    FindingSpec,
    SourceSpec,
    Tally,
    VendorRef,
)
from tracker.importers.writer import Writer
from tracker.models import Technology, Vendor

pytestmark = pytest.mark.django_db


def based_in(iso2, words):
    report = SourceSpec(
        slug="company-report", title="Company report", url="https://news.example.org/company"
    )
    return {"headquarters": iso2, "headquarters_citation": CitationSpec(report, quote=words)}


def test_a_known_vendor_without_a_head_office_gets_the_one_a_record_cites():
    vendor = VendorFactory(name="Verint", slug="verint", headquarters=None)
    tally = Tally()
    Writer(tally).vendor(VendorRef(name="Verint", **based_in("IL", "Verint, based in Israel")))

    vendor.refresh_from_db()
    assert vendor.headquarters.iso2 == "IL"
    assert vendor.headquarters_quote == "Verint, based in Israel"
    assert "updated vendor verint (headquarters)" in tally.lines


def test_a_vendor_first_named_without_a_head_office_gets_one_from_a_later_record():
    tally = Tally()
    writer = Writer(tally)
    writer.vendor(VendorRef(name="Verint"))
    writer.vendor(VendorRef(name="Verint", **based_in("IL", "Verint, based in Israel")))

    assert Vendor.objects.get(name="Verint").headquarters.iso2 == "IL"
    assert "updated vendor verint (headquarters)" in tally.lines


def test_an_entry_takes_its_origin_from_its_suppliers_head_offices_when_all_are_known():
    located = based_in("GB", "BAE Systems, the British group")
    citation = CitationSpec(
        SourceSpec(slug="sale", title="The sale", url="https://news.example.org/sale"),
        quote="BAE Systems sold the system.",
    )
    spec = DeploymentSpec(
        slug="bae-sale",
        external_id=None,
        where="test",
        title="BAE Systems sale",
        country="RS",
        vendors=[VendorRef(name="BAE Systems", **located)],
        origin_countries=["DK"],
        origin_from_vendors=True,
        citations=[citation],
    )
    deployment = Writer(Tally()).deployment(spec)

    assert set(deployment.origin_countries.values_list("iso2", flat=True)) == {"GB"}


def test_a_new_vendor_whose_name_gives_a_taken_address_gets_the_next_number():
    VendorFactory(name="Acme Holdings", slug="acme")
    VendorFactory(name="Acme Group", slug="acme-2")
    vendor = Writer(Tally()).vendor(VendorRef(name="Acme"))
    assert vendor.slug == "acme-3"


def test_a_source_known_without_a_url_is_given_the_url_a_citation_cites_and_reported():
    from tests.factories import SourceFactory

    known = SourceFactory(title="Lyon installe des caméras", publisher="Example News", url=None)
    tally = Tally()
    spec = SourceSpec(
        slug="lyon-installe-des-cameras",
        title="Lyon installe des caméras",
        url="https://news.example.org/lyon-cameras",
        publisher="Example News",
        owned=False,
    )
    source = Writer(tally).source(spec)

    assert source.pk == known.pk
    assert source.url == "https://news.example.org/lyon-cameras"
    assert any(
        line.startswith("updated source lyon-installe-des-cameras (") for line in tally.lines
    )


def carnegie_finding(statement):
    index = SourceSpec(slug="ai-index", title="AI index", url="https://data.example.org/index")
    return FindingSpec(
        slug="serbia-cn-technology",
        statement=statement,
        citation=CitationSpec(index, locator="row 58"),
        countries=["RS"],
        origin_countries=["CN"],
    )


def test_a_finding_is_written_with_its_countries_and_a_second_import_reports_what_changed():
    from tracker.models import Finding

    Writer(Tally()).finding(carnegie_finding("Serbia uses Chinese AI surveillance."))
    finding = Finding.objects.get(slug="serbia-cn-technology")
    assert list(finding.countries.values_list("iso2", flat=True)) == ["RS"]
    assert list(finding.origin_countries.values_list("iso2", flat=True)) == ["CN"]

    tally = Tally()
    Writer(tally).finding(carnegie_finding("Serbia uses Chinese AI surveillance technology."))
    assert "updated finding serbia-cn-technology (statement)" in tally.lines


def test_a_second_import_reports_the_countries_a_finding_now_concerns():
    Writer(Tally()).finding(carnegie_finding("Serbia uses Chinese AI surveillance."))
    changed = carnegie_finding("Serbia uses Chinese AI surveillance.")
    changed.countries = ["RS", "ME"]
    tally = Tally()
    Writer(tally).finding(changed)
    assert "updated finding serbia-cn-technology (countries)" in tally.lines


def entry_spec(**fields):
    citation = CitationSpec(
        SourceSpec(slug="sale", title="The sale", url="https://news.example.org/sale"),
        quote="The company sold the system.",
        states_vendors=fields.pop("states_vendors", True),
    )
    return DeploymentSpec(
        slug="the-sale",
        external_id=None,
        where="test",
        title="The sale",
        country="RS",
        citations=[citation],
        **fields,
    )


def test_an_entry_changed_by_a_second_import_is_reported_with_the_fields_changed():
    Writer(Tally()).deployment(entry_spec())
    tally = Tally()
    Writer(tally).deployment(entry_spec(locality="Belgrade"))
    assert "updated deployment the-sale (locality)" in tally.lines
    assert tally.total("deployment", "updated") == 1


def test_an_entry_whose_record_names_its_origin_keeps_it_whatever_its_vendors_head_office():
    vendor = VendorRef(name="BAE Systems", **based_in("GB", "BAE Systems, the British group"))
    deployment = Writer(Tally()).deployment(entry_spec(vendors=[vendor], origin_countries=["DK"]))
    assert set(deployment.origin_countries.values_list("iso2", flat=True)) == {"DK"}


def test_a_citation_that_states_no_vendor_is_not_ticked_for_the_entrys_vendors():
    vendor = VendorRef(name="Acme Vision")
    deployment = Writer(Tally()).deployment(entry_spec(vendors=[vendor], states_vendors=False))
    assert list(deployment.citations.get().vendors.all()) == []


def test_the_edit_history_names_the_import_that_wrote_an_entry():
    # Editors read this reason in the admin's history of the entry.
    deployment = Writer(Tally(), reason="import_sii transfers.json").deployment(entry_spec())
    assert deployment.history.first().history_change_reason == "import_sii transfers.json"


def test_each_citation_an_import_writes_is_listed_with_its_entry():
    tally = Tally()
    Writer(tally).deployment(entry_spec())
    assert "created citation on the-sale" in tally.lines


def test_a_second_import_counts_vendors_spellings_and_technologies_as_unchanged():
    def write():
        tally = Tally()
        vendor = VendorRef(name="ZTE", seen="ZTE Corporation")
        Writer(tally).deployment(entry_spec(vendors=[vendor], technologies=["lawful-interception"]))
        return {
            model: [tally.total(model, action) for action in ("created", "unchanged")]
            for model in ("vendor", "vendoralias", "technology")
        }

    Technology.objects.filter(slug="lawful-interception").delete()
    assert write() == {"vendor": [1, 0], "vendoralias": [1, 0], "technology": [1, 0]}
    assert write() == {"vendor": [0, 1], "vendoralias": [0, 1], "technology": [0, 1]}


def test_a_technology_an_import_adds_is_described_in_french_too(client):
    Technology.objects.filter(slug="lawful-interception").delete()
    Writer(Tally()).deployment(entry_spec(technologies=["lawful-interception"]))
    page = client.get("/fr/technologies/lawful-interception/").content.decode()
    assert "Interception légale" in page
    assert "Systèmes que les opérateurs télécoms installent" in page


def test_a_findings_locator_longer_than_its_field_keeps_its_first_200_characters():
    from tracker.models import Finding

    spec = carnegie_finding("Serbia uses Chinese AI surveillance.")
    spec.citation.locator = "row 58, " + "column " * 40
    Writer(Tally()).finding(spec)
    assert Finding.objects.get(slug="serbia-cn-technology").locator == spec.citation.locator[:200]
    # Cut the same way again, so a second import of the same record changes nothing.
    tally = Tally()
    Writer(tally).finding(spec)
    assert not any(line.startswith("updated finding") for line in tally.lines)
