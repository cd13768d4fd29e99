"""Facet pairs and triples (tracker.models.tallies.FacetPair, FacetTriple): what one or two
given facts' entries count, kept by difference with the facts and read by the pages.

A list filtered on one value, or on two of country, origin and technology, and a country's,
vendor's or technology's page read their counts here (``paired``, ``tripled``: one query of a
few hundred rows, whatever the number of entries) instead of counting the matching entries.

They are kept by difference: recounting "Romania and active" from the facts would read
100,000 entries on every publish at 1M. tracker.browse.tallies takes the difference between the
facts an entry had and those it now has, both read under a lock on the entry in the transaction
that rewrites them (``PairChanges``), so it is exact; ``rebuild`` there recomputes them from the
facts all the same (``pairs_sql``, ``triples_sql``).
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Q, Sum

from ..models import FacetPair, FacetTriple
from ..models.tallies import PAIRED_COUNTED, PAIRED_GIVEN, TRIPLE_KINDS


class PairChanges:
    """What some entries' new facts change in the pairs and triples, summed, then written at
    once."""

    def __init__(self):
        self.pairs = defaultdict(lambda: [0, 0])
        self.triples = defaultdict(lambda: [0, 0])

    def add(self, facts, sign=1):
        """``facts``: {(fact, key): counted} of one entry."""
        counted = sign if any(facts.values()) else 0  # one entry: one flag for all its facts
        others = [other for other in facts if other[0] in PAIRED_COUNTED]
        for given in facts:
            if given[0] not in PAIRED_GIVEN:
                continue
            for other in others:
                if other[0] != given[0] or other == given:
                    change = self.pairs[(*given, *other)]
                    change[0] += sign
                    change[1] += counted
            for also in facts:
                if (given[0], also[0]) in TRIPLE_KINDS:
                    for other in others:
                        if other[0] not in (given[0], also[0]) or other in (given, also):
                            change = self.triples[(*given, *also, *other)]
                            change[0] += sign
                            change[1] += counted

    def remove(self, facts):
        self.add(facts, sign=-1)

    def save(self):
        _add_to(FacetPair, ("given_fact", "given_key"), self.pairs)
        _add_to(FacetTriple, ("given_fact", "given_key", "also_fact", "also_key"), self.triples)


def _add_to(model, given_columns, delta):
    rows = [(*k, p, c) for k, (p, c) in sorted(delta.items()) if p or c]
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    keys = ", ".join((*given_columns, "fact", '"key"'))
    with connection.cursor() as cursor:
        # Standard upsert (SQLite 3.24+, PostgreSQL): adds to the row, or starts it.
        cursor.executemany(
            f"INSERT INTO {table} ({keys}, published, counted) "
            f"VALUES ({', '.join(['%s'] * (len(given_columns) + 4))}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET "
            f"published = {table}.published + excluded.published, "
            f"counted = {table}.counted + excluded.counted",
            rows,
        )
    # Rows no entry has any more, looked for only among the givens just changed.
    given = sorted({row[: len(given_columns)] for row in rows})
    for start in range(0, len(given), 100):
        among = Q()
        for values in given[start : start + 100]:
            among |= Q(**dict(zip(given_columns, values, strict=True)))
        model.objects.filter(among, published__lte=0)._raw_delete(model.objects.db)


def paired(given_fact, given_keys, facts):
    """{(fact, key): (published, counted)} over the published entries with one of
    ``given_keys``, as ``FacetFact`` counts would give them, from the pairs (one query).

    Exact only where an entry has at most one of the given keys: a single key, or a fact each
    entry has once (its country, status, kind of evidence, start year).
    """
    rows = (
        FacetPair.objects.filter(given_fact=given_fact, given_key__in=given_keys, fact__in=facts)
        .values("fact", "key")
        .annotate(published=Sum("published"), counted=Sum("counted"))
        .order_by()
        .values_list("fact", "key", "published", "counted")
    )
    return {(fact, key): (p, c) for fact, key, p, c in rows}


def tripled(given, also, facts):
    """As ``paired``, over the entries with one of ``given``'s keys and one of ``also``'s
    ((fact, keys) each), from the triples; the same conditions for exactness."""
    (given_fact, given_keys), (also_fact, also_keys) = sorted((given, also))
    rows = (
        FacetTriple.objects.filter(
            given_fact=given_fact,
            given_key__in=given_keys,
            also_fact=also_fact,
            also_key__in=also_keys,
            fact__in=facts,
        )
        .values("fact", "key")
        .annotate(published=Sum("published"), counted=Sum("counted"))
        .order_by()
        .values_list("fact", "key", "published", "counted")
    )
    return {(fact, key): (p, c) for fact, key, p, c in rows}


def pairs_sql():
    """Every pair from the facts (the statement of ``rebuild``; the migration has a copy)."""
    given = ", ".join(str(f.value) for f in PAIRED_GIVEN)
    counted = ", ".join(str(f.value) for f in PAIRED_COUNTED)
    return (
        'INSERT INTO tracker_facetpair (given_fact, given_key, fact, "key", published, counted) '
        'SELECT a.fact, a."key", b.fact, b."key", COUNT(*), '
        "SUM(CASE WHEN b.counted THEN 1 ELSE 0 END) "
        "FROM tracker_facetfact a JOIN tracker_facetfact b ON b.deployment_id = a.deployment_id "
        f"WHERE a.fact IN ({given}) AND b.fact IN ({counted}) "
        'AND (a.fact <> b.fact OR a."key" = b."key") '
        'GROUP BY a.fact, a."key", b.fact, b."key"'
    )


def triples_sql():
    """Every triple from the facts (the statement of ``rebuild``; the migration has a copy)."""
    kinds = " OR ".join(f"(a.fact = {a.value} AND b.fact = {b.value})" for a, b in TRIPLE_KINDS)
    counted = ", ".join(str(f.value) for f in PAIRED_COUNTED)
    return (
        "INSERT INTO tracker_facettriple "
        '(given_fact, given_key, also_fact, also_key, fact, "key", published, counted) '
        'SELECT a.fact, a."key", b.fact, b."key", c.fact, c."key", COUNT(*), '
        "SUM(CASE WHEN c.counted THEN 1 ELSE 0 END) "
        "FROM tracker_facetfact a "
        "JOIN tracker_facetfact b ON b.deployment_id = a.deployment_id "
        "JOIN tracker_facetfact c ON c.deployment_id = a.deployment_id "
        f"WHERE ({kinds}) AND c.fact IN ({counted}) "
        "AND (c.fact NOT IN (a.fact, b.fact) "
        'OR (c.fact = a.fact AND c."key" = a."key") OR (c.fact = b.fact AND c."key" = b."key")) '
        'GROUP BY a.fact, a."key", b.fact, b."key", c.fact, c."key"'
    )
