"""Every field of the exports, defined once: name, documented type, meaning, example, value.

``COLUMNS`` (and ``CITATION_FIELDS`` for the citations inside a row) produce the CSV header, the
JSON keys and the /data/ page, so the documentation cannot drift from the files.

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
- A CSV cell that a spreadsheet would run as a formula (its text begins with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is given a leading ``'``, which spreadsheets show
  as text and do not display (``csv_cell``; undone on import by ``csv_text``). Cells already
  beginning with ``'`` before such a character get one more, so the round trip is exact. The
  JSON, and the quotes inside the CSV's ``citations`` array, keep every text exactly.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import translation

from tracker.models import Deployment
from tracker.models.languages import permalink

SEPARATOR = "; "


def _values_and_labels(choices, lower=True):
    """ "deploying (deploying), …" for a column's description, always in English.

    The descriptions are written once, when this module is first imported, and that may be
    during a French reader's request: the labels must not come out in French inside English text.
    """
    with translation.override("en"):
        return ", ".join(
            f"{value} ({label.lower() if lower else label})" for value, label in choices
        )


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
        "states_vendors": ["Huawei"],
        "states_technologies": ["Facial recognition", "Video surveillance / CCTV"],
        "states_year": False,
        "states_place": True,
        "states_evidence": True,
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
        "states_vendors": [],
        "states_technologies": ["Safe city / smart city platform"],
        "states_year": False,
        "states_place": False,
        "states_evidence": False,
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
    # Permalinks: the same file from /fr/ and /en/, each link opening in the reader's language.
    return request.build_absolute_uri(permalink(path))


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
    Field(
        "states_vendors",
        "list of strings",
        "The entry's vendors this source names as suppliers. A vendor appears on an entry only "
        "if at least one of its citations names it.",
        ["Huawei"],
        lambda c, request: [vendor.name for vendor in c.vendors.all()],
    ),
    Field(
        "states_technologies",
        "list of strings",
        "The entry's technologies this source states (Carnegie's index states none for a "
        "company: it marks technologies per country).",
        ["Facial recognition", "Video surveillance / CCTV"],
        lambda c, request: [technology.name for technology in c.technologies.all()],
    ),
    Field(
        "states_year",
        "boolean",
        "Whether this source gives the entry's year (and what it is the year of).",
        False,
        lambda c, request: c.states_year,
    ),
    Field(
        "states_place",
        "boolean",
        "Whether this source gives the entry's country and locality.",
        True,
        lambda c, request: c.states_place,
    ),
    Field(
        "states_evidence",
        "boolean",
        "Whether this source reports the sale, licence, order or deployment itself.",
        True,
        lambda c, request: c.states_evidence,
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
        "One of: " + _values_and_labels(Deployment.Status.choices) + ".",
        "deploying",
        lambda d, request: d.status,
    ),
    Field(
        "evidence",
        "string",
        "What kind of fact the sources report, one of: "
        + _values_and_labels(Deployment.Evidence.choices)
        + "; empty when not stated. A licence or an order is not a deployment.",
        "deployment",
        lambda d, request: d.evidence,
    ),
    Field(
        "year_kind",
        "string",
        "What start_year is the year of, one of: "
        + _values_and_labels(Deployment.YearKind.choices, lower=False)
        + "; empty when there is no year or the source does not say.",
        "",
        lambda d, request: d.year_kind,
    ),
    Field(
        "pair_sources",
        "integer",
        "How many independent sources report this entry's supplier in this country, across all "
        "entries (a dataset that relays other sources counts only where it is alone); for an "
        "entry naming no supplier, its own sources.",
        1,
        lambda d, request: d.pair_sources,
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


# What makes Excel, LibreOffice and Google Sheets evaluate a cell (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value, nested=False):
    if nested:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, list):
        return defuse(SEPARATOR.join(str(item) for item in value))
    return defuse(str(value))


def defuse(text):
    """``'=HYPERLINK(…)`` for ``=HYPERLINK(…)``: a spreadsheet shows it, never runs it."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def csv_text(cell):
    """The exported text back from a CSV cell: undoes ``defuse`` exactly."""
    if cell.startswith("'") and cell[1:].lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
