"""Synthetic published entries for benchmarking (``manage.py generate_synthetic``).

Builds N published deployments with the skew real data has: a few countries, vendors and
sources account for most entries, a quarter of the start years are unknown, entries cite one to
three of a few thousand sources. Every entry keeps the data model's rules: each vendor and
technology on it is stated by a citation, a year by a citation that states it, and each cites a
source with a URL. The derived fields are filled in bulk, not by the signals that keep them in
step one entry at a time: ``search_document`` as tracker.browse.search would write it,
``search_vector`` in SQL on PostgreSQL, ``pair_sources`` as tracker.editorial.corroboration would
count it.

Every row it writes is marked: slugs start with ``synthetic-``, sources live under
``https://example.org/synthetic/``, and the heaviest dataset is the dedicated source
``synthetic-dataset``. It refuses to touch a database holding anything else (real_data()).

On PostgreSQL rows go in with COPY (psycopg 3) inside one transaction, deployments through a
staging table so that each row is written once with its vector and corroboration count; other
databases get bulk_create in batches. Neither fires signals.
"""

import bisect
import functools
import itertools
import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils.text import slugify

from ..browse import tallies
from ..browse.search import CONFIGS
from ..models import (
    Citation,
    Correction,
    Country,
    Deployment,
    Designation,
    Finding,
    SiteDataLoad,
    Source,
    Technology,
    Vendor,
    VendorAlias,
    VendorRelation,
)
from ..models.countries import display_name
from ..models.vendors import name_key

PREFIX = "synthetic-"
MARKER_SOURCE = "synthetic-dataset"
URL_ROOT = "https://example.org/synthetic/"
CHUNK = 20_000  # entries generated and written per round (memory stays flat at any N)

State, Status, Evidence, YearKind = (
    Deployment.State,
    Deployment.Status,
    Deployment.Evidence,
    Deployment.YearKind,
)

# Where vendors have their head office, by share (None: no source gives one).
HEADQUARTERS = [
    ("CN", 32), ("US", 18), ("IL", 8), ("DE", 6), ("GB", 6), ("FR", 5), ("IT", 4), ("RU", 4),
    ("JP", 3), ("KR", 3), ("SE", 2), ("NL", 2), ("CH", 2), ("AE", 1), ("IN", 1), (None, 3),
]  # fmt: skip
STATUSES = [
    (Status.REPORTED, 40), (Status.ACTIVE, 25), (Status.COMPLETED, 10), (Status.DEPLOYING, 6),
    (Status.PLANNED, 5), (Status.ENDED, 5), (Status.UNKNOWN, 6), (Status.NOT_COMPLETED, 3),
]  # fmt: skip
EVIDENCE = [
    (Evidence.DEPLOYMENT, 35), (Evidence.CONTRACT, 20), (Evidence.SUPPLIER_NAMED, 15),
    (Evidence.LICENCE, 10), (Evidence.ORDER, 8), (Evidence.ALLEGATION, 4), ("", 8),
]  # fmt: skip
YEAR_KINDS = [(k, 1) for k in YearKind.values] + [("", 2)]
OPERATORS = [
    "the national police", "the ministry of the interior", "the city council", "the border "
    "guard", "the transport authority", "a regional police force", "the intelligence service",
    "the prison service", "a state-owned telecom operator", "the ministry of public security",
    "la police municipale", "le ministère de l'Intérieur", "the airport authority", "",
]  # fmt: skip
SYLLABLES = [
    "ka", "lo", "mi", "ra", "ven", "tor", "sel", "an", "dri", "vex",
    "nor", "ta", "li", "qua", "zen", "bel", "hol", "cor", "fin", "sar",
]  # fmt: skip
SUFFIXES = ["Systems", "Technologies", "Vision", "Security", "Labs", "Group", "Networks", "AI"]
PUBLISHERS = ["The Daily Ledger", "Le Courrier", "Open Watch", "Global Rights Monitor",
              "Tech Review", "Policy Institute", "Le Quotidien", "Export Observatory"]  # fmt: skip


class RealDataError(Exception):
    """The database holds something other than synthetic rows: it must not be touched."""


