"""Small faults readers met: no favicon, feeds shown as raw XML, wording that said more than
the sources, ISO long names where readers expect common ones, a cramped admin list."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from lxml import etree

from tests.factories import published_deployment

pytestmark = pytest.mark.django_db
XSLT = "http://www.w3.org/1999/XSL/Transform"


# --- Favicon ----------------------------------------------------------------------------------


def test_favicon_ico_leads_to_the_sites_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "<svg" in Path(finders.find("favicon.svg")).read_text(encoding="utf-8")


def test_every_page_names_its_icon(client):
    body = client.get("/").content.decode()
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
    assert entry.get_absolute_url() in html
    assert 'href="/static/css/site.css"' in html
    # Nothing but this site: no script, no address elsewhere.
    assert "<script" not in html
    links = etree.HTML(html).xpath("//@href | //@src")
    assert links and all(link.startswith(("/", "http://testserver/")) for link in links)
