"""The flow view: from countries of origin to receiving countries, each flow a link to its
entries, counted in one query, readable without the drawing."""

import re
from xml.etree import ElementTree

import pytest
from django.http import QueryDict

from tests.factories import country, published_deployment
from tracker.graphics.flows import FlowDiagram, flow_counts, flow_diagram, list_links
from tracker.models import Deployment

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def flows_world():
    """China → Serbia 2 (one also from France), China → Kenya 1, France → Serbia 1, and one
    entry with no known origin."""
    china, france = country("CN"), country("FR")
    serbia, kenya = country("RS"), country("KE")
    published_deployment(title="Belgrade", country=serbia, origin_countries=[china])
    published_deployment(title="Nis", country=serbia, origin_countries=[china, france])
    published_deployment(title="Nairobi", country=kenya, origin_countries=[china])
    published_deployment(title="Unknown", country=kenya)
    published_deployment(title="Draft", country=kenya, origin_countries=[china], state="draft")


def parse(svg):
    return ElementTree.fromstring(
        str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def band_links(svg):
    """{href: title} of every band in the drawing."""
    root = parse(svg)
    return {
        a.get("href"): a.find(f"{SVG}title").text
        for a in root.iter(f"{SVG}a")
        if a.find(f"{SVG}path") is not None
    }


@pytest.mark.usefixtures("flows_world")
class TestFlows:
    def test_each_flow_counts_its_published_entries_once(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            rows = flow_counts(Deployment.objects.counted())
        assert [r for r in rows if r[0]] == [
            ("CN", "China", "RS", "Serbia", 2),
            ("CN", "China", "KE", "Kenya", 1),
            ("FR", "France", "RS", "Serbia", 1),
        ]

    def test_each_band_links_to_the_list_filtered_by_origin_and_country(self):
        diagram = flow_diagram(Deployment.objects.counted())
        assert band_links(diagram.svg()) == {
            "/en/deployments/?origin=CN&country=RS": "China → Serbia: 2 entries",
            "/en/deployments/?origin=CN&country=KE": "China → Kenya: 1 entry",
            "/en/deployments/?origin=FR&country=RS": "France → Serbia: 1 entry",
        }

    def test_a_wider_flow_is_drawn_wider(self):
        root = parse(flow_diagram(Deployment.objects.counted()).svg())
        heights = {}
        for a in root.iter(f"{SVG}a"):
            path = a.find(f"{SVG}path")
            if path is not None:
                numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
                heights[a.find(f"{SVG}title").text] = numbers[-1] - numbers[1]
        assert heights["China → Serbia: 2 entries"] == pytest.approx(
            2 * heights["China → Kenya: 1 entry"]
        )

    def test_the_countries_at_each_end_link_to_their_entries(self):
        root = parse(flow_diagram(Deployment.objects.counted()).svg())
        nodes = {
            a.get("href"): a.find(f"{SVG}title").text
            for a in root.iter(f"{SVG}a")
            if a.find(f"{SVG}rect") is not None
        }
        assert nodes["/en/deployments/?origin=CN"] == "China: 3 entries in the flows shown"
        assert nodes["/en/deployments/?country=RS"] == "Serbia: 3 entries in the flows shown"

    def test_the_description_gives_the_numbers_for_readers_who_cannot_see_it(self):
        svg = str(flow_diagram(Deployment.objects.counted()).svg())
        desc = parse(svg).find(f"{SVG}desc").text
        assert "China to Serbia: 2; China to Kenya: 1; France to Serbia: 1." in desc
        assert 'role="group"' in svg and 'aria-labelledby="flows-title flows-desc"' in svg

    def test_smaller_countries_are_grouped_drawn_and_counted_but_not_linked(self):
        diagram = flow_diagram(Deployment.objects.counted(), limit=(1, 1))
        assert [(f.origin, f.country, f.count, f.link) for f in diagram.flows] == [
            ("China", "Serbia", 2, "/en/deployments/?origin=CN&country=RS"),
            ("China", "Other countries", 1, ""),
            ("Other countries", "Serbia", 1, ""),
        ]
        assert band_links(diagram.svg()) == {
            "/en/deployments/?origin=CN&country=RS": "China → Serbia: 2 entries"
        }
        assert diagram.grouped == 2
        assert "2 countries with fewer entries are grouped" in diagram.description()

    def test_entries_without_a_known_origin_are_counted_apart(self):
        assert flow_diagram(Deployment.objects.counted()).unknown_origin == 1

    def test_the_home_page_shows_the_flows_with_a_table_of_the_same_numbers(self, client):
        body = client.get("/en/").content.decode()
        figure = body[body.index('class="flow-figure"') :]
        figure = figure[: figure.index("</figure>")]
        assert 'href="/en/deployments/?origin=CN&amp;country=RS"' in figure
        rows = re.findall(
            r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td><a [^>]+>(\d+)</a>', figure
        )
        assert rows == [
            ("China", "Serbia", "2"),
            ("China", "Kenya", "1"),
            ("France", "Serbia", "1"),
        ]
        assert "1 entry has no known origin" in figure

    def test_the_filtered_list_shows_the_flows_of_its_results_keeping_the_filters(self, client):
        body = client.get("/en/deployments/?country=RS").content.decode()
        assert 'href="/en/deployments/?country=RS&amp;origin=CN"' in body
        assert 'href="/en/deployments/?country=RS&amp;origin=FR"' in body
        assert "China → Kenya" not in body


def test_list_links_keep_the_filters_and_drop_the_page_and_format():
    link = list_links(QueryDict("technology=cctv&page=3&format=csv&country=FR"))
    assert link("CN", "RS") == "/en/deployments/?technology=cctv&country=RS&origin=CN"
    assert link("CN", None) == "/en/deployments/?technology=cctv&country=FR&origin=CN"


def test_names_are_escaped_in_the_drawing():
    fake = [("CN", "<b>China</b>", "RS", 'Serbia"', 3)]
    svg = str(FlowDiagram(fake, list_links(), (8, 12), "Flows <i>", "f").svg())
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;China&lt;/b&gt;" in svg
    parse(svg)


def test_no_flow_draws_nothing_and_says_so(client):
    published_deployment(title="Unknown origin", country=country("KE"))
    diagram = flow_diagram(Deployment.objects.counted())
    assert diagram.svg() == ""
    assert diagram.unknown_origin == 1
    body = client.get("/en/").content.decode()
    assert "No entry here has a known country of origin (1 without one)." in body