def real_data():
    """What in this database is not synthetic, as short phrases (empty: safe to write)."""
    found = []
    if n := SiteDataLoad.objects.count():
        found.append(f"{n} loaded data file(s) (SiteDataLoad)")
    for model, label in ((Deployment, "deployment"), (Vendor, "vendor"), (Source, "source")):
        if n := model.objects.exclude(slug__startswith=PREFIX).count():
            found.append(f"{n} {label}(s) without the {PREFIX} prefix")
    for model in (Finding, Designation, VendorRelation):
        if n := model.objects.count():
            found.append(f"{n} {model._meta.verbose_name_plural}")
    return found


def synthetic_count():
    return Deployment.objects.filter(slug__startswith=PREFIX).count()


def delete_synthetic():
    """Remove every synthetic row (the caller has checked that nothing else is there)."""
    mine = Deployment.objects.filter(slug__startswith=PREFIX)
    Correction.objects.filter(deployment__in=mine).delete()
    citations = Citation.objects.filter(deployment__in=mine)
    for through in (Citation.vendors.through, Citation.technologies.through):
        through.objects.filter(citation__in=citations)._raw_delete(connection.alias)
    citations._raw_delete(connection.alias)
    for relation in (Deployment.vendors, Deployment.technologies, Deployment.origin_countries):
        relation.through.objects.filter(deployment__in=mine)._raw_delete(connection.alias)
    mine._raw_delete(connection.alias)
    VendorAlias.objects.filter(vendor__slug__startswith=PREFIX).delete()
    Vendor.objects.filter(slug__startswith=PREFIX)._raw_delete(connection.alias)
    Source.objects.filter(slug__startswith=PREFIX)._raw_delete(connection.alias)


