"""A source's URL and archive URL are web addresses (http or https), whatever path saves them.

The model validates, the admin refuses, the database's CHECK constraints refuse a direct save
or update, and the pages link only http(s) addresses.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import SourceFactory
from tracker.models import Citation, Source

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
]


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_full_clean_refuses_anything_but_a_web_address(field, url):
    source = Source(title="T", slug="t", **{field: url})
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_the_admin_refuses_a_javascript_url(admin_client, field):
    data = {
        "title": "A new source",
        "slug": "a-new-source",
        "publisher": "",
        "authors": "",
        "url": "",
        "archive_url": "",
        "published_on": "",
        "published_on_precision": "day",
        "language": "en",
        "kind": "news_article",
        "notes": "",
        field: "javascript:alert(1)",
    }
    response = admin_client.post(reverse("admin:tracker_source_add"), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.filter(slug="a-new-source").exists()


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_the_database_refuses_a_direct_save(field, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="T", slug="t", **{field: url})


def test_the_database_refuses_an_update_of_existing_rows():
    source = SourceFactory(url="https://example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(url="javascript:alert(1)")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(archive_url="javascript:alert(1)")
    source.refresh_from_db()
    assert source.url == "https://example.org/a"


@pytest.mark.parametrize("url", ["https://example.org/a", "HTTP://EXAMPLE.ORG/B", None])
def test_web_addresses_and_no_address_are_kept(url):
    source = Source.objects.create(title="T", slug="t", url=url, archive_url="")
    source.full_clean()
    assert Source.objects.get(pk=source.pk).url == url


def test_a_page_never_links_a_source_url_that_is_not_a_web_address():
    """Rows written before the constraint, or by a database restore, still render no link."""
    source = Source(
        title="Old row", slug="old", url="javascript:alert(1)", archive_url="javascript:x()"
    )
    html = render_to_string(
        "includes/citation.html", {"citation": Citation(source=source, quote="q")}
    )
    assert "javascript:" not in html
    assert 'class="source-link"' not in html
    assert "Old row" in html
    html = render_to_string("tracker/source_detail.html", {"source": source, "citations": []})
    assert 'href="javascript:' not in html
    assert "not a web address: not linked" in html


def test_a_web_address_is_linked(client):
    source = SourceFactory(url="https://example.org/report", archive_url="https://archive.org/x")
    html = client.get(source.get_absolute_url()).content.decode()
    assert 'href="https://example.org/report"' in html
    assert 'href="https://archive.org/x"' in html


# A vendor's website is linked from its page: the same rule.


@pytest.mark.parametrize("url", HOSTILE)
def test_a_vendor_website_must_be_a_web_address_however_it_is_saved(url):
    from tracker.models import Vendor

    vendor = Vendor(name="Acme", slug="acme", website=url)
    with pytest.raises(ValidationError) as refused:
        vendor.full_clean()
    assert "website" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Vendor.objects.create(name="Acme", slug="acme", website=url)


def test_a_vendor_page_links_its_web_address(client):
    from tracker.models import Vendor

    vendor = Vendor.objects.create(name="Acme", slug="acme", website="https://acme.example/")
    page = client.get(vendor.get_absolute_url()).content.decode()
    assert 'href="https://acme.example/"' in page
