"""The maps on profile pages (tracker.browse.records): each country in them leads somewhere real."""

import re

import pytest

from tests.factories import country, published_deployment

pytestmark = pytest.mark.django_db


def test_the_map_on_a_country_page_links_every_country_to_its_own_page(client):
    published_deployment(country=country("RS"))
    published_deployment(country=country("KE"))
    body = client.get(country("RS").get_absolute_url()).content.decode()
    table = body.split('class="map-table"')[1].split("</table>")[0]
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', table)
    assert sorted(name for _, name in links) == ["Kenya", "Serbia"]
    for link, name in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert f"<h1>{name}</h1>" in response.content.decode()
