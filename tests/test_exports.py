"""CSV and JSON exports of the deployment list, and one deployment as JSON."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import publish, published_deployment
from tracker import exports
from tracker.browse import tallies
from tracker.exports import COLUMNS, EXAMPLE_HOST, csv_cell, read_csv
from tracker.importers.writer import deferred_search_refresh
from tracker.models import Citation, Country, Deployment, Source, Technology, Vendor

FRENCH = {"france-hikvision-dahua", "france-pass-sanitaire"}
US = {"massachusetts-police-hikvision", "colorado-police-hikvision", "tennessee-police-hikvision"}
ALL_PUBLISHED = {
    "belgrade-huawei-safe-city",
    *US,
    "london-boroughs-chinese-surveillance-systems",
    *FRENCH,
    "xinjiang-uyghur-repression-hikvision-dahua-uniview",
}


@pytest.fixture(scope="module")
def article_rows(article_rows, django_db_blocker):
    """The founding article's entries, plus test-only data for the year and dataset filters,
    written once for the module (about 0.4 s per test saved).

    The article gives no years and cites no dataset: those additions are not facts.
    """
    with django_db_blocker.unblock():
        # Set past the rule that a citation must state a year (these are not facts), so
        # without the signals that keep the list's counts: those are recounted for them.
        years = {"colorado-police-hikvision": 2015, "tennessee-police-hikvision": 2021}
        for slug, year in years.items():
            Deployment.objects.filter(slug=slug).update(start_year=year)
        tallies.refresh(Deployment.objects.filter(slug__in=years).values_list("pk", flat=True))
        dataset = Source.objects.create(
            title="Test dataset", slug="test-dataset", kind=Source.Kind.DATASET
        )
        Citation.objects.create(
            deployment=Deployment.objects.get(slug="london-boroughs-chinese-surveillance-systems"),
            source=dataset,
            locator="row 1",
        )


@pytest.fixture
def article(article_rows, db):
    """The module's rows; what a test writes stays in its own savepoint (the ``db`` fixture).
    The module's other tests run before them (tests/conftest.py, MODULE_ROWS)."""


@pytest.fixture
def draft(article):
    return Deployment.objects.create(
        title="Unpublished French entry",
        slug="france-draft",
        country=Country.objects.get(iso2="FR"),
        summary="Not checked yet.",
    )


def body(response):
    return response.getvalue().decode("utf-8")


def csv_rows(response):
    text = body(response)
    assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark for Excel"
    return read_csv(text)  # which checks the end row: the file is complete


def csv_header(response):
    return next(csv.reader(io.StringIO(body(response).removeprefix("\ufeff"))))


def export_json(response):
    return json.loads(body(response))


# --- What the files contain --------------------------------------------------------------------


