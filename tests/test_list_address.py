"""What the deployment list makes of its address: characters pasted with a value, and the page
asked for. A reader who pastes a code with an invisible character still gets the list filtered,
and a note about the page appears only when the page asked for does not exist."""

import pytest

from tests.factories import country, published_deployment

pytestmark = pytest.mark.django_db

URL = "/en/deployments/"


def test_a_code_pasted_with_a_control_character_still_filters_the_list(client):
    published_deployment(title="Belgrade cameras", country=country("RS"))
    published_deployment(title="Paris cameras", country=country("FR"))
    for query in ("?country=RS%00", "?country=%07RS", "?country=RS%0D%0A"):
        response = client.get(URL + query)
        assert response.status_code == 200, query
        titles = [d.title for d in response.context["deployments"]]
        assert titles == ["Belgrade cameras"], query


def test_a_page_that_exists_shows_no_note(client, settings):
    settings.TRACKER_PAGE_SIZE = 2
    for n in range(5):
        published_deployment(title=f"Entry {n}")
    for query in ("", "?page=1", "?page=2", "?page=3", "?sort=newest&page=2"):
        body = client.get(URL + query).content.decode()
        assert "There is no page" not in body, query
        assert 'class="notice"' not in body, query
