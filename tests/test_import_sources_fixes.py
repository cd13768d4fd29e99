"""Issue 10: the SII's cited sources and head offices, on records copied from the index.

tests/import_samples/sii_sources_fixes.json holds eight records as the index gives them (file
order kept): Verint_Uzbekistan_ and MFI_Soft_Uzbekistan_ (Privacy International's “Private
Interests” cited without a URL), two Gamma International records (two companies and two
countries, then Gamma International alone in the United Kingdom), Verint_South Africa_2014
(Verint in Israel alone), Dreamlab_Oman_2010 (Russia Today cited with “<>” and a null link),
Allot_Iran_2006 (a Copenhagen Post link written “cphpost.dk/…”) and Trovicor_Tajikistan_2010
(“Private Interests” with its URL).
"""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import rows_for_class
from tracker.importers.sources import cited_sources, clean_url, same_work, segments, url_key
from tracker.models import Country, Deployment, Source, Vendor

SAMPLE = Path(__file__).resolve().parent / "import_samples" / "sii_sources_fixes.json"
RECORDS = {record["unique_id"]: record for record in json.loads(SAMPLE.read_text())}
CPH = "http://cphpost.dk/news/danish-company-implicated-in-banned-israel-iran-trade.420.html"
PRIVATE_INTERESTS = "https://www.privacyinternational.org/sites/default/files/Private%20Interests%20with%20annex_0.pdf"

pytestmark = pytest.mark.django_db


def run(path, **options):
    out = StringIO()
    call_command("import_sii", str(path), stdout=out, **options)
    return out.getvalue()


def write(tmp_path, *uids, name="records.json", **changes):
    """A file of the sample's records in the order given, with fields changed per record."""
    records = [{**RECORDS[uid], **changes.get(uid, {})} for uid in uids]
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def counts(output):
    """The summary's rows: model → [created, updated, unchanged, refused]."""
    return {line.split()[0]: line.split()[1:] for line in output.splitlines() if line.strip()}


def entry(uid):
    return Deployment.objects.get(external_id=f"sii:{uid}")


def cited(uid):
    return {c.source for c in entry(uid).citations.select_related("source")}


# --- The citation text, record by record ---------------------------------------------------------


def test_a_bare_host_with_one_dot_is_a_url_and_titles_or_plain_text_are_not():
    assert clean_url(
        "cphpost.dk/news/danish-company-implicated-in-banned-israel-iran-trade.420.html"
    )
    assert clean_url("information.dk/289178") == "http://information.dk/289178"
    for text in (
        "Spy-tech firms Gamma and Trovicor target Shell Oil in Oman",
        "Information.dk, 30 Dec. 2011",
        "N°1176 05/11/2015",
        "and/or the Ministry",
        "contact@example.com/x",
    ):
        assert clean_url(text) is None, text


def test_the_copenhagen_post_link_without_www_gives_its_own_source():
    record = RECORDS["Allot_Iran_2006"]
    specs = cited_sources(record["sources"], record["source_links"], cited_by="SII")
    cph = next(spec for spec in specs if spec.url == CPH)
    assert (cph.title, cph.publisher, cph.published_on) == (
        "Danish company implicated in banned Israel-Iran trade",
        "The Copenhagen Post",
        date(2011, 12, 29),
    )
    assert len(specs) == 4  # Bloomberg, Information, The Copenhagen Post, Globes


def test_a_cited_source_with_no_url_is_still_a_source():
    record = RECORDS["Dreamlab_Oman_2010"]
    specs = cited_sources(record["sources"], record["source_links"], cited_by="SII")
    assert [spec.url is None for spec in specs] == [False, False, True]
    rt = specs[-1]
    assert rt.title == (
        "Spy Files: New WikiLeaks docs expose secretive, unruly surveillance industry"
    )
    assert (rt.publisher, rt.published_on, rt.published_on_precision) == (
        "Russia Today",
        date(2013, 9, 4),
        "day",
    )
    assert rt.slug.startswith("spy-files-new-wikileaks-docs-")


