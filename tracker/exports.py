"""Downloads of the deployment list (CSV and JSON), one deployment as JSON, and the /data/ page.

The list's own URL is the export's URL: ``/deployments/?country=FR&format=csv`` is the French
entries as CSV, with every filter of the page applied and every matching row included (not just
one page). ``format`` may be ``html`` (the default), ``csv`` or ``json``; anything else is
answered with 400 and the list of allowed values.

Every field is defined once, in ``COLUMNS`` (and ``CITATION_FIELDS`` for the citations inside a
row), with its type, meaning and an example. The CSV header, the JSON keys and the /data/ page
are all produced from those definitions, so the documentation cannot drift from the files.

Encoding decisions, documented on /data/:

- CSV is UTF-8 **with a byte-order mark**. Without it Excel (still what most newsrooms open a
  CSV with) reads the file as Windows-1252 and mangles the French quotes (« », ’, é). Scripts
  read it with ``encoding="utf-8-sig"``, which also accepts a file without a BOM.
- Multi-valued fields are joined with ``"; "`` in the CSV and are arrays in the JSON. Names are
  for reading; the ``*_slugs`` and ``*_codes`` columns never contain ``;`` and are the ones to
  split in a script.
- Citations are nested objects in the JSON. The CSV keeps them in one ``citations`` column
  holding the same objects as a JSON array, so a spreadsheet shows them in one cell and a
  script recovers them exactly with one ``json.loads``. ``source_urls`` repeats the sources'
  links as plain text for readers.
- Quotes are exported character for character: they are not prefixed to defuse spreadsheet
  formulas, because the tracker's promise is the sources' exact words (and only editors write
  them).

Rows are streamed: the queryset is read with ``.iterator(chunk_size=CHUNK_SIZE)`` and its
relations are prefetched chunk by chunk, so memory stays flat however many rows match, and the
number of queries depends on the number of chunks, never on the number of rows.
"""

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from django_filters import MultipleChoiceFilter

from .filters import DeploymentFilter
from .models import Citation, Deployment

FORMAT_PARAM = "format"
EXPORT_FORMATS = ("csv", "json")
FORMATS = ("html", *EXPORT_FORMATS)

# Rows read (and relations prefetched) per round trip. Memory is bounded by one chunk.
CHUNK_SIZE = 500
# Bytes of text gathered before each write to the client, so a big export is not a million
# tiny writes.
WRITE_SIZE = 64 * 1024

SEPARATOR = "; "
CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
JSON_CONTENT_TYPE = "application/json"
MAX_FILENAME_LENGTH = 120

SITE_NAME = "Surveillance Export Tracker"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = (
    f"{SITE_NAME} ({LICENCE}), and the original sources named in each entry. Quotations remain "
    "the property of their publishers and are reproduced as short citations."
)
EXAMPLE_HOST = "https://tracker.example.org"

# The documented example is the Belgrade entry of fixtures/article.json exactly as the export
# gives it (a test holds it to that), so no example states a fact the sources do not.
EXAMPLE_QG_TITLE = (
    "ENQU\u00caTE\u00a0: \u00ab\u00a0Apr\u00e8s le Pass sanitaire, la crainte d\u2019une "
    "exportation du mod\u00e8le de surveillance sociale chinois\u00a0\u00bb"
)
EXAMPLE_QG_URL = (
    "https://qg.media/2021/08/28/enquete-apres-le-pass-sanitaire-la-crainte-dune-"
    "exportation-du-modele-de-surve"
)
EXAMPLE_QG_PAGE = f"{EXAMPLE_HOST}/sources/qg-2021-08-28-surveillance-export/"
EXAMPLE_CITATIONS = [
    {
        "source_title": EXAMPLE_QG_TITLE,
        "source_url": EXAMPLE_QG_URL,
        "source_publisher": "QG",
        "source_page": EXAMPLE_QG_PAGE,
        "quote": "\u00c0 l\u2019image de Belgrade, qui est en train de se doter de milliers de "
        "cam\u00e9ras de surveillance \u00e9quip\u00e9es d\u2019une technologie de "
        "reconnaissance faciale fournie par le constructeur chinois Huawei.",
        "locator": "",
        "attributed_to": None,
    },
    {
        "source_title": EXAMPLE_QG_TITLE,
        "source_url": EXAMPLE_QG_URL,
        "source_publisher": "QG",
        "source_page": EXAMPLE_QG_PAGE,
        "quote": "Baptis\u00e9 \u00ab\u00a0Safe City\u00a0\u00bb, ce projet symbolise "
        "\u00ab\u00a0l\u2019expansion mondiale du syst\u00e8me chinois d\u2019autoritarisme "
        "num\u00e9rique, selon Xiao Qiang, expert de la surveillance de l\u2019\u00c9tat "
        "chinois \u00e0 l\u2019universit\u00e9 de Californie \u00e0 Berkeley.",
        "locator": "",
        "attributed_to": "Xiao Qiang on Belgrade's \u201cSafe City\u201d project, as quoted by QG",
    },
]