class Picker:
    """Weighted choice in O(log n) from cumulative weights."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def one(self, rng):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def distinct(self, rng, k):
        chosen = []
        for _ in range(k * 4):
            item = self.one(rng)
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen


def zipf(n, exponent=1.1):
    return [1 / (rank + 1) ** exponent for rank in range(n)]


@dataclass
class World:
    """The small tables every entry draws from, with their skew."""

    countries: Picker
    country_names: dict
    country_display: dict
    country_french: dict
    technologies: Picker
    tech_names: dict
    tech_french: dict
    vendors: Picker
    vendor_info: dict  # id -> (name, headquarters id, [alias names, sorted])
    sources: Picker
    datasets: Picker
    source_info: dict  # id -> (title, is dataset)
    origins: Picker
    localities: Picker


def _name(rng, syllables):
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _unique(rng, seen, make):
    for attempt in itertools.count():
        candidate = make() if attempt < 20 else f"{make()} {attempt}"
        if name_key(candidate) not in seen:
            seen.add(name_key(candidate))
            return candidate


def build_world(n, rng, now):
    countries = list(Country.objects.order_by("iso2").values_list("pk", "iso2", "name", "name_fr"))
    by_iso = {iso2: pk for pk, iso2, _, _ in countries}
    rng.shuffle(countries)  # which countries are the heavy ones depends on the seed
    technologies = list(Technology.objects.order_by("name").values_list("pk", "name"))
    tech_french = dict(Technology.objects.values_list("name", "name_fr"))
    rng.shuffle(technologies)

    n_sources = max(20, min(4000, n // 50))
    sources = [
        Source(
            title="Synthetic benchmark dataset (not real data)",
            slug=MARKER_SOURCE,
            url=URL_ROOT + "dataset",
            kind=Source.Kind.DATASET,
            publisher="generate_synthetic",
            notes="Made up by manage.py generate_synthetic for benchmarks.",
        ),
        *(
            Source(
                title=f"Synthetic dataset {i}",
                slug=f"{PREFIX}dataset-{i}",
                url=f"{URL_ROOT}dataset-{i}",
                kind=Source.Kind.DATASET,
            )
            for i in (2, 3)
        ),
    ]
    titles = set()
    for i in range(n_sources):
        french = rng.random() < 0.3
        words = " ".join(_name(rng, 2) for _ in range(3))
        template = "Surveillance : {} {}" if french else "{} and the camera trade {}"
        title = _unique(rng, titles, lambda: template.format(words, rng.randint(1, 999)))  # noqa: B023
        sources.append(
            Source(
                title=title,
                slug=f"{PREFIX}source-{i}",
                url=f"{URL_ROOT}source-{i}",
                publisher=rng.choice(PUBLISHERS),
                published_on=date(2005, 1, 1) + timedelta(days=rng.randrange(7300)),
                language="fr" if french else "en",
                kind=rng.choice([Source.Kind.NEWS_ARTICLE] * 4 + [Source.Kind.REPORT]),
            )
        )
    Source.objects.bulk_create(sources, batch_size=500)
    sources = list(
        Source.objects.filter(slug__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "title", "kind")
    )
    datasets = [s for s in sources if s[2] == Source.Kind.DATASET]
    plain = [s for s in sources if s[2] != Source.Kind.DATASET]

    n_vendors = max(10, min(600, n // 20))
    hq = Picker([by_iso.get(iso) for iso, _ in HEADQUARTERS], [w for _, w in HEADQUARTERS])
    names, vendors = set(), []
    for i in range(n_vendors):
        name = _unique(
            rng, names, lambda: f"{_name(rng, rng.randint(2, 3))} {rng.choice(SUFFIXES)}"
        )
        headquarters = hq.one(rng)
        vendors.append(
            Vendor(
                name=name,
                name_key=name_key(name),
                slug=f"{PREFIX}{slugify(name)}-{i}",
                headquarters_id=headquarters,
                headquarters_source_id=plain[i % len(plain)][0] if headquarters else None,
                headquarters_locator="synthetic" if headquarters else "",
                description="Synthetic vendor made up for benchmarks; not a real company.",
            )
        )
    Vendor.objects.bulk_create(vendors, batch_size=500)
    vendors = list(Vendor.objects.filter(slug__startswith=PREFIX).order_by("pk"))
    aliases = []
    for vendor in vendors[: max(3, n_vendors // 10)]:  # the large vendors go by other names too
        first_word = vendor.name.split()[0]
        alias = _unique(rng, names, lambda: f"{first_word} {_name(rng, 2)}")  # noqa: B023
        aliases.append(VendorAlias(vendor=vendor, name=alias, name_key=name_key(alias)))
    VendorAlias.objects.bulk_create(aliases, batch_size=500)
    alias_names = defaultdict(list)
    for alias in aliases:
        alias_names[alias.vendor_id].append(alias.name)

    localities = [_name(rng, rng.randint(2, 4)) for _ in range(max(50, min(5000, n // 100)))]
    return World(
        countries=Picker([c[0] for c in countries], zipf(len(countries), 1.0)),
        country_names={pk: name for pk, _, name, _ in countries},
        country_display={pk: display_name(iso2, name) for pk, iso2, name, _ in countries},
        country_french={pk: name_fr for pk, _, _, name_fr in countries},
        tech_french=tech_french,
        technologies=Picker([t[0] for t in technologies], zipf(len(technologies), 0.8)),
        tech_names=dict(technologies),
        vendors=Picker([v.pk for v in vendors], zipf(len(vendors), 1.0)),
        vendor_info={v.pk: (v.name, v.headquarters_id, sorted(alias_names[v.pk])) for v in vendors},
        sources=Picker([s[0] for s in plain], zipf(len(plain), 0.9)),
        datasets=Picker([s[0] for s in datasets], [6, 3, 1]),
        source_info={pk: (title, kind == Source.Kind.DATASET) for pk, title, kind in sources},
        origins=Picker([by_iso.get(iso) for iso, _ in HEADQUARTERS[:-1]], zipf(15, 1.0)),
        localities=Picker(localities, zipf(len(localities), 1.0)),
    )


@dataclass
class Entry:
    row: dict
    parts: tuple  # the search document's three weights (title, context, evidence)
    vendors: list
    technologies: list
    origins: list
    citations: list = field(default_factory=list)  # (row, vendor ids, technology ids)


def _weighted(rng, pairs):
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def make_entry(pk, world, rng, now, citation_ids):
    country = world.countries.one(rng)
    roll = rng.random()
    vendors = world.vendors.distinct(rng, 0 if roll < 0.12 else 1 if roll < 0.87 else 2)
    technologies = world.technologies.distinct(rng, 1 if rng.random() < 0.7 else 2)
    origins = {world.vendor_info[v][1] for v in vendors} - {None}
    if not vendors and rng.random() < 0.8:  # an exporting country named, no company
        origins = {world.origins.one(rng)} - {None}
    year = None if rng.random() < 0.25 else int(2025 - 27 * rng.random() ** 1.8)
    locality = world.localities.one(rng) if rng.random() < 0.65 else ""
    operator = rng.choice(OPERATORS)
    place = locality or world.country_names[country]
    vendor_names = sorted(world.vendor_info[v][0] for v in vendors)
    tech_names = sorted(world.tech_names[t] for t in technologies)
    supplier = " and ".join(vendor_names) or "an unnamed company"
    title = f"{tech_names[0]} for {operator or 'the authorities'} in {place}"
    summary = (
        f"Synthetic entry {pk}: {supplier} supplied {', '.join(tech_names).lower()} "
        f"to {operator or 'the authorities'} in {place}."
    )
    scale = f"about {rng.randint(2, 400) * 10} cameras" if rng.random() < 0.3 else ""
    published = now - timedelta(seconds=rng.randrange(5 * 365 * 86400))
    row = {
        "id": pk,
        "title": title,
        "slug": f"{PREFIX}{pk}",
        "country_id": country,
        "locality": locality,
        "operator": operator,
        "status": _weighted(rng, STATUSES),
        "evidence": _weighted(rng, EVIDENCE),
        "start_year": year,
        "year_kind": _weighted(rng, YEAR_KINDS) if year else "",
        "end_year": min(2026, year + rng.randint(1, 6)) if year and rng.random() < 0.1 else None,
        "scale": scale,
        "summary": summary,
        "state": State.PUBLISHED,
        "names_supplier": bool(vendors),
        "published_at": published,
        "created_at": published,
        "updated_at": published,
    }
    entry = Entry(row, (), vendors, technologies, sorted(origins))
    n_citations = _weighted(rng, [(1, 50), (2, 35), (3, 15)])
    cited = world.sources.distinct(rng, n_citations)
    if rng.random() < 0.25:
        cited[-1:] = [world.datasets.one(rng)]  # relayed by a dataset, as SII records are
    for k, source in enumerate(cited):
        if k == 0:  # the first citation states every fact; the others some of them
            says_vendors, says_techs, says_year = vendors, technologies, year is not None
        else:
            says_vendors = [v for v in vendors if rng.random() < 0.6]
            says_techs = [t for t in technologies if rng.random() < 0.6]
            says_year = year is not None and rng.random() < 0.5
        quote = (
            f"« {supplier} a fourni un système de surveillance à {place}. »"
            if world.source_info[source][0].startswith("Surveillance :")
            else f"“{supplier} supplied {tech_names[0].lower()} to {place}” (entry {pk}, {k})."
        )
        citation = {
            "id": next(citation_ids),
            "source_id": source,
            "quote": quote,
            "locator": f"para. {rng.randint(1, 40)}",
            "deployment_id": pk,
            "states_year": says_year,
            "states_place": True,
            "states_evidence": True,
            "created_at": published,
        }
        entry.citations.append((citation, says_vendors, says_techs))
    # The same parts, in the same order, as tracker.browse.search.document_parts.
    # The stored name and the name readers know, as tracker.browse.search.document_parts has.
    context = [locality, world.country_names[country], world.country_display[country],
               world.country_french[country], operator, *vendor_names]  # fmt: skip
    context += [a for v in sorted(vendors, key=lambda v: world.vendor_info[v][0])
                for a in world.vendor_info[v][2]]  # fmt: skip
    context += tech_names
    context += [world.tech_french[name] for name in tech_names]
    evidence = [summary, scale, *(c["quote"] for c, _, _ in entry.citations)]
    evidence += [world.source_info[c["source_id"]][0] for c, _, _ in entry.citations]
    entry.parts = tuple(
        " ".join(filter(None, map(_fold, part))) for part in ([title], context, evidence)
    )
    row["search_document"] = " ".join(filter(None, entry.parts))
    return entry


@functools.cache
def _combining():
    marks = (chr(c) for c in range(0x110000) if unicodedata.combining(chr(c)))
    return re.compile("[" + "".join(map(re.escape, marks)) + "]")


def _fold(text):
    """tracker.browse.search.fold, with the same result, faster: a regular expression strips the
    combining marks instead of a Python loop over every character; plain ASCII skips that.
    Folding each piece and joining gives what folding the joined text gives."""
    if not text.isascii():
        text = _combining().sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split())


class Pairs:
    """pair_sources as tracker.editorial.corroboration.refresh counts it, entry by entry."""

    def __init__(self, world):
        self.world = world
        self.sources = defaultdict(set)  # (vendor, country) -> source ids
        self.entries = []  # (deployment id, country, vendors) for counted entries with vendors
        self.fixed = {}  # deployment id -> its count, when known without the pairs

    def _independent(self, citations):
        primary = {
            c["source_id"] for c in citations if not self.world.source_info[c["source_id"]][1]
        }
        return primary or {c["source_id"] for c in citations}

    def add(self, entry):
        pk, country = entry.row["id"], entry.row["country_id"]
        if entry.row["status"] == Status.NOT_COMPLETED:
            self.fixed[pk] = 0
        elif not entry.vendors:
            self.fixed[pk] = len(self._independent([c for c, _, _ in entry.citations]))
        else:
            for vendor in entry.vendors:
                naming = [c for c, says, _ in entry.citations if vendor in says]
                self.sources[vendor, country] |= self._independent(naming)
            self.entries.append((pk, country, entry.vendors))

    def counts(self):
        counts = dict(self.fixed)
        for pk, country, vendors in self.entries:
            counts[pk] = max(len(self.sources[v, country]) for v in vendors)
        return {pk: min(n, 32767) for pk, n in counts.items()}


def generate(n, seed, log=lambda message: None):
    """Write ``n`` synthetic published entries; return counts of what was written."""
    if found := real_data():
        raise RealDataError(
            "This database holds real data (" + "; ".join(found) + "). generate_synthetic "
            "only writes to a database of its own: create an empty one and migrate it."
        )
    if synthetic_count():
        raise RealDataError(
            "This database already holds synthetic entries: pass --replace to rebuild them."
        )
    rng = random.Random(seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                # A load of a million rows outlasts the site's per-query limit.
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        world = build_world(n, rng, now)
        log(f"{len(world.vendor_info)} vendors, {len(world.source_info)} sources")
        writer = (CopyWriter if postgresql else OrmWriter)()
        first = (Deployment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        last_citation = Citation.objects.order_by("-pk").values_list("pk", flat=True).first()
        citation_ids = itertools.count((last_citation or 0) + 1)
        pairs = Pairs(world)
        totals = defaultdict(int)
        for start in range(first, first + n, CHUNK):
            entries = [
                make_entry(pk, world, rng, now, citation_ids)
                for pk in range(start, min(start + CHUNK, first + n))
            ]
            for entry in entries:
                pairs.add(entry)
            for table, count in writer.write(entries).items():
                totals[table] += count
            log(f"{start + len(entries) - first:,} entries generated")
        log("written; computing search vectors and corroboration counts")
        writer.finish(pairs.counts())
        log("deployments inserted; counting the facets")
        tallies.rebuild()
    if postgresql:
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map, as autovacuum would in time, so that index-only
            # scans are measured as they run on a settled database; it cannot run inside a
            # transaction (tests), where statistics are all that is needed.
            if not connection.in_atomic_block:
                # Minutes at 1M entries: beyond the site's per-query limit (the load itself
                # lifts it with SET LOCAL, which ended with its transaction).
                cursor.execute("SET statement_timeout = 0")
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return dict(totals)


def _split(entries):
    """Rows per table for these entries."""
    tables = defaultdict(list)
    for entry in entries:
        pk = entry.row["id"]
        tables["deployment_vendors"] += [(pk, v) for v in entry.vendors]
        tables["deployment_technologies"] += [(pk, t) for t in entry.technologies]
        tables["deployment_origin_countries"] += [(pk, c) for c in entry.origins]
        for citation, vendors, technologies in entry.citations:
            tables["citation"].append(citation)
            tables["citation_vendors"] += [(citation["id"], v) for v in vendors]
            tables["citation_technologies"] += [(citation["id"], t) for t in technologies]
    return tables


THROUGH = {
    "deployment_vendors": (Deployment.vendors.through, "deployment_id", "vendor_id"),
    "deployment_technologies": (Deployment.technologies.through, "deployment_id", "technology_id"),
    "deployment_origin_countries": (
        Deployment.origin_countries.through,
        "deployment_id",
        "country_id",
    ),
    "citation_vendors": (Citation.vendors.through, "citation_id", "vendor_id"),
    "citation_technologies": (Citation.technologies.through, "citation_id", "technology_id"),
}


def full_row(model, values, skip=()):
    """Every concrete column of ``model``: the given values, else the field's default."""
    return [
        values[f.attname] if f.attname in values else f.get_default()
        for f in model._meta.concrete_fields
        if f.attname not in skip
    ]