def test_an_article_whose_only_link_is_written_differently_in_the_text_is_cited_once():
    # The link is not in the text word for word, so the whole text describes it; its one titled
    # citation was also read as a second, unlinked source: the entry cited the article twice.
    specs = cited_sources(
        "Example News, “Semptian in Algeria”, 2016",
        ["https://www.example.org/semptian-algeria"],
        cited_by="SII",
    )
    assert [spec.url for spec in specs] == ["https://www.example.org/semptian-algeria"]


def test_an_unlinked_citation_before_a_linked_one_is_a_source_with_the_slug_of_its_own_text():
    alone = RECORDS["Verint_Uzbekistan_"]
    [pi_alone] = cited_sources(alone["sources"], alone["source_links"], cited_by="SII")
    both = RECORDS["MFI_Soft_Uzbekistan_"]
    pi, access = cited_sources(both["sources"], both["source_links"], cited_by="SII")
    assert pi.url is None and pi.slug == pi_alone.slug
    assert (pi.title, pi.publisher) == (
        "Private Interests: Monitoring Central Asia",
        "Privacy International",
    )
    assert access.url.startswith("https://s3.amazonaws.com/access.3cdn.net/")
    assert access.title.startswith("Commonwealth of surveillance states")


def test_several_authors_joined_by_an_ampersand_stay_one_citation():
    record = RECORDS["Verint_South Africa_2014"]
    [spec] = cited_sources(record["sources"], record["source_links"], cited_by="SII")
    assert spec.url == (
        "http://amabhungane.co.za/article/2016-08-27-the-smuggler-the-spook-and-the-grabber"
    )


# --- Imported ------------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def imported(django_db_setup, django_db_blocker):
    with rows_for_class(django_db_blocker):
        run(SAMPLE)
        yield


@pytest.mark.usefixtures("imported")
class TestTheSampleImported:
    def test_allot_cites_the_copenhagen_post(self):
        source = Source.objects.get(url=CPH)
        assert source.publisher == "The Copenhagen Post"
        assert source in cited("Allot_Iran_2006")
        assert len(cited("Allot_Iran_2006")) == 5  # four articles and the index

    def test_dreamlab_cites_russia_today_without_a_url(self):
        rt = Source.objects.get(publisher="Russia Today")
        assert rt.url is None
        assert rt.title.startswith("Spy Files: New WikiLeaks docs")
        assert (rt.published_on, rt.published_on_precision) == (date(2013, 9, 4), "day")
        assert rt in cited("Dreamlab_Oman_2010")
        assert len(cited("Dreamlab_Oman_2010")) == 4  # CorpWatch, WikiLeaks, RT, the index

    def test_private_interests_is_one_source_with_its_url_cited_by_every_record(self):
        [source] = Source.objects.filter(title__icontains="Monitoring Central Asia")
        assert source.url == PRIVATE_INTERESTS
        assert (source.publisher, source.kind, source.language) == (
            "Privacy International",
            "report",
            "en",
        )
        for uid in ("Verint_Uzbekistan_", "MFI_Soft_Uzbekistan_", "Trovicor_Tajikistan_2010"):
            assert source in cited(uid), uid

    def test_no_two_sources_share_a_title_and_publisher(self):
        keys = [(s.title.casefold(), s.publisher.casefold()) for s in Source.objects.all()]
        assert len(keys) == len(set(keys))

    def test_verint_gets_its_head_office_from_the_later_record_naming_one_country(self):
        verint = Vendor.objects.get(name="Verint")
        assert verint.headquarters.iso2 == "IL"
        assert verint.headquarters_source.slug == "privacy-international-sii"
        assert (verint.headquarters_quote, verint.headquarters_locator) == (
            "Israel",
            "Verint_South Africa_2014, field supplier_company_hq",
        )

    def test_gamma_international_gets_its_head_office_from_the_record_naming_it_alone(self):
        gamma = Vendor.objects.get(name="Gamma International")
        assert gamma.headquarters.iso2 == "GB"
        assert gamma.headquarters_locator == "Gamma_International_Oman_, field supplier_company_hq"
        assert Vendor.objects.get(name="FinFisher").headquarters is None

    def test_a_second_run_changes_nothing(self):
        rows = counts(run(SAMPLE))
        assert rows["source"][:2] == ["0", "0"]
        assert rows["vendor"][:2] == ["0", "0"]
        assert rows["citation"][:2] == ["0", "0"]


