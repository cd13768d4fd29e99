"""The editors' admin: login required, every model's pages work, citations inline."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import published_deployment
from tracker.models import Deployment

pytestmark = pytest.mark.django_db

TRACKER_MODELS = [model for model in admin.site._registry if model._meta.app_label == "tracker"]


def test_every_tracker_model_is_registered():
    names = {model.__name__ for model in TRACKER_MODELS}
    assert names == {
        "Citation",
        "Country",
        "Deployment",
        "Designation",
        "Finding",
        "Source",
        "Technology",
        "Vendor",
        "VendorAlias",
    }


@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_send_anonymous_visitors_to_the_login(client, model):
    for action in ("changelist", "add"):
        url = reverse(f"admin:tracker_{model._meta.model_name}_{action}")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda m: m.__name__)
def test_an_editor_can_open_every_list_and_add_form(admin_client, article, model):
    for action in ("changelist", "add"):
        url = reverse(f"admin:tracker_{model._meta.model_name}_{action}")
        assert admin_client.get(url).status_code == 200, url


def test_the_deployment_form_edits_citations_inline_with_autocomplete(admin_client, article):
    belgrade = Deployment.objects.get(slug="belgrade-huawei-safe-city")
    response = admin_client.get(reverse("admin:tracker_deployment_change", args=[belgrade.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "citations-TOTAL_FORMS" in body
    assert "À l’image de Belgrade" in body
    for field in ["country", "vendors", "technologies", "origin_countries"]:
        assert f'id="id_{field}"' in body
    assert body.count("admin-autocomplete") >= 4


def test_admin_search_finds_deployments_by_vendor_and_quote(admin_client, article):
    url = reverse("admin:tracker_deployment_changelist")
    assert "Belgrade" in admin_client.get(url, {"q": "Huawei"}).content.decode()
    assert "Xinjiang" in admin_client.get(url, {"q": "Ouïghours"}).content.decode()


def test_the_publish_action_publishes_and_stamps_the_time(admin_client):
    draft = published_deployment(state=Deployment.State.DRAFT, published_at=None)
    admin_client.post(
        reverse("admin:tracker_deployment_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.state == Deployment.State.PUBLISHED
    assert draft.published_at is not None


def test_createeditor_makes_a_staff_account_that_can_add_deployments(monkeypatch):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    monkeypatch.setenv("EDITOR_PASSWORD", "a long and unusual passphrase")
    call_command("createeditor", "alice", "--no-input", "--email", "alice@example.org")
    alice = User.objects.get(username="alice")
    assert alice.is_staff and not alice.is_superuser
    assert alice.has_perm("tracker.add_deployment")
    assert alice.has_perm("tracker.change_citation")
    assert not alice.has_perm("tracker.delete_deployment")
    assert not alice.has_perm("auth.add_user")