def columns(model, skip=()):
    return [f.column for f in model._meta.concrete_fields if f.attname not in skip]


class CopyWriter:
    """PostgreSQL: COPY into the tables (deployments into a staging table first)."""

    STAGE = "synthetic_stage"

    def __init__(self):
        self.cursor = connection.cursor()
        self.raw = self.cursor.cursor  # psycopg 3's own cursor, for copy()
        self.raw.execute(
            f"CREATE TEMP TABLE {self.STAGE} (LIKE tracker_deployment) ON COMMIT DROP; "
            f"ALTER TABLE {self.STAGE} ADD COLUMN part_a text, ADD COLUMN part_b text, "
            "ADD COLUMN part_c text"
        )

    def _copy(self, table, cols, rows):
        with self.raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def write(self, entries):
        skip = ("search_vector",)
        self._copy(
            self.STAGE,
            [*columns(Deployment, skip), "part_a", "part_b", "part_c"],
            ([*full_row(Deployment, e.row, skip), *e.parts] for e in entries),
        )
        tables = _split(entries)
        self._copy(
            Citation._meta.db_table,
            columns(Citation),
            (full_row(Citation, c) for c in tables["citation"]),
        )
        for name, (through, left, right) in THROUGH.items():
            self._copy(through._meta.db_table, [left, right], tables[name])
        return {"deployments": len(entries), **{k: len(v) for k, v in tables.items()}}

    def finish(self, pair_counts):
        self.raw.execute("CREATE TEMP TABLE synthetic_pairs (id bigint, n smallint) ON COMMIT DROP")
        self._copy("synthetic_pairs", ["id", "n"], pair_counts.items())
        cols = columns(Deployment, ("search_vector", "pair_sources"))
        vector = " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, COALESCE(s.{part}, '')), '{weight}')"
            for config in CONFIGS
            for part, weight in (("part_a", "A"), ("part_b", "B"), ("part_c", "C"))
        )
        self.raw.execute(
            f"INSERT INTO tracker_deployment ({', '.join(cols)}, pair_sources, search_vector) "
            f"SELECT {', '.join('s.' + c for c in cols)}, COALESCE(p.n, 0), {vector} "
            f"FROM {self.STAGE} s LEFT JOIN synthetic_pairs p ON p.id = s.id"
        )
        for model in (Deployment, Citation):
            table = model._meta.db_table
            self.raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        # Dropped now rather than at commit, so a second run in one transaction (tests) works.
        self.raw.execute(f"DROP TABLE {self.STAGE}, synthetic_pairs")
        self.cursor.close()


class OrmWriter:
    """Any other database (SQLite): bulk_create in batches, then the counts by value."""

    def write(self, entries):
        Deployment.objects.bulk_create([Deployment(**e.row) for e in entries], batch_size=500)
        tables = _split(entries)
        Citation.objects.bulk_create([Citation(**c) for c in tables["citation"]], batch_size=500)
        for name, (through, left, right) in THROUGH.items():
            through.objects.bulk_create(
                [through(**{left: a, right: b}) for a, b in tables[name]], batch_size=500
            )
        return {"deployments": len(entries), **{k: len(v) for k, v in tables.items()}}

    def finish(self, pair_counts):
        by_value = defaultdict(list)
        for pk, n in pair_counts.items():
            by_value[n].append(pk)
        for n, pks in by_value.items():
            for i in range(0, len(pks), 500):
                Deployment.objects.filter(pk__in=pks[i : i + 500]).update(pair_sources=n)