# --- One work, one Source, whatever the order ----------------------------------------------------


def test_the_work_cited_without_its_url_first_gets_the_url_of_a_later_citation(tmp_path):
    run(write(tmp_path, "Verint_Uzbekistan_", "Trovicor_Tajikistan_2010"))
    [source] = Source.objects.filter(title__icontains="Monitoring Central Asia")
    assert source.url == PRIVATE_INTERESTS
    assert source in cited("Verint_Uzbekistan_") and source in cited("Trovicor_Tajikistan_2010")
    output = run(write(tmp_path, "Verint_Uzbekistan_", "Trovicor_Tajikistan_2010"))
    assert Source.objects.get(pk=source.pk).url == PRIVATE_INTERESTS  # not blanked again
    assert counts(output)["source"][:2] == ["0", "0"]


def test_the_work_cited_with_its_url_first_is_the_one_a_later_citation_without_it_gets(tmp_path):
    run(write(tmp_path, "Trovicor_Tajikistan_2010", "Verint_Uzbekistan_"))
    [source] = Source.objects.filter(title__icontains="Monitoring Central Asia")
    assert source.url == PRIVATE_INTERESTS
    assert source in cited("Verint_Uzbekistan_")


def test_a_url_written_differently_finds_the_same_source(tmp_path):
    existing = Source.objects.create(
        title="Private Interests (editor's entry)",
        slug="private-interests-editors",
        url="https://privacyinternational.org/sites/default/files/"
        "Private%20Interests%20with%20annex_0.pdf/",
    )
    run(write(tmp_path, "Trovicor_Tajikistan_2010"))
    assert existing in cited("Trovicor_Tajikistan_2010")
    assert not Source.objects.filter(url=PRIVATE_INTERESTS).exists()


def test_same_work_keys():
    assert url_key("https://www.Example.org/a/") == url_key("http://example.org/a")
    doi = Source.objects.create(title="A", slug="a", url="https://doi.org/10.17632/gjhf5y4xjp.1")
    assert same_work(url="https://data.mendeley.com/datasets/10.17632/GJHF5Y4XJP.1") == [
        (doi, "the same DOI")
    ]
    titled = Source.objects.create(title="Report", slug="r", publisher="PI", url="https://pi.org/r")
    assert same_work(title=" report ", publisher="pi") == [(titled, "the same title and publisher")]
    # Two URLs under one title may be two works: the importers do not merge them.
    assert same_work(url="https://pi.org/other", title="Report", publisher="PI") == []
    assert same_work(title="Report", publisher="") == []
    placeholder = "Document at pi.org (title not given by SII)"
    Source.objects.create(title=placeholder, slug="p", publisher="PI")
    assert same_work(title=placeholder, publisher="PI") == []


# --- Head offices --------------------------------------------------------------------------------


def test_a_later_record_fills_a_missing_head_office_in_order(tmp_path):
    first = write(tmp_path, "Verint_Uzbekistan_", name="first.json")
    run(first)
    assert Vendor.objects.get(name="Verint").headquarters is None
    run(write(tmp_path, "Verint_Uzbekistan_", "Verint_South Africa_2014"))
    assert Vendor.objects.get(name="Verint").headquarters.iso2 == "IL"


def test_a_head_office_already_cited_is_never_overwritten(tmp_path):
    path = write(
        tmp_path,
        "Verint_South Africa_2014",
        "Verint_Uzbekistan_",
        Verint_Uzbekistan_={"supplier_company_hq": "United States of America"},
    )
    run(path)
    verint = Vendor.objects.get(name="Verint")
    assert verint.headquarters.iso2 == "IL"
    assert verint.headquarters_locator == "Verint_South Africa_2014, field supplier_company_hq"
    verint.headquarters = Country.objects.get(iso2="US")
    verint.headquarters_quote = "An editor's reading"
    verint.save()
    run(path)
    verint.refresh_from_db()
    assert (verint.headquarters.iso2, verint.headquarters_quote) == ("US", "An editor's reading")