# --- Field definitions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of the export: its name, documented type and meaning, an example, its value."""

    name: str
    type: str
    description: str
    example: Any  # as it appears in the JSON; the CSV cell is derived from it
    get: Callable[[Any, Any], Any]  # (object, request) -> JSON-ready value
    nested: bool = False  # a list of objects: a JSON array string in the CSV

    @property
    def csv_example(self):
        return csv_cell(self.example, nested=self.nested)

    @property
    def json_example(self):
        return json.dumps(self.example, ensure_ascii=False)


def timestamp(value):
    """ISO 8601 in UTC to the second, e.g. 2021-08-28T09:30:00Z; None stays None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def absolute(request, path):
    return request.build_absolute_uri(path)


CITATION_FIELDS = [
    Field(
        "source_title",
        "string",
        "The source's title as published, or a plain description when the citing text does "
        "not give one.",
        EXAMPLE_QG_TITLE,
        lambda c, request: c.source.title,
    ),
    Field(
        "source_url",
        "string or null",
        "The source's own address. Null when nobody has seen one: we never guess a URL.",
        EXAMPLE_QG_URL,
        lambda c, request: c.source.url or None,
    ),
    Field(
        "source_publisher",
        "string",
        "Who published the source; empty when not known.",
        "QG",
        lambda c, request: c.source.publisher,
    ),
    Field(
        "source_page",
        "string (URL)",
        "This tracker's page about the source: its date, language, notes and everything else "
        "that cites it.",
        EXAMPLE_QG_PAGE,
        lambda c, request: absolute(request, c.source.get_absolute_url()),
    ),
    Field(
        "quote",
        "string",
        "The exact words of the source, in its own language, character for character "
        "(non-breaking spaces included). Empty only when the locator says where to read "
        "instead.",
        EXAMPLE_CITATIONS[0]["quote"],
        lambda c, request: c.quote,
    ),
    Field(
        "locator",
        "string",
        "Where in the source: page, paragraph, table row or record id; empty when the quote "
        "is enough to find it.",
        "",
        lambda c, request: c.locator,
    ),
    Field(
        "attributed_to",
        "string or null",
        "When the source credits someone else for the claim (“selon …”), the title of that "
        "original source; otherwise null.",
        EXAMPLE_CITATIONS[1]["attributed_to"],
        lambda c, request: c.attributed_to.title if c.attributed_to_id else None,
    ),
]


def citation_json(citation, request):
    return {field.name: field.get(citation, request) for field in CITATION_FIELDS}


def _source_urls(deployment, request):
    urls = []
    for citation in deployment.citations.all():
        if citation.source.url and citation.source.url not in urls:
            urls.append(citation.source.url)
    return urls


COLUMNS = [
    Field(
        "slug",
        "string",
        "The entry's permanent identifier; it never contains spaces or “;”.",
        "belgrade-huawei-safe-city",
        lambda d, request: d.slug,
    ),
    Field(
        "title",
        "string",
        "A one-line description of the deployment.",
        "Belgrade \u201cSafe City\u201d: Huawei facial recognition cameras",
        lambda d, request: d.title,
    ),
    Field(
        "url",
        "string (URL)",
        "The entry's page on this site (its permalink).",
        f"{EXAMPLE_HOST}/deployments/belgrade-huawei-safe-city/",
        lambda d, request: absolute(request, d.get_absolute_url()),
    ),
    Field(
        "country_code",
        "string",
        "Where the technology is used: ISO 3166-1 alpha-2 code (XK for Kosovo, which ISO lacks).",
        "RS",
        lambda d, request: d.country.iso2,
    ),
    Field(
        "country_name",
        "string",
        "The country's short English name.",
        "Serbia",
        lambda d, request: d.country.name,
    ),
    Field(
        "locality",
        "string",
        "City, state or region, if a source names one; empty otherwise.",
        "Belgrade",
        lambda d, request: d.locality,
    ),
    Field(
        "region",
        "string",
        "The country's UN M49 region (Africa, Americas, Asia, Europe, Oceania).",
        "Europe",
        lambda d, request: d.country.region,
    ),
    Field(
        "vendors",
        "list of strings",
        "The companies the sources name as suppliers; empty when no source names one.",
        ["Huawei"],
        lambda d, request: [vendor.name for vendor in d.vendors.all()],
    ),
    Field(
        "vendor_slugs",
        "list of strings",
        "The same vendors' identifiers, in the same order (as in /vendors/<slug>/ and "
        "?vendor=<slug>).",
        ["huawei"],
        lambda d, request: [vendor.slug for vendor in d.vendors.all()],
    ),
    Field(
        "origin_country_codes",
        "list of strings",
        "Where the technology came from (ISO alpha-2): the vendors' headquarters, or the "
        "exporting country a source names when it names no company.",
        ["CN"],
        lambda d, request: [country.iso2 for country in d.origin_countries.all()],
    ),
    Field(
        "technologies",
        "list of strings",
        "The kinds of technology, from the tracker's vocabulary.",
        ["Facial recognition", "Safe city / smart city platform", "Video surveillance / CCTV"],
        lambda d, request: [technology.name for technology in d.technologies.all()],
    ),
    Field(
        "technology_slugs",
        "list of strings",
        "The same technologies' identifiers, in the same order (as in ?technology=<slug>).",
        ["facial-recognition", "safe-city", "video-surveillance"],
        lambda d, request: [technology.slug for technology in d.technologies.all()],
    ),
    Field(
        "operator",
        "string",
        "The agency, city or company that runs or bought it, e.g. “Police services of the "
        "state of Massachusetts”; empty when not stated.",
        "",
        lambda d, request: d.operator,
    ),
    Field(
        "status",
        "string",
        "One of: "
        + ", ".join(f"{value} ({label.lower()})" for value, label in Deployment.Status.choices)
        + ".",
        "deploying",
        lambda d, request: d.status,
    ),
    Field(
        "start_year",
        "integer or null",
        "The year it started (e.g. 2019), only if a source gives it; empty in the CSV and null "
        "in the JSON otherwise.",
        None,
        lambda d, request: d.start_year,
    ),
    Field(
        "end_year",
        "integer or null",
        "The year it ended, only if a source gives it; empty or null otherwise.",
        None,
        lambda d, request: d.end_year,
    ),
    Field(
        "year_note",
        "string",
        "The source's own wording when it gives no exact year, e.g. “mid-2000s”; empty otherwise.",
        "",
        lambda d, request: d.year_note,
    ),
    Field(
        "scale",
        "string",
        "The size of the deployment as the source states it (with a translation in brackets "
        "when the source is not in English); empty when not stated.",
        "milliers de cam\u00e9ras de surveillance (thousands of surveillance cameras)",
        lambda d, request: d.scale,
    ),
    Field(
        "summary",
        "string",
        "What the sources say, in English, and no more.",
        "Belgrade is acquiring thousands of surveillance cameras equipped with facial "
        "recognition technology supplied by the Chinese manufacturer Huawei. The project is "
        "called \u201cSafe City\u201d; Xiao Qiang (University of California, Berkeley) "
        "describes it as a symbol of the global expansion of the Chinese system of digital "
        "authoritarianism.",
        lambda d, request: d.summary,
    ),
    Field(
        "published_at",
        "string (date-time)",
        "When the entry was first published on this site (ISO 8601, UTC).",
        "2026-11-28T00:00:00Z",
        lambda d, request: timestamp(d.published_at),
    ),
    Field(
        "updated_at",
        "string (date-time)",
        "When the entry was last changed on this site (ISO 8601, UTC).",
        "2026-11-28T00:00:00Z",
        lambda d, request: timestamp(d.updated_at),
    ),
    Field(
        "citation_count",
        "integer",
        "How many citations back the entry.",
        2,
        lambda d, request: len(d.citations.all()),
    ),
    Field(
        "source_urls",
        "list of strings",
        "The cited sources' own addresses, each once, in citation order; sources without a "
        "known URL are left out (the citations still name them).",
        [EXAMPLE_QG_URL],
        _source_urls,
    ),
    Field(
        "citations",
        "list of citation objects",
        "Every citation, in the order editors entered them, with the fields listed below. In "
        "the CSV this cell is a JSON array of those objects.",
        EXAMPLE_CITATIONS,
        lambda d, request: [citation_json(c, request) for c in d.citations.all()],
        nested=True,
    ),
]

COLUMN_NAMES = [field.name for field in COLUMNS]


def deployment_json(deployment, request):
    """One deployment as a dict of JSON-ready values, keyed by COLUMNS (prefetch first)."""
    return {field.name: field.get(deployment, request) for field in COLUMNS}


def csv_cell(value, nested=False):
    if nested:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(str(item) for item in value)
    return str(value)


def example_row():
    """The documented example, as a JSON object and as CSV text (header and one row)."""
    row = {field.name: field.example for field in COLUMNS}
    lines = _csv_lines([row])
    return json.dumps(row, ensure_ascii=False, indent=2), "".join(lines).removeprefix(CSV_BOM)


# --- Querysets ---------------------------------------------------------------------------------


def for_export(queryset):
    """Only published rows, with everything a row shows fetched in a fixed set of queries.

    Exports are public, so drafts are excluded here whatever the caller passes. Any prefetch
    the caller set is replaced by the export's own; the search columns are never needed.
    """
    return (
        queryset.filter(state=Deployment.State.PUBLISHED)
        .select_related("country")
        .defer("search_document", "search_vector")
        .prefetch_related(None)
        .prefetch_related(
            "vendors",
            "technologies",
            "origin_countries",
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source", "attributed_to"),
            ),
        )
    )


def _rows(queryset, request) -> Iterator[dict]:
    for deployment in for_export(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield deployment_json(deployment, request)


# --- Serialisation -----------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands back the text, for csv.writer."""

    def write(self, value):
        return value


