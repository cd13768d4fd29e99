"""Keep the facet facts and tallies (tracker.models.tallies) in step with the entries.

``refresh(ids)`` after anything an entry is counted by changes (signals: publish, retract, edit,
its vendors, technologies, origins or citations, a source becoming a dataset, a deletion):
rewrites those entries' facts, then recounts the tallies of the facts that changed from the
facts themselves, so a tally is never adjusted by a difference that could drift. ``rebuild()``
recomputes everything in a few statements (imports that bypass signals, generate_synthetic).

The pairs and triples (tracker.browse.pairs) are kept by difference with the facts rewritten
here, in the same transaction; ``rebuild()`` recomputes them too.

Also kept here: ``Deployment.names_supplier``, the first key of the list's default order.
"""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from ..models import (
    FLOW_BASE,
    Citation,
    Deployment,
    FacetFact,
    FacetTally,
    Fact,
    Source,
)
from .pairs import PairChanges, pairs_sql, triples_sql

STATUS_CODES = {value: i for i, value in enumerate(Deployment.Status.values, start=1)}
EVIDENCE_CODES = {"": 0} | {v: i for i, v in enumerate(Deployment.Evidence.values, start=1)}
STATUS_VALUES = {code: value for value, code in STATUS_CODES.items()}
EVIDENCE_VALUES = {code: value for value, code in EVIDENCE_CODES.items()}
CHUNK = 500  # ids per IN (...) list: SQLite allows 999 parameters per statement

COUNTED = Sum(
    Case(When(counted=True, then=Value(1)), default=Value(0)), output_field=IntegerField()
)


def facts_of(deployment_ids):
    """{id: (counted, {(fact, key)})} for the published entries among these ids."""
    rows = Deployment.objects.filter(pk__in=deployment_ids, state=Deployment.State.PUBLISHED)
    found = {}
    for pk, country_id, status, evidence, year in rows.values_list(
        "pk", "country_id", "status", "evidence", "start_year"
    ):
        facts = {
            (Fact.COUNTRY, country_id),
            (Fact.STATUS, STATUS_CODES[status]),
            (Fact.EVIDENCE, EVIDENCE_CODES.get(evidence, 0)),
            (Fact.YEAR, year or 0),
        }
        found[pk] = (status != Deployment.Status.NOT_COMPLETED, facts)
    ids = list(found)
    links = (
        (Fact.VENDOR, Deployment.vendors.through.objects, "vendor_id"),
        (Fact.TECHNOLOGY, Deployment.technologies.through.objects, "technology_id"),
        (Fact.ORIGIN, Deployment.origin_countries.through.objects, "country_id"),
    )
    for fact, manager, column in links:
        for pk, key in manager.filter(deployment_id__in=ids).values_list("deployment_id", column):
            found[pk][1].add((fact, key))
    # Each origin to the entry's country (origin 0 when no source gives one): the flows.
    countries = {pk: key for pk, (_, facts) in found.items() for fact, key in facts
                 if fact == Fact.COUNTRY}  # fmt: skip
    for pk, (_, facts) in found.items():
        origins = [key for fact, key in facts if fact == Fact.ORIGIN] or [0]
        facts |= {(Fact.FLOW, origin * FLOW_BASE + countries[pk]) for origin in origins}
    cited = Citation.objects.filter(deployment_id__in=ids)
    for pk, source_id, kind in cited.values_list("deployment_id", "source_id", "source__kind"):
        found[pk][1].add((Fact.SOURCE, source_id))
        if kind == Source.Kind.DATASET:
            found[pk][1].add((Fact.DATASET, source_id))
    return found


def refresh(deployment_ids):
    """Rewrite these entries' facts and recount the tallies they change (a few queries)."""
    ids = sorted({pk for pk in deployment_ids if pk is not None})
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            _refresh(ids[start : start + CHUNK])


