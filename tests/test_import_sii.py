"""import_sii: Privacy International's Surveillance Industry Index transfers (JSON)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import imported_for_class
from tracker.importers.country_names import CountryResolver
from tracker.importers.sources import cited_sources, clean_url
from tracker.importers.technologies import slug_for
from tracker.models import Citation, Deployment, Source, Technology, Vendor, VendorAlias

SAMPLES = Path(__file__).resolve().parent / "import_samples"
VALID = SAMPLES / "sii_valid.json"
MODELS = (Deployment, Citation, Source, Vendor, VendorAlias, Technology)

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command("import_sii", *map(str, args), stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def entry(uid):
    return Deployment.objects.get(external_id=f"sii:{uid}")


# --- The reviewed tables -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, iso2",
    [
        ("United States of America", "US"),
        ("Burma/Myanmar", "MM"),
        ("Ivory Coast", "CI"),
        ("Cote d'ivoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Hong kong", "HK"),
        ("Swaziland", "SZ"),
        ("Macedonia", "MK"),
        ("Kosovo", "XK"),
        ("South africa", "ZA"),
        ("Czech Republic", "CZ"),
        ("Russia", "RU"),
        ("Taiwan", "TW"),
        ("Norwat", "NO"),
        ("  serbia ", "RS"),
    ],
)
def test_country_names_as_the_datasets_write_them_map_to_iso_codes(name, iso2):
    assert CountryResolver().iso2(name) == iso2


@pytest.mark.parametrize("name", ["Atlantis", "Untied States", "US", "", None, "Norwa"])
def test_unknown_country_names_and_codes_are_not_guessed(name):
    assert CountryResolver().iso2(name) is None


@pytest.mark.parametrize(
    "term, slug",
    [
        ("Lawful interception", "lawful-interception"),
        (" Lawful Interception", "lawful-interception"),
        ("Deeo packet inspection", "deep-packet-inspection"),
        ("Off the air interception", "off-the-air-interception"),
        ("Fiber taps / probes", "fibre-taps-probes"),
        ("Monitoring centres", "monitoring-centre"),
        ("Smart Policing", "smart-policing"),
        ("Safe City System", "safe-city"),
        ("Teleportation", None),
    ],
)
def test_goods_terms_map_to_the_technology_vocabulary(term, slug):
    assert slug_for(term) == slug


def test_a_citation_text_gives_title_publisher_and_date_where_reliable():
    text = (
        "Africa Intelligence, “Bouteflika set to be Internet spymaster”,  N°1176 \x96 05/11/2015,"
        " <http://www.africaintelligence.com/MCE/power-brokers/2015/11/05/x,108109971-ART>"
    )
    [spec] = cited_sources(
        text, ["http://www.africaintelligence.com/MCE/power-brokers/2015/11/05/x,108109971-ART"],
        cited_by="SII",
    )  # fmt: skip
    assert spec.title == "Bouteflika set to be Internet spymaster"
    assert spec.publisher == "Africa Intelligence"
    assert (str(spec.published_on), spec.published_on_precision) == ("2015-11-05", "day")
    assert spec.url.endswith(",108109971-ART")
    assert "Cited by SII as: Africa Intelligence" in spec.notes


def test_an_access_date_is_not_taken_for_a_publication_date():
    [spec] = cited_sources(
        "SECO, Industrieprodukte (Licensing), Date Accessed 4 May 2016, <https://www.seco.admin.ch/x>",
        ["https://www.seco.admin.ch/x"],
        cited_by="SII",
    )
    assert spec.published_on is None


def test_links_are_cleaned_and_non_links_give_no_url():
    assert clean_url("www.wsj.com/articles/SB1") == "http://www.wsj.com/articles/SB1"
    assert (
        clean_url(" https://fpds.gov/a?s=FPDSNG.\nCOM&q=x") == "https://fpds.gov/a?s=FPDSNG.COM&q=x"
    )
    assert clean_url("Spy-tech firms Gamma and Trovicor target Shell Oil in Oman") is None


# --- Importing -----------------------------------------------------------------------------------


valid_sample = imported_for_class("import_sii", VALID)


@pytest.mark.usefixtures("valid_sample")
class TestTheValidSample:
    """What one import of the valid sample gives (each test in its own savepoint)."""

    def test_a_transfer_is_imported_with_vendor_origin_year_technology_and_both_citations(self):
        d = entry("Semptian_Algeria_2010")
        assert d.slug == "sii-semptian-algeria-2010"
        assert (d.country.iso2, d.locality, d.start_year, d.status, d.state) == (
            "DZ", "", 2010, "completed", "published"
        )  # fmt: skip
        # An open-source record reports a sale; its year is the order's, never "since".
        assert (d.evidence, d.year_kind, d.years_display) == ("contract", "ordered", "ordered 2010")
        assert [v.name for v in d.vendors.all()] == ["Semptian"]
        semptian = Vendor.objects.get(name="Semptian")
        assert semptian.headquarters.iso2 == "CN"
        assert (
            semptian.headquarters_source.slug,
            semptian.headquarters_quote,
            semptian.headquarters_locator,
        ) == (
            "privacy-international-sii",
            "China",
            "Semptian_Algeria_2010, field supplier_company_hq",
        )
        assert [c.iso2 for c in d.origin_countries.all()] == ["CN"]
        assert [t.slug for t in d.technologies.all()] == ["lawful-interception"]
        assert "“Lawful interception”" in d.summary
        cited = {(c.source.slug, c.source.url, c.locator, c.quote) for c in d.citations.all()}
        assert (
            "privacy-international-sii",
            "https://github.com/TransparencyToolkit/dataspec-sii",
            "Semptian_Algeria_2010",
            "",
        ) in cited
        article = d.citations.exclude(source__kind="dataset").get()
        assert article.source.url.startswith("http://www.africaintelligence.com/MCE/power-brokers/")
        assert article.locator == "via SII record Semptian_Algeria_2010"
        assert Source.objects.get(slug="privacy-international-sii").kind == "dataset"

    def test_a_transfer_naming_no_company_is_an_export_from_its_country_with_no_vendor(self):
        d = entry("_Bulgaria_2016")
        assert d.vendors.count() == 0
        assert [c.iso2 for c in d.origin_countries.all()] == ["CH"]
        assert d.title == (
            "Switzerland export licence for off the air interception to Bulgaria, licence 2016: "
            "company not named"
        )
        assert (d.evidence, d.years_display) == ("licence", "licence 2016")
        assert "does not name the company" in d.summary
        assert "export-licence data" in d.summary
        nothing = entry("__Pakistan_2013")
        assert (nothing.vendors.count(), nothing.origin_countries.count()) == (0, 0)
        assert nothing.operator == "Inter-Services Intelligence"

    def test_every_country_spelling_in_the_sample_is_mapped(self):
        assert {
            uid: entry(uid).country.iso2
            for uid in (
                "Verint_United States of America_2012",
                "_Hong kong_2015",
                "Blue_Coat_Cote_",
                "_Swaziland_2015",
                "_Macedonia_2015",
                "_Kosovo_2012",
                "_Norwat_2015",
                "_Italia_2014",
            )
        } == {
            "Verint_United States of America_2012": "US",
            "_Hong kong_2015": "HK",
            "Blue_Coat_Cote_": "CI",
            "_Swaziland_2015": "SZ",
            "_Macedonia_2015": "MK",
            "_Kosovo_2012": "XK",
            "_Norwat_2015": "NO",
            "_Italia_2014": "IT",
        }

    def test_vendor_variants_lists_brokers_and_two_headquarters(self):
        assert [v.name for v in entry("ZTE_Corporation_Iran_2010").vendors.all()] == ["ZTE"]
        assert VendorAlias.objects.get(name="ZTE Corporation").vendor.name == "ZTE"
        both = entry("Hacking_Team_NICE_Systems_Colombia_2015")
        assert sorted(v.name for v in both.vendors.all()) == ["Hacking Team", "NICE Systems"]
        assert sorted(c.iso2 for c in both.origin_countries.all()) == ["IL", "IT"]
        broker = entry("MI_Marathon_broker_Nigeria_")
        assert [v.name for v in broker.vendors.all()] == ["MI Marathon"]
        assert "describes MI Marathon as a broker" in broker.summary
        assert broker.start_year is None and broker.year_note == ""
        verint = entry("Verint_United States of America_2012")
        assert sorted(c.iso2 for c in verint.origin_countries.all()) == ["IL", "US"]
        assert Vendor.objects.get(name="Verint").headquarters is None  # two countries: not guessed

    def test_a_domestic_sale_is_recorded_and_said_so(self):
        d = entry("Narus_United States of America_2006")
        assert d.country.iso2 == "US"
        assert [c.iso2 for c in d.origin_countries.all()] == ["US"]
        assert "domestic sale" in d.summary

    def test_mid_2000s_keeps_the_wording_and_leaves_the_year_empty(self):
        d = entry("Siemens_Bahrain_mid-2000s")
        assert (d.start_year, d.year_note) == (None, "mid-2000s")
        assert d.operator == "Government of Bahrain"
        assert d.citations.count() == 3  # two Bloomberg articles and the index

    def test_a_transfer_without_goods_has_no_technology_and_says_so(self):
        d = entry("_Kosovo_2012")
        assert d.technologies.count() == 0
        assert "lists no goods" in d.summary

    def test_imported_entries_are_searchable(self):
        assert "semptian" in entry("Semptian_Algeria_2010").search_document

    def test_a_named_companys_sale_is_titled_a_sale_with_the_year_it_was_ordered(self):
        d = entry("Semptian_Algeria_2010")
        assert d.title == "Semptian to Algeria: lawful interception (sale, ordered 2010)"
        # A year the index gives as a number is the year; no wording is kept beside it.
        assert d.year_note == ""

    def test_a_transfers_summary_says_what_the_index_records_in_its_own_words(self):
        assert entry("Semptian_Algeria_2010").summary == (
            "Privacy International's Surveillance Industry Index records this transfer "
            "(“Semptian Sales to Algeria”). Supplier: Semptian; headquarters: China. "
            "Recipient: Algeria. Goods, as the index lists them: “Lawful interception”. "
            "Order year: 2010. Transfer to the end user reported as complete: Yes. "
            "Basis: open sources."
        )

    def test_a_transfer_naming_neither_company_nor_country_says_so_in_its_summary(self):
        assert entry("__Pakistan_2013").summary == (
            "Privacy International's Surveillance Industry Index records this transfer "
            "(“Sales to Pakistan”). The index names neither the company nor its country. "
            "Recipient: Pakistan; end user: Inter-Services Intelligence. Goods, as the index lists "
            "them: “Fibre taps / probes”. Order year: 2013. Transfer to the end user reported as "
            "complete: Yes. Basis: open sources."
        )


def test_a_source_without_url_gets_a_stable_slug_a_null_url_and_composed_unicode():
    run(VALID)
    source = entry("_Italia_2014").citations.exclude(source__kind="dataset").get().source
    assert source.url is None
    assert source.slug.startswith("ministry-for-foreign-affairs-of-finland-")
    assert "Myönnetyt" in source.title  # NFC: "ö" is one character
    assert source.publisher == "Ministry for Foreign Affairs of Finland"
    slug = source.slug
    Deployment.objects.all().delete()
    Source.objects.exclude(kind="dataset").delete()
    run(VALID)
    assert Source.objects.filter(slug=slug, url=None).exists()


def test_duplicate_ids_and_colliding_slugs_are_made_distinct_deterministically():
    output = run(VALID)
    assert entry("_Bulgaria_2016").slug == "sii-bulgaria-2016"
    second = Deployment.objects.get(external_id="sii:_Bulgaria_2016#19")
    assert second.slug == "sii-bulgaria-2016-19"
    assert second.citations.filter(locator="_Bulgaria_2016 (record 19)").exists()
    assert entry("_South Africa_2015").slug == "sii-south-africa-2015"
    assert entry("_South africa_2015").slug == "sii-south-africa-2015-r18"
    assert "made distinct: sii:_Bulgaria_2016#19" in output
    assert "made sii-south-africa-2015-r18" in output


def test_the_summary_counts_created_updated_unchanged_and_refused_per_model():
    output = run(VALID)
    assert "Summary: 19 transfers read; 19 deployments planned; 0 transfers refused" in output
    lines = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line[:1] != " "}
    assert lines["deployment"] == ["19", "0", "0", "0"]
    assert lines["source"][0] == "14"  # 13 cited sources and the index
    assert lines["vendoralias"] == ["1", "0", "0", "0"]
    header = ["created", "updated", "unchanged", "refused"]
    assert any(line.split() == header for line in output.splitlines())


def test_an_import_asks_the_database_no_more_than_it_did_when_measured():
    # 19 records, 39 citations: 795 queries on SQLite, 796 on PostgreSQL (December 2026; 1,010
    # before new entries' relations were added without first asking what they held, and search
    # documents rebuilt per chunk). The whole SII file has 687 records: each query more per
    # record is 687 more per import, and an import of the file runs at each data update.
    with CaptureQueriesContext(connection) as queries:
        run(VALID)
    assert counts()["Deployment"] == 19
    assert len(queries) <= 800


# --- Safety --------------------------------------------------------------------------------------


def test_refused_records_are_listed_with_reasons_and_nothing_is_imported():
    before = counts()
    with pytest.raises(CommandError, match="7 of 9 transfers refused"):
        out = StringIO()
        call_command("import_sii", str(SAMPLES / "sii_invalid_rows.json"), stdout=out)
    output = out.getvalue()
    for line in (
        "record 2 (Datong__2015): no recipient country",
        "record 3 (_Atlantis_2015): unknown recipient country “Atlantis”",
        "record 4 (Acme_France_20x5): malformed order_year “20x5”",
        "record 5 (Acme_France_3015): implausible order_year 3015",
        "record 6 (Acme_Spain_2015): unknown goods term “Teleportation”",
        "record 7 (Acme_Chile_2015): unknown supplier headquarters country “Narnia”",
        "record 8 (no unique_id): not a JSON object",
    ):
        assert f"refused {line}" in output
    assert counts() == before


def test_skip_invalid_imports_the_valid_records_and_reports_the_refused():
    output = run(SAMPLES / "sii_invalid_rows.json", skip_invalid=True)
    assert Deployment.objects.count() == 2
    assert "9 transfers read; 2 deployments planned; 7 transfers refused" in output
    assert "refused record 3 (_Atlantis_2015)" in output


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing():
    before = counts()
    output = run(VALID, dry_run=True)
    assert counts() == before
    assert "Summary (dry run: nothing was written)" in output
    assert "would have created deployment sii-semptian-algeria-2010" in output


def test_a_second_run_creates_nothing_and_reports_everything_unchanged():
    run(VALID)
    before = counts()
    output = run(VALID)
    assert counts() == before
    assert "deployment          0        0         19        0" in output
    assert "citation            0        0         39        0" in output


def test_a_changed_record_is_counted_as_updated(tmp_path):
    run(VALID)
    changed = tmp_path / "changed.json"
    changed.write_text(
        VALID.read_text(encoding="utf-8").replace('"enduser": null', '"enduser": "Police"', 1),
        encoding="utf-8",
    )
    output = run(changed, verbosity=2)
    assert entry("Semptian_Algeria_2010").operator == "Police"
    assert "updated deployment sii-semptian-algeria-2010 (operator, summary)" in output
    assert "deployment          0        1         18        0" in output
    latest, before = entry("Semptian_Algeria_2010").history.all()[:2]
    changes = {change.field: change.new for change in latest.diff_against(before).changes}
    assert changes["operator"] == "Police"


def test_a_reimport_leaves_an_editors_retraction_and_citations_alone():
    run(VALID)
    d = entry("Semptian_Algeria_2010")
    d.state, d.retraction_reason = Deployment.State.RETRACTED, "Checked: not a sale."
    d.save()
    editor_source = Source.objects.create(title="Editor's find", slug="editors-find")
    Citation.objects.create(deployment=d, source=editor_source, quote="Exact words.")
    run(VALID)
    d.refresh_from_db()
    assert d.state == Deployment.State.RETRACTED
    assert d.citations.filter(source=editor_source).exists()


@pytest.mark.parametrize(
    "name, message",
    [
        ("sii_not_json.json", "not valid JSON (line 1, column 72"),
        ("sii_object.json", "expected a JSON array of transfer records, found a JSON object"),
        ("sii_empty.json", "the file is empty"),
        ("sii_empty_array.json", "the array is empty"),
        (
            "sii_wrong_fields.json",
            "not an SII transfers file: no record has the field(s) unique_id",
        ),
        ("sii_latin1.json", "not UTF-8 text (byte 0xe9"),
        ("no_such_file.json", "no such file"),
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
    original = Deployment.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        if self.pk is None:
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Deployment, "save", failing_save)
    before = counts()
    with pytest.raises(CommandError, match=r"stopped at record 3 .*disk full.*Nothing was written"):
        run(VALID)
    assert counts() == before


# --- What a reader reads about a transfer --------------------------------------------------------


def sample_record(uid, **changes):
    record = next(r for r in json.loads(VALID.read_text(encoding="utf-8")) if r["unique_id"] == uid)
    return {**record, **changes}


def transfers(tmp_path, *records):
    path = tmp_path / "transfers.json"
    path.write_text(json.dumps(list(records)), encoding="utf-8")
    return path


def test_the_goods_in_the_long_goods_field_are_read_when_the_goods_list_is_null(tmp_path):
    record = sample_record("Semptian_Algeria_2010", goods=None)
    long_field = next(key for key in record if key.startswith("goods__"))
    record[long_field] = "Lawful interception, Deep packet inspection"
    run(transfers(tmp_path, record))
    assert sorted(entry("Semptian_Algeria_2010").technologies.values_list("slug", flat=True)) == [
        "deep-packet-inspection",
        "lawful-interception",
    ]


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"order_year": 2015.5}, "malformed order_year 2015.5"),
        ({"unique_id": " "}, "no unique_id"),
    ],
)
def test_a_record_with_a_bad_value_is_refused_naming_it(tmp_path, changes, reason):
    path = transfers(tmp_path, sample_record("Semptian_Algeria_2010", **changes))
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 transfers refused"):
        call_command("import_sii", str(path), stdout=out)
    assert f": {reason}" in out.getvalue()
    assert Deployment.objects.count() == 0


def test_a_record_lacking_a_field_is_refused_naming_the_field(tmp_path):
    incomplete = sample_record("Semptian_Algeria_2010")
    del incomplete["enduser"]
    path = transfers(tmp_path, sample_record("_Bulgaria_2016"), incomplete)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 transfers refused"):
        call_command("import_sii", str(path), stdout=out)
    assert "refused record 2 (Semptian_Algeria_2010): missing field(s) enduser" in out.getvalue()


def test_json_nested_too_deeply_is_refused_in_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError) as error:
        run(path)
    assert str(error.value) == (
        f"{path}: JSON nested too deeply to be a transfers file (records are flat objects)"
    )


def test_two_transfers_the_index_describes_alike_are_told_apart_by_their_record(tmp_path):
    first = sample_record("_Bulgaria_2016")
    second = sample_record("_Bulgaria_2016", unique_id="_Bulgaria_2016:2")
    run(transfers(tmp_path, first, second))
    title = "Switzerland export licence for off the air interception to Bulgaria, licence 2016"
    assert entry("_Bulgaria_2016").title == f"{title}: company not named (record _Bulgaria_2016)"
    assert entry("_Bulgaria_2016:2").title == (
        f"{title}: company not named (record _Bulgaria_2016:2)"
    )


def test_the_articles_the_index_cites_state_the_sale_but_not_its_goods_or_year():
    # The goods and the year are the index's reading: only its own record states them.
    run(VALID)
    d = entry("Semptian_Algeria_2010")
    article = d.citations.exclude(source__kind="dataset").get()
    index = d.citations.get(source__kind="dataset")
    assert (article.states_year, list(article.technologies.all())) == (False, [])
    assert (article.states_place, [v.name for v in article.vendors.all()]) == (True, ["Semptian"])
    assert (index.states_year, [t.slug for t in index.technologies.all()]) == (
        True,
        ["lawful-interception"],
    )


def test_a_source_the_record_no_longer_cites_is_no_longer_cited_after_a_reimport(tmp_path):
    run(transfers(tmp_path, sample_record("Semptian_Algeria_2010")))
    new_link = "https://www.example.org/semptian-algeria"
    moved = sample_record(
        "Semptian_Algeria_2010",
        sources=f"Example, “Semptian in Algeria”, 2016, <{new_link}>",
        source_links=[new_link],
    )
    output = run(transfers(tmp_path, moved))
    cited = {c.source.url for c in entry("Semptian_Algeria_2010").citations.all()}
    assert cited == {new_link, "https://github.com/TransparencyToolkit/dataspec-sii"}
    assert "(1 removed)" in output


def test_a_very_long_record_id_gives_an_address_cut_to_190_characters(tmp_path):
    # 190 leaves room in the 200-character address for a "-r<position>" suffix. The id itself
    # fits the 200 characters the entry keeps of it (PostgreSQL refuses longer).
    uid = "Acme_" + "a" * 185 + "_2016"
    run(transfers(tmp_path, sample_record("Semptian_Algeria_2010", unique_id=uid)))
    assert entry(uid).slug == "sii-acme-" + "a" * 181


def test_an_article_the_record_links_but_the_text_does_not_is_cited_with_its_link(tmp_path):
    link = "https://www.example.org/semptian-algeria"
    record = sample_record(
        "Semptian_Algeria_2010",
        sources="Example News report on Semptian in Algeria, 2016",
        source_links=[link],
    )
    run(transfers(tmp_path, record))
    article = entry("Semptian_Algeria_2010").citations.exclude(source__kind="dataset").get()
    assert (article.source.url, article.source.title) == (
        link,
        "Example News report on Semptian in Algeria, 2016",
    )
