"""Both public datasets, imported in full from ../shared/data, on whichever database the suite
runs on (SQLite by default, PostgreSQL with DATABASE_URL). The data folder must be there: a
missing file fails these tests rather than skipping them.

The imports run once for the module (inside a transaction rolled back at the end); each test then
reads the result, in its own rolled-back transaction.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from tracker.browse.filters import DeploymentFilter
from tracker.importers import fixture
from tracker.models import (
    Citation,
    Deployment,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
    natural_keys,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SII = DATA / "sii-transfers.json"
AIGS = DATA / "aigs-2019.csv"
ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "fixtures" / "article.json"
IMPORTED = ROOT / "fixtures" / "imported.json"
MODELS = (Deployment, Citation, Source, Vendor, VendorAlias, Technology)
SEMPTIAN_URL = (
    "http://www.africaintelligence.com/MCE/power-brokers/2015/11/05/"
    "bouteflika-set-to-be-internet-spymaster,108109971-ART"
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@dataclass
class Result:
    output: str
    fixture_text: str
    fixture_loads: list


def load_fixtures():
    """As load_site_data (make run) loads them."""
    fixture.load(ARTICLE, IMPORTED)
    return counts()


def rows_a_reload_would_update():
    """For each model, the objects of the fixtures and the rows their natural keys find, as a
    second ``loaddata`` finds them before saving (Django's ``build_instance``). A reload saves
    over the rows found and creates one for each object not found: when every object finds a
    row of its own, it creates nothing. Found without saving: a third of a reload's cost."""
    objects, found, missing = Counter(), defaultdict(set), []
    with natural_keys.remembered():
        for path in (ARTICLE, IMPORTED):
            with path.open(encoding="utf-8") as stream:
                for item in serializers.deserialize("json", stream, handle_forward_references=True):
                    name = type(item.object).__name__
                    objects[name] += 1
                    if item.object.pk is None:
                        missing.append((name, str(item.object)))
                    else:
                        found[name].add(item.object.pk)
    return objects, {name: len(rows) for name, rows in found.items()}, missing


@pytest.fixture(scope="module")
def full_import(django_db_setup, django_db_blocker):
    for path in (SII, AIGS):
        assert path.is_file(), f"{path} is missing: the integration tests need the shared data"
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            loads = [load_fixtures(), rows_a_reload_would_update()]
            transaction.set_rollback(True)
        lines = []
        text = fixture.build(DATA, write=lines.append)
        result = Result("\n".join(lines), text, loads)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def imported(full_import, db):
    return full_import


def sii(uid):
    return Deployment.objects.get(external_id=f"sii:{uid}")


def test_every_transfer_whose_recipient_country_can_be_mapped_is_imported(imported):
    assert "688 transfers read; 687 deployments planned; 1 transfers refused" in imported.output
    refused = [line for line in imported.output.splitlines() if line.startswith("refused")]
    assert refused == ["refused record 432 (Datong__2015): no recipient country"]
    entries = Deployment.objects.filter(external_id__startswith="sii:")
    assert entries.count() == 687
    assert entries.filter(state="published").count() == 687
    cited = entries.filter(citations__source__slug="privacy-international-sii").distinct()
    assert cited.count() == 687


def test_the_semptian_algeria_2010_record_is_imported_as_the_index_gives_it(imported):
    d = sii("Semptian_Algeria_2010")
    assert d.country.iso2 == "DZ"
    assert d.start_year == 2010
    assert [(v.name, v.headquarters.iso2) for v in d.vendors.all()] == [("Semptian", "CN")]
    assert [c.iso2 for c in d.origin_countries.all()] == ["CN"]
    assert [t.slug for t in d.technologies.all()] == ["lawful-interception"]
    cited = {(c.source.url, c.locator) for c in d.citations.select_related("source")}
    assert (SEMPTIAN_URL, "via SII record Semptian_Algeria_2010") in cited
    assert ("https://github.com/TransparencyToolkit/dataspec-sii", "Semptian_Algeria_2010") in cited
    assert d.citations.get(locator="Semptian_Algeria_2010").source.slug == (
        "privacy-international-sii"
    )


def test_transfers_naming_no_company_are_kept_as_exports_from_their_country(imported):
    unnamed = Deployment.objects.filter(external_id__startswith="sii:", vendors__isnull=True)
    assert unnamed.count() == 327
    assert unnamed.filter(origin_countries__isnull=True).count() == 2  # the index gives none
    assert sii("Siemens_Bahrain_mid-2000s").year_note == "mid-2000s"
    assert sii("Siemens_Bahrain_mid-2000s").start_year is None


def test_aigs_gives_one_country_level_entry_per_country_and_supplier_named(imported):
    assert "77 country rows read; 227 deployments planned; 0 country rows refused" in (
        imported.output
    )
    entries = Deployment.objects.filter(external_id__startswith="aigs2019:")
    assert entries.count() == 227
    assert entries.values("country").distinct().count() == 71
    assert entries.filter(citations__source__slug="carnegie-aigs-2019").distinct().count() == 227
    assert not entries.exclude(locality="").exists()
    assert not entries.exclude(start_year=None).exists()
    assert set(entries.values_list("status", flat=True)) == {"reported"}
    for d in entries.prefetch_related("vendors"):
        assert len(d.vendors.all()) == 1


def test_the_aigs_row_for_serbia_names_huawei(imported):
    d = Deployment.objects.get(external_id="aigs2019:RS:huawei")
    assert d.vendors.get().name == "Huawei"
    assert d.citations.get().locator == "row 58 (Serbia)"
    assert d.citations.get().source.title == (
        "Carnegie Endowment for International Peace, AI Global Surveillance Index (2019)"
    )


def test_misspelt_vendors_are_folded_into_one_vendor_each(imported):
    assert not Vendor.objects.filter(name__in=["Hikvsion", "iOmnicient", "Face++"]).exists()
    hikvision = Vendor.objects.get(name="Hikvision")
    assert hikvision.slug == "hikvision"  # the article's vendor, reused
    assert VendorAlias.objects.get(name="Hikvsion").vendor == hikvision
    assert hikvision.deployments.filter(external_id="aigs2019:AE:hikvision").exists()
    iomniscient = Vendor.objects.get(name="iOmniscient")
    assert set(iomniscient.deployments.values_list("country__iso2", flat=True)) == {
        "AU", "BH", "HK"
    }  # fmt: skip
    assert (
        Vendor.objects.filter(deployments__external_id__startswith="aigs2019:").distinct().count()
        == 92
    )


def test_the_dataset_filter_finds_each_datasets_entries(imported):
    def found(slug):
        return DeploymentFilter({"dataset": [slug]}, queryset=Deployment.objects.all()).qs

    # The 10 SII records marked "reported as complete: No" are listed only when asked for.
    assert found("privacy-international-sii").distinct().count() == 687 - 10
    asked = DeploymentFilter(
        {"dataset": ["privacy-international-sii"], "status": ["not_completed"]},
        queryset=Deployment.objects.all(),
    ).qs
    assert asked.count() == 10
    assert found("carnegie-aigs-2019").distinct().count() == 227


def test_a_second_import_of_both_files_creates_nothing(imported):
    before = counts()
    out = StringIO()
    call_command("import_sii", str(SII), "--skip-invalid", stdout=out)
    call_command("import_aigs", str(AIGS), stdout=out)
    assert counts() == before
    created = [line for line in out.getvalue().splitlines() if line.split()[:1] in (
        ["deployment"], ["citation"], ["source"], ["vendor"], ["vendoralias"], ["technology"]
    )]  # fmt: skip
    assert created and all(line.split()[1:3] == ["0", "0"] for line in created)


def test_the_shipped_fixture_is_what_the_importers_produce(imported):
    assert imported.fixture_text == IMPORTED.read_text(encoding="utf-8"), (
        "fixtures/imported.json is out of date: run python -m tracker.importers.fixture"
    )
    objects = json.loads(imported.fixture_text)
    models = {item["model"] for item in objects}
    assert models == {
        "tracker.finding",
        "tracker.vendorrelation",
        "tracker.designation",
        "tracker.technology",
        "tracker.vendor",
        "tracker.vendoralias",
        "tracker.source",
        "tracker.deployment",
        "tracker.citation",
    }
    assert all("pk" not in item for item in objects)  # natural keys only


def test_loading_the_article_then_the_imported_fixture_again_would_create_nothing(imported):
    first, (objects, found, missing) = imported.fixture_loads
    assert first["Deployment"] == 8 + 687 + 227
    assert first["Citation"] == 9 + 1452 + 227
    # A second load would save each object over a row of its own: no row added, none merged.
    assert not missing, missing[:5]
    assert found == objects


# --- Issue 10: what the unified data says, measured on the whole of it ------------------------

AIGS_ONLY_COMPANIES = ["Salesforce", "Oracle", "Boeing", "Amazon", "Sandvine", "PredPol"]


def test_facial_recognition_lists_no_company_only_carnegies_country_rows_tie_to_it(
    imported, client
):
    assert (
        Deployment.technologies.through.objects.filter(
            deployment__external_id__startswith="aigs2019:"
        ).count()
        == 0
    )
    listed = client.get("/en/deployments/", {"technology": "facial-recognition"}).text
    profile = client.get("/en/technologies/facial-recognition/").text
    for name in AIGS_ONLY_COMPANIES:
        assert f">{name}<" not in listed, name
        assert f">{name}<" not in profile, name
    # The country-level mark is kept, on the country.
    serbia = Finding.objects.get(slug="aigs2019-rs")
    assert "facial-recognition" in serbia.technologies.values_list("slug", flat=True)


def test_the_six_rows_naming_no_company_are_findings_on_their_countries(imported):
    for iso2 in ["KH", "CZ", "HU", "JM", "PY", "VN"]:
        assert Finding.objects.filter(slug=f"aigs2019-{iso2.lower()}", countries__iso2=iso2)
        assert not Deployment.objects.filter(external_id__startswith=f"aigs2019:{iso2}:")


def test_belgrade_and_carnegies_huawei_serbia_row_point_to_each_other(imported, client):
    belgrade = client.get("/en/deployments/belgrade-huawei-safe-city/").text
    row = Deployment.objects.get(external_id="aigs2019:RS:huawei")
    assert row.get_absolute_url() in belgrade and "row " in belgrade
    assert "/en/deployments/belgrade-huawei-safe-city/" in client.get(row.get_absolute_url()).text
    assert Deployment.objects.get(slug="belgrade-huawei-safe-city").pair_sources == 2
    assert Source.objects.filter(publisher__startswith="Carnegie").count() == 1


def test_records_the_index_says_did_not_complete_are_marked_and_not_counted(imported, client):
    failed = Deployment.objects.filter(status=Deployment.Status.NOT_COMPLETED)
    assert failed.count() == 10
    assert {d.external_id for d in failed} >= {"sii:_Iraq_2015", "sii:_Turkey_2016_2"}
    assert not Deployment.objects.counted().filter(status="not_completed").exists()
    home = client.get("/en/")
    assert home.context["totals"]["deployments"] == Deployment.objects.published().count() - 10
    page = client.get(failed.first().get_absolute_url()).text
    assert "did not go through" in page


def test_no_order_or_licence_reads_since(imported):
    for deployment in Deployment.objects.filter(evidence__in=["licence", "order", "contract"]):
        assert "since" not in deployment.years_display, deployment.external_id


def test_carnegies_bae_systems_entries_come_from_the_united_kingdom(imported):
    bae = Deployment.objects.filter(
        external_id__startswith="aigs2019:", vendors__slug="bae-systems"
    )
    assert bae.count() == 5
    for deployment in bae:
        assert list(deployment.origin_countries.values_list("iso2", flat=True)) == ["GB"]


def test_named_vendors_have_a_cited_head_office_or_are_listed_as_not_sourced(imported):
    from tracker.importers.research import unsourced_vendors

    named = Vendor.objects.filter(deployments__state="published").distinct()
    for vendor in named.filter(headquarters__isnull=False):
        assert vendor.headquarters_source_id and (
            vendor.headquarters_quote or vendor.headquarters_locator
        )
    missing = set(unsourced_vendors().values_list("slug", flat=True))
    assert missing == set(named.filter(headquarters__isnull=True).values_list("slug", flat=True))
    wanted = ["dahua", "hikvision", "iflytek", "megvii", "sensetime", "meiya-pico", "yitu"]
    wanted += ["huawei", "zte", "ceiec", "cloudwalk", "nec", "verint", "gamma-international"]
    assert not missing & set(wanted)
