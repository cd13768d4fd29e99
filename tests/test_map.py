"""The world map: every country with entries shaded and linked, drawn from shipped shapes."""

import re
from pathlib import Path

import pytest

from tests.factories import VendorFactory, country, published_deployment
from tracker import maps
from tracker.models import Country, Deployment

pytestmark = pytest.mark.django_db
SPRITE = Path(__file__).resolve().parent.parent / "static" / "map" / "world.svg"


def shaded_links(body):
    return dict(re.findall(r'<a href="([^"]+)"><title>([^<]+)</title><use ', body))


def test_the_shapes_include_small_states_that_coarser_maps_lose():
    _, shaped = maps.frame()
    assert {"SG", "BH", "MT", "RS", "FR", "US", "XK"} <= shaped
    sprite = SPRITE.read_text()
    for iso2 in ["SG", "BH", "MT", "RS"]:
        assert f'<path id="{iso2}" d="M' in sprite


def test_shapes_are_read_once_per_process():
    maps.frame()
    before = maps.frame.cache_info().hits
    maps.frame()
    assert maps.frame.cache_info().hits == before + 1


@pytest.mark.usefixtures("article")
def test_the_home_map_shades_and_links_every_country_with_a_published_deployment(client):
    body = client.get("/").content.decode()
    links = shaded_links(body)
    published = set(Deployment.objects.published().values_list("country__iso2", flat=True))
    assert {href.split("country=")[1] for href in links} == published
    assert links["/deployments/?country=RS"] == "Serbia: 1 deployment"
    assert links["/deployments/?country=US"] == "United States: 3 deployments"


@pytest.mark.usefixtures("article")
def test_the_list_map_follows_the_filters(client):
    body = client.get("/deployments/?vendor=hikvision").content.decode()
    links = shaded_links(body)
    assert set(links.values()) == {
        "United States: 3 deployments",
        "France: 1 deployment",
        "China: 1 deployment",
    }
    assert "?vendor=hikvision&amp;country=US" in body


@pytest.mark.usefixtures("article")
def test_the_vendor_map_shows_where_it_supplied_and_the_country_map_highlights(client):
    vendor_links = shaded_links(client.get("/vendors/huawei/").content.decode())
    assert list(vendor_links.values()) == ["Serbia: 1 deployment"]
    body = client.get("/countries/serbia/").content.decode()
    assert 'world.svg#RS" class="map-c1 map-highlight"' in body


def test_countries_without_entries_are_drawn_but_not_linked(client):
    published_deployment(country=country("KE"))
    body = client.get("/").content.decode()
    assert 'world.svg#DE" class="map-land"' in body
    assert "country=DE" not in body


def test_names_are_escaped_in_titles(client):
    odd = Country.objects.create(iso2="QZ", name="<b>&Land", slug="qz-land", is_iso=False)
    deployment = published_deployment(country=country("FR"))
    deployment.vendors.add(VendorFactory())
    published_deployment(country=odd)
    body = client.get("/").content.decode()
    assert "<b>&Land" not in body
    assert "&lt;b&gt;&amp;Land" in body
    assert "Too small to draw at this scale" in body  # QZ has no shape: listed, not lost


def test_shades_rise_with_counts():
    counts = [maps.CountryCount("FR", "France", "france", n) for n in (1, 3, 7, 20, 90)]
    assert [c.shade for c in counts] == [1, 2, 3, 4, 5]
