"""What a profile page lists beside its entries (tracker.browse.records): a country's vendors,
a vendor's technologies, each with its number of entries."""

import pytest

from tests.factories import TechnologyFactory, VendorFactory, country, published_deployment

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplied(db):
    # Ids no country has, as most vendors' and technologies' are once there are more of them
    # than countries: a list that looked them up among the countries' ids would come up empty.
    acme = VendorFactory(pk=5001, name="Acme Vision", slug="acme")
    gait = TechnologyFactory(pk=5002, name="Gait analysis", slug="gait")
    for _ in range(2):
        published_deployment(country=country("RS"), vendors=[acme], technologies=[gait])
    return acme, gait


def test_a_country_page_lists_the_vendors_of_its_entries(client, supplied):
    body = client.get(country("RS").get_absolute_url()).content.decode()
    assert '<a href="/en/deployments/?vendor=acme&amp;country=RS">Acme Vision</a>' in body


def test_a_vendor_page_lists_the_technologies_it_supplied(client, supplied):
    acme, _ = supplied
    body = client.get(acme.get_absolute_url()).content.decode()
    assert '<a href="/en/deployments/?vendor=acme&amp;technology=gait">Gait analysis</a>' in body
