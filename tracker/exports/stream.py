"""Streaming a queryset of deployments as CSV or JSON.

Rows are streamed: the queryset is read with ``.iterator(chunk_size=CHUNK_SIZE)`` and its
relations are prefetched chunk by chunk, so memory stays flat however many rows match, and the
number of queries depends on the number of chunks, never on the number of rows
(``bench/export_memory.py`` measures it; the README has the numbers).
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator

from django.db.models import Model, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from tracker.models import Citation, Deployment
from tracker.models.languages import permalink

from . import slots
from .columns import (
    ATTRIBUTION,
    COLUMN_NAMES,
    COLUMNS,
    LICENCE,
    LICENCE_URL,
    csv_cell,
    deployment_json,
    timestamp,
)

EXPORT_FORMATS = ("csv", "json")

# Rows read (and relations prefetched) per round trip. Memory is bounded by one chunk.
CHUNK_SIZE = 500
# Bytes of text gathered before each write to the client, so a big export is not a million
# tiny writes.
WRITE_SIZE = 64 * 1024

CSV_BOM = "\ufeff"
# The first cell of the CSV's last row; no slug can begin with "#".
CSV_END = "# end of export"
CSV_FAILED = "# export failed"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
JSON_CONTENT_TYPE = "application/json"
MAX_FILENAME_LENGTH = 120


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
                queryset=Citation.objects.select_related(
                    "source", "attributed_to"
                ).prefetch_related("vendors", "technologies"),
            ),
        )
    )


def _rows(queryset, request) -> Iterator[dict]:
    # The same file from /fr/ and /en/: column names and values are the data's own (English),
    # and the rows are written while the response streams, after the view has returned.
    with translation.override("en"):
        for deployment in for_export(queryset).iterator(chunk_size=CHUNK_SIZE):
            yield deployment_json(deployment, request)


# --- Serialisation -----------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands back the text, for csv.writer."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[dict], *, end_row=True) -> Iterator[str]:
    """The header, the rows, then the end row: ``# end of export,<number of rows>``.

    A download cut short (a worker killed, a connection lost, the database failing midway)
    lacks the end row, so the reader can tell it from a complete file (/data/ says how); a
    failure this process sees is also written down as ``# export failed,<rows so far>``.
    """
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(COLUMN_NAMES)
    count = 0
    try:
        for row in rows:
            yield writer.writerow([csv_cell(row[f.name], nested=f.nested) for f in COLUMNS])
            count += 1
    except Exception:
        yield writer.writerow([CSV_FAILED, count])
        raise  # and the connection is cut before the response ends
    if end_row:
        yield writer.writerow([CSV_END, count])


class IncompleteExport(ValueError):
    """A CSV export without its end row, or whose end row counts other rows than it holds."""


def read_csv(text):
    """The rows of a complete CSV export as dicts; IncompleteExport for a cut or failed one.

    What /data/ tells scripts to do: the last row must be the end row, counting the rows
    before it.
    """
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(CSV_BOM), newline="")))
    last = rows.pop() if rows else {}
    first_column = COLUMN_NAMES[0]
    if last.get(first_column) != CSV_END:
        failed = last.get(first_column) == CSV_FAILED
        raise IncompleteExport("the export failed midway" if failed else "no end row: cut short")
    if last.get(COLUMN_NAMES[1]) != str(len(rows)):
        raise IncompleteExport(
            f"the end row counts {last.get(COLUMN_NAMES[1])} rows, not {len(rows)}"
        )
    return rows


def json_chunks(rows: Iterable[dict], meta: dict) -> Iterator[str]:
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
    try:
        for chunk in chunks:
            buffer.append(chunk)
            length += len(chunk)
            if length >= size:
                yield "".join(buffer)
                buffer, length = [], 0
    except Exception:
        if buffer:  # what was written before the failure, "# export failed" included
            yield "".join(buffer)
        raise
    if buffer:
        yield "".join(buffer)


def reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _documentation_url(request):
    path = reverse_or_none("data")
    return request.build_absolute_uri(permalink(path)) if path else None


def open_data_headers(response, request):
    # Public, published data that is the same for everyone: scripts on other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    if documentation := _documentation_url(request):
        response["Link"] = f'<{documentation}>; rel="describedby"'
    return response


def export_response(queryset, fmt, request, *, filename=None, limited=True):
    """Stream the published deployments of ``queryset`` as CSV or JSON (``fmt``).

    The queryset keeps its filters and ordering; ``filename`` (without extension) defaults to
    "deployments". Nothing is read from the database until the response is iterated.
    ``limited``: the stream takes one of the worker's export slots (tracker.exports.slots), or
    the answer is a 503 when none is free; a one-entry export need not.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"fmt must be one of {EXPORT_FORMATS}")
    rows = _rows(queryset, request)
    if fmt == "csv":
        chunks = csv_lines(rows)
        content_type, disposition = CSV_CONTENT_TYPE, "attachment"
    else:
        meta = {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
            "documentation": _documentation_url(request),
            "generated_at": timestamp(timezone.now()),
        }
        chunks = json_chunks(rows, meta)
        content_type, disposition = JSON_CONTENT_TYPE, "inline"
    stream = _batched(chunks)
    if limited and (stream := slots.hold(stream)) is None:
        return slots.busy_response()
    response = StreamingHttpResponse(stream, content_type=content_type)
    name = safe_filename(filename or "deployments")
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return open_data_headers(response, request)


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
