"""Carnegie Endowment's AI Global Surveillance Index (2019): the country table (CSV).

The file is ``;``-separated with CRLF line ends, UTF-8, decimal commas (``0,305``), ``x`` for
"yes" in the technology columns and ``1`` in "China Tech?"/"US Tech?". Its companies are in
"Company 1" … "Company 5" and, on some rows, in the unnamed columns after "Company 5".

A row is a *country-level* claim: the index says these companies supply AI surveillance
technology to the country, not where, to whom or since when. So each (country, company named)
pair becomes one deployment, ``aigs2019:<ISO2>:<vendor-slug>`` (slug ``aigs2019-rs-huawei``),
with locality, operator and years left empty and status "reported":

- country: "Country" (refused when empty or unknown; the same country twice is refused too);
- vendors: every company cell through vendor_names (a cell listing several companies is split;
  misspellings fold into one vendor and are kept as aliases); "Mult" (several unnamed companies)
  names no vendor: it is stated in the summaries of that country's entries and in the report;
- technologies: none. The index marks technologies (Safe City System, Facial Recognition
  System, Smart Policing, Social Media Surveillance) per country, not per company, so crediting
  them to each company would say more than the index does. They become the row's *finding*
  (``aigs2019-<iso2>``, on the country's page) with the technology origins the row gives
  ("China Tech?", "US Tech?", "Other Countries"); a row naming no company is a finding only;
- evidence: "company named as a supplier"; no year, no place inside the country;
- origin countries: the vendor's head office as the tracker records it from an earlier source
  (the article, the SII); none when no source gives it (the index names no head offices);
- citation: the index (a Source of kind "dataset") with the locator "row N (Country)", N being
  the spreadsheet row number (the header is row 1).

A row naming no company yields no deployment (there is no supplier to record), only its
finding; it is listed in the report, never dropped silently. The numeric columns (polyarchy,
Freedom on the Net, military expenditure, ODI rank) have no place in the tracker's model and
are not imported.
"""

import csv
import io
from datetime import date

from .base import (
    CitationSpec,
    DeploymentSpec,
    FindingSpec,
    Importer,
    ImportFileError,
    Plan,
    Refusal,
    SourceSpec,
    VendorRef,
    clean,
    read_text,
    slugify_ascii,
)
from .country_names import CountryResolver
from .technologies import slug_for
from .vendor_names import parse_cell

DATASET = SourceSpec(
    slug="carnegie-aigs-2019",
    title="Carnegie Endowment for International Peace, AI Global Surveillance Index (2019)",
    url="https://doi.org/10.17632/gjhf5y4xjp.1",
    publisher="Carnegie Endowment for International Peace",
    authors="Steven Feldstein",
    published_on=date(2019, 9, 1),
    published_on_precision="month",
    language="en",
    kind="dataset",
    notes=(
        "The table behind Steven Feldstein, “The Global Expansion of AI Surveillance” (Carnegie "
        "Endowment for International Peace, September 2019): per country, which AI surveillance "
        "technologies are in use and which companies supply them. Published on Mendeley Data as "
        "“AI Global Surveillance Index”, dataset DOI 10.17632/gjhf5y4xjp (version 1: the 2019 "
        "table; version 4: the 2022 update), under CC BY 4.0. The tracker imports the 2019 table "
        "as published in the public repository silviagara/AI-Projects-OPIT. Citation locators "
        "are spreadsheet rows (the header is row 1)."
    ),
)
DELIMITER = ";"
COUNTRY = "Country"
TECHNOLOGY_COLUMNS = (
    "Safe City System",
    "Facial Recognition System",
    "Smart Policing",
    "Social Media Surveillance",
)
COMPANY_COLUMNS = tuple(f"Company {n}" for n in range(1, 6))
REQUIRED = (COUNTRY, *TECHNOLOGY_COLUMNS, *COMPANY_COLUMNS)
YES = {"x"}
ORIGIN_YES = {"1"}
# "Other Countries" abbreviations the country names table does not know.
OTHER_COUNTRY_NAMES = {"UK": "United Kingdom", "HK": "Hong Kong"}


