"""Issue 10: each source says what it says, and no more.

A fact (vendor, technology, year) shows on an entry only where a cited source states it for that
entry; Carnegie's country-level marks stay on the country; a licence or an order is not a
deployment; a record a source says did not complete is not counted; entries about the same
supplier in the same country point to each other.
"""

from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    SourceFactory,
    TechnologyFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.editorial import workflow
from tracker.models import Deployment, Finding, Source

pytestmark = pytest.mark.django_db

HEADER = (
    "Country;Region;Safe City System;Facial Recognition System;Smart Policing;"
    "Social Media Surveillance;China Tech?;US Tech?;Other Countries;"
    "Company 1;Company 2;Company 3;Company 4;Company 5"
)


def import_aigs(tmp_path, *rows):
    path = tmp_path / "aigs.csv"
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    call_command("import_aigs", str(path), stdout=StringIO())


def test_an_aigs_row_credits_no_company_with_the_countrys_technologies(client, tmp_path):
    import_aigs(tmp_path, "Serbia;EUR;x;x;;;1;1;UK;Huawei;Oracle;;;")
    huawei = Deployment.objects.get(external_id="aigs2019:RS:huawei")
    oracle = Deployment.objects.get(external_id="aigs2019:RS:oracle")
    assert list(huawei.technologies.all()) == []
    assert list(oracle.technologies.all()) == []
    assert huawei.evidence == Deployment.Evidence.SUPPLIER_NAMED

    listed = client.get(reverse("deployment-list"), {"technology": "facial-recognition"})
    assert listed.status_code == 200
    assert "Oracle" not in listed.text and "Huawei" not in listed.text
    page = client.get(reverse("technology-detail", args=["facial-recognition"]))
    assert "Oracle" not in page.text

    finding = Finding.objects.get(slug="aigs2019-rs")
    assert set(finding.technologies.values_list("slug", flat=True)) == {
        "facial-recognition",
        "safe-city",
    }
    assert set(finding.origin_countries.values_list("iso2", flat=True)) == {"CN", "US", "GB"}
    serbia = client.get(reverse("country-detail", args=[country("RS").slug]))
    assert finding.statement in unescape(serbia.text)
    assert "row 2 (Serbia)" in serbia.text


def test_a_row_naming_no_company_is_a_finding_on_the_country_page(client, tmp_path):
    import_aigs(tmp_path, "Cambodia;EAP;x;;;;1;;;;;;;")
    assert not Deployment.objects.filter(country__iso2="KH").exists()
    finding = Finding.objects.get(slug="aigs2019-kh")
    page = client.get(reverse("country-detail", args=[country("KH").slug]))
    assert finding.statement in unescape(page.text)
    by_origin = client.get(reverse("finding-list"), {"origin": "CN"})
    assert "Cambodia" in by_origin.text
    assert "Cambodia" not in client.get(reverse("finding-list"), {"origin": "US"}).text


def test_a_vendor_no_citation_states_cannot_be_published():
    entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False)
    citation = CitationFactory(deployment=entry, source=SourceFactory(url="https://a.example/"))
    huawei = VendorFactory(name="Huawei")
    entry.vendors.add(huawei)
    with pytest.raises(workflow.WorkflowError, match="No citation states the vendor"):
        workflow.publish(entry)
    citation.vendors.add(huawei)
    workflow.publish(entry)
    assert Deployment.objects.counted().filter(pk=entry.pk).exists()


def test_entry_page_says_which_source_states_which_fact(client):
    huawei, cctv = VendorFactory(name="Huawei"), TechnologyFactory(name="CCTV")
    entry = published_deployment(vendors=[huawei], technologies=[cctv])
    other = CitationFactory(deployment=entry, quote="A second source says only where.")
    page = client.get(entry.get_absolute_url()).text
    assert "This source states: vendor: Huawei; technology: CCTV" in page
    assert other.quote in page


def test_a_licence_year_never_reads_since():
    licence = DeploymentFactory(start_year=2016, year_kind=Deployment.YearKind.LICENSED)
    ordered = DeploymentFactory(start_year=2012, year_kind=Deployment.YearKind.ORDERED)
    in_use = DeploymentFactory(start_year=2019, year_kind=Deployment.YearKind.IN_USE_SINCE)
    assert licence.years_display == "licence 2016"
    assert ordered.years_display == "ordered 2012"
    assert in_use.years_display == "in use since 2019"
    assert DeploymentFactory(start_year=2018).years_display == "2018"  # kind not given


def test_not_completed_entries_are_marked_and_left_out_of_counts(client):
    done = published_deployment(title="Went through")
    failed = published_deployment(
        title="Never went through", status=Deployment.Status.NOT_COMPLETED
    )
    listed = client.get(reverse("deployment-list"))
    assert "1 deployment" in listed.text
    assert failed.title not in listed.text and done.title in listed.text
    asked = client.get(reverse("deployment-list"), {"status": "not_completed"})
    assert failed.title in asked.text and done.title not in asked.text
    home = client.get(reverse("home"))
    assert home.context["totals"]["deployments"] == 1
    page = client.get(failed.get_absolute_url())
    assert page.status_code == 200
    assert "a source says this did not go through" in page.text


