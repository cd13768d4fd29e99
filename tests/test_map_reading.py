"""A map that informs: shades a reader can tell apart, where the technology came from marked
apart from where it went, and a filtered map framed on the countries of the selection."""

import itertools
import re
from pathlib import Path

import pytest

from tests.factories import country, published_deployment
from tracker.graphics import maps

CHARTS_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "charts.css"


def fill(css, selector):
    match = re.search(re.escape(selector) + r"\s*\{\s*fill:\s*(#[0-9a-fA-F]{6})", css)
    assert match, selector
    return match.group(1)


def luminance(hex_colour):
    def channel(value):
        c = int(value, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second):
    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_shades_run_light_to_dark_in_steps_a_reader_can_tell_apart():
    css = CHARTS_CSS.read_text()
    none = fill(css, ".map-land")
    shades = [fill(css, f".map-c{n}") for n in range(1, 6)]
    steps = [none, *shades]
    for lighter, darker in itertools.pairwise(steps):
        assert luminance(lighter) > luminance(darker)
        assert contrast(lighter, darker) >= 1.5, (lighter, darker)
    # Light to dark over the whole range: the lightest class is not already mid-dark.
    assert luminance(shades[0]) > 0.45
    assert contrast(shades[0], shades[-1]) > 7
    # Hovering a country shows a colour no class uses.
    hover = re.search(r"\.world-map a:hover path \{ fill: (#[0-9a-f]{6})", css).group(1)
    assert hover not in steps


def test_countries_of_origin_are_hatched_over_their_shade_and_said_in_words():
    counts = [maps.CountryCount("RS", "Serbia", "serbia", 1)]
    svg = maps.world_map(counts, lambda c: "/x/", origins=[("CN", "China")]).svg()
    china = maps.shapes().by_iso2["CN"].d
    assert f'<path class="map-origin" d="{china}"/>' in svg
    assert 'fill="url(#world-map-hatch)"' in svg
    assert "Hatched: where the technology came from (China)." in svg
    # The stripes never catch a click meant for the country under them.
    assert '<g aria-hidden="true"><defs><pattern id="world-map-hatch"' in svg
    assert "map-origin" not in maps.world_map(counts, lambda c: "/x/").svg()


def view_box(svg):
    return [float(v) for v in re.search(r'viewBox="([^"]+)"', str(svg)).group(1).split()]


def test_a_filtered_map_is_framed_on_the_countries_shown():
    serbia = [maps.CountryCount("RS", "Serbia", "serbia", 3)]
    x, y, width, height = view_box(maps.world_map(serbia, lambda c: "/x/", focus=True).svg())
    left, top, right, bottom = maps.main_boxes()["RS"]
    assert x < left and right < x + width and y < top and bottom < y + height
    assert width < 960 / 2  # Europe, not the world
    assert width / height == pytest.approx(960 / 424, rel=0.01)
    assert 'class="world-map map-focused"' in maps.world_map(serbia, lambda c: "", focus=True).svg()
    # Unfiltered, or spread over the world, it shows the whole world.
    assert view_box(maps.world_map(serbia, lambda c: "/x/").svg()) == [0, 0, 960, 424]
    spread = [*serbia, maps.CountryCount("AR", "Argentina", "argentina", 1)]
    spread.append(maps.CountryCount("NZ", "New Zealand", "new-zealand", 1))
    assert view_box(maps.world_map(spread, lambda c: "/x/", focus=True).svg()) == [0, 0, 960, 424]


@pytest.mark.django_db
def test_the_list_map_marks_the_origins_of_its_results_and_frames_a_filtered_view(client):
    published_deployment(country=country("RS"), origin_countries=[country("CN")])
    published_deployment(country=country("FR"), origin_countries=[country("US")])
    body = client.get("/en/deployments/?country=RS").content.decode()
    assert 'class="world-map map-focused"' in body
    assert "hatched: where the technology came from (China)" in body
    # The map comes before the rows: readers see it near the top of the results.
    assert body.index('class="map-figure"') < body.index('class="deployments"')

    body = client.get("/en/deployments/").content.decode()
    assert 'class="world-map"' in body  # nothing chosen: the whole world
    assert re.search(
        r"hatched: where the technology came from \((China, United States|"
        r"United States, China)\)",
        body,
    )


@pytest.mark.django_db
def test_home_names_where_the_technology_comes_from_with_links_to_what_each_supplied(client):
    for _ in range(2):
        published_deployment(country=country("RS"), origin_countries=[country("CN")])
    published_deployment(country=country("FR"), origin_countries=[country("US")])
    body = client.get("/en/").content.decode()
    exporters = body.split('class="exporter-list"')[1].split("</ul>")[0]
    assert re.findall(r'href="/en/deployments/\?origin=(\w\w)">([^<]+)</a>', exporters) == [
        ("CN", "China"),
        ("US", "United States"),
    ]
    assert "hatched: where the technology came from (China, United States)" in body


@pytest.mark.django_db
def test_with_an_origin_chosen_the_list_map_hatches_that_origin_only(client):
    published_deployment(country=country("RS"), origin_countries=[country("CN"), country("US")])
    published_deployment(country=country("FR"), origin_countries=[country("US")])
    body = client.get("/en/deployments/?origin=CN").content.decode()
    assert "hatched: where the technology came from (China)" in body


@pytest.mark.django_db
def test_the_list_map_says_what_it_counts(client):
    published_deployment(country=country("RS"))
    body = client.get("/en/deployments/").content.decode()
    assert re.search(r'<caption id="[\w-]+">Deployments matching these filters, per country<', body)


@pytest.mark.django_db
def test_the_list_maps_countries_link_to_the_same_filters_with_that_country_from_page_one(client):
    published_deployment(country=country("RS"), origin_countries=[country("CN")])
    body = client.get("/en/deployments/?sort=newest&page=1").content.decode()
    assert '<a href="?sort=newest&amp;country=RS">Serbia</a>' in body


@pytest.mark.django_db
def test_the_lists_flow_diagram_says_what_it_draws(client):
    published_deployment(country=country("RS"), origin_countries=[country("CN")])
    body = client.get("/en/deployments/").content.decode()
    assert (
        '<title id="list-flows-title">Where these entries came from, and where they went</title>'
        in body
    )


@pytest.mark.django_db
def test_the_home_map_says_what_it_counts(client):
    published_deployment(country=country("RS"))
    body = client.get("/en/").content.decode()
    assert re.search(r'<caption id="[\w-]+">Published deployments per country<', body)


@pytest.mark.django_db
def test_the_list_map_links_keep_the_filters_but_not_the_page_or_format(client, settings):
    settings.TRACKER_PAGE_SIZE = 1
    published_deployment(country=country("RS"), origin_countries=[country("CN")])
    published_deployment(country=country("FR"), origin_countries=[country("CN")])
    body = client.get("/en/deployments/?origin=CN&format=html&page=2").content.decode()
    figure = body.split('class="map-figure"')[1].split("</figure>")[0]
    links = set(re.findall(r'<a href="([^"]+)">', figure))
    assert links == {"?origin=CN&amp;country=RS", "?origin=CN&amp;country=FR"}