def test_the_csv_of_france_has_exactly_the_two_french_entries_with_their_citations(client, article):
    response = client.get("/en/deployments/", {"country": "FR", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="deployments-country-FR.csv"'
    rows = csv_rows(response)
    assert {row["slug"] for row in rows} == FRENCH
    for row in rows:
        assert row["country_code"] == "FR"
        assert row["country_name"] == "France"
        assert row["url"] == f"http://testserver/deployments/{row['slug']}/"
        expected = Citation.objects.filter(deployment__slug=row["slug"]).order_by("pk")
        citations = json.loads(row["citations"])
        assert [c["quote"] for c in citations] == [c.quote for c in expected]
        assert [c["source_title"] for c in citations] == [c.source.title for c in expected]
        assert row["citation_count"] == str(len(citations))


def test_the_csv_lists_vendors_and_codes_separated_by_semicolons(client, article):
    response = client.get("/en/deployments/", {"vendor": "dahua", "country": "FR", "format": "csv"})

    (row,) = csv_rows(response)
    assert row["vendors"] == "Dahua; Hikvision"
    assert row["vendor_slugs"] == "dahua; hikvision"
    assert row["origin_country_codes"] == "CN"
    assert row["technology_slugs"] == "video-surveillance"
    assert row["start_year"] == ""
    assert row["source_urls"].startswith("https://qg.media/2021/08/28/")


def test_the_csv_header_is_exactly_the_documented_columns(client, article):
    response = client.get("/en/deployments/", {"format": "csv"})

    assert csv_header(response) == [field.name for field in COLUMNS]


def test_the_json_export_parses_and_says_the_same_as_the_csv(client, article):
    as_json = export_json(client.get("/en/deployments/", {"country": "FR", "format": "json"}))
    as_csv = csv_rows(client.get("/en/deployments/", {"country": "FR", "format": "csv"}))

    assert as_json["count"] == len(as_json["results"]) == 2
    assert as_json["licence"] == "CC BY 4.0"
    assert as_json["documentation"] == "http://testserver/data/"
    for result, row in zip(as_json["results"], as_csv, strict=True):
        assert list(result) == [field.name for field in COLUMNS]
        assert {f.name: csv_cell(result[f.name], nested=f.nested) for f in COLUMNS} == row
        assert isinstance(result["vendors"], list)
        assert isinstance(result["citations"][0], dict)


def test_the_json_export_is_named_after_its_filters_and_readable_from_other_sites(client, article):
    response = client.get("/en/deployments/", {"country": "fr", "format": "json"})

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="deployments-country-FR.json"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == '<http://testserver/data/>; rel="describedby"'


def test_an_export_without_filters_is_called_deployments(client, article):
    response = client.get("/en/deployments/", {"format": "json"})

    assert response["Content-Disposition"] == 'inline; filename="deployments.json"'
    assert {r["slug"] for r in export_json(response)["results"]} == ALL_PUBLISHED


def test_a_file_name_keeps_only_safe_characters(client, article):
    response = client.get("/en/deployments/", {"q": 'Ouïghours "; rm -rf /', "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="deployments-q-Ouighours-rm-rf.csv"'
    )


def test_the_documented_example_is_the_belgrade_entry_exactly_as_exported(client, article):
    exported = body(client.get("/deployments/belgrade-huawei-safe-city.json"))

    documented = {field.name: field.example for field in COLUMNS}
    assert json.loads(exported.replace("http://testserver", EXAMPLE_HOST)) == documented


def test_drafts_are_never_exported(client, draft):
    rows = csv_rows(client.get("/en/deployments/", {"country": "FR", "format": "csv"}))
    results = export_json(client.get("/en/deployments/", {"format": "json"}))["results"]

    assert {row["slug"] for row in rows} == FRENCH
    assert "france-draft" not in {result["slug"] for result in results}


def test_an_export_with_no_match_is_a_header_or_an_empty_list(client, article):
    as_csv = client.get("/en/deployments/", {"country": "IS", "format": "csv"})
    as_json = client.get("/en/deployments/", {"country": "IS", "format": "json"})

    assert as_csv.status_code == as_json.status_code == 200
    header = "\ufeff" + ",".join(field.name for field in COLUMNS) + "\r\n"
    assert body(as_csv) == header + "# end of export,0\r\n"
    data = export_json(as_json)
    assert (data["results"], data["count"]) == ([], 0)


def test_an_export_is_streamed(client, article):
    response = client.get("/en/deployments/", {"format": "csv"})

    assert response.streaming
    assert not response.has_header("Content-Length")


# --- Filters -----------------------------------------------------------------------------------

FILTERED = [
    ({"country": "FR"}, FRENCH),
    ({"country": ["fr", "RS"]}, {*FRENCH, "belgrade-huawei-safe-city"}),
    ({"origin": "CN"}, ALL_PUBLISHED - {"france-pass-sanitaire"}),
    ({"region": "Americas"}, US),
    (
        {"vendor": "dahua"},
        {"france-hikvision-dahua", "xinjiang-uyghur-repression-hikvision-dahua-uniview"},
    ),
    (
        {"vendor": ["huawei", "uniview"]},
        {"belgrade-huawei-safe-city", "xinjiang-uyghur-repression-hikvision-dahua-uniview"},
    ),
    ({"technology": "facial-recognition"}, {"belgrade-huawei-safe-city"}),
    ({"status": "deploying"}, {"belgrade-huawei-safe-city"}),
    (
        {"status": ["reported", "deploying"]},
        {"belgrade-huawei-safe-city", "xinjiang-uyghur-repression-hikvision-dahua-uniview"},
    ),
    ({"start_year_min": "2016"}, {"tennessee-police-hikvision"}),
    ({"start_year_max": "2016"}, {"colorado-police-hikvision"}),
    ({"decade": "2010"}, {"colorado-police-hikvision"}),
    (
        {"decade": "unknown"},
        ALL_PUBLISHED - {"colorado-police-hikvision", "tennessee-police-hikvision"},
    ),
    ({"dataset": "test-dataset"}, {"london-boroughs-chinese-surveillance-systems"}),
    ({"q": "Huawei"}, {"belgrade-huawei-safe-city"}),
    (
        {"country": "US", "vendor": "hikvision", "start_year_min": "2020"},
        {"tennessee-police-hikvision"},
    ),
    ({"sort": "year"}, ALL_PUBLISHED),
    ({"sort": "newest", "origin": "CN"}, ALL_PUBLISHED - {"france-pass-sanitaire"}),
]


def case_id(value):
    # Sets in a stable order: test ids must be the same in every process (pytest-xdist).
    return str(sorted(value)) if isinstance(value, set) else str(value)


@pytest.mark.parametrize(("params", "expected"), FILTERED, ids=case_id)
def test_exports_hold_the_entries_the_filtered_page_shows_in_its_order(
    client, article, params, expected
):
    page = client.get("/en/deployments/", params)
    as_csv = csv_rows(client.get("/en/deployments/", {**params, "format": "csv"}))
    as_json = export_json(client.get("/en/deployments/", {**params, "format": "json"}))

    shown = [deployment.slug for deployment in page.context["deployments"]]
    assert set(shown) == expected
    assert [row["slug"] for row in as_csv] == shown
    assert [result["slug"] for result in as_json["results"]] == shown


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_respects_the_sort(client, article, fmt):
    Deployment.objects.filter(slug="belgrade-huawei-safe-city").update(
        published_at="2030-01-01T00:00:00Z"
    )
    response = client.get("/en/deployments/", {"sort": "newest", "format": fmt})

    if fmt == "csv":
        first = csv_rows(response)[0]["slug"]
    else:
        first = export_json(response)["results"][0]["slug"]
    assert first == "belgrade-huawei-safe-city"


def test_invalid_filters_give_400_with_the_errors_as_json(client, article):
    response = client.get("/en/deployments/", {"country": "ZZ", "format": "json"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = json.loads(response.content)["errors"]
    assert list(errors) == ["country"]
    assert "ZZ" in errors["country"][0]


def test_invalid_filters_give_400_with_the_errors_as_text_for_csv(client, article):
    response = client.get("/en/deployments/", {"start_year_min": "soon", "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(
        "The filters could not be applied:\nstart_year_min:"
    )


# --- Formats -----------------------------------------------------------------------------------

BAD_FORMATS = ["xml", "x" * 10_000, "csv\x00", "<script>alert(1)</script>", "jsonp"]


@pytest.mark.parametrize("value", BAD_FORMATS, ids=["xml", "10000-chars", "nul", "markup", "jsonp"])
@pytest.mark.parametrize("url", ["/en/deployments/", "/en/deployments/belgrade-huawei-safe-city/"])
def test_an_unknown_format_is_refused_with_the_allowed_values(client, article, url, value):
    response = client.get(url, {"format": value, "country": "FR"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "html, csv, json" in text
    assert value not in text
    assert "<" not in text
    assert "\x00" not in text


def test_an_unknown_format_is_refused_even_when_another_is_known(client, article):
    response = client.get("/en/deployments/?format=csv&format=xml")

    assert response.status_code == 400


def test_an_unknown_format_answer_says_where_the_fields_are_described(client, db):
    response = client.get("/en/deployments/", {"format": "xml"})

    assert response.status_code == 400
    assert "The CSV and JSON fields are described at /en/data/" in response.content.decode()


@pytest.mark.parametrize("value", ["", "html", "HTML"])
def test_the_html_format_is_the_ordinary_page(client, article, value):
    response = client.get("/en/deployments/", {"format": value, "country": "FR"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert {d.slug for d in response.context["deployments"]} == FRENCH


def test_formats_are_case_insensitive(client, article):
    response = client.get("/en/deployments/", {"format": " CSV ", "country": "FR"})

    assert response.status_code == 200
    assert {row["slug"] for row in csv_rows(response)} == FRENCH


# --- One deployment ----------------------------------------------------------------------------


def test_one_deployment_as_json_has_the_fields_of_an_export_row(client, article):
    response = client.get("/deployments/france-hikvision-dahua.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    listed = export_json(client.get("/en/deployments/", {"country": "FR", "format": "json"}))
    assert data == next(r for r in listed["results"] if r["slug"] == "france-hikvision-dahua")
    assert data["vendors"] == ["Dahua", "Hikvision"]
    assert data["citations"][0]["quote"].startswith("Derrière ces technologies")


def test_the_deployment_page_gives_the_same_json_with_format_json(client, article):
    by_suffix = client.get("/deployments/belgrade-huawei-safe-city.json")
    by_param = client.get("/en/deployments/belgrade-huawei-safe-city/", {"format": "json"})

    assert by_param.status_code == 200
    assert json.loads(by_param.content) == json.loads(by_suffix.content)


def test_the_deployment_page_gives_a_one_row_csv_with_format_csv(client, article):
    response = client.get("/en/deployments/belgrade-huawei-safe-city/", {"format": "csv"})

    assert response["Content-Disposition"] == (
        'attachment; filename="deployment-belgrade-huawei-safe-city.csv"'
    )
    assert [row["slug"] for row in csv_rows(response)] == ["belgrade-huawei-safe-city"]


def test_one_deployment_as_json_is_named_after_its_entry(client, db):
    published_deployment(slug="belgrade-cameras")
    response = client.get("/deployments/belgrade-cameras.json")

    assert response["Content-Disposition"] == 'inline; filename="belgrade-cameras.json"'


@pytest.mark.parametrize(
    "url",
    [
        "/deployments/france-draft.json",
        "/en/deployments/france-draft/?format=json",
        "/en/deployments/france-draft/?format=csv",
        "/deployments/no-such-entry.json",
        "/en/deployments/no-such-entry/?format=json",
    ],
)
def test_a_draft_or_unknown_deployment_is_not_found(client, draft, url):
    assert client.get(url).status_code == 404


# --- Cost --------------------------------------------------------------------------------------


def add_deployments(count, start=0):
    """Published entries with two vendors, two technologies, an origin and two citations each."""
    serbia, china = Country.objects.get(iso2="RS"), Country.objects.get(iso2="CN")
    vendors = list(Vendor.objects.filter(slug__in=["huawei", "hikvision"]))
    technologies = list(Technology.objects.filter(slug__in=["safe-city", "facial-recognition"]))
    source = Source.objects.get(slug="qg-2021-08-28-surveillance-export")
    credited = Source.objects.get(slug="xiao-qiang-belgrade")
    with deferred_search_refresh():
        for number in range(start, start + count):
            deployment = Deployment.objects.create(
                title=f"Test entry {number}",
                slug=f"test-entry-{number}",
                country=serbia,
            )
            deployment.vendors.set(vendors)
            deployment.technologies.set(technologies)
            deployment.origin_countries.set([china])
            stating = Citation.objects.create(
                deployment=deployment, source=source, quote=f"Quote {number}"
            )
            stating.vendors.set(vendors)
            stating.technologies.set(technologies)
            Citation.objects.create(
                deployment=deployment,
                source=source,
                quote=f"Other {number}",
                attributed_to=credited,
            )
            publish(deployment)


def count_export_queries(client, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/deployments/", {"country": "RS", "format": fmt})
        text = body(response)
    return len(queries), text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_costs_the_same_queries_for_5_rows_as_for_50(client, article, fmt):
    Deployment.objects.filter(country__iso2="RS").delete()
    add_deployments(5)
    few, few_text = count_export_queries(client, fmt)
    add_deployments(45, start=5)
    many, many_text = count_export_queries(client, fmt)

    assert many_text.count("test-entry-") > few_text.count("test-entry-") > 0
    assert many == few


def test_rows_are_fetched_a_chunk_at_a_time(client, article, monkeypatch):
    """Memory is bounded by a chunk: each chunk is one fetch plus its six prefetches."""
    Deployment.objects.filter(country__iso2="RS").delete()
    add_deployments(6)
    monkeypatch.setattr(exports.stream, "CHUNK_SIZE", 6)
    whole, _ = count_export_queries(client, "csv")
    monkeypatch.setattr(exports.stream, "CHUNK_SIZE", 2)
    chunked, text = count_export_queries(client, "csv")

    assert len(re.findall(r"^test-entry-\d+,", text, flags=re.MULTILINE)) == 6
    # two more chunks, six prefetch queries each (vendors, technologies, origins, citations and
    # the facts each citation states: its vendors and technologies)
    assert chunked - whole == 2 * 6


def test_a_head_request_for_an_entry_as_json_answers_as_json(client, db):
    published_deployment(slug="belgrade-cameras")
    response = client.head("/en/deployments/belgrade-cameras/", {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_csv_shows_the_citations_accented_words_as_written(client, db):
    from tests.factories import CitationFactory

    CitationFactory(deployment=published_deployment(), quote="La ville a installé « 50 caméras ».")
    text = body(client.get("/en/deployments/", {"format": "csv"}))
    assert "La ville a installé « 50 caméras »." in text


def test_a_sorted_export_is_named_after_its_filters_only(client, db):
    published_deployment(country=Country.objects.get(iso2="FR"))
    response = client.get("/en/deployments/", {"country": "FR", "sort": "newest", "format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="deployments-country-FR.csv"'


def test_a_long_export_is_sent_in_pieces_of_about_64_kb_not_held_whole():
    from tracker.exports.stream import WRITE_SIZE, _batched

    rows = ["x" * (WRITE_SIZE // 2)] * 4 + ["end"]
    pieces = list(_batched(rows))
    assert [len(piece) for piece in pieces] == [WRITE_SIZE, WRITE_SIZE, 3]


def test_a_download_cut_short_stops_reading_rows_at_once(settings):
    """The server closes the response when the reader goes: the rows' reader (a database cursor)
    must end then, not whenever the response object is collected."""
    from tracker.exports import slots

    settings.TRACKER_EXPORTS_PER_WORKER = 1
    ended = []

    def rows():
        try:
            yield "first row"
            yield "second row"
        finally:
            ended.append(True)

    stream = slots.hold(rows())
    reading = iter(stream)
    assert next(reading) == "first row"
    stream.close()
    assert ended == [True]
    assert slots.hold(iter(())) is not None  # and its slot is free again


def test_past_the_export_slots_a_reader_is_told_in_plain_words_and_nothing_caches_it(
    client, db, settings
):
    settings.TRACKER_EXPORTS_PER_WORKER = 1
    published_deployment()
    streaming = client.get("/en/deployments/", {"format": "csv"})
    busy = client.get("/en/deployments/", {"format": "json"})

    assert busy.status_code == 503
    assert busy["Content-Type"] == "text/plain; charset=utf-8"
    assert busy["Cache-Control"] == "no-store"
    assert busy.content.decode() == (
        "This server is already preparing as many full downloads as it can at once. "
        "Please try again in 30 seconds; the file will be complete.\n"
    )
    b"".join(streaming.streaming_content)


def test_a_file_name_cut_at_its_length_limit_does_not_end_with_a_hyphen():
    from tracker.exports.stream import MAX_FILENAME_LENGTH, safe_filename

    name = safe_filename("x" * (MAX_FILENAME_LENGTH - 1) + " and more")
    assert name == "x" * (MAX_FILENAME_LENGTH - 1)


def test_a_file_name_with_nothing_safe_left_in_it_is_called_deployments():
    from tracker.exports.stream import safe_filename

    # An entry's slug may be only hyphens or underscores, a filter value only punctuation.
    for text in ("---", "_", "«…»", ""):
        assert safe_filename(text) == "deployments", text


def test_one_entry_as_json_is_indented_and_keeps_accented_letters(client, db):
    published_deployment(slug="lyon-cameras", title="Caméras à Lyon")
    text = client.get("/deployments/lyon-cameras.json").content.decode()
    assert '\n  "slug": "lyon-cameras",\n  "title": "Caméras à Lyon",' in text


def test_one_entry_as_csv_is_served_even_when_every_export_slot_is_taken(client, db, settings):
    settings.TRACKER_EXPORTS_PER_WORKER = 1
    published_deployment(slug="lyon-cameras")
    streaming = client.get("/en/deployments/", {"format": "csv"})
    one = client.get("/en/deployments/lyon-cameras/", {"format": "csv"})

    assert one.status_code == 200
    b"".join(one.streaming_content)
    b"".join(streaming.streaming_content)


def test_a_csv_cut_before_its_end_row_is_refused_as_cut_short():
    header = ",".join(COLUMNS[i].name for i in range(len(COLUMNS))) + "\r\n"
    with pytest.raises(exports.IncompleteExport) as refused:
        read_csv(header)
    assert str(refused.value) == "no end row: cut short"
