"""The world map: every country with entries shaded and linked, drawn from shipped shapes."""

import json
import re
from html.parser import HTMLParser

import pytest

from tests.factories import VendorFactory, country, published_deployment
from tracker.graphics import maps
from tracker.models import Country, Deployment

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"-?\d*\.?\d+")


class MapParser(HTMLParser):
    """The map's links (href → title text), and the classes of paths outside any link."""

    def __init__(self):
        super().__init__()
        self.links, self.plain, self.in_link, self.in_title, self.href = {}, [], False, False, ""
        self.svg_attrs = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "world-map" in attrs.get("class", ""):
            self.svg_attrs = attrs
        elif tag == "a" and self.svg_attrs is not None and not self.done and "href" in attrs:
            self.in_link, self.href = True, attrs["href"]
        elif tag == "title" and self.in_link:
            self.in_title = True
        elif tag == "path" and not self.in_link and not self.done:
            self.plain.append(attrs.get("class", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg_attrs is not None:
            self.done = True  # other drawings on the page (the flows) are not the map
        if tag == "a":
            self.in_link = False
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.links[self.href] = self.links.get(self.href, "") + data


def parse(html):
    parser = MapParser()
    parser.feed(str(html))
    return parser


def subpath_boxes(d):
    """(width, height) of each subpath of path data as build_world_shapes writes it."""
    for start, command, rest in re.findall(r"M([^la]+)([la])([^z]*)z", d):
        x, y = (float(v) for v in NUMBER.findall(start))
        if command == "a":  # a marker: two half circles of radius r
            r = float(NUMBER.findall(rest)[0])
            yield 2 * r, 2 * r
            continue
        values = [float(v) for v in NUMBER.findall(rest)]
        xs, ys = [x], [y]
        for dx, dy in zip(values[::2], values[1::2], strict=True):
            xs.append(xs[-1] + dx)
            ys.append(ys[-1] + dy)
        yield max(xs) - min(xs), max(ys) - min(ys)


def counts_for(*pairs):
    return [maps.CountryCount(iso2, name, slug, n) for iso2, name, slug, n in pairs]


# The shapes ------------------------------------------------------------------------------------


def test_the_shapes_keep_small_states_that_coarser_maps_lose():
    data = json.loads(maps.SHAPES.read_text())
    countries = data["countries"]
    expected = {"688": "RS", "702": "SG", "048": "BH", "470": "MT", "250": "FR", "840": "US"}
    for numeric, iso2 in expected.items():
        assert countries[numeric]["iso2"] == iso2
        # Big enough to see and click: at least a 4-pixel marker or shape.
        assert max(max(box) for box in subpath_boxes(countries[numeric]["d"])) >= 4
    assert countries["XK"]["name"] == "Kosovo"  # world-atlas gives Kosovo no id


def test_every_drawn_shape_is_one_of_our_countries_and_none_is_antarctica():
    iso2s = set(Country.objects.values_list("iso2", flat=True))
    drawn = maps.shapes().by_iso2
    assert set(drawn) <= iso2s
    assert "AQ" not in drawn
    # Somaliland and Northern Cyprus are drawn with Somalia and Cyprus, not left as holes.
    assert {"SO", "CY", "CX", "CC"} <= set(drawn)


def test_no_shape_crosses_the_map_as_a_band():
    """Rings world-atlas stitched across the antimeridian (Russia, Fiji) are cut again."""
    for shape in maps.shapes().by_iso2.values():
        for width, _ in subpath_boxes(shape.d):
            assert width < 400, shape.name


def test_the_shipped_file_stays_small():
    assert maps.SHAPES.stat().st_size < 400_000


def test_shapes_are_read_once_per_process():
    maps.shapes()
    before = maps.shapes.cache_info()
    maps.world_map(counts_for(("FR", "France", "france", 1)), lambda c: "/x/").svg()
    maps.world_map([], lambda c: "/x/").svg()
    after = maps.shapes.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits


# Drawing ---------------------------------------------------------------------------------------


def test_every_country_with_entries_is_a_link_with_its_count_and_the_rest_are_grey():
    counts = counts_for(("RS", "Serbia", "serbia", 1), ("US", "United States", "us", 3))
    svg = maps.world_map(counts, lambda c: f"/en/deployments/?country={c.iso2}").svg()
    parsed = parse(svg)
    assert parsed.links == {
        "/en/deployments/?country=RS": "Serbia: 1 deployment",
        "/en/deployments/?country=US": "United States: 3 deployments",
    }
    assert 'class="map-c1"' in svg and 'class="map-c2"' in svg
    # Every other country is a plain grey path, outside any link.
    assert set(parsed.plain) == {"map-land"}
    assert len(parsed.plain) == len(maps.shapes().by_iso2) - 2 + maps.shapes().other.count("<path")
    assert parsed.svg_attrs["role"] == "group"  # "img" would hide the links inside it
    assert parsed.svg_attrs["aria-labelledby"] == "world-map-title world-map-desc"
    assert '<title id="world-map-title">Deployments per country</title>' in svg
    assert "2 countries have at least one deployment" in svg


def test_a_country_with_a_zero_count_is_not_a_link():
    counts = counts_for(("RS", "Serbia", "serbia", 0), ("FR", "France", "france", 2))
    parsed = parse(maps.world_map(counts, lambda c: f"/c/{c.iso2}/").svg())
    assert list(parsed.links) == ["/c/FR/"]


def test_names_and_links_are_escaped():
    counts = counts_for(("QZ", "<b>&Land", "qz", 1), ("FR", 'Fr"ance<i>', "france", 1))
    world = maps.world_map(counts, lambda c: f'/x/?a=1&b="{c.iso2}"', title="<script>")
    svg = world.svg()
    assert "<b>" not in svg and "<i>" not in svg and "<script>" not in svg
    assert "Fr&quot;ance&lt;i&gt;: 1 deployment" in svg
    assert 'href="/x/?a=1&amp;b=&quot;FR&quot;"' in svg
    assert "&lt;script&gt;" in svg
    # QZ has no shape: it is reported, not silently lost.
    assert [c.name for c in world.unmapped] == ["<b>&Land"]


def test_highlight_outlines_the_country_and_draws_it_last():
    counts = counts_for(("RS", "Serbia", "serbia", 1), ("FR", "France", "france", 5))
    svg = maps.world_map(counts, lambda c: "/x/", highlight="RS").svg()
    assert svg.count("map-highlight") == 1
    serbia = maps.shapes().by_iso2["RS"].d
    assert svg.endswith(
        f'<path class="map-halo" d="{serbia}" aria-hidden="true"/>'
        f'<a href="/x/"><title>Serbia: 1 deployment</title>'
        f'<path class="map-c1 map-highlight" d="{serbia}"/></a></svg>'
    )
    # A country with no entries can be highlighted too (its page exists), without a link.
    svg = maps.world_map(counts, lambda c: "/x/", highlight="DE").svg()
    assert f'<path class="map-land map-highlight" d="{maps.shapes().by_iso2["DE"].d}"/>' in svg
    assert "map-highlight" not in maps.world_map(counts, lambda c: "/x/").svg()


def test_microstates_are_drawn_over_their_neighbours():
    order = [s.iso2 for s in maps.shapes().in_order]
    assert order.index("VA") > order.index("IT")
    assert order.index("SG") > order.index("MY")


def test_shades_rise_with_counts():
    counts = [maps.CountryCount("FR", "France", "france", n) for n in (1, 3, 7, 20, 90)]
    assert [c.shade for c in counts] == [1, 2, 3, 4, 5]


def test_render_world_map_takes_countries_and_counts():
    serbia, france = country("RS"), country("FR")
    svg = maps.render_world_map(
        {serbia: 2, france: 0}, link=lambda c: f"/en/countries/{c.slug}/", label="Where"
    )
    assert parse(svg).links == {"/en/countries/serbia/": "Serbia: 2 deployments"}


# Counting --------------------------------------------------------------------------------------


def test_country_counts_is_one_query_and_counts_each_entry_once(django_assert_num_queries):
    first, second = VendorFactory(), VendorFactory()
    both = published_deployment(country=country("RS"))
    both.vendors.set([first, second])
    published_deployment(country=country("RS")).vendors.set([first])
    published_deployment(country=country("FR")).vendors.set([second])
    published_deployment(country=country("DE"))  # no vendor: filtered out below
    filtered = Deployment.objects.published().filter(vendors__slug__in=[first.slug, second.slug])
    with django_assert_num_queries(1):
        counts = maps.country_counts(filtered)
    assert [(c.iso2, c.count, c.numeric) for c in counts] == [("RS", 2, "688"), ("FR", 1, "250")]


# Pages -----------------------------------------------------------------------------------------


def test_the_home_map_links_every_country_with_a_published_deployment(client, article):
    body = client.get("/en/").content.decode()
    links = parse(body).links
    published = set(Deployment.objects.published().values_list("country__iso2", flat=True))
    assert {href.split("country=")[1] for href in links} == published
    assert links["/en/deployments/?country=RS"] == "Serbia: 1 deployment"
    assert links["/en/deployments/?country=US"] == "United States: 3 deployments"


def test_the_list_map_follows_the_filters(client, article):
    body = client.get("/en/deployments/?vendor=hikvision").content.decode()
    assert set(parse(body).links.values()) == {
        "United States: 3 deployments",
        "France: 1 deployment",
        "China: 1 deployment",
    }
    assert "?vendor=hikvision&amp;country=US" in body


def test_the_country_page_highlights_its_country(client, article):
    body = client.get("/en/countries/serbia/").content.decode()
    assert 'class="map-c1 map-highlight"' in body
    assert body.count("map-highlight") == 1


def test_a_country_without_a_shape_is_listed_beside_the_map(client):
    published_deployment(country=country("GI"))  # Gibraltar: not drawn at 1:50m
    body = client.get("/en/").content.decode()
    assert "Not on the map at this scale: Gibraltar" in body
    assert 'Gibraltar</a> <span class="muted">(not on the map)</span>' in body


def test_a_country_name_with_markup_is_escaped_on_the_page(client):
    Country.objects.filter(iso2="FR").update(name="<b>&France")
    published_deployment(country=country("FR"))
    body = client.get("/en/").content.decode()
    assert "<b>&France" not in body
    assert "<title>&lt;b&gt;&amp;France: 1 deployment</title>" in body