def _csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(COLUMN_NAMES)
    for row in rows:
        yield writer.writerow([csv_cell(row[f.name], nested=f.nested) for f in COLUMNS])


def _json_chunks(rows: Iterable[dict], meta: dict) -> Iterator[str]:
    """{"…meta…", "results": [rows], "count": N}: count last, so it is exactly what was sent."""
    fields = [f"{json.dumps(key)}: {json.dumps(meta[key], ensure_ascii=False)}" for key in meta]
    yield "{" + "".join(field + ", " for field in fields) + '"results": ['
    count = 0
    for row in rows:
        yield ("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False)
        count += 1
    yield f'\n], "count": {count}}}\n'


def _batched(chunks: Iterable[str], size=WRITE_SIZE) -> Iterator[str]:
    buffer, length = [], 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _documentation_url(request):
    path = _reverse_or_none("data")
    return request.build_absolute_uri(path) if path else None


def _open_data_headers(response, request):
    # Public, published data that is the same for everyone: scripts on other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    if documentation := _documentation_url(request):
        response["Link"] = f'<{documentation}>; rel="describedby"'
    return response


def export_response(queryset, fmt, request, *, filename=None):
    """Stream the published deployments of ``queryset`` as CSV or JSON (``fmt``).

    The queryset keeps its filters and ordering; ``filename`` (without extension) defaults to
    "deployments". Nothing is read from the database until the response is iterated.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"fmt must be one of {EXPORT_FORMATS}")
    rows = _rows(queryset, request)
    if fmt == "csv":
        chunks = _csv_lines(rows)
        content_type, disposition = CSV_CONTENT_TYPE, "attachment"
    else:
        meta = {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
            "documentation": _documentation_url(request),
            "generated_at": timestamp(timezone.now()),
        }
        chunks = _json_chunks(rows, meta)
        content_type, disposition = JSON_CONTENT_TYPE, "inline"
    response = StreamingHttpResponse(_batched(chunks), content_type=content_type)
    name = safe_filename(filename or "deployments")
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return _open_data_headers(response, request)


def safe_filename(text):
    """ASCII letters, digits and hyphens only: safe in a header and on every file system."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")
    return cleaned[:MAX_FILENAME_LENGTH].rstrip("-") or "deployments"


