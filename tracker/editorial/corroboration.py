"""How many independent sources support each supplier–country pair, and which entries share one.

Entries about the same supplier in the same country (QG's Belgrade "Safe City" and Carnegie's
Huawei–Serbia row) are one fact seen by several sources. A source counts for a pair when one of
its citations on a counted entry names the supplier. A dataset that relays other sources (the
SII cites the articles it read) counts only where its entry cites nothing else, so that a record
and the article it came from are not two witnesses. An entry naming no supplier counts its own
sources. The number is kept on each entry (``pair_sources``) so lists can sort and filter on it.
"""

from collections import defaultdict
from contextlib import contextmanager

from django.db.models import Prefetch

from ..models import Citation, Deployment, Source


def _entry_sources(citations, vendor_id=None):
    """The independent sources among an entry's citations (naming ``vendor_id``, if given)."""
    chosen = [c for c in citations if vendor_id is None or vendor_id in c["vendors"]]
    primary = {c["source"] for c in chosen if not c["dataset"]}
    return primary or {c["source"] for c in chosen}


def _scope(entry_ids):
    """The entries whose pairs decide these entries' counts: every entry in the same country
    naming one of their vendors, the entries themselves included."""
    links = Deployment.vendors.through.objects
    vendor_ids = set(links.filter(deployment_id__in=entry_ids).values_list("vendor_id", flat=True))
    countries = set(
        Deployment.objects.filter(pk__in=entry_ids).values_list("country_id", flat=True)
    )
    related = links.filter(
        vendor_id__in=vendor_ids, deployment__country_id__in=countries
    ).values_list("deployment_id", flat=True)
    return set(entry_ids) | set(related)


def refresh(country_ids=None, deployment_ids=None):
    """Recompute ``pair_sources``: for every entry (no argument), for the entries in these
    countries, or for the entries sharing a supplier–country pair with these entries.

    The last is what a save needs: publishing one entry in a country of 100,000 touches the
    few entries about the same suppliers there, not the whole country.
    """
    entries = Deployment.objects.all()
    if country_ids is not None:
        entries = entries.filter(country_id__in=set(country_ids))
    if deployment_ids is not None:
        entries = entries.filter(pk__in=_scope(set(deployment_ids)))
    found = list(entries.values_list("pk", "pair_sources", "country_id", "state", "status"))
    if not found:
        return
    current = {pk: value for pk, value, *_ in found}
    country = {pk: country_id for pk, _, country_id, *_ in found}
    # Deployment.objects.counted(), read from the rows already fetched.
    counted = {
        pk
        for pk, _, _, state, status in found
        if state == Deployment.State.PUBLISHED and status != Deployment.Status.NOT_COMPLETED
    }
    citations = defaultdict(dict)
    rows = Citation.objects.filter(deployment_id__in=counted).values_list(
        "pk", "deployment_id", "source_id", "source__kind"
    )
    for pk, deployment_id, source_id, kind in rows:
        citations[deployment_id][pk] = {
            "source": source_id,
            "dataset": kind == Source.Kind.DATASET,
            "vendors": set(),
        }
    named = Citation.vendors.through.objects.filter(citation__deployment_id__in=counted)
    for citation_id, deployment_id, vendor_id in named.values_list(
        "citation_id", "citation__deployment_id", "vendor_id"
    ):
        citations[deployment_id][citation_id]["vendors"].add(vendor_id)
    vendors = defaultdict(set)
    for deployment_id, vendor_id in Deployment.vendors.through.objects.filter(
        deployment_id__in=counted
    ).values_list("deployment_id", "vendor_id"):
        vendors[deployment_id].add(vendor_id)
    pairs = defaultdict(set)
    for deployment_id in counted:
        cited = list(citations[deployment_id].values())
        for vendor_id in vendors[deployment_id]:
            pairs[vendor_id, country[deployment_id]] |= _entry_sources(cited, vendor_id)
    wanted = {}
    for deployment_id in current:
        if deployment_id not in counted:
            wanted[deployment_id] = 0
        elif vendors[deployment_id]:
            wanted[deployment_id] = max(
                len(pairs[vendor_id, country[deployment_id]])
                for vendor_id in vendors[deployment_id]
            )
        else:
            wanted[deployment_id] = len(_entry_sources(list(citations[deployment_id].values())))
    # update() rather than save(): a derived number is not an edit for the history. One
    # statement per distinct count, not one per entry.
    by_value = defaultdict(list)
    for pk, value in wanted.items():
        if current[pk] != value:
            by_value[min(value, 32767)].append(pk)
    for value, pks in by_value.items():
        Deployment.objects.filter(pk__in=pks).update(pair_sources=value)


ALSO_REPORTED_SHOWN = 20


def also_reported(deployment, limit=ALSO_REPORTED_SHOWN):
    """Other counted entries about the same supplier in the same country, each with its sources
    once, at most ``limit`` of them (the rest are a link away: ``also_reported_link``)."""
    vendor_ids = [v.pk for v in deployment.vendors.all()]
    if not vendor_ids:
        return []
    others = list(
        Deployment.objects.counted()
        .about_pair(vendor_ids, deployment.country_id)
        .exclude(pk=deployment.pk)
        .prefetch_related(
            "vendors",
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
        )
        .order_by("title")[:limit]
    )
    for other in others:
        # Each source once, with where in it ("Carnegie … (2019), row 58 (Serbia)").
        seen = {}
        for citation in other.citations.all():
            seen.setdefault(citation.source_id, (citation.source, citation.locator))
        other.reported_by = list(seen.values())
    return others


@contextmanager
def deferred():
    """Collect the entries to refresh inside the block and refresh them once at its end (an
    import or a fixture load saves each entry several times; one pass is enough)."""
    global refresh
    original, countries, entries = refresh, set(), set()
    everything = False

    def collect(country_ids=None, deployment_ids=None):
        nonlocal everything
        if country_ids is None and deployment_ids is None:
            everything = True
        if country_ids is not None:
            countries.update(country_ids)
        if deployment_ids is not None:
            entries.update(deployment_ids)

    refresh = collect
    try:
        yield
    finally:
        refresh = original
    if everything:
        refresh()
        return
    if countries:
        refresh(countries)
    if entries:
        refresh(deployment_ids=entries)
