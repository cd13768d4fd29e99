"""Privacy International's Surveillance Industry Index: the transfers file (JSON).

Each transfer becomes one deployment, ``sii:<unique_id>`` (slug ``sii-<unique-id>``):

- country: ``recipient_country`` (refused when empty or unknown); operator: ``enduser``;
  start_year: ``order_year``. A year given in words the index uses for an approximate date
  ("mid-2000s") is kept in year_note with start_year empty; any other non-year is refused.
- vendors: ``supplier_company`` through vendor_names (split when it lists several companies;
  "(broker)"/"(reseller)" taken off the name and stated in the summary).
- origin countries: ``supplier_company_hq`` (one or two countries). A transfer that names no
  company (most export-licence records) is kept as an export from that country by an unnamed
  company: origin set, no vendor, never dropped and never given an invented vendor.
- technologies: ``goods`` through technologies.TERMS (refused when a term is unknown); the
  terms as the index writes them are quoted in the summary.
- A domestic sale (supplier's country = recipient) is recorded like any other, and said so.
- citations: each original source (sources.cited_sources), with the locator
  "via SII record <unique_id>", and the index itself (a Source of kind "dataset") with the
  unique_id as locator.

``unique_id`` is not always unique in principle: if two records share one, the later gets
``#<position>`` (its 1-based position in the file) appended to its external id and locator.
Two ids that differ only in case or punctuation ("_South Africa_2015", "_South africa_2015")
would give one slug: the later one's slug gets ``-r<position>``. Both cases are reported.
"""

import json
import re
from collections import Counter
from datetime import date

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
    unique_slugs,
)
from .country_names import CountryResolver
from .sources import cited_sources
from .technologies import slug_for
from .vendor_names import parse_cell

DATASET = SourceSpec(
    slug="privacy-international-sii",
    title="Privacy International, Surveillance Industry Index",
    url="https://github.com/TransparencyToolkit/dataspec-sii",
    publisher="Privacy International",
    published_on=date(2016, 1, 1),
    published_on_precision="year",
    language="en",
    kind="dataset",
    notes=(
        "Reported sales (“transfers”) of surveillance technology, compiled by Privacy "
        "International from open sources and export-licence records (launched 2013, last "
        "expanded 2016). The index's own website is offline; the tracker imports the copy in the "
        "public repository TransparencyToolkit/dataspec-sii "
        "(sii_data/transfer_data/transfers.json). Citation locators are the index's unique_id."
    ),
)
CITED_BY = "Privacy International's Surveillance Industry Index"
VIA = "via SII record "
REQUIRED = (
    "unique_id",
    "supplier_company",
    "supplier_company_hq",
    "recipient_country",
    "enduser",
    "goods",
    "export_data_or_open_source",
    "transfer_to_enduser_reported_as_complete",
    "order_year",
    "sources",
    "source_links",
)
GOODS_STRING = re.compile(r"^goods__")
APPROXIMATE_YEAR = re.compile(r"^(?:early|mid|late)?[- ]?\d{3}0s$", re.IGNORECASE)
MIN_YEAR, MAX_YEAR = 1900, 2100


class Refused(Exception):
    pass


