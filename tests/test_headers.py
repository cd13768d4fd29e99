"""Every response tells the browser to load nothing from another host (Content-Security-Policy)."""

import pytest

from tests.factories import published_deployment

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy header as {directive: [values]}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def entry(db):
    return published_deployment(slug="belgrade")


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/deployments/",
        "/en/deployments/?format=csv",
        "/en/deployments/belgrade/",
        "/deployments/belgrade.json",
        "/en/vendors/",
        "/feeds/latest.atom",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_every_response_keeps_scripts_styles_and_images_on_this_host(client, entry, path):
    rules = policy(client.get(path))
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["img-src"] == ["'self'", "data:"]
    assert rules["connect-src"] == ["'self'"]
    assert rules["font-src"] == ["'self'"]


def test_pages_cannot_be_framed_nor_post_forms_elsewhere(client, entry):
    rules = policy(client.get("/en/deployments/belgrade/"))
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["form-action"] == ["'self'"]
    assert rules["base-uri"] == ["'self'"]


def test_no_script_may_come_from_another_host(client, entry):
    header = client.get("/en/").headers["Content-Security-Policy"]
    assert "http" not in header
    assert "*" not in header


@pytest.mark.parametrize("path", ["/en/", "/en/deployments/belgrade/", "/no-such-page/"])
def test_every_response_denies_the_camera_microphone_and_location_to_pages(client, entry, path):
    header = client.get(path).headers.get("Permissions-Policy", "")
    features = dict(part.strip().split("=", 1) for part in header.split(",") if part.strip())
    for feature in ("camera", "microphone", "geolocation", "browsing-topics"):
        assert features.get(feature) == "()", feature