class AIGSImporter(Importer):
    label = "country rows"
    command = "import_aigs"
    dataset = DATASET

    def read(self, path):
        text = read_text(path)
        first_line = text.splitlines()[0] if text.splitlines() else ""
        if DELIMITER not in first_line:
            seen = next((d for d in (",", "\t", "|") if d in first_line), None)
            found = (
                f"it looks {'tab' if seen == chr(9) else repr(seen)}-separated"
                if seen
                else ("no separator found")
            )
            raise ImportFileError(
                f"{path}: wrong delimiter: expected ';'-separated columns in the header ({found})"
            )
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER))
        except csv.Error as exc:
            raise ImportFileError(f"{path}: not readable as CSV ({exc})") from None
        header = [clean(cell) for cell in rows[0]]
        if missing := [name for name in REQUIRED if name not in header]:
            raise ImportFileError(f"{path}: missing column(s): {', '.join(missing)}")
        if len(rows) < 2:
            raise ImportFileError(f"{path}: the file has a header but no data rows")
        return header, rows[1:]

    def plan(self, records):
        header, rows = records
        plan = Plan(records=len(rows))
        countries = CountryResolver()
        col = {name: header.index(name) for name in REQUIRED}
        # The companies: "Company 1" … "Company 5" and every unnamed column after the last one.
        last = col["Company 5"]
        companies = [col[name] for name in COMPANY_COLUMNS]
        companies += [i for i in range(last + 1, len(header)) if not header[i]]
        extra = [i for i in range(last + 1, len(header)) if header[i]]
        seen_countries = {}
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                plan.notes.append(f"row {number}: blank, skipped")
                continue
            cells = row + [""] * (len(header) - len(row))
            name = clean(cells[col[COUNTRY]])
            where = f"row {number} ({name or 'no country'})"
            problems = []
            if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                problems.append(f"{len(row)} cells but the header has {len(header)} columns")
            iso2 = countries.iso2(name)
            if not name:
                problems.append("no country")
            elif iso2 is None:
                problems.append(f"unknown country “{name}”")
            elif iso2 in seen_countries:
                problems.append(f"{name} is already given in row {seen_countries[iso2]}")
            marked, technologies = [], []
            for column in TECHNOLOGY_COLUMNS:
                value = clean(cells[col[column]])
                if value.lower() in YES:
                    marked.append(column)
                    technologies.append(slug_for(column))
                elif value:
                    problems.append(f"unexpected “{value}” in {column} (expected x or empty)")
            names, several = [], False
            for index in companies:
                found, unnamed = parse_cell(cells[index])
                several = several or unnamed
                label = header[index] or f"column {index + 1} (after Company 5)"
                names.extend((n, label, clean(cells[index])) for n in found)
            if problems:
                plan.refusals.append(Refusal(where, "; ".join(problems)))
                continue
            seen_countries[iso2] = number
            for index in extra:
                if clean(cells[index]):
                    plan.notes.append(f"{where}: column “{header[index]}” not imported")
            if several:
                plan.notes.append(f"{where}: “Mult”: several companies the index does not name")
            finding = self.finding(iso2, cells, col, header, marked, number, name, countries)
            plan.findings.append(finding)
            if not names:
                plan.notes.append(f"{where}: names no company; recorded as a country finding")
                continue
            context = {
                "name": name,
                "country": countries.names[iso2],
                "marked": marked,
                "several": several,
                "others": clean(cells[header.index("Other Countries")])
                if "Other Countries" in header
                else "",
            }
            by_vendor = {}
            for vendor_name, column, cell in names:
                by_vendor.setdefault(vendor_name.name, []).append((vendor_name, column, cell))
            for vendor, mentions in by_vendor.items():
                plan.specs.append(
                    self.spec(iso2, vendor, mentions, technologies, where, number, context)
                )
        return plan

    def finding(self, iso2, cells, col, header, marked, number, name, countries):
        """What the row says about the country as a whole: the technologies it marks and where
        the technology comes from ("China Tech?", "US Tech?", "Other Countries")."""
        country = countries.names[iso2]
        origins, said = [], []
        for column, code, label in (("China Tech?", "CN", "China"), ("US Tech?", "US", "the US")):
            if column in header and clean(cells[header.index(column)]) in ORIGIN_YES:
                origins.append(code)
                said.append(label)
        others = (
            clean(cells[header.index("Other Countries")]) if "Other Countries" in header else ""
        )
        for part in filter(None, (p.strip() for p in others.split(","))):
            code = countries.iso2(OTHER_COUNTRY_NAMES.get(part, part))
            if code and code not in origins:
                origins.append(code)
            said.append(part)
        parts = [f"Carnegie's AI Global Surveillance Index (2019) records for {country}:"]
        parts.append(
            ("AI surveillance technology in use: " + ", ".join(marked) + ".")
            if marked
            else "no AI surveillance technology marked in use."
        )
        if said:
            parts.append("Technology from: " + ", ".join(said) + ".")
        parts.append("The index does not say which company supplies which technology.")
        return FindingSpec(
            slug=f"aigs2019-{iso2.lower()}",
            statement=" ".join(parts),
            citation=CitationSpec(source=DATASET, locator=f"row {number} ({name})"),
            countries=[iso2],
            technologies=[slug_for(column) for column in marked],
            origin_countries=origins,
            as_of=date(2019, 9, 1),
            as_of_precision="month",
        )

    def spec(self, iso2, vendor, mentions, technologies, where, number, context):
        external_id = f"aigs2019:{iso2}:{slugify_ascii(vendor)}"
        country = context["country"]
        cells = "; ".join(f"{column}: “{cell}”" for _, column, cell in mentions)
        parts = [
            "The Carnegie Endowment's AI Global Surveillance Index (2019) names "
            f"{vendor} among the companies supplying AI surveillance technology to {country} "
            f"({cells})."
        ]
        if variants := sorted({n.seen for n, _, _ in mentions if n.is_variant}):
            written = ", ".join(f"“{v}”" for v in variants)
            parts.append(f"The index writes {written}; the tracker files it under {vendor}.")
        if context["marked"]:
            parts.append(
                f"For {country} as a whole the index marks: {', '.join(context['marked'])}. It "
                "does not say which company supplies which technology, so none is credited to "
                f"{vendor} here (see the country's page)."
            )
        if context["several"]:
            parts.append("It also lists “Mult”: several companies it does not name.")
        parts.append(
            "This is a country-level claim: the index does not say where in the country, for "
            "whom, or since when."
        )
        return DeploymentSpec(
            slug=slugify_ascii(external_id, max_length=190),
            external_id=external_id,
            where=f"{where}, {vendor}",
            title=f"{vendor} named as a supplier of AI surveillance technology to {country}",
            country=iso2,
            vendors=[VendorRef(name=vendor, seen=n.seen) for n, _, _ in mentions],
            origin_from_vendors=True,
            # The row names the company for the country, nothing more: no technology (marked
            # per country), no year, no place inside the country.
            technologies=[],
            citations=[
                CitationSpec(
                    source=DATASET,
                    locator=f"row {number} ({context['name']})",
                    states_technologies=False,
                    states_year=False,
                )
            ],
            status="reported",
            evidence="supplier_named",
            summary=" ".join(parts),
            owned_source_slug=DATASET.slug,
        )