class SIIImporter(Importer):
    label = "transfers"
    command = "import_sii"
    dataset = DATASET

    def read(self, path):
        text = read_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except RecursionError:
            raise ImportFileError(
                f"{path}: JSON nested too deeply to be a transfers file (records are flat objects)"
            ) from None
        if not isinstance(data, list):
            raise ImportFileError(
                f"{path}: expected a JSON array of transfer records, found a JSON "
                f"{'object' if isinstance(data, dict) else type(data).__name__}"
            )
        if not data:
            raise ImportFileError(f"{path}: the array is empty: no transfers to import")
        objects = [record for record in data if isinstance(record, dict)]
        missing = [name for name in REQUIRED if not any(name in record for record in objects)]
        if missing:
            raise ImportFileError(
                f"{path}: not an SII transfers file: no record has the field(s) "
                + ", ".join(missing)
            )
        return data

    def plan(self, records):
        plan = Plan()
        countries = CountryResolver()
        seen, external_ids, locators = Counter(), [], []
        for position, record in enumerate(records, start=1):
            uid = clean(record.get("unique_id")) if isinstance(record, dict) else ""
            seen[uid] += 1
            if uid and seen[uid] > 1:
                external_ids.append(f"sii:{uid}#{position}")
                locators.append(f"{uid} (record {position})")
                plan.notes.append(
                    f"record {position} ({uid}): unique_id used by an earlier record; "
                    f"external id made distinct: sii:{uid}#{position}"
                )
            else:
                external_ids.append(f"sii:{uid}")
                locators.append(uid)
        slugs = unique_slugs(external_ids)
        unnamed = 0
        for position, (record, external_id, slug, locator) in enumerate(
            zip(records, external_ids, slugs, locators, strict=True), start=1
        ):
            uid = clean(record.get("unique_id")) if isinstance(record, dict) else ""
            where = f"record {position} ({uid or 'no unique_id'})"
            if slug.endswith(f"-r{position}"):
                plan.notes.append(f"{where}: slug shared with an earlier id; made {slug}")
            try:
                spec = self.spec(record, countries, external_id, slug, locator, where)
            except Refused as exc:
                plan.refusals.append(Refusal(where, str(exc)))
                continue
            unnamed += not spec.vendors
            plan.specs.append(spec)
        if unnamed:
            plan.notes.append(
                f"{unnamed} transfers name no company: imported with no vendor, as exports from "
                "the country the index gives (origin), where it gives one"
            )
        return plan

    def spec(self, record, countries, external_id, slug, locator, where):
        if not isinstance(record, dict):
            raise Refused("not a JSON object")
        problems = []
        if missing := [name for name in REQUIRED if name not in record]:
            problems.append(f"missing field(s) {', '.join(missing)}")
        uid = clean(record.get("unique_id"))
        if not uid:
            problems.append("no unique_id")
        recipient_text = clean(record.get("recipient_country"))
        recipient = countries.iso2(recipient_text)
        if not recipient_text:
            problems.append("no recipient country")
        elif recipient is None:
            problems.append(f"unknown recipient country “{recipient_text}”")
        origins = []
        for part in clean(record.get("supplier_company_hq")).split(","):
            if not part.strip():
                continue
            if (code := countries.iso2(part)) is None:
                problems.append(f"unknown supplier headquarters country “{part.strip()}”")
            elif code not in origins:
                origins.append(code)
        start_year, year_note = None, ""
        try:
            start_year, year_note = parse_year(record.get("order_year"))
        except ValueError as exc:
            problems.append(str(exc))
        terms, technologies = goods_terms(record), []
        for term in terms:
            if (tech := slug_for(term)) is None:
                problems.append(f"unknown goods term “{term}”")
            elif tech not in technologies:
                technologies.append(tech)
        if problems:
            raise Refused("; ".join(problems))

        names, several = parse_cell(record.get("supplier_company"))
        # The index's head office, where it ties one company to one country, cited to its cell.
        one_office = len(names) == 1 and len(origins) == 1
        vendors = [
            VendorRef(
                name=n.name,
                seen=n.seen,
                headquarters=origins[0] if one_office else None,
                headquarters_citation=CitationSpec(
                    source=DATASET,
                    quote=clean(record.get("supplier_company_hq")),
                    locator=f"{locator}, field supplier_company_hq",
                )
                if one_office
                else None,
            )
            for n in names
        ]
        sources = cited_sources(
            record.get("sources"), record.get("source_links"), cited_by=CITED_BY
        )
        # The index's record states every fact of the entry. The sources it lists are cited for
        # the supplier, the place and the transfer; the goods and the year are the index's
        # reading of them, so only the record states those.
        citations = [
            CitationSpec(
                source=s, locator=VIA + locator, states_technologies=False, states_year=False
            )
            for s in sources
        ]
        citations.append(CitationSpec(source=DATASET, locator=locator))
        operator = clean(record.get("enduser"))
        licence = clean(record.get("export_data_or_open_source")).lower() == "export data"
        evidence, year_kind = ("licence", "licensed") if licence else ("contract", "ordered")
        status = COMPLETION.get(
            clean(record.get("transfer_to_enduser_reported_as_complete")).lower(), "reported"
        )
        name_of = countries.names.get
        what = ", ".join(dict.fromkeys(lower_term(t) for t in terms)) or "technology not stated"
        return DeploymentSpec(
            slug=slug,
            external_id=external_id,
            where=where,
            title=title(names, origins, recipient, what, licence, start_year, year_note, name_of),
            country=recipient,
            vendors=vendors,
            origin_countries=origins,
            origin_from_vendors=True,
            technologies=technologies,
            citations=citations,
            operator=operator,
            status=status,
            evidence=evidence,
            year_kind=year_kind if start_year else "",
            start_year=start_year,
            year_note=year_note,
            summary=summary(record, names, several, origins, recipient, terms, name_of),
            owned_source_slug=DATASET.slug,
            owned_locator_prefix=VIA,
        )


