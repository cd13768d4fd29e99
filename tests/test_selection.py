"""The deployment list names what the reader chose: in its <title>, its heading and one
removable chip per choice (tracker.browse.selection)."""

import re
from html import unescape

import pytest

from tests.factories import TechnologyFactory, VendorFactory, country, published_deployment
from tracker.models import Technology

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    facial = Technology.objects.get(slug="facial-recognition")
    huawei = VendorFactory(slug="huawei", name="Huawei")
    for code, year in [("EC", 2015), ("KE", 2018), ("RS", 2019), ("FR", 2021)]:
        published_deployment(
            country=country(code),
            technologies=[facial],
            vendors=[huawei],
            origin_countries=[country("CN")],
            start_year=year,
        )
    published_deployment(country=country("RS"), technologies=[TechnologyFactory(slug="plates")])


def title_and_heading(client, query):
    body = client.get("/en/deployments/" + query).content.decode()
    title = unescape(re.search(r"<title>(.*?) · Surveillance", body).group(1))
    heading = unescape(re.search(r'<h1 id="selection">(.*?)</h1>', body).group(1))
    return title, heading


def chips(client, query):
    body = client.get("/en/deployments/" + query).content.decode()
    found = re.findall(
        r'<a class="chip" href="([^"]*)"><span class="visually-hidden">Remove filter </span>'
        r"(.*?) <span",
        body,
    )
    return [(unescape(label), unescape(href)) for href, label in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Deployments: 5 entries"),
        (
            "?technology=facial-recognition&origin=CN&start_year_min=2015&start_year_max=2020",
            "Facial recognition from China, 2015–2020: 3 entries",
        ),
        ("?country=RS", "Deployments in Serbia: 2 entries"),
        ("?country=RS&country=fr", "Deployments in France or Serbia: 3 entries"),
        ("?vendor=huawei&start_year_min=2019", "Deployments by Huawei, since 2019: 2 entries"),
        ("?start_year_max=2015", "Deployments, until 2015: 1 entry"),
        ("?region=Europe&decade=2010", "Deployments in Europe, started in the 2010s: 1 entry"),
        ("?status=reported", "Deployments (status: Reported): 5 entries"),
        ("?start_year_min=2019&start_year_max=2019", "Deployments, 2019: 1 entry"),
        (
            "?start_year_min=2018&decade=2010",
            "Deployments, since 2018, started in the 2010s: 2 entries",
        ),
        (
            "?region=Africa&region=Americas&region=Asia&region=Europe&region=Oceania",
            "Deployments in Africa, Americas, Asia or 2 other regions: 5 entries",
        ),
        (
            "?decade=1990&decade=2000&decade=2010&decade=2020&decade=2030",
            "Deployments, started in the 1990s, 2000s, 2010s or 2 other decades: 4 entries",
        ),
        (
            "?added_since=2000-01-01",
            "Deployments (added to this site since: 2000-01-01): 5 entries",
        ),
    ],
)
def test_the_title_and_heading_name_the_selection_and_its_count(client, entries, query, expected):
    assert title_and_heading(client, query) == (expected, expected)


def test_many_countries_are_named_up_to_three_and_counted_after(client, entries):
    title, _ = title_and_heading(client, "?country=EC&country=KE&country=RS&country=FR&country=DE")
    assert title.startswith("Deployments in Ecuador, France, Germany or 2 other countries: ")


def test_a_search_is_quoted_and_cut_when_long(client, entries):
    title, _ = title_and_heading(client, "?q=" + "camera " * 20)
    assert "matching “camera camera" in title
    assert "…”" in title
    assert len(title) < 120


def test_a_search_chip_shows_forty_characters_whole_and_cuts_a_longer_search(client, entries):
    forty = "street cameras bought by Nairobi in 2019"
    assert chips(client, "?q=" + forty) == [(f"Search: “{forty}”", "?")]
    assert chips(client, "?q=" + forty + ".") == [(f"Search: “{forty[:39]}…”", "?")]


def test_filters_not_understood_say_so_in_the_title(client, entries):
    response = client.get("/en/deployments/?country=ZZ")
    assert response.status_code == 400
    assert "<title>Deployments: filters not understood · " in response.content.decode()


def test_each_choice_is_a_chip_linking_to_the_list_without_it(client, entries):
    assert chips(client, "?origin=CN&technology=facial-recognition&q=city&page=2&sort=year") == [
        ("Search: “city”", "?origin=CN&technology=facial-recognition&sort=year"),
        ("Technology from: China", "?technology=facial-recognition&q=city&sort=year"),
        ("Technology: Facial recognition", "?origin=CN&q=city&sort=year"),
    ]
    # The last choice removed leads back to the whole list.
    assert chips(client, "?country=RS") == [("Country: Serbia", "?")]
    assert chips(client, "") == []


def test_a_chip_removes_only_its_own_value(client, entries):
    assert chips(client, "?country=RS&country=FR&sources_min=2") == [
        ("Country: Serbia", "?country=FR&sources_min=2"),
        ("Country: France", "?country=RS&sources_min=2"),
        ("Reported by 2+ independent sources", "?country=RS&country=FR"),
    ]


def test_chip_labels_and_links_are_escaped(client, entries):
    body = client.get("/en/deployments/?q=%3Cb%3E%22x").content.decode()
    assert "<b>" not in body.split('<nav class="chips"')[1].split("</nav>")[0]
    assert "Search: “&lt;b&gt;&quot;x”" in body


def test_a_later_page_says_which_in_its_title(client, entries, settings):
    settings.TRACKER_PAGE_SIZE = 2
    body = client.get("/en/deployments/?page=2").content.decode()
    assert "<title>Deployments: 5 entries, page 2 · " in body
    assert '<h1 id="selection">Deployments: 5 entries</h1>' in body