def test_same_supplier_same_country_entries_link_both_ways_and_count_sources(client):
    huawei = VendorFactory(name="Huawei")
    article = published_deployment(title="Belgrade Safe City", vendors=[huawei])
    dataset = Source.objects.create(
        title="An index", slug="an-index", url="https://index.example/", kind="dataset"
    )
    row = DeploymentFactory(state=Deployment.State.DRAFT, cited=False, title="Index row")
    row.vendors.add(huawei)
    CitationFactory(deployment=row, source=dataset, quote="", locator="row 58").vendors.add(huawei)
    workflow.publish(row)
    article.refresh_from_db()
    row.refresh_from_db()
    assert (article.pair_sources, row.pair_sources) == (2, 2)
    page = client.get(article.get_absolute_url()).text
    assert "Index row" in page and "row 58" in page
    assert "Belgrade Safe City" in client.get(row.get_absolute_url()).text
    two = client.get(reverse("deployment-list"), {"sources_min": 2}).text
    assert "Index row" in two and "Belgrade Safe City" in two
    alone = published_deployment(title="Only one source", vendors=[VendorFactory(name="Zed")])
    alone.refresh_from_db()
    assert alone.pair_sources == 1
    assert "Only one source" not in client.get(reverse("deployment-list"), {"sources_min": 2}).text


def test_the_admin_refuses_a_vendor_no_citation_on_a_published_entry_states(admin_client):
    from tests.test_admin_actions import change_form_data

    huawei, zte = VendorFactory(name="Huawei"), VendorFactory(name="ZTE")
    entry = published_deployment(vendors=[huawei])
    url = reverse("admin:tracker_deployment_change", args=[entry.pk])
    citation = entry.citations.get()

    stale = change_form_data(entry, vendors=[huawei.pk, zte.pk])
    stale["citations-0-vendors"] = [huawei.pk]
    refused = admin_client.post(url, stale)
    assert refused.status_code == 200
    assert "No citation states the vendor(s) ZTE." in refused.content.decode()
    assert list(entry.vendors.all()) == [huawei]

    stated = change_form_data(entry, vendors=[huawei.pk, zte.pk])
    stated["citations-0-vendors"] = [huawei.pk, zte.pk]
    saved = admin_client.post(url, stated)
    assert saved.status_code == 302
    assert set(entry.vendors.all()) == {huawei, zte}
    assert set(citation.vendors.all()) == {huawei, zte}


def pair_of_two_sources():
    huawei = VendorFactory(name="Huawei")
    first = published_deployment(title="First report", vendors=[huawei])
    second = published_deployment(title="Second report", vendors=[huawei])
    for entry in (first, second):
        entry.refresh_from_db()
        assert entry.pair_sources == 2
    return huawei, first, second


def test_retracting_one_report_lowers_the_count_on_the_other():
    _, first, second = pair_of_two_sources()
    workflow.retract(first, "The source withdrew it.")
    second.refresh_from_db()
    assert second.pair_sources == 1


def test_removing_the_vendor_from_one_report_lowers_the_count_on_the_other():
    huawei, first, second = pair_of_two_sources()
    first.vendors.remove(huawei)
    second.refresh_from_db()
    assert second.pair_sources == 1


def test_deleting_one_report_lowers_the_count_on_the_other():
    _, first, second = pair_of_two_sources()
    first.delete()
    second.refresh_from_db()
    assert second.pair_sources == 1


def test_a_report_in_another_country_does_not_count_for_this_one():
    huawei = VendorFactory(name="Huawei")
    here = published_deployment(vendors=[huawei])
    published_deployment(vendors=[huawei], country=country("FR"))
    here.refresh_from_db()
    assert here.pair_sources == 1


def test_methods_counts_not_completed_records_apart(client):
    sii = SourceFactory(slug="privacy-international-sii", title="Privacy International, SII")
    for status in (Deployment.Status.REPORTED, Deployment.Status.NOT_COMPLETED):
        entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False, status=status)
        CitationFactory(deployment=entry, source=sii, quote="", locator="Record_2015")
        workflow.publish(entry)
    page = unescape(client.get(reverse("methods")).text)
    assert "2 published entries cite it, 1 of them marked not completed" in page


def test_a_large_pair_lists_twenty_reports_and_links_to_all_of_them(client, settings):
    from tracker.editorial.corroboration import ALSO_REPORTED_SHOWN

    huawei = VendorFactory(name="Huawei", slug="huawei")
    entry = published_deployment(title="The one read", vendors=[huawei])
    for n in range(ALSO_REPORTED_SHOWN + 3):
        published_deployment(title=f"Report {n:02d}", vendors=[huawei])
    page = client.get(entry.get_absolute_url()).text
    section = page.split('id="also-heading"')[1].split("</section>")[0]
    assert section.count("<li>") == ALSO_REPORTED_SHOWN
    assert "/en/deployments/?country=RS&amp;vendor=huawei" in section
