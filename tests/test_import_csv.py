"""import_csv: deployments in the tracker's own CSV format, the one the list exports."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from tests.factories import SourceFactory
from tracker.browse import tallies
from tracker.exports import COLUMN_NAMES, export_response
from tracker.importers.csv_format import DERIVED, USED
from tracker.models import (
    Citation,
    Deployment,
    FacetFact,
    FacetTally,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)

SAMPLES = Path(__file__).resolve().parent / "import_samples"
VALID = SAMPLES / "csv_valid.csv"
MODELS = (Deployment, Citation, Source, Vendor, VendorAlias, Technology)

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command("import_csv", *map(str, args), stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def export_csv(path):
    request = RequestFactory().get("/en/deployments/", {"format": "csv"})
    response = export_response(Deployment.objects.all(), "csv", request)
    path.write_bytes(b"".join(response.streaming_content))
    return path


def snapshot():
    """Everything an export row carries about each entry, by slug."""
    return {
        d.slug: (
            d.title,
            d.country.iso2,
            d.locality,
            d.operator,
            d.status,
            d.start_year,
            d.end_year,
            d.year_note,
            d.scale,
            d.summary,
            d.state,
            sorted(d.vendors.values_list("slug", flat=True)),
            sorted(d.origin_countries.values_list("iso2", flat=True)),
            sorted(d.technologies.values_list("slug", flat=True)),
            sorted(
                (c.source.slug, c.quote, c.locator, c.attributed_to and c.attributed_to.slug)
                for c in d.citations.all()
            ),
        )
        for d in Deployment.objects.all()
    }


def test_the_importer_reads_every_export_column_except_the_derived_ones():
    assert set(USED) | set(DERIVED) == set(COLUMN_NAMES)
    assert not set(USED) & set(DERIVED)


def test_an_export_imports_back_into_the_same_entries(article, tmp_path):
    before = snapshot()
    exported = export_csv(tmp_path / "deployments.csv")
    Deployment.objects.all().delete()
    output = run(exported)
    assert "deployment          8        0          0        0" in output
    assert snapshot() == before
    assert Source.objects.count() == 5  # matched by URL, source page slug or title: no copies


def test_importing_an_export_over_its_own_entries_changes_nothing(article, tmp_path):
    exported = export_csv(tmp_path / "deployments.csv")
    before = counts()
    output = run(exported)
    assert counts() == before
    assert "deployment          0        0          8        0" in output


def test_a_new_entry_is_created_with_its_vendors_sources_and_citations():
    output = run(VALID)
    d = Deployment.objects.get(slug="lyon-example-vision-cameras")
    assert d.external_id is None
    assert (d.country.iso2, d.locality, d.status, d.start_year, d.state) == (
        "FR", "Lyon", "active", 2019, "published"
    )  # fmt: skip
    assert d.vendors.get().slug == "example-vision"
    assert sorted(d.technologies.values_list("slug", flat=True)) == [
        "facial-recognition", "video-surveillance"
    ]  # fmt: skip
    quoted = d.citations.get(attributed_to__isnull=False)
    assert quoted.source.slug == "example-news-lyon-cameras"  # from source_page
    assert quoted.attributed_to.title == "Statement by the mayor of Lyon"
    assert quoted.attributed_to.url is None
    assert "2 rows read; 2 deployments planned; 0 rows refused" in output


def test_vendor_spellings_country_code_case_and_new_vocabulary_are_handled():
    run(VALID)
    d = Deployment.objects.get(slug="example-city-smart-policing")
    assert d.country.iso2 == "DE"
    assert d.vendors.get().name == "Hikvision"
    assert VendorAlias.objects.get(name="Hikvsion").vendor.slug == "hikvision"
    assert d.technologies.get().slug == "smart-policing"
    assert d.year_note == "late 2010s"


def test_an_entry_citing_no_source_with_a_url_stays_a_draft_and_is_reported():
    output = run(VALID)
    assert Deployment.objects.get(slug="example-city-smart-policing").state == "draft"
    assert "row 3 (example-city-smart-policing): kept as a draft" in output


def test_a_file_without_byte_order_mark_is_read_too():
    run(SAMPLES / "csv_no_bom.csv")
    assert Deployment.objects.count() == 2


def test_citations_the_row_no_longer_lists_are_removed(tmp_path):
    run(VALID)
    text = VALID.read_text(encoding="utf-8-sig")
    fewer = tmp_path / "fewer.csv"
    # Drop the second citation (the attributed one) of the Lyon entry.
    start = text.index(', {""source_title"": ""Lyon installe des caméras « intelligentes »""', 1000)
    end = text.index("}]", start) + 1
    fewer.write_text(text[:start] + text[end:], encoding="utf-8")
    output = run(fewer)
    assert Deployment.objects.get(slug="lyon-example-vision-cameras").citations.count() == 1
    assert "(1 removed)" in output


def test_refused_rows_are_listed_and_nothing_is_imported_without_skip_invalid():
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="11 of 12 rows refused"):
        call_command("import_csv", str(SAMPLES / "csv_invalid_rows.csv"), stdout=out)
    for line in (
        "row 3 (atlantis-entry): unknown country code “QQ”",
        "row 4 (bad-status): unknown status “rumoured”",
        "row 5 (bad-years): end_year 2015 is before start_year 2019",
        "row 6 (malformed-year): malformed start_year “20x9”",
        "row 7 (unknown-tech): unknown technology slug(s) teleportation",
        "row 8 (no-citation): no citation",
        "row 9 (broken-citations): citations is not a JSON array",
        "row 10 (empty-citation): citation 1 has neither quote nor locator",
        "row 11 (lyon-example-vision-cameras): slug already used in row 2",
        "row 12 (Not a slug!): invalid slug “Not a slug!”",
        "row 13 (vendor-mismatch): 2 vendors but 1 vendor_slugs",
    ):
        assert f"refused {line}" in out.getvalue()
    assert counts() == before


def test_skip_invalid_imports_the_valid_rows():
    run(SAMPLES / "csv_invalid_rows.csv", skip_invalid=True)
    assert list(Deployment.objects.values_list("slug", flat=True)) == [
        "lyon-example-vision-cameras"
    ]


def test_a_dry_run_writes_nothing():
    before = counts()
    output = run(VALID, dry_run=True)
    assert counts() == before
    assert "would have created deployment lyon-example-vision-cameras" in output


def test_a_second_run_creates_nothing():
    run(VALID)
    before = counts()
    output = run(VALID)
    assert counts() == before
    assert "deployment          0        0          2        0" in output


@pytest.mark.parametrize(
    "name, message",
    [
        ("csv_semicolon.csv", "wrong delimiter: expected ','-separated columns"),
        ("csv_missing_columns.csv", "missing column(s): citations"),
        ("aigs_latin1.csv", "not UTF-8 text"),
        ("aigs_empty.csv", "the file is empty"),
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
    original = Vendor.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Vendor, "save", failing_save)
    before = counts()
    with pytest.raises(CommandError, match="boom"):
        run(VALID)
    assert counts() == before


def test_an_imported_entry_is_counted_by_the_facets_and_the_home_totals_at_once(client):
    # The importer refreshes the facet counts once at the end rather than at every save: the
    # counts it leaves must be those a full recount gives, and the list must show the entry.
    run(VALID)

    def kept():
        facts = set(FacetFact.objects.values_list("deployment_id", "fact", "key", "counted"))
        totals = set(FacetTally.objects.values_list("fact", "key", "counted", "published"))
        return facts, totals, set(Deployment.objects.values_list("pk", "names_supplier"))

    after_import = kept()
    assert after_import[0], "the imported entries have facet facts"
    tallies.rebuild()
    assert kept() == after_import
    response = client.get("/en/deployments/?country=FR&technology=facial-recognition")
    assert "lyon-example-vision-cameras" in response.content.decode()
    assert response.context["paginator"].count == 1


# --- Files written row by row: what an editor is told, and what is kept ------------------------


def row_file(tmp_path, *rows, extra_columns=(), end=None):
    path = tmp_path / "rows.csv"
    header = [*USED, *extra_columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
        if end:
            writer.writerow(end)
    return path


def lyon(**cells):
    citation = {
        "source_title": "Lyon installe des caméras",
        "source_url": "https://news.example.org/lyon-cameras",
        "quote": "La ville a installé 50 caméras.",
    }
    row = {"slug": "lyon", "title": "Lyon cameras", "country_code": "FR", "status": "active"}
    return {**row, "citations": json.dumps([citation]), **cells}


def refusal(path):
    with pytest.raises(CommandError) as error:
        run(path)
    assert not Deployment.objects.filter(slug="lyon").exists()
    return str(error.value)


def test_a_header_with_no_comma_is_refused_saying_so(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("slug title\nlyon cameras\n", encoding="utf-8")
    assert "(no ',' in the header)" in refusal(path)


def test_an_export_whose_end_row_counts_other_rows_is_refused_as_incomplete(tmp_path):
    path = row_file(tmp_path, lyon(), end=["# end of export", "2"])
    assert "an incomplete export (its end row: ['# end of export', '2'])" in refusal(path)


def test_an_unknown_kind_of_evidence_is_refused_naming_it(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 rows refused"):
        call_command("import_csv", str(row_file(tmp_path, lyon(evidence="rumour"))), stdout=out)
    assert "refused row 2 (lyon): unknown evidence “rumour”" in out.getvalue()


def test_a_column_not_in_the_export_format_is_named_and_ignored(tmp_path):
    output = run(row_file(tmp_path, lyon(internal_note="x"), extra_columns=["internal_note"]))
    assert "column(s) not in the export format, ignored: internal_note" in output
    assert Deployment.objects.filter(slug="lyon").exists()


def test_a_scale_longer_than_the_field_is_cut_to_its_300_characters(tmp_path):
    run(row_file(tmp_path, lyon(scale="x" * 301)))
    assert Deployment.objects.get(slug="lyon").scale == "x" * 300


def test_a_new_source_gets_an_address_made_from_its_title(tmp_path):
    run(row_file(tmp_path, lyon()))
    source = Source.objects.get(url="https://news.example.org/lyon-cameras")
    assert source.slug.startswith("lyon-installe-des-cameras-")


def test_a_known_source_cited_by_its_url_keeps_what_editors_wrote_about_it(tmp_path):
    SourceFactory(url="https://news.example.org/lyon-cameras", title="Lyon: 50 cameras")
    output = run(row_file(tmp_path, lyon()))
    assert Source.objects.get(url="https://news.example.org/lyon-cameras").title == (
        "Lyon: 50 cameras"
    )
    # The summary says so: created, updated, unchanged, refused.
    (sources,) = [line.split()[1:] for line in output.splitlines() if line.startswith("source ")]
    assert sources == ["0", "0", "1", "0"]


def test_a_row_with_fewer_cells_than_the_header_is_refused_with_what_it_lacks(tmp_path):
    path = row_file(tmp_path, lyon())
    with path.open("a", newline="", encoding="utf-8") as handle:
        handle.write("short-row,Short\r\n")
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 rows refused"):
        call_command("import_csv", str(path), stdout=out)
    assert "refused row 3 (short-row): no country code; no citation" in out.getvalue()


def test_a_row_without_a_summary_imports_an_empty_summary(tmp_path):
    run(row_file(tmp_path, lyon()))
    assert Deployment.objects.get(slug="lyon").summary == ""


def test_a_new_source_without_a_title_gets_an_address_made_from_its_url(tmp_path):
    citation = {"source_url": "https://news.example.org/lyon-cameras", "quote": "50 caméras."}
    run(row_file(tmp_path, lyon(citations=json.dumps([citation]))))
    source = Source.objects.get(url="https://news.example.org/lyon-cameras")
    assert source.slug.startswith("https-news-example-org-lyon-cameras-")


def test_a_new_sources_address_ends_with_a_hash_of_its_url_not_of_its_title(tmp_path):
    from tracker.importers.base import short_hash

    run(row_file(tmp_path, lyon()))
    url = "https://news.example.org/lyon-cameras"
    assert Source.objects.get(url=url).slug.endswith("-" + short_hash(url, 6))


def test_an_end_row_with_extra_cells_is_quoted_by_its_first_two(tmp_path):
    path = row_file(tmp_path, lyon(), end=["# end of export", "2", "extra"])
    assert "(its end row: ['# end of export', '2'])" in refusal(path)


def test_a_summary_written_on_several_lines_keeps_its_line_ends(tmp_path):
    run(row_file(tmp_path, lyon(summary="First line.\r\nSecond line.")))
    assert Deployment.objects.get(slug="lyon").summary == "First line.\r\nSecond line."


def test_a_source_page_address_under_a_path_prefix_names_that_source(tmp_path):
    known = SourceFactory(slug="lyon-report", title="Lyon: the report", url=None)
    citation = {
        "source_title": "Another title for it",
        "source_page": "https://tracker.example.org/tracker/sources/lyon-report/",
        "quote": "La ville a installé 50 caméras.",
    }
    run(row_file(tmp_path, lyon(citations=json.dumps([citation]))))
    assert Deployment.objects.get(slug="lyon").citations.get().source == known


def test_a_semicolon_separated_file_is_refused_saying_it_looks_so():
    with pytest.raises(CommandError) as error:
        run(SAMPLES / "csv_semicolon.csv")
    assert str(error.value).endswith("(it looks ';'-separated)")


def test_a_row_without_a_title_is_refused_saying_so(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 rows refused"):
        call_command("import_csv", str(row_file(tmp_path, lyon(title=""))), stdout=out)
    assert "refused row 2 (lyon): no title" in out.getvalue()


def test_a_citations_cell_nested_too_deeply_is_a_refused_row(tmp_path):
    out = StringIO()
    deep = "[" * 60_000 + "]" * 60_000
    with pytest.raises(CommandError, match="1 of 1 rows refused"):
        call_command("import_csv", str(row_file(tmp_path, lyon(citations=deep))), stdout=out)
    assert "citations is nested too deeply to be a JSON array of citations" in out.getvalue()


def test_the_first_year_the_tracker_records_is_accepted(tmp_path):
    run(row_file(tmp_path, lyon(start_year="1900", end_year="1900")))
    assert Deployment.objects.get(slug="lyon").years_display == "1900–1900"


def test_a_new_source_is_titled_with_the_title_the_row_gives(tmp_path):
    run(row_file(tmp_path, lyon()))
    source = Source.objects.get(url="https://news.example.org/lyon-cameras")
    assert source.title == "Lyon installe des caméras"


def test_a_long_source_title_gives_an_address_of_80_characters_and_a_hash(tmp_path):
    from tracker.importers.base import short_hash

    title = "Surveillance " + "x" * 100
    citation = {"source_title": title, "quote": "50 caméras."}
    run(row_file(tmp_path, lyon(citations=json.dumps([citation]))))
    source = Source.objects.get(title=title)
    assert source.slug == "surveillance-" + "x" * 67 + "-" + short_hash(title, 6)


def test_a_title_and_locality_longer_than_their_fields_are_cut_to_fit(tmp_path):
    run(row_file(tmp_path, lyon(title="t" * 301, locality="l" * 201)))
    d = Deployment.objects.get(slug="lyon")
    assert (d.title, d.locality) == ("t" * 300, "l" * 200)


# --- Which facts each citation states ------------------------------------------------------------


def stating(**facts):
    """A Lyon row on two technologies whose one citation states ``facts``."""
    citation = {
        "source_title": "Lyon installe des caméras",
        "source_url": "https://news.example.org/lyon-cameras",
        "quote": "La ville a installé 50 caméras.",
        **facts,
    }
    return lyon(
        technology_slugs="video-surveillance; facial-recognition",
        citations=json.dumps([citation]),
    )


def facts_of_the_citation():
    c = Deployment.objects.get(slug="lyon").citations.get()
    techs = sorted(c.technologies.values_list("slug", flat=True))
    return techs, c.states_year, c.states_place, c.states_evidence


def test_a_citation_from_a_file_that_does_not_say_what_it_states_states_the_whole_entry(
    tmp_path,
):
    run(row_file(tmp_path, stating()))
    assert facts_of_the_citation() == (
        ["facial-recognition", "video-surveillance"],
        True,
        True,
        True,
    )


def test_a_citation_states_only_the_facts_the_file_says_it_states(tmp_path):
    facts = {
        "states_technologies": ["Facial recognition"],
        "states_year": False,
        "states_place": False,
        "states_evidence": False,
    }
    run(row_file(tmp_path, stating(**facts)))
    assert facts_of_the_citation() == (["facial-recognition"], False, False, False)


def test_a_second_import_saying_a_citation_states_less_updates_it(tmp_path):
    run(row_file(tmp_path, stating()))
    output = run(row_file(tmp_path, stating(states_year=False, states_evidence=False)))
    assert facts_of_the_citation() == (
        ["facial-recognition", "video-surveillance"],
        False,
        True,
        False,
    )
    rows = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line[:1] != " "}
    assert rows["citation"] == ["0", "1", "0", "0"]


def test_the_kind_of_year_a_row_gives_is_kept_so_a_licence_never_reads_since(tmp_path):
    run(row_file(tmp_path, lyon(start_year="2019", year_kind="licensed")))
    assert Deployment.objects.get(slug="lyon").year_kind == Deployment.YearKind.LICENSED


def test_a_new_source_keeps_the_publisher_the_row_names(tmp_path):
    citation = {
        "source_title": "Lyon installe des caméras",
        "source_url": "https://news.example.org/lyon-cameras",
        "source_publisher": "Le Progrès",
        "quote": "La ville a installé 50 caméras.",
    }
    run(row_file(tmp_path, lyon(citations=json.dumps([citation]))))
    assert Source.objects.get(url="https://news.example.org/lyon-cameras").publisher == (
        "Le Progrès"
    )
