"""import_aigs: the Carnegie Endowment's AI Global Surveillance Index 2019 (';'-separated CSV)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import imported_for_class
from tests.factories import VendorFactory
from tracker.importers.vendor_names import parse_cell
from tracker.models import (
    Citation,
    Country,
    Deployment,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)

SAMPLES = Path(__file__).resolve().parent / "import_samples"
VALID = SAMPLES / "aigs_valid.csv"
MODELS = (Deployment, Citation, Source, Vendor, VendorAlias, Technology)

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command("import_aigs", *map(str, args), stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def entry(iso2, vendor_slug):
    return Deployment.objects.get(external_id=f"aigs2019:{iso2}:{vendor_slug}")


def test_vendor_spelling_variants_fold_into_the_canonical_name():
    [name], several = parse_cell("Hikvsion")
    assert (name.name, name.seen, name.is_variant, several) == (
        "Hikvision",
        "Hikvsion",
        True,
        False,
    )
    assert parse_cell("iOmnicient")[0][0].name == "iOmniscient"
    assert parse_cell("ZTE Corporation")[0][0].name == "ZTE"
    assert parse_cell("GateKeeper")[0][0].is_variant is False  # case alone is not a variant


def test_a_cell_listing_several_companies_is_split_into_vendors():
    names, several = parse_cell("Huawei, ZTE, Hikvision, Dahua, Face++, iFlytek, and Yixin ")
    assert [n.name for n in names] == [
        "Huawei", "ZTE", "Hikvision", "Dahua", "Megvii", "iFlytek", "Yixin"
    ]  # fmt: skip
    assert not several
    assert [n.name for n in parse_cell("AT&T")[0]] == ["AT&T"]


def test_mult_means_several_unnamed_companies_and_names_no_vendor():
    assert parse_cell("Mult") == ([], True)


def test_a_broker_is_the_vendor_with_its_role_noted():
    [name], _ = parse_cell("MI Marathon (broker)")
    assert (name.name, name.role) == ("MI Marathon", "broker")


def test_the_sample_file_is_read_despite_crlf_decimal_commas_and_unnamed_columns():
    output = run(VALID)
    assert "11 country rows read; 30 deployments planned; 0 country rows refused" in output


valid_sample = imported_for_class("import_aigs", VALID)


@pytest.mark.usefixtures("valid_sample")
class TestTheValidSample:
    """What one import of the valid sample gives (each test in its own savepoint)."""

    def test_a_row_is_a_country_level_claim_one_entry_per_company_named(self):
        d = entry("RS", "huawei")
        assert d.slug == "aigs2019-rs-huawei"
        assert (d.locality, d.operator, d.start_year, d.end_year, d.year_note) == (
            "",
            "",
            None,
            None,
            "",
        )
        assert (d.status, d.state) == ("reported", "published")
        assert [v.name for v in d.vendors.all()] == ["Huawei"]
        assert "country-level claim" in d.summary
        assert Deployment.objects.filter(country__iso2="RS").count() == 1

    def test_the_index_is_cited_with_the_spreadsheet_row_as_locator(self):
        [citation] = entry("RS", "huawei").citations.all()
        assert (citation.source.slug, citation.locator, citation.quote) == (
            "carnegie-aigs-2019", "row 2 (Serbia)", ""
        )  # fmt: skip
        source = citation.source
        assert source.kind == "dataset"
        assert source.title == (
            "Carnegie Endowment for International Peace, AI Global Surveillance Index (2019)"
        )
        assert source.url == "https://doi.org/10.17632/gjhf5y4xjp.1"
        assert "10.17632/gjhf5y4xjp" in source.notes

    def test_the_marked_technology_columns_are_the_countrys_finding_not_the_companys(self):
        d = entry("RS", "huawei")
        assert list(d.technologies.all()) == []
        finding = Finding.objects.get(slug="aigs2019-rs")
        assert sorted(t.slug for t in finding.technologies.all()) == [
            "facial-recognition", "safe-city", "smart-policing"
        ]  # fmt: skip
        assert [c.iso2 for c in finding.countries.all()] == ["RS"]
        assert finding.locator.startswith("row 2 (Serbia)")
        assert "Safe City System, Facial Recognition System, Smart Policing" in d.summary
        assert "does not say which company supplies which technology" in d.summary
        assert Technology.objects.get(slug="smart-policing").name == "Smart policing"
        assert Technology.objects.filter(slug="social-media-surveillance").exists()

    def test_the_index_country_names_are_mapped(self):
        countries = set(Deployment.objects.values_list("country__iso2", flat=True))
        assert {"MM", "CI", "HK", "US", "TW", "AE", "CN", "AU"} <= countries

    def test_misspelt_vendors_fold_into_one_vendor_each_with_the_spelling_kept_as_an_alias(self):
        assert Vendor.objects.filter(name__iexact="Hikvision").count() == 1
        assert not Vendor.objects.filter(name__in=["Hikvsion", "iOmnicient", "Face++"]).exists()
        assert VendorAlias.objects.get(name="Hikvsion").vendor.name == "Hikvision"
        assert VendorAlias.objects.get(name="iOmnicient").vendor.name == "iOmniscient"
        hikvision = Vendor.objects.get(name="Hikvision")
        assert set(hikvision.deployments.values_list("country__iso2", flat=True)) == {
            "MM", "AU", "AE", "CN"
        }  # fmt: skip
        assert "The index writes “Hikvsion”" in entry("AE", "hikvision").summary
        assert Vendor.objects.filter(name__iexact="gatekeeper").count() == 1

    def test_companies_in_the_unnamed_columns_after_company_5_are_imported(self):
        us = set(
            Deployment.objects.filter(country__iso2="US").values_list("vendors__name", flat=True)
        )
        assert us == {
            "Cognitec",
            "Palantir",
            "PredPol",
            "Amazon",
            "Infinova",
            "Avigilon",
            "Elbit Systems",
        }
        assert entry("AE", "gatekeeper")

    def test_a_cell_listing_several_companies_gives_one_entry_per_company(self):
        china = set(Deployment.objects.filter(country__iso2="CN").values_list("slug", flat=True))
        assert china == {
            "aigs2019-cn-megvii",  # Company 2 "Megvii" and "Face++" in the list: one entry
            "aigs2019-cn-sensetime",
            "aigs2019-cn-huawei",
            "aigs2019-cn-zte",
            "aigs2019-cn-hikvision",
            "aigs2019-cn-yixin",
        }
        megvii = entry("CN", "megvii")
        assert megvii.vendors.get().name == "Megvii"
        assert "“Face++”" in megvii.summary

    def test_a_countrys_finding_gives_the_technology_origins_the_row_names(self):
        finding = Finding.objects.get(slug="aigs2019-au")
        assert sorted(finding.origin_countries.values_list("iso2", flat=True)) == [
            "AU", "CN", "JP", "US"
        ]  # fmt: skip
        assert finding.statement == (
            "Carnegie's AI Global Surveillance Index (2019) records for Australia: AI surveillance "
            "technology in use: Safe City System, Facial Recognition System, Smart Policing, "
            "Social Media Surveillance. Technology from: China, the US, Japan, Australia. The "
            "index does not say which company supplies which technology."
        )

    def test_an_entrys_summary_says_what_the_index_names_and_what_it_does_not_say(self):
        assert entry("RS", "huawei").summary == (
            "The Carnegie Endowment's AI Global Surveillance Index (2019) names Huawei among the "
            "companies supplying AI surveillance technology to Serbia (Company 1: “Huawei”). For "
            "Serbia as a whole the index marks: Safe City System, Facial Recognition System, Smart "
            "Policing. It does not say which company supplies which technology, so none is "
            "credited to Huawei here (see the country's page). This is a country-level claim: the "
            "index does not say where in the country, for whom, or since when."
        )

    def test_an_entrys_evidence_is_that_the_company_is_named_as_a_supplier(self):
        d = entry("RS", "huawei")
        assert d.evidence == Deployment.Evidence.SUPPLIER_NAMED


def test_mult_invents_no_vendor_and_is_noted():
    output = run(VALID)
    assert not Vendor.objects.filter(name__iexact="mult").exists()
    assert "row 8 (United States of America): “Mult”: several companies" in output
    assert "several companies it does not name" in entry("US", "palantir").summary


def test_a_row_naming_no_company_yields_no_entry_and_is_reported():
    output = run(VALID)
    assert not Deployment.objects.filter(country__iso2="KH").exists()
    assert "row 10 (Cambodia): names no company; recorded as a country finding" in output
    assert Finding.objects.filter(slug="aigs2019-kh", countries__iso2="KH").exists()
    assert "row 12: blank, skipped" in output


def test_origin_is_a_head_office_an_earlier_source_gave_and_is_never_guessed():
    # As the article does for Huawei ("le constructeur chinois Huawei"); the index names none.
    VendorFactory(
        name="Huawei",
        slug="huawei",
        headquarters=Country.objects.get(iso2="CN"),
        headquarters_quote="le constructeur chinois Huawei",
    )
    run(VALID)
    assert [c.iso2 for c in entry("RS", "huawei").origin_countries.all()] == ["CN"]
    assert entry("US", "palantir").origin_countries.count() == 0
    assert Vendor.objects.get(slug="palantir").headquarters is None
    assert entry("TW", "lilin").origin_countries.count() == 0


def test_refused_rows_are_listed_and_nothing_is_imported_without_skip_invalid():
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="5 of 6 country rows refused"):
        call_command("import_aigs", str(SAMPLES / "aigs_invalid_rows.csv"), stdout=out)
    for line in (
        "row 3 (Atlantis): unknown country “Atlantis”",
        "row 4 (no country): no country",
        "row 5 (Serbia): Serbia is already given in row 2",
        "row 6 (Kenya): unexpected “yes” in Facial Recognition System (expected x or empty)",
        "row 7 (Ghana): 40 cells but the header has 38 columns",
    ):
        assert f"refused {line}" in out.getvalue()
    assert counts() == before


def test_skip_invalid_imports_the_valid_rows():
    output = run(SAMPLES / "aigs_invalid_rows.csv", skip_invalid=True)
    assert list(Deployment.objects.values_list("slug", flat=True)) == ["aigs2019-rs-huawei"]
    assert "5 country rows refused" in output


def test_a_dry_run_writes_nothing():
    before = counts()
    output = run(VALID, dry_run=True)
    assert counts() == before
    assert "would have created deployment aigs2019-rs-huawei" in output


def test_a_second_run_creates_nothing():
    run(VALID)
    before = counts()
    output = run(VALID)
    assert counts() == before
    assert "deployment          0        0         30        0" in output


@pytest.mark.parametrize(
    "name, message",
    [
        ("aigs_comma.csv", "wrong delimiter: expected ';'-separated columns"),
        ("aigs_missing_columns.csv", "missing column(s): Company 5"),
        ("aigs_latin1.csv", "not UTF-8 text"),
        ("aigs_empty.csv", "the file is empty"),
        ("aigs_header_only.csv", "a header but no data rows"),
        ("no_such_file.csv", "no such file"),
    ],
)
def test_a_bad_file_gives_one_clear_error_and_leaves_the_database_untouched(name, message):
    run(VALID)
    before = counts()
    with pytest.raises(CommandError) as error:
        run(SAMPLES / name)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert counts() == before


def test_an_unexpected_failure_mid_run_leaves_nothing(monkeypatch):
    original = Citation.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("connection lost")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Citation, "save", failing_save)
    before = counts()
    with pytest.raises(CommandError, match=r"connection lost.*Nothing was written"):
        run(VALID)
    assert counts() == before


# --- What the country's finding and each entry say -----------------------------------------------


def test_the_summary_counts_the_country_findings():
    output = run(VALID)
    rows = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line[:1] != " "}
    assert rows["finding"] == ["10", "0", "0", "0"]  # ten country rows, the blank one skipped


def aigs_file(tmp_path, header, *rows):
    path = tmp_path / "aigs.csv"
    path.write_text("\r\n".join(";".join(row) for row in (header, *rows)), encoding="utf-8")
    return path


def test_a_named_column_after_company_5_is_reported_as_not_imported(tmp_path):
    header = ["Country", "Safe City System", "Facial Recognition System", "Smart Policing"]
    header += ["Social Media Surveillance", "Region"]
    header += [f"Company {n}" for n in range(1, 6)] + ["Comment"]
    row = ["Serbia", "x", "", "", "", "EUR", "Huawei", "", "", "", "", "checked 2019"]
    output = run(aigs_file(tmp_path, header, row))
    assert "row 2 (Serbia): column “Comment” not imported" in output
    # The columns before the companies are the index's own, known not to be imported.
    assert "“Region”" not in output


@pytest.mark.parametrize(
    "separator, said", [(",", "it looks ','-separated"), ("\t", "it looks tab-separated"),
                        ("|", "it looks '|'-separated"), (" ", "no separator found")]
)  # fmt: skip
def test_a_file_with_another_separator_is_refused_naming_the_one_it_seems_to_use(
    tmp_path, separator, said
):
    path = tmp_path / "aigs.txt"
    path.write_text(separator.join(["Country", "Company 1"]) + "\nSerbia\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(path)
    assert str(error.value) == (
        f"{path}: wrong delimiter: expected ';'-separated columns in the header ({said})"
    )