# "Transfer to the end user reported as complete": a "No" is a sale or licence that the index
# says did not go through; it is shown as such and left out of counts.
COMPLETION = {"yes": "completed", "no": "not_completed"}


def title(names, origins, recipient, what, licence, year, year_note, name_of):
    """A title a reader can scan: who, what, where, and what the year is the year of."""
    where_from = " and ".join(name_of(code) for code in origins)
    when = f"licence {year}" if licence and year else f"ordered {year}" if year else year_note
    if names:
        who = " and ".join(n.name for n in names)
        kind = "export licence" if licence else "sale"
        return f"{who} to {name_of(recipient)}: {what} ({kind}{', ' + when if when else ''})"
    if licence:
        origin = f"{where_from} export licence" if where_from else "Export licence"
        return (
            f"{origin} for {what} to {name_of(recipient)}"
            + (f", {when}" if when else "")
            + ": company not named"
        )
    seller = f"a company in {where_from}" if where_from else "a seller"
    return (
        f"Sale of {what} to {name_of(recipient)} by {seller}"
        + (f", {when}" if when else "")
        + ": company not named"
    )


def parse_year(value):
    """(start_year, year_note) from order_year; ValueError naming the value when malformed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"malformed order_year {json.dumps(value)}")
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"implausible order_year {year}")
        return year, ""
    if APPROXIMATE_YEAR.match(text):
        return None, text
    raise ValueError(f"malformed order_year “{text}”")


def goods_terms(record):
    """The goods terms: the ``goods`` list, else the long comma-separated ``goods__…`` field."""
    goods = record.get("goods")
    if goods is None:
        for key, value in record.items():
            if GOODS_STRING.match(key) and isinstance(value, str):
                goods = value.split(",")
    if isinstance(goods, str):
        goods = goods.split(",")
    if not isinstance(goods, list):
        return []
    return list(dict.fromkeys(clean(term) for term in goods if clean(term)))


def lower_term(term):
    return " ".join(w if w.isupper() else w.lower() for w in term.split())


def summary(record, names, several, origins, recipient, terms, name_of):
    parts = []
    title = clean(record.get("title"))
    parts.append(
        "Privacy International's Surveillance Industry Index records this transfer"
        + (f" (“{title}”)." if title else ".")
    )
    origin_text = ", ".join(name_of(code) for code in origins)
    if names:
        listed = ", ".join(
            n.name + (f" (the index writes “{n.seen}”)" if n.is_variant else "") for n in names
        )
        parts.append(
            f"Supplier: {listed}" + (f"; headquarters: {origin_text}." if origins else ".")
        )
        for n in names:
            if n.role:
                parts.append(f"The index describes {n.name} as a {n.role}.")
    elif origins:
        parts.append(
            f"The index does not name the company; it gives the exporting country: {origin_text}."
        )
    else:
        parts.append("The index names neither the company nor its country.")
    if several:
        parts.append("The index says several companies it does not name were involved.")
    enduser = clean(record.get("enduser"))
    parts.append(
        f"Recipient: {name_of(recipient)}" + (f"; end user: {enduser}." if enduser else ".")
    )
    if terms:
        parts.append("Goods, as the index lists them: " + ", ".join(f"“{t}”" for t in terms) + ".")
    else:
        parts.append("The index lists no goods for this transfer.")
    year = record.get("order_year")
    parts.append(
        f"Order year: {year}." if year not in (None, "") else "The index gives no order year."
    )
    complete = clean(record.get("transfer_to_enduser_reported_as_complete"))
    if complete:
        parts.append(f"Transfer to the end user reported as complete: {complete}.")
    basis = clean(record.get("export_data_or_open_source"))
    if basis:
        described = {"open": "open sources", "export data": "export-licence data"}
        parts.append(f"Basis: {described.get(basis.lower(), basis)}.")
    if recipient in origins:
        parts.append("The supplier is headquartered in the recipient country: a domestic sale.")
    return " ".join(parts)
