"""Full-text search over deployments, on PostgreSQL and (more simply) on SQLite.

Each deployment keeps a search document: its own text plus its vendors' names and aliases, its
technologies, the titles of its sources and the exact quotes, folded to lower case without
accents so "Ouïghours" and "ouighours" meet. On PostgreSQL the document is also stored as a
weighted tsvector in both English and French (the sources are in both), GIN-indexed and ranked;
SQLite matches every word as a substring of the document.

Readers search in French or English (issue 14). Documents hold both languages' names of the
country and technologies, the French and English title and summary, and editors' translations of
quotes. And a query naming a country or a technology in one language also asks for its names in
the other (``alternatives``): "Serbie" finds what "Serbia" finds, "reconnaissance faciale" what
"facial recognition" finds, even where only a summary in the other language says it.

The documents are refreshed by signals (tracker.signals) whenever anything they contain changes.
"""

import itertools
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When

CONFIGS = ("english", "french")
MAX_TERMS = 10
# A query naming several countries and technologies asks for every combination of their names,
# up to this many versions.
MAX_ALTERNATIVES = 16
# Entries whose documents are rebuilt together: their vendors, citations… read in one go.
REFRESH_CHUNK = 500


def fold(text):
    """Lower case, accents removed, whitespace collapsed: the form both sides are compared in."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def is_postgresql():
    return connection.vendor == "postgresql"


def document_parts(deployment):
    """The text of a deployment, in three weights: what it is called, who and where, evidence."""
    # Prefetched by refresh(), for each chunk of entries at once.
    vendors = deployment.vendors.all()
    citations = deployment.citations.all()
    technologies = deployment.technologies.all()
    names = [deployment.title, deployment.title_fr]
    context = [
        deployment.locality,
        deployment.country.name,
        # Readers search by the common name too ("Russia" for "Russian Federation").
        deployment.country.english_name,
        deployment.country.name_fr,
        deployment.operator,
        *(vendor.name for vendor in vendors),
        *(alias.name for vendor in vendors for alias in vendor.aliases.all()),
        *(tech.name for tech in technologies),
        *(tech.name_fr for tech in technologies),
    ]
    evidence = [
        deployment.summary,
        deployment.summary_fr,
        deployment.scale,
        *(citation.quote for citation in citations),
        *(citation.translation for citation in citations),
        *(citation.source.title for citation in citations),
        *(citation.attributed_to.title for citation in citations if citation.attributed_to),
    ]
    return [fold(" ".join(filter(None, part))) for part in (names, context, evidence)]


def refresh(deployment_ids):
    """Rebuild the search documents of these deployments: one update each, and what they
    contain read for a chunk of them at once (five queries per chunk, not four per entry)."""
    from ..models import Citation, Deployment

    ids = list(deployment_ids)
    for start in range(0, len(ids), REFRESH_CHUNK):
        deployments = (
            Deployment.objects.filter(pk__in=ids[start : start + REFRESH_CHUNK])
            .select_related("country")
            .prefetch_related(
                "vendors__aliases",
                "technologies",
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("source", "attributed_to"),
                ),
            )
        )
        for deployment in deployments:
            title, context, evidence = document_parts(deployment)
            values = {"search_document": " ".join(filter(None, (title, context, evidence)))}
            if is_postgresql():
                values["search_vector"] = weighted_vector(title, context, evidence)
            Deployment.objects.filter(pk=deployment.pk).update(**values)


def weighted_vector(title, context, evidence):
    vector = None
    for config in CONFIGS:
        for text, weight in ((title, "A"), (context, "B"), (evidence, "C")):
            part = SearchVector(Value(text), config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def search(queryset, text, versions=None):
    """Deployments matching every word of ``text``, annotated with ``rank`` (higher is better).

    Names of countries and technologies match in either language (``alternatives``; pass
    ``versions`` when they are known already, as the list's facets do for each of their counts).
    """
    folded = fold(text)
    if not folded.split():
        return queryset
    if versions is None:
        versions = alternatives(folded)
    if is_postgresql():
        return _search_postgresql(queryset, versions)
    return _search_substring(queryset, text, folded, versions)


def _terms(version):
    return version.split()[:MAX_TERMS]


def _search_postgresql(queryset, versions):
    query = None
    prefix_query = None
    for version in versions:
        for config in CONFIGS:
            part = SearchQuery(version, config=config, search_type="websearch")
            query = part if query is None else query | part
        # Stems miss partial words ("hikvi"): every word is also tried as the start of a stored
        # word. A tsquery too, so the GIN index (deployment_search_vector_gin) serves the whole
        # condition; a LIKE '%word%' beside it made every search read every entry.
        words = [word for term in _terms(version) for word in re.findall(r"\w+", term)]
        if words:
            prefixes = " & ".join(f"{word}:*" for word in words)
            part = SearchQuery(prefixes, config="simple", search_type="raw")
            prefix_query = part if prefix_query is None else prefix_query | part
    query_or_prefix = query if prefix_query is None else query | prefix_query
    return queryset.filter(search_vector=query_or_prefix).annotate(
        rank=SearchRank(F("search_vector"), query)
    )


def _search_substring(queryset, text, folded, versions):
    matches = Q()
    for version in versions:
        every_term = Q()
        for term in _terms(version):
            every_term &= Q(search_document__contains=term)
        matches |= every_term
    queryset = queryset.filter(matches)
    return queryset.annotate(
        rank=Case(
            When(title__icontains=text.strip(), then=Value(3)),
            When(search_document__contains=folded, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


# --- Names in both languages --------------------------------------------------------------------


def _split_name(name):
    # "Video surveillance / CCTV" and "Off-the-air interception (IMSI catchers)" are each two
    # things a reader may type.
    return [part for part in re.split(r"\s*[/()]\s*", fold(name)) if part]


def name_groups():
    """Folded name → every folded name of the same country or technology, in both languages.

    Read for each search (two small queries, a few hundred rows): always what editors last
    saved, in every app server, with nothing to invalidate.
    """
    from ..models import Country, Technology
    from ..models.countries import display_name

    groups = []
    for iso2, name, name_fr in Country.objects.values_list("iso2", "name", "name_fr"):
        groups.append({fold(n) for n in (name, display_name(iso2, name), name_fr) if n})
    for name, name_fr in Technology.objects.values_list("name", "name_fr"):
        groups.append({part for n in (name, name_fr) for part in _split_name(n)})
    table = {}
    for group in groups:
        for name in group:
            table.setdefault(name, set()).update(group)
    return table


def alternatives(folded):
    """The query as typed, and with each country or technology it names in its other names.

    Longest names first, whole words only: "guinea-bissau" is not "guinea", "niger" is not in
    "nigeria". The result is the same whichever language's name was typed, so "Chine" and
    "China" find the same entries.
    """
    table = name_groups()
    found = []  # (start, end, sorted names) of each name in the query, not overlapping
    taken = set()
    for name in sorted(table, key=len, reverse=True):
        if name not in folded:  # most names: a plain substring test rules them out
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
            span = set(range(match.start(), match.end()))
            if span & taken:
                continue
            taken |= span
            found.append((match.start(), match.end(), sorted(table[name])))
    if not found:
        return [folded]
    found.sort()
    versions = []
    for choice in itertools.product(*(names for *_, names in found)):
        pieces, position = [], 0
        for (start, end, _group), name in zip(found, choice, strict=True):
            pieces += [folded[position:start], name]
            position = end
        pieces.append(folded[position:])
        versions.append(" ".join("".join(pieces).split()))
        if len(versions) == MAX_ALTERNATIVES:
            break
    return sorted(set(versions))
