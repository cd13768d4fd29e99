"""The tracker's own CSV format: the file the deployment list exports (tracker.exports).

The columns are tracker.exports.COLUMNS, read by name; ``DERIVED`` are the ones the export
computes from others (links, names for reading, counts, timestamps) and this importer ignores.
A test holds ``USED | DERIVED`` equal to the export's columns, so the two cannot drift apart.

- A row is one deployment, matched by ``slug``. The format has no external id: an entry's
  external id (set by a dataset import) is left as it is.
- Multi-valued cells are split on ";"; vendors are found by ``vendor_slugs`` (then by name and
  alias), countries by ISO code, technologies by slug (the vocabulary, or technologies.EXTRA).
- ``citations`` is the JSON array the export writes. Each citation's source is found by its URL,
  then by the slug in ``source_page`` (the tracker's page about it), then by its exact title;
  a source found nowhere is created from the title, publisher and URL given. ``attributed_to`` is
  a title, found the same way. Existing sources are never modified by this import.
- The file is the whole description of its entries: citations of an imported entry that the
  row no longer lists are removed.
- An entry is published when a citation has a quote or locator (and the model's own publishing
  rule allows it); otherwise it stays a draft, which the report says.
"""

import csv
import io
import json
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from tracker.exports import COLUMN_NAMES, SEPARATOR
from tracker.exports.columns import csv_text
from tracker.exports.stream import CSV_END, CSV_FAILED
from tracker.models import Country, Deployment, Technology
from tracker.models.deployments import MAX_YEAR, MIN_YEAR

from .base import (
    CitationSpec,
    DeploymentSpec,
    Importer,
    ImportFileError,
    Plan,
    Refusal,
    SourceSpec,
    VendorRef,
    clean,
    read_text,
    short_hash,
    slugify_ascii,
)
from .technologies import EXTRA
from .vendor_names import VendorName

USED = (
    "slug",
    "title",
    "country_code",
    "locality",
    "vendors",
    "vendor_slugs",
    "origin_country_codes",
    "technology_slugs",
    "operator",
    "status",
    "evidence",
    "year_kind",
    "start_year",
    "end_year",
    "year_note",
    "scale",
    "summary",
    "citations",
)
# Columns added after files were first exported: a file without them is still read.
OPTIONAL = ("evidence", "year_kind")
DERIVED = (
    "url",
    "country_name",
    "region",
    "technologies",
    "published_at",
    "updated_at",
    "citation_count",
    "source_urls",
    "pair_sources",
)
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
VALIDATE_URL = URLValidator(schemes=["http", "https"])


def split(cell):
    return [part.strip() for part in (cell or "").split(SEPARATOR.strip()) if part.strip()]


class CSVImporter(Importer):
    label = "rows"
    command = "import_csv"
    dataset = None

    def read(self, path):
        text = read_text(path)
        first_line = text.splitlines()[0] if text.splitlines() else ""
        if "," not in first_line:
            hint = "it looks ';'-separated" if ";" in first_line else "no ',' in the header"
            raise ImportFileError(
                f"{path}: wrong delimiter: expected ','-separated columns as the tracker's CSV "
                f"export writes them ({hint})"
            )
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ImportFileError(f"{path}: not readable as CSV ({exc})") from None
        header = [clean(cell) for cell in rows[0]]
        if missing := [name for name in USED if name not in header and name not in OPTIONAL]:
            raise ImportFileError(f"{path}: missing column(s): {', '.join(missing)}")
        if len(rows) < 2:
            raise ImportFileError(f"{path}: the file has a header but no data rows")
        rows = rows[1:]
        if rows and rows[-1] and rows[-1][0] in (CSV_END, CSV_FAILED):
            # The export's end row ("# end of export,N") is not an entry; a failed or short
            # file is refused rather than half imported.
            end = rows.pop()
            if end[0] == CSV_FAILED or end[1:2] != [str(len(rows))]:
                raise ImportFileError(f"{path}: an incomplete export (its end row: {end[:2]})")
        # The export defuses cells a spreadsheet would run as formulas ('=…); undo it.
        rows = [[csv_text(cell) for cell in row] for row in rows]
        return header, [dict(zip(header, row, strict=False)) for row in rows]

    def plan(self, records):
        header, records = records
        plan = Plan(records=len(records))
        if unknown := [name for name in header if name and name not in COLUMN_NAMES]:
            plan.notes.append(f"column(s) not in the export format, ignored: {', '.join(unknown)}")
        codes = set(Country.objects.values_list("iso2", flat=True))
        technologies = set(Technology.objects.values_list("slug", flat=True)) | set(EXTRA)
        seen = {}
        for number, row in enumerate(records, start=2):
            slug = clean(row.get("slug"))
            where = f"row {number} ({slug or 'no slug'})"
            if not any(clean(value) for value in row.values()):
                plan.notes.append(f"row {number}: blank, skipped")
                continue
            problems = []
            if not SLUG.match(slug):
                problems.append("no slug" if not slug else f"invalid slug “{slug}”")
            elif slug in seen:
                problems.append(f"slug already used in row {seen[slug]}")
            try:
                spec = self.spec(row, slug, where, codes, technologies, problems)
            except ValueError as exc:
                problems.append(str(exc))
            if problems:
                plan.refusals.append(Refusal(where, "; ".join(problems)))
                continue
            seen[slug] = number
            plan.specs.append(spec)
        return plan

    def spec(self, row, slug, where, codes, technologies, problems):
        title = clean(row.get("title"))
        if not title:
            problems.append("no title")
        country = clean(row.get("country_code")).upper()
        if country not in codes:
            problems.append(f"unknown country code “{country}”" if country else "no country code")
        origins = [code.upper() for code in split(row.get("origin_country_codes"))]
        if unknown := [code for code in origins if code not in codes]:
            problems.append(f"unknown origin country code(s) {', '.join(unknown)}")
        techs = split(row.get("technology_slugs"))
        if unknown := [tech for tech in techs if tech not in technologies]:
            problems.append(f"unknown technology slug(s) {', '.join(unknown)}")
        status = clean(row.get("status")) or Deployment.Status.REPORTED
        if status not in Deployment.Status.values:
            problems.append(f"unknown status “{status}”")
        start_year = year(row.get("start_year"), "start_year", problems)
        end_year = year(row.get("end_year"), "end_year", problems)
        if start_year and end_year and end_year < start_year:
            problems.append(f"end_year {end_year} is before start_year {start_year}")
        names, slugs = split(row.get("vendors")), split(row.get("vendor_slugs"))
        if slugs and len(slugs) != len(names):
            problems.append(f"{len(names)} vendors but {len(slugs)} vendor_slugs")
        vendors = []
        for index, name in enumerate(names):
            canonical = VendorName(name).name
            vendor_slug = slugs[index] if index < len(slugs) else None
            vendors.append(VendorRef(name=canonical, seen=name, slug=vendor_slug))
        citations = parse_citations(row.get("citations"), problems)
        evidence = clean(row.get("evidence"))
        if evidence and evidence not in Deployment.Evidence.values:
            problems.append(f"unknown evidence “{evidence}”")
            evidence = ""
        year_kind = clean(row.get("year_kind"))
        if year_kind and year_kind not in Deployment.YearKind.values:
            problems.append(f"unknown year_kind “{year_kind}”")
            year_kind = ""
        return DeploymentSpec(
            slug=slug,
            external_id=None,
            where=where,
            title=title,
            country=country,
            vendors=vendors,
            origin_countries=list(dict.fromkeys(origins)),
            technologies=list(dict.fromkeys(techs)),
            citations=citations,
            locality=clean(row.get("locality")),
            operator=clean(row.get("operator")),
            status=status,
            evidence=evidence,
            year_kind=year_kind,
            start_year=start_year,
            end_year=end_year,
            year_note=clean(row.get("year_note")),
            scale=clean(row.get("scale")),
            summary=(row.get("summary") or "").strip(),
            owns_all_citations=True,
        )


