"""Facts the editors researched in public pages: vendors' head offices, designations on
government lists, and corporate relations, each with the page's URL and its exact words.

The file (``tracker/data/vendor_research.json``) holds ``sources`` (one per page read, with a
``key``), ``headquarters`` (vendor, ISO country, source key, quote, locator), ``designations``
(vendor, authority, list name, date, source, quote), ``relations`` (vendor, kind, other vendor,
source, quote) and ``not_found`` (vendors whose head office no page we read gives: they stay
without one, never guessed). It is applied before the datasets when the fixture is built, so a
researched head office is the one the datasets' entries take their origin from.
"""

import json
from datetime import date
from pathlib import Path

from tracker.models import Designation, Vendor, VendorRelation

from .base import CitationSpec, SourceSpec, VendorRef

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "vendor_research.json"


def load(path=DEFAULT):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source_specs(data):
    specs = {}
    for item in data.get("sources", []):
        published = item.get("published_on")
        specs[item["key"]] = SourceSpec(
            slug=item["key"],
            title=item["title"],
            url=item.get("url") or None,
            publisher=item.get("publisher", ""),
            published_on=date.fromisoformat(published) if published else None,
            published_on_precision=item.get("published_on_precision") or "day",
            language=item.get("language", ""),
            kind=item.get("kind", "other"),
            notes="Read by the tracker's editors; the quotes are the page's exact words.",
            owned=False,
        )
    return specs


def apply(writer, data):
    """Write the researched facts through ``writer`` (an importers.writer.Writer)."""
    sources = source_specs(data)
    for item in data.get("headquarters", []):
        writer.vendor(
            VendorRef(
                name=item["vendor"],
                headquarters=item["country"],
                headquarters_citation=CitationSpec(
                    source=sources[item["source"]],
                    quote=item.get("quote", ""),
                    locator=item.get("locator", ""),
                ),
            )
        )
    for item in data.get("designations", []):
        vendor = writer.vendor(VendorRef(name=item["vendor"]))
        listed = item.get("listed_on")
        Designation.objects.update_or_create(
            vendor=vendor,
            authority=item["authority"],
            list_name=item["list_name"],
            defaults={
                "listed_on": date.fromisoformat(listed) if listed else None,
                "listed_on_precision": item.get("listed_on_precision") or "day",
                "source": writer.source(sources[item["source"]]),
                "quote": item.get("quote", ""),
                "locator": item.get("locator", ""),
            },
        )
    for item in data.get("relations", []):
        vendor = writer.vendor(VendorRef(name=item["vendor"]))
        other = writer.vendor(VendorRef(name=item["of"]))
        VendorRelation.objects.update_or_create(
            vendor=vendor,
            kind=item["kind"],
            other=other,
            defaults={
                "source": writer.source(sources[item["source"]]),
                "quote": item.get("quote", ""),
                "locator": item.get("locator", ""),
            },
        )


def unsourced_vendors():
    """Vendors named in a published entry with no cited head office: the editors' to-do list."""
    return (
        Vendor.objects.filter(headquarters__isnull=True, deployments__state="published")
        .distinct()
        .order_by("name")
    )
