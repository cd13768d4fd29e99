"""Queries per page stay fixed as rows grow: guards against N+1 queries on every public page."""

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

pytestmark = pytest.mark.django_db

COUNTRIES = ["RS", "FR", "KE", "US", "BR", "GB", "DE"]


@pytest.fixture
def grow(settings):
    """Add ``n`` published deployments, each with vendors, technologies and citations."""
    settings.TRACKER_PAGE_SIZE = 100
    vendor = VendorFactory(slug="acme")
    VendorAliasFactory(vendor=vendor)
    technology = TechnologyFactory(slug="gait")
    source = SourceFactory(slug="report")
    DesignationFactory(vendor=vendor, source=source)
    FindingFactory(source=source).countries.add(country("RS"))
    made = 0

    def grow_to(n):
        nonlocal made
        for i in range(made, n):
            other = VendorFactory()
            deployment = published_deployment(
                country=country(COUNTRIES[i % len(COUNTRIES)]),
                vendors=[vendor, other],
                technologies=[technology],
                origin_countries=[country("CN")],
            )
            CitationFactory(deployment=deployment, source=source, quote=f"Quote {i}")
        made = n

    return grow_to


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/deployments/",
        "/deployments/?q=quote&vendor=acme&country=RS&country=FR",
        "/deployments/{slug}/",
        "/countries/serbia/",
        "/countries/",
        "/vendors/acme/",
        "/vendors/",
        "/technologies/gait/",
        "/technologies/",
        "/sources/report/",
        "/sources/",
        "/findings/",
    ],
)
def test_queries_per_page_do_not_grow_with_rows(client, grow, path):
    from tracker.models import Deployment

    grow(5)
    slug = Deployment.objects.first().slug
    with_five = queries(client, path.format(slug=slug))
    grow(50)
    with_fifty = queries(client, path.format(slug=slug))
    assert with_fifty == with_five
