"""Small faults readers met: no favicon, feeds shown as raw XML, wording that said more than
the sources, ISO long names where readers expect common ones, a cramped admin list."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from lxml import etree

from tests.factories import country, published_deployment
from tracker.models.languages import permalink

pytestmark = pytest.mark.django_db
XSLT = "http://www.w3.org/1999/XSL/Transform"


# --- Favicon ----------------------------------------------------------------------------------


def test_favicon_ico_leads_to_the_sites_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "<svg" in Path(finders.find("favicon.svg")).read_text(encoding="utf-8")


def test_every_page_names_its_icon(client):
    body = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body


# --- Feeds in a browser -----------------------------------------------------------------------


def test_each_feed_names_a_stylesheet_from_this_site_before_its_root_element(client):
    published_deployment()
    body = client.get("/feeds/latest.atom").content.decode()
    prologue, _, _ = body.partition("<feed")
    assert '<?xml-stylesheet href="/feeds/feed.xsl" media="screen" type="text/xsl"?>' in prologue


def test_the_feed_stylesheet_is_xslt_that_turns_the_feed_into_a_readable_page(client):
    entry = published_deployment(title="Cameras in Novi Sad")
    response = client.get("/feeds/feed.xsl")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xsl; charset=utf-8"
    transform = etree.XSLT(etree.fromstring(response.content))
    page = transform(etree.fromstring(client.get("/feeds/latest.atom").content))
    html = str(page)
    assert "This is an Atom feed, for a feed reader." in html
    assert "Cameras in Novi Sad" in html
    assert permalink(entry.get_absolute_url()) in html
    assert 'href="/static/css/site.css"' in html
    # Nothing but this site: no script, no address elsewhere.
    assert "<script" not in html
    links = etree.HTML(html).xpath("//@href | //@src")
    assert links and all(link.startswith(("/", "http://testserver/")) for link in links)


# --- Country names readers expect -------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso2", "shown"),
    [
        ("CD", "Democratic Republic of the Congo"),
        ("PS", "Palestine"),
        ("RU", "Russia"),
        ("BO", "Bolivia"),
        ("IR", "Iran"),
        ("KR", "South Korea"),
        ("SY", "Syria"),
        ("TZ", "Tanzania"),
        ("VE", "Venezuela"),
        ("VN", "Vietnam"),
        ("TW", "Taiwan"),
        ("RS", "Serbia"),
    ],
)
def test_countries_are_shown_by_the_name_readers_know(iso2, shown):
    assert country(iso2).display_name == shown


def test_pages_show_the_common_name_and_exports_keep_the_stored_one(client):
    congo = country("CD")
    entry = published_deployment(title="Cameras in Kinshasa", country=congo)
    for url in (entry.get_absolute_url(), congo.get_absolute_url(), "/en/deployments/"):
        body = client.get(url).content.decode()
        assert "Democratic Republic of the Congo" in body, url
        assert "Congo, The Democratic Republic of the" not in body, url
    rows = client.get("/en/deployments/", {"format": "csv"})
    text = b"".join(rows.streaming_content).decode("utf-8-sig")
    assert "Congo, The Democratic Republic of the" in text


def test_an_entry_is_found_by_the_common_and_the_stored_name(client):
    entry = published_deployment(title="Cameras in Moscow", country=country("RU"))
    for words in ("Russia", "Russian Federation"):
        listed = client.get("/en/deployments/", {"q": words}).context["deployments"]
        assert [d.slug for d in listed] == [entry.slug], words


def test_a_browser_gets_the_feed_as_xml_and_a_feed_reader_as_atom(client):
    published_deployment()
    browser = client.get("/feeds/latest.atom", headers={"Accept": "text/html,application/xml"})
    reader = client.get("/feeds/latest.atom", headers={"Accept": "application/atom+xml"})
    assert browser["Content-Type"] == "application/xml; charset=utf-8"
    assert reader["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert browser.content == reader.content
    assert "Accept" in reader["Vary"]


def test_the_feed_link_says_it_is_for_a_feed_reader(client):
    assert "Atom feed of new entries (for a feed reader)" in client.get("/en/").content.decode()


def test_a_country_pages_map_table_lists_the_country_its_caption_names(client):
    """The caption names Serbia: its table must show Serbia, even with many larger countries."""
    for iso2 in ("FR", "DE", "IT", "ES", "GB", "US", "CN", "KE", "BR", "IN"):
        for _ in range(2):
            published_deployment(country=country(iso2))
    serbia = country("RS")
    published_deployment(country=serbia)
    body = client.get(serbia.get_absolute_url()).content.decode()
    figure = body.split('id="country-map-caption"', 1)[1].split("</table>", 1)[0]
    assert figure.split("</caption>", 1)[0].startswith(">Serbia among")
    assert ">Serbia</a>" in figure


def test_the_dataset_facet_says_results_from_the_article_come_from_no_dataset(client, article):
    body = client.get("/en/deployments/", {"q": "Belgrade"}).content.decode()
    facet = body.split('id="facet-dataset"', 1)[1].split("</fieldset>", 1)[0]
    assert "None yet" not in facet
    assert "None of these results comes from an imported dataset" in facet