def _filename_values(value):
    if value is None or value == "":
        return []
    if isinstance(value, QuerySet | list | tuple | set):
        return [part for item in value for part in _filename_values(item)]
    if isinstance(value, Model):
        return [str(value.natural_key()[0])]  # a country's ISO code, a vendor's slug…
    return [str(value)]


def export_filename(filterset):
    """deployments-country-FR-vendor-hikvision: the filters in effect, from the cleaned form."""
    data = getattr(filterset.form, "cleaned_data", {}) if filterset.is_bound else {}
    parts = ["deployments"]
    for name in filterset.filters:
        if name == "sort":  # the order does not change what is in the file
            continue
        values = _filename_values(data.get(name))
        if values:
            parts.extend([name, *values])
    return safe_filename("-".join(parts))


# --- Format negotiation and errors -------------------------------------------------------------


def requested_format(request):
    """The ``format`` asked for ("html" when absent or empty), or None when it is not known."""
    values = {value.strip().lower() for value in request.GET.getlist(FORMAT_PARAM)}
    values.discard("")
    if not values:
        return "html"
    if len(values) == 1 and (fmt := values.pop()) in FORMATS:
        return fmt
    return None


def unknown_format_response():
    """400, naming the allowed values and never echoing what was sent."""
    allowed = ", ".join(FORMATS)
    example = f"{reverse('deployment-list')}?country=FR&{FORMAT_PARAM}=csv"
    message = (
        f"Unknown format. The “{FORMAT_PARAM}” parameter accepts one of: {allowed}. "
        f"For example: {example}"
    )
    if path := _reverse_or_none("data"):
        message += f"\nThe CSV and JSON fields are described at {path}"
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def invalid_filters_response(errors, fmt):
    """400 with the filter errors: a JSON object for json, plain text lines otherwise."""
    messages = {field: [str(message) for message in errs] for field, errs in errors.items()}
    if fmt == "json":
        response = JsonResponse(
            {"errors": messages}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    else:
        lines = [
            f"{field}: {message}"
            for field, field_messages in messages.items()
            for message in field_messages
        ]
        text = "The filters could not be applied:\n" + "\n".join(lines) + "\n"
        response = HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    return response


# --- Views -------------------------------------------------------------------------------------


class ListExportMixin:
    """For the deployment list (a django-filter FilterView): ``?format=csv|json`` exports.

    The export is the filterset's filtered and ordered queryset, every row of it; invalid
    filters give 400 with the errors; an unknown format gives 400 with the allowed values.
    ``format=html`` (or none) is the page as before.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        fmt = requested_format(request)
        if fmt is None:
            return unknown_format_response()
        if fmt not in EXPORT_FORMATS:
            return super().dispatch(request, *args, **kwargs)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return invalid_filters_response(self.filterset.errors, fmt)
        return export_response(
            self.filterset.qs, fmt, request, filename=export_filename(self.filterset)
        )


class DetailExportMixin:
    """For the deployment page: ``?format=json`` is DeploymentJSONView, ``?format=csv`` one row."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            fmt = requested_format(request)
            if fmt is None:
                return unknown_format_response()
            if fmt == "json":
                return deployment_json_response(request, kwargs["slug"])
            if fmt == "csv":
                slug = kwargs["slug"]
                get_object_or_404(Deployment.objects.published().only("pk"), slug=slug)
                queryset = Deployment.objects.filter(slug=slug)
                return export_response(queryset, "csv", request, filename=f"deployment-{slug}")
        return super().dispatch(request, *args, **kwargs)


def deployment_json_response(request, slug):
    deployment = get_object_or_404(for_export(Deployment.objects.all()), slug=slug)
    response = JsonResponse(
        deployment_json(deployment, request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'inline; filename="{safe_filename(slug)}.json"'
    return _open_data_headers(response, request)


class DeploymentJSONView(View):
    """/deployments/<slug>.json: one published deployment, the fields of one export row."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, slug):
        return deployment_json_response(request, slug)


class DataView(TemplateView):
    """/data/: what the exports and feeds contain, the licence, and how to cite the data."""

    template_name = "tracker/data.html"

    def get_context_data(self, **kwargs):
        request = self.request
        list_url = reverse("deployment-list")
        slug = (
            Deployment.objects.published()
            .order_by("-published_at", "title")
            .values_list("slug", flat=True)
            .first()
        ) or COLUMNS[0].example
        single = _reverse_or_none("deployment-json", slug)
        latest_feed = _reverse_or_none("feed-latest")
        example_json, example_csv = example_row()
        filters = [
            (
                name,
                declared.label or name.replace("_", " ").capitalize(),
                isinstance(declared, MultipleChoiceFilter),
            )
            for name, declared in DeploymentFilter.base_filters.items()
        ]
        feeds = [
            ("Every newly published deployment", latest_feed),
            ("Deployments in one country, e.g. France", _reverse_or_none("feed-country", "france")),
            (
                "Deployments of one vendor, e.g. Hikvision",
                _reverse_or_none("feed-vendor", "hikvision"),
            ),
        ]
        return super().get_context_data(
            columns=COLUMNS,
            filters=filters,
            citation_fields=CITATION_FIELDS,
            separator=SEPARATOR,
            formats=FORMATS,
            licence=LICENCE,
            licence_url=LICENCE_URL,
            site_name=SITE_NAME,
            csv_url=absolute(request, f"{list_url}?country=FR&format=csv"),
            json_url=absolute(request, f"{list_url}?country=FR&format=json"),
            all_csv_url=f"{list_url}?format=csv",
            all_json_url=f"{list_url}?format=json",
            single_json_url=absolute(request, single) if single else None,
            feeds=[(label, absolute(request, path)) for label, path in feeds if path],
            latest_feed_url=latest_feed,
            example_json=example_json,
            example_csv=example_csv,
            generated_on=timezone.now(),
            **kwargs,
        )
