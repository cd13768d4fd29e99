"""Full-text search over deployments, on PostgreSQL and (more simply) on SQLite.

Each deployment keeps a search document: its own text plus its vendors' names and aliases, its
technologies, the titles of its sources and the exact quotes, folded to lower case without
accents so "Ouïghours" and "ouighours" meet. On PostgreSQL the document is also stored as a
weighted tsvector in both English and French (the sources are in both), GIN-indexed and ranked;
SQLite matches every word as a substring of the document.

The documents are refreshed by signals (tracker.signals) whenever anything they contain changes.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When

CONFIGS = ("english", "french")
MAX_TERMS = 10


def fold(text):
    """Lower case, accents removed, whitespace collapsed: the form both sides are compared in."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def is_postgresql():
    return connection.vendor == "postgresql"


def document_parts(deployment):
    """The text of a deployment, in three weights: what it is called, who and where, evidence."""
    vendors = list(deployment.vendors.prefetch_related("aliases"))
    citations = list(deployment.citations.select_related("source", "attributed_to"))
    names = [deployment.title]
    context = [
        deployment.locality,
        deployment.country.name,
        # Readers search by the common name too ("Russia" for "Russian Federation").
        deployment.country.display_name,
        deployment.operator,
        *(vendor.name for vendor in vendors),
        *(alias.name for vendor in vendors for alias in vendor.aliases.all()),
        *(tech.name for tech in deployment.technologies.all()),
    ]
    evidence = [
        deployment.summary,
        deployment.scale,
        *(citation.quote for citation in citations),
        *(citation.source.title for citation in citations),
        *(citation.attributed_to.title for citation in citations if citation.attributed_to),
    ]
    return [fold(" ".join(filter(None, part))) for part in (names, context, evidence)]


def refresh(deployment_ids):
    """Rebuild the search documents of these deployments (a handful of queries each)."""
    from ..models import Deployment

    deployments = Deployment.objects.filter(pk__in=list(deployment_ids)).select_related("country")
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


def search(queryset, text):
    """Deployments matching every word of ``text``, annotated with ``rank`` (higher is better)."""
    folded = fold(text)
    terms = folded.split()[:MAX_TERMS]
    if not terms:
        return queryset
    if is_postgresql():
        return _search_postgresql(queryset, folded, terms)
    return _search_substring(queryset, text, folded, terms)


def _search_postgresql(queryset, folded, terms):
    query = None
    for config in CONFIGS:
        part = SearchQuery(folded, config=config, search_type="websearch")
        query = part if query is None else query | part
    # Stems miss partial words ("hikvi"): every word is also tried as the start of a stored
    # word. A tsquery too, so the GIN index (deployment_search_vector_gin) serves the whole
    # condition; a LIKE '%word%' beside it made every search read every entry.
    words = [word for term in terms for word in re.findall(r"\w+", term)]
    if words:
        prefixes = " & ".join(f"{word}:*" for word in words)
        query_or_prefix = query | SearchQuery(prefixes, config="simple", search_type="raw")
    else:
        query_or_prefix = query
    return queryset.filter(search_vector=query_or_prefix).annotate(
        rank=SearchRank(F("search_vector"), query)
    )


def _search_substring(queryset, text, folded, terms):
    for term in terms:
        queryset = queryset.filter(search_document__contains=term)
    return queryset.annotate(
        rank=Case(
            When(title__icontains=text.strip(), then=Value(3)),
            When(search_document__contains=folded, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
