"""The deployment admin's list actions and the fields each role may edit."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests.factories import account, published_deployment, retracted_deployment
from tracker.editorial import workflow
from tracker.models import Deployment

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/tracker/deployment/"


def run_action(client, action, *deployments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [d.pk for d in deployments]},
        follow=True,
    )


def change_form_data(deployment, **overrides):
    """What the admin change form posts for this deployment, with its citations inline."""
    citations = list(deployment.citations.all())
    data = {
        "title": deployment.title,
        "slug": deployment.slug,
        "summary": deployment.summary,
        "country": deployment.country_id,
        "locality": deployment.locality,
        "operator": deployment.operator,
        "status": deployment.status,
        "start_year": deployment.start_year or "",
        "end_year": deployment.end_year or "",
        "year_note": deployment.year_note,
        "scale": deployment.scale,
        "external_id": deployment.external_id or "",
        "retraction_reason": deployment.retraction_reason,
        "citations-TOTAL_FORMS": len(citations),
        "citations-INITIAL_FORMS": len(citations),
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
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


class TestMarkVerified:
    @pytest.mark.parametrize("role", ["editor", "publisher"])
    def test_the_action_stamps_today_and_the_editor_on_each_selected_entry(self, client, role):
        chosen = [published_deployment(), published_deployment()]
        left_alone = published_deployment()
        user = account(role)
        client.force_login(user)
        response = run_action(client, "mark_verified", *chosen)
        assert "2 deployment(s) marked as verified today." in response.content.decode()
        today = timezone.localdate()
        for entry in chosen:
            entry.refresh_from_db()
            assert (entry.last_verified_on, entry.last_verified_by) == (today, user)
        left_alone.refresh_from_db()
        assert left_alone.last_verified_on is None

    def test_readers_see_the_date_of_the_last_verification(self, admin_client, client):
        entry = published_deployment()
        run_action(admin_client, "mark_verified", entry)
        body = client.get(entry.get_absolute_url()).content.decode()
        today = timezone.localdate()
        assert f"last verified against its sources: {today:%-d %B %Y}" in body

    def test_the_admin_list_shows_the_new_date_instead_of_the_old_one(self, admin_client):
        entry = published_deployment(title="Checked entry")
        Deployment.objects.filter(pk=entry.pk).update(last_verified_on=date(2020, 1, 1))
        old, new = date_format(date(2020, 1, 1)), date_format(timezone.localdate())
        assert old in admin_client.get(CHANGELIST).content.decode()
        run_action(admin_client, "mark_verified", entry)
        body = admin_client.get(CHANGELIST).content.decode()
        assert old not in body
        assert new in body

    def test_verifying_an_entry_keeps_a_correction_saved_since_it_was_loaded(self, client):
        entry = published_deployment(title="Cameras in Nis")
        loaded = Deployment.objects.get(pk=entry.pk)
        # Another editor corrects the title while this one's copy is open.
        Deployment.objects.filter(pk=entry.pk).update(title="Cameras in Niš")
        workflow.mark_verified(loaded, account("editor"))
        body = client.get(entry.get_absolute_url()).content.decode()
        assert "<h1>Cameras in Niš</h1>" in body
        assert "last verified against its sources" in body


class TestTheRetractionReason:
    def change_url(self, deployment):
        return reverse("admin:tracker_deployment_change", args=[deployment.pk])

    def test_an_editor_sees_the_reason_but_cannot_edit_it(self, client):
        entry = retracted_deployment(reason="The publisher's own words.")
        client.force_login(account("editor"))
        body = client.get(self.change_url(entry)).content.decode()
        assert "The publisher&#x27;s own words." in body
        assert 'name="retraction_reason"' not in body

    def test_a_reason_posted_by_an_editor_is_ignored(self, client):
        entry = retracted_deployment(reason="The publisher's own words.")
        client.force_login(account("editor"))
        data = change_form_data(entry, retraction_reason="An editor's rewording.")
        response = client.post(self.change_url(entry), data, follow=True)
        assert response.status_code == 200
        entry.refresh_from_db()
        assert entry.retraction_reason == "The publisher's own words."

    def test_a_publisher_can_edit_the_reason(self, client):
        entry = retracted_deployment(reason="First wording.")
        client.force_login(account("publisher"))
        assert 'name="retraction_reason"' in client.get(self.change_url(entry)).content.decode()
        data = change_form_data(entry, retraction_reason="Better wording.")
        client.post(self.change_url(entry), data, follow=True)
        entry.refresh_from_db()
        assert entry.retraction_reason == "Better wording."


class TestGarbledSelection:
    def test_a_selection_that_is_not_entry_numbers_gets_a_400_and_changes_nothing(self, client):
        entry = published_deployment()
        client.force_login(account("publisher"))
        response = client.post(
            CHANGELIST, {"action": "unpublish", "_selected_action": [str(entry.pk), "1 OR 1=1"]}
        )
        assert response.status_code == 400
        assert "not understood" in response.content.decode()
        entry.refresh_from_db()
        assert entry.state == Deployment.State.PUBLISHED