# --- What a citation text gives a source ---------------------------------------------------------


def one_source(text, links=()):
    [spec] = cited_sources(text, list(links), cited_by="SII")
    return spec


def test_a_link_followed_by_punctuation_is_cleaned_of_it_and_a_final_capital_is_kept():
    assert clean_url("<http://example.org/report>, p. 4") == "http://example.org/report"
    assert clean_url("https://example.org/annex-X") == "https://example.org/annex-X"


def test_a_trailing_available_at_is_not_part_of_the_title():
    url = "https://amnesty.example.org/r"
    spec = one_source(f"Amnesty report on Bahrain surveillance, available at: {url}", [url])
    assert spec.title == "Amnesty report on Bahrain surveillance"


def test_a_lone_year_after_a_quoted_title_is_the_year_of_publication():
    spec = one_source(
        "“Surveillance in Oman”, Russia Today, 2013, <http://rt.com/x>", ["http://rt.com/x"]
    )
    assert (spec.title, spec.publisher) == ("Surveillance in Oman", "Russia Today")
    assert (spec.published_on, spec.published_on_precision) == (date(2013, 1, 1), "year")


def test_a_citation_giving_no_date_gives_none_and_its_plain_text_as_title():
    spec = one_source("Report on surveillance.")
    assert (spec.title, spec.url, spec.published_on) == ("Report on surveillance", None, None)
    assert spec.published_on_precision == "day"  # the model's default, a valid choice


def test_a_citation_giving_no_title_gets_a_placeholder_naming_the_site_or_no_place():
    assert one_source("", ["http://example.org/x"]).title == (
        "Document at example.org (title not given by SII)"
    )
    assert one_source("<>").title == "Document at an unnamed place (title not given by SII)"


def test_a_link_the_dataset_wrote_without_its_scheme_is_kept_in_the_notes():
    spec = one_source(
        "Surveillance report, <www.wsj.com/articles/SB1>", ["www.wsj.com/articles/SB1"]
    )
    assert spec.url == "http://www.wsj.com/articles/SB1"
    assert spec.notes.endswith("\nLink as the dataset gives it: www.wsj.com/articles/SB1")
    plain = one_source("Surveillance report, <https://www.wsj.com/x>", ["https://www.wsj.com/x"])
    assert "Link as the dataset gives it" not in plain.notes


def test_a_long_citation_without_a_title_is_cut_to_a_300_character_title():
    text = " ".join(
        ["Official record of the export licences granted for surveillance equipment"] * 6
    )
    spec = one_source(text)
    assert len(spec.title) == 300
    assert spec.title == text[:299].rstrip() + "…"


def test_a_source_without_a_url_gets_an_address_of_70_characters_and_a_hash():
    text = (
        "Ministry of the Interior, annual report on the lawful interception of communications "
        "in the year under review"
    )
    slug = one_source(text).slug
    assert slug.rsplit("-", 1)[0] == (
        "ministry-of-the-interior-annual-report-on-the-lawful-interception-of-c"
    )


def test_two_sources_with_one_title_and_no_publisher_are_not_taken_for_one_work():
    Source.objects.create(title="Annual report", slug="annual-report", publisher="", url=None)
    assert same_work(url="https://example.org/annual", title="Annual report", publisher="") == []


def test_a_title_with_a_letter_outside_ascii_still_finds_the_same_work():
    known = Source.objects.create(
        title="Kameras in Zoß und Belgrad: Überwachungsnetz", slug="k", publisher="Die Zeit"
    )
    assert same_work(
        url="https://zeit.example.org/k",
        title="Kameras in Zoß und Belgrad: Überwachungsnetz",
        publisher="Die Zeit",
    ) == [(known, "the same title and publisher")]


def test_a_citation_text_is_cut_into_the_stretch_before_each_link():
    pairs = segments(
        "A, <http://a.org/x> B, <http://b.org/y>",
        ["http://a.org/x", "http://b.org/y", "http://c.org"],
    )
    assert pairs == [
        ("http://a.org/x", "A, < "),
        ("http://b.org/y", "> B, < "),
        ("http://c.org", None),
    ]
