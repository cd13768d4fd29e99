"""What every importer shares: reading a file safely, the plan of what to write, refusals, the
atomic (and dry-runnable) run, and the summary.

An import happens in two steps.

1. *Plan*: the file is read and parsed completely, and each record is either turned into a
   ``DeploymentSpec`` (plain data: what the tracker should hold for it) or refused with its row
   number or id and the reason. Nothing is written. A file that cannot be read at all raises
   ``ImportFileError`` with one line naming the problem.
2. *Write*: if nothing was refused (or ``--skip-invalid`` was given), every spec is written by
   ``writer.Writer`` inside one ``transaction.atomic()``: an error anywhere rolls the whole run
   back. ``--dry-run`` performs the same writes and rolls them back, so its counts are exact.

Records are matched on stable keys (a deployment's slug, derived from its external id; a
source's URL or slug; a vendor's name or alias), so importing the same file twice creates nothing
new: the second run reports every row as unchanged.
"""

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

MODELS = ("deployment", "citation", "finding", "source", "vendor", "vendoralias", "technology")
ACTIONS = ("created", "updated", "unchanged", "removed")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is one line naming the problem."""


class ImportConflict(Exception):
    """Something in the database contradicts the import (e.g. an alias owned by another vendor)."""


@dataclass
class Refusal:
    where: str  # "row 12 (Atlantis)", "record 15 (Datong__2015)"
    reason: str

    def __str__(self):
        return f"{self.where}: {self.reason}"


@dataclass
class SourceSpec:
    """A Source as an importer wants it. ``owned``: the import may update an existing row with
    this slug; otherwise an existing source (matched by URL or slug) is used as it is."""

    slug: str
    title: str
    url: str | None = None
    publisher: str = ""
    authors: str = ""
    published_on: date | None = None
    published_on_precision: str = "day"
    language: str = ""
    kind: str = "other"
    notes: str = ""
    owned: bool = True
    # Also look an existing source up by its exact title (the project's CSV gives no more).
    match_title: bool = False

    def values(self):
        return {
            "title": self.title[:500],
            "url": self.url or None,
            "publisher": self.publisher[:200],
            "authors": self.authors[:300],
            "published_on": self.published_on,
            "published_on_precision": self.published_on_precision,
            "language": self.language,
            "kind": self.kind,
            "notes": self.notes,
        }


@dataclass
class CitationSpec:
    """A citation and the facts of its entry it states: all of the entry's vendors or none,
    all of its technologies or none, its year, its place, its kind of evidence."""

    source: SourceSpec
    quote: str = ""
    locator: str = ""
    attributed_to: SourceSpec | None = None
    # True: all of the entry's; False: none; a list: those names.
    states_vendors: bool | list[str] = True
    states_technologies: bool | list[str] = True
    states_year: bool = True
    states_place: bool = True
    states_evidence: bool = True

    def facts(self):
        return (
            self.states_vendors,
            self.states_technologies,
            self.states_year,
            self.states_place,
            self.states_evidence,
        )


@dataclass
class VendorRef:
    """A vendor as a record names it: canonical name, the spelling seen, and optionally the slug
    (the project's CSV gives it) and the head-office country to record if the vendor has none,
    with the citation that gives it."""

    name: str
    seen: str = ""
    slug: str | None = None
    headquarters: str | None = None
    headquarters_citation: CitationSpec | None = None


@dataclass
class DeploymentSpec:
    slug: str
    external_id: str | None  # None: the entry has none (the project's own CSV)
    where: str
    title: str
    country: str
    vendors: list[VendorRef] = field(default_factory=list)
    origin_countries: list[str] = field(default_factory=list)
    # AIGS: the origin is each vendor's head office as the tracker records it.
    origin_from_vendors: bool = False
    technologies: list[str] = field(default_factory=list)
    citations: list[CitationSpec] = field(default_factory=list)
    locality: str = ""
    operator: str = ""
    status: str = "reported"
    evidence: str = ""
    year_kind: str = ""
    start_year: int | None = None
    end_year: int | None = None
    year_note: str = ""
    scale: str = ""
    summary: str = ""
    # Which existing citations the import may remove when they are no longer in the file: those
    # citing the dataset (by slug), those whose locator starts with the prefix, or all of them.
    owned_source_slug: str = ""
    owned_locator_prefix: str = ""
    owns_all_citations: bool = False

    @property
    def publishable(self):
        """Offered for publication only when a citation has a quote or a locator. The workflow
        asks more (a cited source with a URL); if it refuses, the entry stays a draft."""
        return any(c.quote.strip() or c.locator.strip() for c in self.citations)


@dataclass
class FindingSpec:
    """A statement a source makes about a country as a whole (Carnegie's technologies and
    technology origins per country), kept country-level rather than spread onto companies."""

    slug: str
    statement: str
    citation: CitationSpec
    countries: list[str] = field(default_factory=list)
    technologies: list[str] = field(default_factory=list)
    origin_countries: list[str] = field(default_factory=list)
    as_of: date | None = None
    as_of_precision: str = "day"


@dataclass
class Plan:
    records: int = 0
    specs: list[DeploymentSpec] = field(default_factory=list)
    findings: list[FindingSpec] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Tally:
    """Counts per model and action, and the lines a dry run (or -v 2) prints."""

    def __init__(self):
        self.counts = {model: Counter() for model in MODELS}
        self.lines = []
        self.notes = []

    def add(self, model, action, label=""):
        self.counts[model][action] += 1
        if label and action in ("created", "updated", "removed"):
            self.lines.append(f"{action} {model} {label}")

    def total(self, model, action):
        return self.counts[model][action]

    def table(self, refused):
        header = f"{'':<12}{'created':>9}{'updated':>9}{'unchanged':>11}{'refused':>9}"
        rows = [header]
        for model in MODELS:
            c = self.counts[model]
            refused_here = refused if model == "deployment" else 0
            row = f"{model:<12}{c['created']:>9}{c['updated']:>9}{c['unchanged']:>11}"
            row += f"{refused_here:>9}"
            if c["removed"]:
                row += f"  ({c['removed']} removed)"
            rows.append(row)
        return rows


def distinct_titles(specs):
    """No two entries share a title: a repeated one names its record ("…: company not named
    (record _Albania_2016_2)"), so a reader scanning a list can tell them apart."""
    counts = Counter(spec.title for spec in specs)
    for spec in specs:
        if counts[spec.title] > 1 and spec.external_id:
            record = spec.external_id.split(":", 1)[-1]
            spec.title = f"{spec.title} (record {record})"


# --- Text helpers --------------------------------------------------------------------------------


def clean(text):
    """NFC, whitespace collapsed; None becomes ''."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def slugify_ascii(text, max_length=100):
    """Lower-case ASCII letters and digits joined by hyphens ("sii:_Bulgaria_2016" →
    "sii-bulgaria-2016")."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def short_hash(text, length=8):
    return hashlib.sha1(str(text).encode()).hexdigest()[:length]


def unique_slugs(keys):
    """Slugs for external ids, in file order; a slug already taken by an earlier id gets the
    id's 1-based position appended ("-r153"), so the result is stable for the same file."""
    taken, slugs = set(), []
    for position, key in enumerate(keys, start=1):
        slug = slugify_ascii(key, max_length=190)
        if slug in taken:
            slug = f"{slug}-r{position}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


# --- Reading files -------------------------------------------------------------------------------


MAX_FILE_BYTES = 100 * 2**20


def read_text(path):
    """The file's text (UTF-8, BOM allowed), or ImportFileError naming what is wrong."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    # The datasets are about 1 MB; a file this large is a mistake, and reading it whole (as the
    # parsers do) would take the machine's memory with it.
    if (size := path.stat().st_size) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{path}: {size / 2**20:.0f} MiB is more than the {MAX_FILE_BYTES // 2**20} MiB "
            "an import file may have"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise ImportFileError(f"{path}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and try again"
        ) from None


# --- Running -------------------------------------------------------------------------------------


class Importer:
    """Subclasses define ``label``, ``dataset`` (a SourceSpec or None), ``read`` and ``plan``."""

    label = "records"
    command = "import"
    dataset: SourceSpec | None = None

    def read(self, path):
        raise NotImplementedError

    def plan(self, records) -> Plan:
        raise NotImplementedError

    def run(self, path, *, dry_run=False, skip_invalid=False, write=print, verbosity=1):
        """Import ``path``; returns (tally, plan). Raises CommandError on any failure."""
        from .writer import Writer, deferred_search_refresh

        try:
            records = self.read(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        plan = self.plan(records)
        plan.records = plan.records or len(records)
        distinct_titles(plan.specs)
        for refusal in plan.refusals:
            write(f"refused {refusal}")
        if plan.refusals and not skip_invalid:
            raise CommandError(
                f"{len(plan.refusals)} of {plan.records} {self.label} "
                "refused (listed above); nothing was imported. Fix them, or run again with "
                "--skip-invalid to import the others."
            )
        tally = Tally()
        current = "the dataset source"
        try:
            with transaction.atomic():
                with deferred_search_refresh():
                    writer = Writer(tally, reason=f"{self.command} {Path(path).name}")
                    if self.dataset:
                        writer.source(self.dataset)
                    # Vendors first: a head office a later record gives is known before the
                    # entries whose origin it decides are written.
                    for spec in plan.specs:
                        current = spec.where
                        for ref in spec.vendors:
                            writer.vendor(ref)
                    for spec in plan.specs:
                        current = spec.where
                        writer.deployment(spec)
                    for finding in plan.findings:
                        current = f"finding {finding.slug}"
                        writer.finding(finding)
                    current = "the search index refresh"
                if dry_run:
                    transaction.set_rollback(True)
        except Exception as exc:
            raise CommandError(
                f"import stopped at {current}: {exc.__class__.__name__}: {exc}. "
                "Nothing was written (the run is atomic)."
            ) from exc
        self.report(tally, plan, write, dry_run=dry_run, verbosity=verbosity)
        return tally, plan

    def report(self, tally, plan, write, *, dry_run, verbosity):
        if dry_run or verbosity >= 2:
            prefix = "would have " if dry_run else ""
            for line in tally.lines:
                write(prefix + line)
        if verbosity >= 1:
            for note in [*plan.notes, *tally.notes]:
                write(f"note {note}")
        title = "Summary (dry run: nothing was written)" if dry_run else "Summary"
        write(
            f"{title}: {plan.records} {self.label} read; {len(plan.specs)} deployments planned; "
            f"{len(plan.refusals)} {self.label} refused"
        )
        for row in tally.table(len(plan.refusals)):
            write(row)


class ImportCommand(BaseCommand):
    importer_class = Importer

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created, updated and refused; write nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid records and report the refused ones, instead of stopping.",
        )

    def handle(self, *args, **options):
        self.importer_class().run(
            options["path"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            write=self.stdout.write,
            verbosity=options["verbosity"],
        )