def _refresh(ids):
    if connection.vendor == "postgresql":
        # Two transactions rewriting one entry's facts would each take the same "before" and
        # count its pairs twice: the second waits here, then reads what the first wrote.
        list(Deployment.objects.filter(pk__in=ids).select_for_update().values_list("pk"))
    new = facts_of(ids)
    old = defaultdict(dict)
    for pk, fact, key, counted in FacetFact.objects.filter(deployment_id__in=ids).values_list(
        "deployment_id", "fact", "key", "counted"
    ):
        old[pk][(fact, key)] = counted
    changed, rewritten, pairs = set(), [], PairChanges()
    for pk in ids:
        counted, facts = new.get(pk, (None, set()))
        now = dict.fromkeys(facts, counted)
        before = old.get(pk, {})
        if now != before:
            rewritten.append(pk)
            changed |= {k for k in now.keys() | before.keys() if now.get(k) != before.get(k)}
            pairs.remove(before)
            pairs.add(now)
    # Facts are derived rows, not public data: deleted in one statement, without the per-row
    # signals (and the loading of every row) a QuerySet.delete() would send.
    FacetFact.objects.filter(deployment_id__in=rewritten)._raw_delete(FacetFact.objects.db)
    FacetFact.objects.bulk_create(
        FacetFact(deployment_id=pk, fact=fact, key=key, counted=new[pk][0])
        for pk in rewritten
        if pk in new
        for fact, key in new[pk][1]
    )
    _names_supplier(ids, new)
    recount(changed)
    pairs.save()


def withdraw(deployment_ids):
    """Remove these entries' facts and their pairs; returns the (fact, key)s they had, whose
    tallies the caller recounts (``forget``). Before a deletion: Django then deletes the facts
    by itself, with no word to the pairs."""
    facts = FacetFact.objects.filter(deployment_id__in=list(deployment_ids))
    had, pairs = defaultdict(dict), PairChanges()
    for pk, fact, key, counted in facts.values_list("deployment_id", "fact", "key", "counted"):
        had[pk][(fact, key)] = counted
    for entry in had.values():
        pairs.remove(entry)
    facts._raw_delete(FacetFact.objects.db)
    pairs.save()
    return {fact_key for entry in had.values() for fact_key in entry}


def forget(deployment_ids, fact_keys=()):
    """Remove deleted entries' facts and recount what they were counted in."""
    recount({*fact_keys, *withdraw(deployment_ids)})


def _names_supplier(ids, facts):
    named = {pk for pk, (_, found) in facts.items() if any(f == Fact.VENDOR for f, _ in found)}
    # Drafts too: their order in the list matters once published, when refresh runs again.
    unpublished = set(ids) - set(facts)
    named |= set(
        Deployment.vendors.through.objects.filter(deployment_id__in=unpublished).values_list(
            "deployment_id", flat=True
        )
    )
    rows = Deployment.objects.filter(pk__in=ids)
    rows.filter(pk__in=named, names_supplier=False).update(names_supplier=True)
    rows.exclude(pk__in=named).filter(names_supplier=True).update(names_supplier=False)


def recount(fact_keys):
    """Set the tallies of these (fact, key) pairs from the facts: one statement reads the counts
    of every kind of fact at once (each kind's count index-only, joined by UNION ALL), one
    removes the tallies counting nothing, one writes the rest."""
    fact_keys = sorted(set(fact_keys))
    for start in range(0, len(fact_keys), CHUNK):
        chunk = _by_fact(fact_keys[start : start + CHUNK])
        counts = [
            FacetFact.objects.filter(fact=fact, key__in=keys)
            .values("fact", "key")
            .annotate(published=Count("*"), counted=COUNTED)
            .order_by()
            for fact, keys in chunk.items()
        ]
        rows = counts[0].union(*counts[1:], all=True) if len(counts) > 1 else counts[0]
        found = {(row["fact"], row["key"]): row for row in rows}
        gone = _by_fact(
            (fact, key) for fact, keys in chunk.items() for key in keys if (fact, key) not in found
        )
        if gone:
            where = reduce(or_, (Q(fact=fact, key__in=keys) for fact, keys in gone.items()))
            FacetTally.objects.filter(where)._raw_delete(FacetTally.objects.db)
        FacetTally.objects.bulk_create(
            [
                FacetTally(fact=fact, key=key, counted=row["counted"], published=row["published"])
                for (fact, key), row in found.items()
            ],
            update_conflicts=True,
            unique_fields=["fact", "key"],
            update_fields=["counted", "published"],
        )


def _by_fact(fact_keys):
    grouped = defaultdict(list)
    for fact, key in fact_keys:
        grouped[fact].append(key)
    return grouped


