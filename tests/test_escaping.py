"""Text stored by editors or importers is shown as text, never run as markup, on every page."""

import pytest

from tests.factories import VendorFactory, published_deployment

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def hostile(db):
    vendor = VendorFactory(name="Acme", slug="acme")
    return published_deployment(
        slug="hostile",
        title=f"Cameras {SCRIPT} <b>bold</b>",
        summary=f"A summary with {SCRIPT} and <img src=x onerror=alert(1)>.",
        vendors=[vendor],
    )


def test_the_entry_page_shows_the_summary_as_text(client, hostile):
    body = client.get("/en/deployments/hostile/").content.decode()
    assert SCRIPT not in body
    assert "<img src=x" not in body
    assert f"A summary with {ESCAPED} and &lt;img src=x onerror=alert(1)&gt;." in body


@pytest.mark.parametrize(
    "path", ["/en/", "/en/deployments/", "/en/vendors/acme/", "/en/countries/serbia/"]
)
def test_list_rows_show_the_title_as_text(client, hostile, path):
    body = client.get(path).content.decode()
    assert SCRIPT not in body
    assert "<b>bold</b>" not in body
    assert (
        f'<a href="/en/deployments/hostile/">Cameras {ESCAPED} &lt;b&gt;bold&lt;/b&gt;</a>' in body
    )


def test_the_list_sidebar_shows_a_vendor_name_as_text(client):
    vendor = VendorFactory(name=f"Acme {SCRIPT}", slug="acme-x")
    published_deployment(vendors=[vendor])
    body = client.get("/en/deployments/").content.decode()
    assert SCRIPT not in body
    assert (
        f'value="acme-x"> <span class="option-label">Acme {ESCAPED}</span> '
        '<span class="count">1</span></label>'
    ) in body