def stated(item, key):
    """The names a citation states (a list), or True (all of the entry's) when not given."""
    value = item.get(key)
    if isinstance(value, list):
        return [clean(name) for name in value if isinstance(name, str)]
    return True


def year(value, name, problems):
    text = clean(value)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        problems.append(f"malformed {name} “{text}”")
        return None
    if not MIN_YEAR <= int(text) <= MAX_YEAR:
        problems.append(f"implausible {name} {text}")
        return None
    return int(text)


def parse_citations(cell, problems):
    try:
        items = json.loads(cell or "[]")
    except json.JSONDecodeError as exc:
        problems.append(f"citations is not a JSON array ({exc.msg})")
        return []
    except RecursionError:
        problems.append("citations is nested too deeply to be a JSON array of citations")
        return []
    if not isinstance(items, list):
        problems.append("citations is not a JSON array")
        return []
    citations = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"citation {n} is not an object")
            continue
        quote = item.get("quote") or ""
        locator = clean(item.get("locator"))
        if not quote.strip() and not locator:
            problems.append(f"citation {n} has neither quote nor locator")
        if len(locator) > 200:
            problems.append(f"citation {n}: locator longer than 200 characters")
        url = clean(item.get("source_url")) or None
        if url:
            try:
                VALIDATE_URL(url)
            except ValidationError:
                problems.append(f"citation {n}: invalid source_url “{url}”")
        title = clean(item.get("source_title"))
        if not title and not url:
            problems.append(f"citation {n} names no source (no source_title or source_url)")
        source = SourceSpec(
            slug=page_slug(item.get("source_page")) or derived_slug(title, url),
            title=title or url or "",
            url=url,
            publisher=clean(item.get("source_publisher")),
            owned=False,
            match_title=True,
        )
        attributed = None
        if attributed_title := clean(item.get("attributed_to")):
            attributed = SourceSpec(
                slug=derived_slug(attributed_title, None),
                title=attributed_title,
                owned=False,
                match_title=True,
            )
        citations.append(
            CitationSpec(
                source,
                quote,
                locator,
                attributed,
                # Which facts the citation states; a file written before the export had these
                # columns gives none, and then the citation states the whole entry, as it did.
                states_vendors=stated(item, "states_vendors"),
                states_technologies=stated(item, "states_technologies"),
                states_year=bool(item.get("states_year", True)),
                states_place=bool(item.get("states_place", True)),
                states_evidence=bool(item.get("states_evidence", True)),
            )
        )
    if not items:
        problems.append("no citation")
    return citations


def page_slug(url):
    """The slug in a tracker source page URL (…/sources/<slug>/), or None."""
    parts = [p for p in urlsplit(clean(url)).path.split("/") if p]
    if len(parts) >= 2 and parts[-2] == "sources" and SLUG.match(parts[-1]):
        return parts[-1][:120]
    return None


def derived_slug(title, url):
    return f"{slugify_ascii(title or url or 'source', 80)}-{short_hash(url or title, 6)}"