def overall():
    """What the home page counts, over every counted entry, from the tallies (two queries)."""
    rows = FacetTally.objects.filter(counted__gt=0).exclude(fact=Fact.SOURCE)
    per = defaultdict(dict)
    for fact, key, n in rows.values_list("fact", "key", "counted"):
        per[fact][key] = n
    return {
        "deployments": sum(per[Fact.STATUS].values()),
        "countries": len(per[Fact.COUNTRY]),
        "vendors": len(per[Fact.VENDOR]),
        "sources": FacetTally.objects.filter(fact=Fact.SOURCE, counted__gt=0).count(),
        "per_country": per[Fact.COUNTRY],
        "per_origin": per[Fact.ORIGIN],
        "flows": per[Fact.FLOW],
        "per_year": {year or None: n for year, n in per[Fact.YEAR].items()},
    }


def rebuild():
    """Every fact and tally from scratch, and names_supplier for every entry (set-wise SQL)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in rebuild_sql():
            cursor.execute(statement)


def rebuild_sql():
    """The statements of ``rebuild`` (standard SQL, for SQLite and PostgreSQL alike)."""
    status = " ".join(f"WHEN '{v}' THEN {c}" for v, c in STATUS_CODES.items())
    evidence = " ".join(f"WHEN '{v}' THEN {c}" for v, c in EVIDENCE_CODES.items() if v)
    published = "d.state = 'published'"
    counted = "(d.status <> 'not_completed')"
    own = [
        (Fact.COUNTRY, "d.country_id"),
        (Fact.STATUS, f"CASE d.status {status} END"),
        (Fact.EVIDENCE, f"CASE d.evidence {evidence} ELSE 0 END"),
        (Fact.YEAR, "COALESCE(d.start_year, 0)"),
    ]
    parts = [
        f"SELECT d.id, {fact.value}, {expression}, {counted} FROM tracker_deployment d "
        f"WHERE {published}"
        for fact, expression in own
    ]
    for fact, table, column in (
        (Fact.VENDOR, "tracker_deployment_vendors", "vendor_id"),
        (Fact.TECHNOLOGY, "tracker_deployment_technologies", "technology_id"),
        (Fact.ORIGIN, "tracker_deployment_origin_countries", "country_id"),
    ):
        parts.append(
            f"SELECT d.id, {fact.value}, l.{column}, {counted} FROM {table} l "
            f"JOIN tracker_deployment d ON d.id = l.deployment_id WHERE {published}"
        )
    parts.append(
        f"SELECT d.id, {Fact.FLOW.value}, COALESCE(o.country_id, 0) * {FLOW_BASE} + d.country_id, "
        f"{counted} FROM tracker_deployment d LEFT JOIN tracker_deployment_origin_countries o "
        f"ON o.deployment_id = d.id WHERE {published}"
    )
    for fact, only in ((Fact.SOURCE, ""), (Fact.DATASET, "AND s.kind = 'dataset'")):
        parts.append(
            f"SELECT DISTINCT d.id, {fact.value}, c.source_id, {counted} FROM tracker_citation c "
            f"JOIN tracker_deployment d ON d.id = c.deployment_id "
            f"JOIN tracker_source s ON s.id = c.source_id WHERE {published} {only}"
        )
    return [
        "DELETE FROM tracker_facettriple",
        "DELETE FROM tracker_facetpair",
        "DELETE FROM tracker_facettally",
        "DELETE FROM tracker_facetfact",
        'INSERT INTO tracker_facetfact (deployment_id, fact, "key", counted) '
        + " UNION ALL ".join(parts),
        'INSERT INTO tracker_facettally (fact, "key", counted, published) '
        'SELECT fact, "key", SUM(CASE WHEN counted THEN 1 ELSE 0 END), COUNT(*) '
        'FROM tracker_facetfact GROUP BY fact, "key"',
        pairs_sql(),
        triples_sql(),
        # EXISTS, not "id IN (SELECT …)" as a value: that was run for every row (hours at 1M).
        "UPDATE tracker_deployment SET names_supplier = true WHERE NOT names_supplier AND EXISTS "
        "(SELECT 1 FROM tracker_deployment_vendors l "
        "WHERE l.deployment_id = tracker_deployment.id)",
        "UPDATE tracker_deployment SET names_supplier = false WHERE names_supplier AND NOT EXISTS "
        "(SELECT 1 FROM tracker_deployment_vendors l "
        "WHERE l.deployment_id = tracker_deployment.id)",
    ]
