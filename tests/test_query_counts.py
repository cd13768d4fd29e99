"""Queries per page stay fixed as rows grow: guards against N+1 queries on every public page.

Each page is measured with 5 published deployments and again with 50, every deployment with its
own vendor (designated, headquartered), a shared technology, citations crediting another source
and findings, so a template that follows a relation row by row makes the count grow.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CitationFactory,
    DesignationFactory,
    FindingFactory,
    SourceFactory,
    TechnologyFactory,
    VendorAliasFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.importers.writer import deferred_search_refresh

pytestmark = pytest.mark.django_db

COUNTRIES = ["RS", "FR", "KE", "US", "BR", "GB", "DE"]
# Queries each page makes, the same on SQLite and PostgreSQL. A change here is a decision: a new
# query per page is fine when it buys something, a count that grows with rows never is.
PAGES = {
    # Totals, map, timeline, flows, exporters: the facet tallies (2) and their countries (1).
    "/en/": 10,  # + when the data was last updated, what is new
    # Facets, result count and map: the tallies (1) and the names of what they count (3).
    "/en/deployments/": 7,  # the flows too
    # One count of the matching entries' facts, and one per filter with a facet (country,
    # vendor), for that facet; the choices looked up (2) and named (3).
    # + the names of countries and technologies in both languages, to search in either
    "/en/deployments/?q=quote&vendor=acme&country=RS&country=FR": 13,
    "/en/deployments/?region=Europe&technology=gait&status=reported&sort=newest": 11,
    "/en/deployments/{slug}/": 13,  # + facts per citation, entries also reporting
    # Profiles and their indexes count from the facet pairs and tallies: one query each, plus
    # one naming each kind of record counted.
    "/en/countries/": 2,  # the tallies, the countries (receiving and of origin)
    "/en/countries/serbia/": 14,  # + figures both ways, countries of origin, one page of entries
    "/en/vendors/": 3,  # the vendors, their tallies, their countries (pairs)
    "/en/vendors/acme/": 12,  # + the vendor's group, figures, technologies, one page of entries
    "/en/technologies/": 2,
    "/en/technologies/gait/": 7,  # + figures, map, timeline, origins, one page of entries
    "/en/sources/": 2,  # + the count of sources for the pages
    "/en/sources/report/": 7,  # + the count of citations for the pages, the count of findings
    "/en/findings/": 5,  # + the origin and technology choices, the count for the pages
}


def grower():
    """Add published deployments up to ``n``; the first one's page is the detail page measured."""
    vendor = VendorFactory(slug="acme")
    VendorAliasFactory(vendor=vendor)
    technology = TechnologyFactory(slug="gait")
    source = SourceFactory(slug="report")
    credited = SourceFactory(url=None)
    DesignationFactory(vendor=vendor, source=source)
    countries = [country(code) for code in COUNTRIES]
    china = country("CN")
    made = []

    def grow_to(n):
        with deferred_search_refresh():
            for i in range(len(made), n):
                other = VendorFactory()
                DesignationFactory(vendor=other, source=source)
                # Entry 1 shares the measured entry's country and vendor from the start, so its
                # "also reported" section is there at every size.
                deployment = published_deployment(
                    country=countries[0 if i == 1 else i % len(countries)],
                    vendors=[vendor, other],
                    technologies=[technology],
                    origin_countries=[china],
                )
                CitationFactory(
                    deployment=deployment, source=source, quote=f"Quote {i}", attributed_to=credited
                )
                finding = FindingFactory(source=source, attributed_to=credited)
                finding.countries.add(countries[0], deployment.country)
                finding.vendors.add(vendor)
                made.append(deployment)
                # The measured entry grows too: one more vendor and one more cited source each time.
                made[0].vendors.add(other)
                CitationFactory(
                    deployment=made[0], source=source, quote=f"Also {i}", attributed_to=credited
                )
        return made[0]

    return grow_to


def queries_per_page(client, slug):
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path.format(slug=slug))
        assert response.status_code == 200, path
        counts[path] = len(captured)
    return counts


def test_no_public_page_makes_more_queries_when_there_are_more_rows(client, settings):
    settings.TRACKER_PAGE_SIZE = 100  # one page holds all 50 rows
    grow_to = grower()
    first = grow_to(5)
    with_five = queries_per_page(client, first.slug)
    grow_to(50)
    with_fifty = queries_per_page(client, first.slug)
    grew = {
        path: (with_five[path], with_fifty[path])
        for path in PAGES
        if with_fifty[path] != with_five[path]
    }
    assert grew == {}, "queries with 5 rows → with 50 rows"
    assert with_fifty == PAGES
