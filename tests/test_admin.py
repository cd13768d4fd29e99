"""The editors' admin: login required, every model's pages work, citations inline, search."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    SourceFactory,
    VendorAliasFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.models import Deployment, Vendor, VendorAlias

pytestmark = pytest.mark.django_db

REGISTERED = list(admin.site._registry)
TRACKER_MODELS = [model for model in REGISTERED if model._meta.app_label == "tracker"]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_core_tracker_model_is_registered():
    names = {model.__name__ for model in TRACKER_MODELS}
    assert names >= {
        "Citation",
        "Correction",
        "Country",
        "Deployment",
        "Designation",
        "Finding",
        "Source",
        "Technology",
        "Vendor",
        "VendorAlias",
    }


def test_the_admin_sends_anonymous_visitors_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_send_anonymous_visitors_to_the_login(client, model):
    for action in ("changelist", "add"):
        response = client.get(admin_url(model, action))
        assert response.status_code == 302, action
        assert response["Location"].startswith("/admin/login/"), action


def test_an_anonymous_visitor_cannot_open_a_change_page(client):
    deployment = published_deployment()
    response = client.get(admin_url(Deployment, "change", deployment.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.usefixtures("article_for_class")
class TestASuperuser:
    def test_a_superuser_can_open_the_admin_index(self, admin_client):
        body = admin_client.get("/admin/").content.decode()
        assert "Surveillance Export Tracker: editors" in body
        for model in TRACKER_MODELS:
            assert admin_url(model, "changelist") in body, model.__name__

    @pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
    def test_a_superuser_can_open_every_list_and_add_form(self, admin_client, model):
        # Corrections come from readers only, and login attempts (app "axes") from the login
        # form: the admin lists them, never adds.
        read_only = model.__name__ == "Correction" or model._meta.app_label == "axes"
        actions = ("changelist",) if read_only else ("changelist", "add")
        for action in actions:
            url = admin_url(model, action)
            assert admin_client.get(url).status_code == 200, url

    def test_the_deployment_form_edits_citations_inline_with_autocomplete(self, admin_client):
        belgrade = Deployment.objects.get(slug="belgrade-huawei-safe-city")
        response = admin_client.get(admin_url(Deployment, "change", belgrade.pk))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'name="citations-TOTAL_FORMS"' in body
        assert 'name="citations-INITIAL_FORMS" value="2"' in body
        assert "À l’image de Belgrade" in body
        for field in ["country", "vendors", "technologies", "origin_countries"]:
            assert f'id="id_{field}"' in body
        assert body.count("admin-autocomplete") >= 4

    @pytest.mark.parametrize(
        ("query", "found", "not_found"),
        [
            ("Huawei", "Belgrade", "Massachusetts"),  # vendor name
            ("Tennessee", "Tennessee", "Belgrade"),  # locality
            ("Ouïghours", "Xinjiang", "Belgrade"),  # citation quote
            ("Serbia", "Belgrade", "Xinjiang"),  # country name
        ],
    )
    def test_admin_search_finds_deployments(self, admin_client, query, found, not_found):
        response = admin_client.get(admin_url(Deployment, "changelist"), {"q": query})
        assert response.status_code == 200
        results = response.context["cl"].result_list
        titles = " ".join(f"{d.title} {d.locality}" for d in results)
        assert found in titles
        assert not_found not in titles

    def test_admin_search_lists_an_entry_once_however_many_words_match(self, admin_client):
        response = admin_client.get(admin_url(Deployment, "changelist"), {"q": "Hikvision"})
        slugs = [d.slug for d in response.context["cl"].result_list]
        assert len(slugs) == len(set(slugs))
        assert {
            "massachusetts-police-hikvision",
            "colorado-police-hikvision",
            "tennessee-police-hikvision",
            "france-hikvision-dahua",
        } <= set(slugs)


def test_the_publish_action_publishes_and_stamps_the_time(admin_client):
    draft = published_deployment(state=Deployment.State.DRAFT)
    assert draft.published_at is None
    admin_client.post(
        admin_url(Deployment, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.state == Deployment.State.PUBLISHED
    assert draft.published_at is not None


@pytest.mark.parametrize("typed", ["élan vision", "ÉLAN  VISION", "Élan Vision "])
def test_adding_a_vendor_that_exists_under_another_case_names_the_existing_one(admin_client, typed):
    VendorFactory(name="Élan Vision", slug="elan-vision")
    response = admin_client.post(admin_url(Vendor, "add"), {"name": typed, "slug": "elan-2"})
    assert response.status_code == 200
    assert "There is already a vendor called “Élan Vision”" in response.content.decode()
    assert list(Vendor.objects.values_list("slug", flat=True)) == ["elan-vision"]


def test_adding_an_alias_taken_by_another_vendor_names_that_vendor(admin_client):
    VendorAliasFactory(name="Hikvsion", vendor=VendorFactory(name="Hikvision"))
    other = VendorFactory(name="Dahua")
    response = admin_client.post(
        admin_url(VendorAlias, "add"), {"name": "HIKVSION", "vendor": other.pk}
    )
    assert response.status_code == 200
    assert "“Hikvsion” is already another name of Hikvision." in response.content.decode()
    assert VendorAlias.objects.count() == 1


def vendor_form(name, *aliases):
    """The vendor add form as the admin posts it, with one alias row per spelling given."""
    data = {
        "name": name,
        "slug": "vendor",
        "aliases-TOTAL_FORMS": len(aliases),
        "aliases-INITIAL_FORMS": 0,
        "designations-TOTAL_FORMS": 0,
        "designations-INITIAL_FORMS": 0,
        "relations-TOTAL_FORMS": 0,
        "relations-INITIAL_FORMS": 0,
    }
    for i, alias in enumerate(aliases):
        data[f"aliases-{i}-name"] = alias
    return data


def test_adding_a_vendor_with_its_aliases_saves_them(admin_client):
    response = admin_client.post(admin_url(Vendor, "add"), vendor_form("Hikvision", "Hikvsion"))
    assert response.status_code == 302
    assert list(Vendor.objects.get().aliases.values_list("name", flat=True)) == ["Hikvsion"]


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        (["Hikvsion", "HIKVSION"], "“HIKVSION” is already listed above."),
        (["hikvision"], "“hikvision” is already the vendor&#x27;s own name."),
    ],
)
def test_the_same_alias_twice_in_one_vendor_form_is_refused_with_a_message(
    admin_client, aliases, message
):
    response = admin_client.post(admin_url(Vendor, "add"), vendor_form("Hikvision", *aliases))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Vendor.objects.exists()
    assert not VendorAlias.objects.exists()


def test_a_head_office_without_its_source_is_refused_with_a_message(admin_client):
    data = vendor_form("Acme Vision") | {"headquarters": country("CN").pk}
    response = admin_client.post(admin_url(Vendor, "add"), data)
    assert response.status_code == 200
    assert "Which source gives this head office? Cite it here." in response.content.decode()
    assert not Vendor.objects.exists()


def test_a_head_office_is_saved_with_its_source_and_words(admin_client):
    source = SourceFactory()
    data = vendor_form("Acme Vision") | {
        "headquarters": country("CN").pk,
        "headquarters_source": source.pk,
        "headquarters_quote": "Acme Vision, a Chinese company",
    }
    assert admin_client.post(admin_url(Vendor, "add"), data).status_code == 302
    vendor = Vendor.objects.get()
    assert (vendor.headquarters.iso2, vendor.headquarters_source) == ("CN", source)


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
