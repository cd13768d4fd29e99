"""Facet counts beside the deployment list, its result count and its map.

For every option of every filter, how many results the current selection would give if that
option were also chosen. Within one filter the options are alternatives (OR), so each facet is
counted with every *other* filter applied and its own left out ("disjunctive" faceting, as
search engines do it).

Counts come from each published entry's facts (tracker.models.tallies): with no filter, from
the tallies kept over every entry (one query of a few hundred rows, whatever the number of
entries); with one filter value, or two of country, origin and technology, from the pairs and
triples kept beside them (the same, for the entries with those facts); otherwise from the facts
of the matching entries, every facet in one query. Plus one pass per filter in use for that
filter's own facet, read the same way. The same query gives the number of results
and the map's counts, so the list never counts its rows again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..graphics.regions import REGIONS
from ..models import (
    FLOW_BASE,
    Country,
    Deployment,
    FacetFact,
    FacetTally,
    Fact,
    Source,
    Technology,
    Vendor,
)
from ..models.tallies import TRIPLE_KINDS
from .filters import SORTS, UNKNOWN_DECADE, YEAR_NOT_KNOWN, decade_label, region_label
from .pairs import paired, tripled
from .tallies import COUNTED, EVIDENCE_CODES, EVIDENCE_VALUES, STATUS_CODES, STATUS_VALUES

STATUS_LABELS = dict(Deployment.Status.choices)
EVIDENCE_LABELS = dict(Deployment.Evidence.choices)
NOT_FILTERS = {"sort"}


@dataclass(frozen=True)
class Facet:
    param: str
    legend: str
    fact: Fact  # the fact counted (the region and decade facets add up countries and years)


FACETS = [
    Facet("country", _("Country"), Fact.COUNTRY),
    Facet("region", _("Region"), Fact.COUNTRY),
    Facet("origin", _("Technology from"), Fact.ORIGIN),
    Facet("vendor", _("Vendor"), Fact.VENDOR),
    Facet("technology", _("Technology"), Fact.TECHNOLOGY),
    Facet("status", _("Status"), Fact.STATUS),
    Facet("evidence", _("Kind of evidence"), Fact.EVIDENCE),
    Facet("decade", _("Decade started"), Fact.YEAR),
    Facet("dataset", _("Dataset"), Fact.DATASET),
]
# What a fact's key is the id of, to show its name and put its code or slug in the URL.
NAMED = {
    Fact.COUNTRY: (Country, "iso2"),
    Fact.ORIGIN: (Country, "iso2"),
    Fact.VENDOR: (Vendor, "slug"),
    Fact.TECHNOLOGY: (Technology, "slug"),
    Fact.DATASET: (Source, "slug"),
}

NAME_FIELDS = {
    Country: ("iso2", "name", "name_fr", "slug", "numeric", "region"),
    Vendor: ("slug", "name"),
    Technology: ("slug", "name", "name_fr"),
    Source: ("slug", "title"),
}


@dataclass
class Tally:
    """What the list shows besides its rows."""

    facets: list  # [{param, legend, options: [{value, label, count, checked}]}]
    total: int | None  # the number of results (None: the filters are not valid)
    countries: list = field(default_factory=list)  # [(Country, n)] for the map
    # [(origin iso2, name, country iso2, name, n)] for tracker.graphics.flows.FlowDiagram
    flows: list = field(default_factory=list)


def facet_counts(filterset):
    """[{param, legend, options: [{value, label, count, checked}]}] for the sidebar."""
    return tally(filterset).facets


def tally(filterset):
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data if valid else {}
    raw = filterset.data if valid else {}
    active = frozenset(
        name for name, value in data.items() if name not in NOT_FILTERS and given(value)
    )
    # Entries a source says never completed count only where the reader chose their status.
    column = 0 if "not_completed" in (data.get("status") or []) else 1
    counts = Counts(filterset, data)
    everything = counts.of(active, {Fact.FLOW} | {f.fact for f in FACETS if f.param not in active})
    per_facet = {
        facet.param: counts.of(active - {facet.param}, {facet.fact}) if facet.param in active
        else everything
        for facet in FACETS
    }  # fmt: skip
    names = counts.names()
    facets = []
    for facet in FACETS:
        # The status facet lists every status, never-completed included; the others follow
        # the rule above.
        col = 0 if facet.param == "status" else column
        found = {key: n[col] for (fact, key), n in per_facet[facet.param].items()
                 if fact == facet.fact and n[col]}  # fmt: skip
        options = OPTIONS[facet.param](facet, found, names, chosen(facet, raw), data)
        facets.append({"param": facet.param, "legend": str(facet.legend), "options": options})
    statuses = [n[column] for (fact, _), n in everything.items() if fact == Fact.STATUS]
    countries = [(names[Country][key], n[column]) for (fact, key), n in everything.items()
                 if fact == Fact.COUNTRY and n[column]]  # fmt: skip
    flows = [
        flow_row(names[Country], key, n[column])
        for (fact, key), n in everything.items()
        if fact == Fact.FLOW and n[column]
    ]
    return Tally(facets, sum(statuses) if valid else None, countries, flows)


def flow_row(countries, key, n):
    origin, country = countries.get(key // FLOW_BASE), countries[key % FLOW_BASE]
    return (
        origin.iso2 if origin else None,
        origin.display_name if origin else None,
        country.iso2,
        country.display_name,
        n,
    )


def given(value):
    """Whether a cleaned filter value filters anything: not None, "", [] or an empty queryset
    (len() of a chosen queryset fills its cache, which the filter then reads: no extra query)."""
    return value is not None and value != "" and (not hasattr(value, "__len__") or len(value) > 0)


class Counts:
    """The facts of the entries matching some of the filters, counted once per set of filters."""

    def __init__(self, filterset, data):
        self.filterset, self.data = filterset, data
        self.passes = {}

    def of(self, applied, facts):
        """{(fact, key): (published, counted)} over entries matching the ``applied`` filters."""
        facts = sorted(facts | {Fact.STATUS, Fact.COUNTRY})  # the result count and the map
        if applied not in self.passes:
            self.passes[applied] = self._count(applied, facts)
        return self.passes[applied]

    def _count(self, applied, facts):
        """From the tallies (no filter), the pairs (one given fact), the triples (two of a kind
        kept), else from the matching entries' facts."""
        givens = [self._given(name) for name in sorted(applied)]
        if givens and all(givens):
            if len(givens) == 1:
                return paired(*givens[0], facts)
            if len(givens) == 2 and tuple(sorted(f for f, _ in givens)) in TRIPLE_KINDS:
                return tripled(*givens, facts)
        rows = self._facts(applied) if applied else FacetTally.objects.all()
        rows = rows.filter(fact__in=facts).values_list("fact", "key", "published", "counted")
        return {(fact, key): (p, c) for fact, key, p, c in rows}

    def _given(self, name):
        """(fact, keys) when the filter ``name`` selects exactly the entries having one of those
        facts, so that counts can be read from the pairs and triples; else None."""
        value = self.data[name]
        if name in ("country", "origin", "vendor", "technology", "dataset"):
            fact = next(f.fact for f in FACETS if f.param == name)
            # Each entry has one country; of the others it may have several, so the pairs of
            # two chosen vendors would count an entry naming both twice.
            if fact == Fact.COUNTRY or len(value) == 1:
                return fact, [obj.pk for obj in value]
            return None
        if name == "region":
            return Fact.COUNTRY, Country.objects.filter(region__in=value).values("pk")
        if name == "status":
            return Fact.STATUS, [STATUS_CODES[v] for v in value]
        if name == "evidence":
            return Fact.EVIDENCE, [EVIDENCE_CODES[v] for v in value]
        if name == "decade":
            years = set()
            for decade in value:  # "unknown": the entries without a year, counted as year 0
                start = None if decade == UNKNOWN_DECADE else int(decade)
                years |= {0} if start is None else set(range(start, start + 10))
            return Fact.YEAR, sorted(years)
        return None

    def _facts(self, applied):
        entries = self.filterset.queryset
        for name in applied:
            entries = self.filterset.filters[name].filter(entries, self.data[name])
        ids = entries.order_by().values("pk")
        return (
            FacetFact.objects.filter(deployment_id__in=ids)
            .values("fact", "key")
            .annotate(published=Count("*"), counted=COUNTED)
            .order_by()
        )

    def names(self):
        """{model: {id: object}} for every key counted, and every option chosen."""
        wanted = defaultdict(set)
        for counts in self.passes.values():
            for fact, key in counts:
                if fact in NAMED:
                    wanted[NAMED[fact][0]].add(key)
                elif fact == Fact.FLOW:
                    wanted[Country] |= {key // FLOW_BASE, key % FLOW_BASE}
        for facet in FACETS:
            for obj in self.data.get(facet.param) or []:
                if facet.fact in NAMED and not isinstance(obj, str):
                    wanted[NAMED[facet.fact][0]].add(obj.pk)
        # Only what options, the map and the flows show: at 100k entries ~1,000 records are
        # named, and loading every column of each took a third of the list's time.
        return {
            model: model.objects.only(*fields).in_bulk(sorted(wanted[model]))
            for model, fields in NAME_FIELDS.items()
        }


def chosen(facet, raw):
    values = set(raw.getlist(facet.param)) if hasattr(raw, "getlist") else set()
    return {v.upper() for v in values} if facet.param in ("country", "origin") else values


def option(value, label, count, picked):
    return {"value": value, "label": label, "count": count, "checked": value in picked}


def by_count(options):
    """Chosen options first (in a long list they stay in sight, easy to untick), then the
    largest, then by name as a reader would sort it (no case quirks: "iFlytek" by "IBM")."""
    return sorted(options, key=lambda o: (not o["checked"], -o["count"], o["label"].casefold()))


def named_options(facet, found, names, picked, data):
    model, code = NAMED[facet.fact]
    options = [
        option(getattr(obj, code), str(obj), n, picked)
        for key, n in found.items()
        if (obj := names[model].get(key)) is not None
    ]
    # A chosen option with no result left must stay on screen, or it could not be unticked.
    shown = {o["value"] for o in options}
    for obj in data.get(facet.param) or []:
        if getattr(obj, code) not in shown:
            options.append(option(getattr(obj, code), str(obj), 0, picked))
    return by_count(options)


def region_options(facet, found, names, picked, data):
    per_region = defaultdict(int)
    for key, n in found.items():
        per_region[names[Country][key].region] += n
    return [
        option(name, str(region_label(name)), per_region[name], picked)
        for name in sorted(REGIONS.values())
    ]


def coded_options(facet, found, names, picked, data):
    values = STATUS_VALUES if facet.fact == Fact.STATUS else EVIDENCE_VALUES
    labels = STATUS_LABELS if facet.fact == Fact.STATUS else EVIDENCE_LABELS
    per_value = {values[key]: n for key, n in found.items()}
    return [option(v, str(label), per_value.get(v, 0), picked) for v, label in labels.items()]


def decade_options(facet, found, names, picked, data):
    per_decade = defaultdict(int)
    for year, n in found.items():
        per_decade[year // 10 * 10 if year else None] += n
    # A chosen decade left with no result stays on screen, so it can be unticked.
    decades = sorted({d for d in per_decade if d is not None} | {int(v) for v in picked
                                                                 if v.isdigit()})  # fmt: skip
    options = [option(str(d), decade_label(d), per_decade.get(d, 0), picked) for d in decades]
    options.append(option(UNKNOWN_DECADE, str(YEAR_NOT_KNOWN), per_decade.get(None, 0), picked))
    return options


OPTIONS = {
    "country": named_options,
    "region": region_options,
    "origin": named_options,
    "vendor": named_options,
    "technology": named_options,
    "status": coded_options,
    "evidence": coded_options,
    "decade": decade_options,
    "dataset": named_options,
}

__all__ = ["FACETS", "SORTS", "Tally", "facet_counts", "tally"]
