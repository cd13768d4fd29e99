"""The editorial workflow: who may do what, no source no publish, and the history readers see."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.html import strip_tags

from tests.conftest import ARTICLE_FIXTURE
from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    SourceFactory,
    country,
    published_deployment,
)
from tracker.editorial import workflow
from tracker.editorial.roles import EDITOR, PUBLISHER, setup_roles
from tracker.models import Citation, Deployment, Source

pytestmark = pytest.mark.django_db
State = Deployment.State


def account(role):
    if role == "anonymous":
        return None
    user = User.objects.create_user(role, password="pw", is_staff=role != "reader")
    if role == "superuser":
        user.is_superuser = True
        user.save()
    elif role in ("editor", "publisher"):
        user.groups.add(setup_roles()[EDITOR if role == "editor" else PUBLISHER])
    return User.objects.get(pk=user.pk)  # fresh permission cache


def client_for(client, user):
    if user:
        client.force_login(user)
    return client


def draft_with_source(**kwargs):
    return DeploymentFactory(state=State.DRAFT, **kwargs)


def change_form_data(deployment, **overrides):
    """What the admin change form posts for this deployment, with its citations inline."""
    data = {
        "title": deployment.title,
        "slug": deployment.slug,
        "summary": deployment.summary,
        "country": deployment.country_id,
        "locality": deployment.locality,
        "operator": deployment.operator,
        "status": deployment.status,
        "start_year": "",
        "end_year": "",
        "year_note": "",
        "scale": "",
        "external_id": "",
        "retraction_reason": deployment.retraction_reason,
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
    citations = list(deployment.citations.all())
    data["citations-TOTAL_FORMS"] = data["citations-INITIAL_FORMS"] = len(citations)
    for index, citation in enumerate(citations):
        data.update(
            {
                f"citations-{index}-id": citation.pk,
                f"citations-{index}-deployment": deployment.pk,
                f"citations-{index}-source": citation.source_id,
                f"citations-{index}-quote": citation.quote,
                f"citations-{index}-locator": citation.locator,
            }
        )
    data.update(overrides)
    return data


def post_change(client, deployment, button=None, **overrides):
    url = reverse("admin:tracker_deployment_change", args=[deployment.pk])
    data = change_form_data(deployment, **overrides)
    if button:
        data[button] = "1"
    return client.post(url, data, follow=True)


# -- Roles ------------------------------------------------------------------------------------

ROLES = ["anonymous", "editor", "publisher", "superuser"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("editor", 200), ("publisher", 200), ("superuser", 200)],
)
def test_who_can_open_the_admin_to_add_and_change_deployments(client, role, expected):
    draft = draft_with_source()
    client = client_for(client, account(role))
    add = client.get(reverse("admin:tracker_deployment_add"))
    change = client.get(reverse("admin:tracker_deployment_change", args=[draft.pk]))
    assert (add.status_code, change.status_code) == (expected, expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("editor", 403), ("publisher", 403), ("superuser", 200)],
)
def test_only_superusers_manage_accounts(client, role, expected):
    client = client_for(client, account(role))
    assert client.get(reverse("admin:auth_user_add")).status_code == expected


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [("anonymous", False), ("editor", True), ("publisher", True), ("superuser", True)],
)
def test_drafts_are_previewed_by_staff_only(client, role, sees_draft):
    draft = draft_with_source(title="Unreviewed entry")
    response = client_for(client, account(role)).get(draft.get_absolute_url())
    assert response.status_code == (200 if sees_draft else 404)
    if sees_draft:
        assert "Preview:" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "can_submit", "can_publish", "can_retract"),
    [
        ("editor", True, False, False),
        ("publisher", True, True, True),
        ("superuser", True, True, True),
    ],
)
def test_the_workflow_lets_each_role_do_exactly_its_part(
    role, can_submit, can_publish, can_retract
):
    user = account(role)
    deployment = draft_with_source()

    workflow.submit(deployment, user)
    assert deployment.state == State.REVIEW

    if can_publish:
        workflow.publish(deployment, user)
        assert deployment.state == State.PUBLISHED
    else:
        with pytest.raises(workflow.WorkflowError, match="submit it for review"):
            workflow.publish(deployment, user)
        deployment.refresh_from_db()
        assert deployment.state == State.REVIEW
        workflow.publish(deployment, account("publisher"))

    if can_retract:
        workflow.retract(deployment, "The source withdrew the story.", user)
        assert deployment.state == State.RETRACTED
    else:
        with pytest.raises(workflow.WorkflowError):
            workflow.retract(deployment, "No.", user)


def test_setup_roles_gives_exact_permissions_and_can_run_again():
    call_command("setup_roles", verbosity=0)
    call_command("setup_roles", verbosity=0)
    editor, publisher = account("editor"), account("publisher")
    assert editor.has_perm("tracker.add_deployment")
    assert editor.has_perm("tracker.change_citation")
    assert not editor.has_perm("tracker.publish_deployment")
    assert not editor.has_perm("tracker.delete_deployment")
    assert not editor.has_perm("auth.change_user")
    assert publisher.has_perm("tracker.publish_deployment")
    assert not publisher.has_perm("auth.add_user")


# -- No source, no publish ----------------------------------------------------------------------


def test_the_model_refuses_to_publish_without_a_citation():
    deployment = DeploymentFactory(state=State.DRAFT, cited=False)
    deployment.state = State.PUBLISHED
    with pytest.raises(ValidationError, match="citation to a source with a URL"):
        deployment.save()
    with pytest.raises(ValidationError):
        DeploymentFactory(state=State.PUBLISHED, cited=False)


def test_a_source_without_a_url_is_not_enough_to_publish():
    deployment = DeploymentFactory(state=State.DRAFT, cited=False)
    CitationFactory(deployment=deployment, source=SourceFactory(url=None))
    with pytest.raises(workflow.WorkflowError, match="source with a URL"):
        workflow.publish(deployment)


def test_bulk_updates_cannot_publish():
    draft_with_source()
    with pytest.raises(ValueError, match="one by one"):
        Deployment.objects.update(state=State.PUBLISHED)


def test_the_admin_publish_button_without_a_citation_shows_a_message(admin_client):
    deployment = DeploymentFactory(state=State.DRAFT, cited=False, title="Unsourced")
    response = post_change(admin_client, deployment, "_publish")
    assert response.status_code == 200
    assert "cannot be published yet" in response.content.decode()
    deployment.refresh_from_db()
    assert deployment.state == State.DRAFT


def test_an_editor_pressing_publish_gets_a_message_not_a_403(client):
    deployment = draft_with_source(title="Editor entry")
    response = post_change(client_for(client, account("editor")), deployment, "_publish")
    assert response.status_code == 200
    assert "submit it for review" in response.content.decode()
    deployment.refresh_from_db()
    assert deployment.state == State.DRAFT


@pytest.mark.parametrize(
    ("role", "offered"), [("editor", False), ("publisher", True), ("superuser", True)]
)
def test_only_those_who_may_publish_are_offered_the_publish_actions(client, role, offered):
    draft_with_source()
    page = client_for(client, account(role)).get(reverse("admin:tracker_deployment_changelist"))
    actions = [value for value, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert ("publish" in actions, "unpublish" in actions) == (offered, offered)


def test_an_editor_forcing_the_publish_action_publishes_nothing(client):
    deployment = draft_with_source()
    response = client_for(client, account("editor")).post(
        reverse("admin:tracker_deployment_changelist"),
        {"action": "publish", "_selected_action": [deployment.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "No action selected." in response.content.decode()
    deployment.refresh_from_db()
    assert deployment.state == State.DRAFT


def test_the_admin_publish_action_refuses_unsourced_entries(admin_client):
    sourced = draft_with_source(title="Sourced")
    unsourced = DeploymentFactory(state=State.DRAFT, cited=False, title="Unsourced")
    response = admin_client.post(
        reverse("admin:tracker_deployment_changelist"),
        {"action": "publish", "_selected_action": [sourced.pk, unsourced.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "cannot be published yet" in body
    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert (sourced.state, unsourced.state) == (State.PUBLISHED, State.DRAFT)


def test_removing_the_last_citation_of_a_published_entry_is_refused_on_the_form(admin_client):
    deployment = published_deployment()
    response = post_change(admin_client, deployment, **{"citations-0-DELETE": "on"})
    assert "needs at least one citation" in response.content.decode()
    assert deployment.citations.count() == 1


def test_a_retraction_needs_a_reason_and_stays_reachable_but_unlisted(admin_client, client):
    deployment = published_deployment(title="Withdrawn story", country=country("FR"))
    response = post_change(admin_client, deployment, "_retract", retraction_reason="")
    assert "Say why" in response.content.decode()
    post_change(admin_client, deployment, "_retract", retraction_reason="The source corrected it.")
    deployment.refresh_from_db()
    assert deployment.state == State.RETRACTED
    page = client.get(deployment.get_absolute_url()).content.decode()
    assert "Retracted" in page and "The source corrected it." in page
    assert "Withdrawn story" not in client.get("/en/deployments/?country=FR").content.decode()
    assert "Withdrawn story" not in client.get("/feeds/latest.atom").content.decode()


# -- History -------------------------------------------------------------------------------------


def test_every_edit_is_in_the_admin_history_and_on_the_public_page(admin_client, client):
    deployment = published_deployment(title="Tracked entry")
    post_change(admin_client, deployment, summary="A corrected summary.")
    record = deployment.changes.latest("history_date")
    assert record.history_user.username == "admin"
    assert record.summary == "A corrected summary."
    history_page = admin_client.get(
        reverse("admin:tracker_deployment_history", args=[deployment.pk])
    )
    assert history_page.status_code == 200
    # The admin's history lists who changed which field, from what to what.
    changes = re.sub(r"\s+", " ", strip_tags(history_page.content.decode()))
    assert "Changed admin" in changes
    assert "Summary (English): &nbsp;&rarr;&nbsp;&nbsp;A corrected summary." in changes
    public = client.get(deployment.get_absolute_url()).content.decode()
    assert "changed: summary" in public
    assert "admin" not in public.split("History of this entry")[1].split("</section>")[0]
    assert "Tracked entry" in client.get("/en/changes/").content.decode()


BELGRADE = "belgrade-huawei-safe-city"


def public_history(client, deployment):
    page = client.get(deployment.get_absolute_url()).content.decode()
    return page.split("History of this entry")[1].split("</section>")[0]


def test_the_first_edit_of_an_entry_loaded_from_the_fixtures_is_shown_to_readers(client):
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    belgrade = Deployment.objects.get(slug=BELGRADE)
    assert "No change since publication" in public_history(client, belgrade)
    belgrade.summary = "A corrected summary."
    belgrade.save()
    assert "changed: summary" in public_history(client, belgrade)
    assert "Belgrade" in client.get("/en/changes/").content.decode()


def test_loading_the_site_data_again_adds_no_history():
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    first = Deployment.history.count()
    assert first == Deployment.objects.count()
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    assert Deployment.history.count() == first


def test_loading_the_site_data_again_keeps_what_editors_changed_or_deleted():
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    Deployment.objects.filter(slug=BELGRADE).update(summary="A corrected summary.")
    Deployment.objects.get(slug="france-pass-sanitaire").delete()
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    assert Deployment.objects.get(slug=BELGRADE).summary == "A corrected summary."
    assert not Deployment.objects.filter(slug="france-pass-sanitaire").exists()


def newer_article(tmp_path):
    """The article's fixture as a later version of it might be, with Belgrade's summary edited."""
    rows = json.loads(ARTICLE_FIXTURE.read_text())
    for row in rows:
        if row["model"] == "tracker.deployment" and row["fields"]["slug"] == BELGRADE:
            row["fields"]["summary"] = "A summary corrected in the fixture."
    newer = tmp_path / "article.json"
    newer.write_text(json.dumps(rows))
    return newer


def test_a_changed_data_file_is_only_loaded_when_asked(tmp_path):
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    out = StringIO()
    call_command("load_site_data", newer_article(tmp_path), stdout=out)
    assert "article.json has changed since it was loaded" in out.getvalue()
    assert "--update" in out.getvalue()
    assert Deployment.objects.get(slug=BELGRADE).summary != "A summary corrected in the fixture."


def test_an_update_from_a_changed_data_file_is_shown_as_a_change(client, tmp_path):
    call_command("load_site_data", ARTICLE_FIXTURE, verbosity=0)
    call_command("load_site_data", newer_article(tmp_path), update=True, verbosity=0)
    belgrade = Deployment.objects.get(slug=BELGRADE)
    assert belgrade.summary == "A summary corrected in the fixture."
    assert "changed: summary" in public_history(client, belgrade)


def test_an_update_removes_what_the_new_file_dropped_but_not_what_editors_touched(tmp_path):
    """One work that an earlier file held as two sources: the newer file cites one of them."""
    rows = json.loads(ARTICLE_FIXTURE.read_text())
    twin = {
        "model": "tracker.source",
        "fields": {
            "title": "QG, again",
            "slug": "qg-twin",
            "url": None,
            "kind": "news_article",
            "created_at": "2026-11-28T00:00:00Z",
            "updated_at": "2026-11-28T00:00:00Z",
        },
    }
    cites_twin = {
        "model": "tracker.citation",
        "fields": {
            "deployment": [BELGRADE],
            "source": ["qg-twin"],
            "quote": "",
            "locator": "the same sentence, cited twice",
            "created_at": "2026-11-28T00:00:00Z",
        },
    }
    older = tmp_path / "older" / "article.json"
    older.parent.mkdir()
    older.write_text(json.dumps([*rows, twin, cites_twin]))
    call_command("load_site_data", older, verbosity=0)
    assert Citation.objects.filter(source__slug="qg-twin").exists()
    kept = Citation.objects.get(deployment__slug="france-pass-sanitaire")

    out = StringIO()
    call_command("load_site_data", ARTICLE_FIXTURE, update=True, stdout=out)
    assert not Source.objects.filter(slug="qg-twin").exists()
    assert not Citation.objects.filter(source__slug="qg-twin").exists()
    assert Citation.objects.filter(pk=kept.pk).exists()
    assert "removed 1 citation(s) and 1 source(s)" in out.getvalue()


def test_an_update_keeps_a_dropped_citation_an_editor_changed(tmp_path, admin_user):
    rows = json.loads(ARTICLE_FIXTURE.read_text())
    extra = {
        "model": "tracker.citation",
        "fields": {
            "deployment": [BELGRADE],
            "source": ["the-atlantic-2020-12"],
            "quote": "",
            "locator": "cited by an older file",
            "created_at": "2026-11-28T00:00:00Z",
        },
    }
    older = tmp_path / "older" / "article.json"
    older.parent.mkdir()
    older.write_text(json.dumps([*rows, extra]))
    call_command("load_site_data", older, verbosity=0)
    citation = Citation.objects.get(locator="cited by an older file")
    citation.locator = "checked by an editor"
    citation._history_user = admin_user
    citation.save()
    call_command("load_site_data", ARTICLE_FIXTURE, update=True, verbosity=0)
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_a_missing_data_file_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.json: cannot be read"):
        call_command("load_site_data", tmp_path / "missing.json", verbosity=0)


def test_marking_verified_records_who_and_when_for_editors_and_the_date_for_readers(
    admin_client, client
):
    deployment = published_deployment()
    post_change(admin_client, deployment, "_verify")
    deployment.refresh_from_db()
    assert deployment.last_verified_by.username == "admin"
    assert deployment.last_verified_on is not None
    page = client.get(deployment.get_absolute_url()).content.decode()
    assert "last verified against its sources: not yet" not in page


def test_a_url_already_recorded_offers_the_existing_source(admin_client):
    existing = SourceFactory(url="https://news.example.org/story", title="The story")
    response = admin_client.post(
        reverse("admin:tracker_source_add"),
        {
            "title": "Same story again",
            "slug": "same-story",
            "url": "https://news.example.org/story/",
            "published_on_precision": "day",
            "kind": "news_article",
        },
    )
    body = response.content.decode()
    assert "already recorded as" in body
    assert reverse("admin:tracker_source_change", args=[existing.pk]) in body


def test_a_lookalike_entry_is_flagged_when_saved(admin_client):
    from tests.factories import VendorFactory

    vendor = VendorFactory()
    published_deployment(country=country("RS"), locality="Belgrade", vendors=[vendor])
    twin = draft_with_source(country=country("RS"), locality="belgrade", title="Twin")
    response = post_change(admin_client, twin, vendors=[vendor.pk])
    assert "looks like" in response.content.decode()
