"""What a country's, a vendor's or a technology's page counts, read from the facet pairs.

A profile page summarises the entries of one record: how many, with how many vendors and
countries, per year, per country, its top vendors and technologies. Counted from the entries,
that read every one of them (a large vendor's page took 5 s of SQL at 1M entries, then a 503);
read from the pairs kept beside the facts (tracker.models.tallies.FacetPair), it is one query
over a few hundred rows whatever the number of entries, plus one per kind of record named.

Every figure here counts what the lists count by default: published entries, less those a
source says never completed (``Deployment.objects.counted()``).
"""

from collections import defaultdict
from copy import copy

from django.db.models import Count

from ..graphics.maps import CountryCount
from ..models import Country, FacetPair, FacetTally, Fact
from ..models.tallies import PAIRED_COUNTED
from .pairs import paired

# How many rows a "top" list (vendors present, countries supplied from here…) shows; the rest
# are a click away in the filtered list.
TOP = 12


class RecordCounts:
    """The counted entries' facts for one record (``of``) or for every entry (``everything``)."""

    def __init__(self, counts):
        self.per = defaultdict(dict)  # {fact: {key: entries}}
        for (fact, key), n in counts.items():
            if n:
                self.per[fact][key] = n
        self._objects = {}

    @classmethod
    def of(cls, fact, key):
        """The entries having one fact: a country's (Fact.COUNTRY, id), a vendor's…"""
        return cls({k: counted for k, (_, counted) in paired(fact, [key], PAIRED_COUNTED).items()})

    @classmethod
    def everything(cls, facts=(Fact.COUNTRY,)):
        rows = FacetTally.objects.filter(fact__in=facts).values_list("fact", "key", "counted")
        return cls({(fact, key): n for fact, key, n in rows})

    def figures(self):
        """Entries, vendors, receiving countries and countries of origin (as paging.summary)."""
        return {
            "entries": sum(self.per[Fact.STATUS].values()),
            "vendors": len(self.per[Fact.VENDOR]),
            "countries": len(self.per[Fact.COUNTRY]),
            "origins": len(self.per[Fact.ORIGIN]),
        }

    def years(self):
        """{start year or None: entries}, for tracker.graphics.charts.Timeline."""
        return {year or None: n for year, n in self.per[Fact.YEAR].items()}

    def countries(self):
        """CountryCount rows for the map, most first."""
        countries = self._named(Country.objects.all(), Fact.COUNTRY)
        rows = [
            CountryCount(c.iso2, c.display_name, c.slug, n, numeric=c.numeric)
            for key, n in self.per[Fact.COUNTRY].items()
            if (c := countries.get(key)) is not None
        ]
        return sorted(rows, key=lambda c: (-c.count, c.name))

    def top(self, queryset, fact, limit=TOP):
        """Rows of ``queryset`` (vendors, technologies, countries) by entries, most first, then
        by name, the first ``limit`` (None: all); each with ``deployment_count``."""
        rows = self.involved(queryset, fact)
        return sorted(rows, key=lambda obj: -obj.deployment_count)[:limit]

    def involved(self, queryset, fact):
        """Every row of ``queryset`` with entries here, by name; each with ``deployment_count``."""
        objects = self._named(queryset, fact)
        rows = []
        for key, n in self.per[fact].items():
            if (obj := objects.get(key)) is not None:
                obj = copy(obj)  # one country may be counted as a destination and an origin
                obj.deployment_count = n
                rows.append(obj)
        return sorted(rows, key=lambda obj: obj.name)

    def keys(self, fact):
        return sorted(self.per[fact])

    def _named(self, queryset, fact):
        # Countries are named once for both the receiving and the origin counts.
        facts = (Fact.COUNTRY, Fact.ORIGIN) if queryset.model is Country else (fact,)
        queryset = queryset.all()  # a manager too
        cache_key = (queryset.model, str(queryset.query))
        if cache_key not in self._objects:
            keys = sorted({key for f in facts for key in self.per[f]})
            self._objects[cache_key] = queryset.in_bulk(keys)
        return self._objects[cache_key]


def countries_per_vendor():
    """{vendor id: countries with counted entries naming it}, from the pairs (one query)."""
    rows = (
        FacetPair.objects.filter(given_fact=Fact.VENDOR, fact=Fact.COUNTRY, counted__gt=0)
        .values("given_key")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("given_key", "n")
    )
    return dict(rows)
