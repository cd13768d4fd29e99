"""Who may move an entry, and from which state: every refusal leaves the entry where it was.

Each move is tried by the role that may not make it, or from a state it may not start from, and
the test checks both the refusal (a WorkflowError with a sentence for the person) and what
readers still see.
"""

import pytest
from django.utils import timezone

from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    TechnologyFactory,
    VendorFactory,
    account,
    published_deployment,
    retracted_deployment,
)
from tracker.editorial import workflow
from tracker.models import Deployment

pytestmark = pytest.mark.django_db
State = Deployment.State


def state_of(deployment):
    return Deployment.objects.get(pk=deployment.pk).state


class TestUnpublishing:
    def test_an_editor_cannot_return_a_published_entry_to_draft(self, client):
        entry = published_deployment(title="Entry editors cannot hide")
        with pytest.raises(workflow.WorkflowError, match="You cannot unpublish"):
            workflow.unpublish(entry, account("editor"))
        assert state_of(entry) == State.PUBLISHED
        assert client.get(entry.get_absolute_url()).status_code == 200

    def test_a_publisher_can_return_a_published_entry_to_draft(self, client):
        entry = published_deployment()
        workflow.unpublish(entry, account("publisher"))
        assert state_of(entry) == State.DRAFT
        assert client.get(entry.get_absolute_url()).status_code == 404

    def test_an_editor_using_the_unpublish_button_is_refused_with_a_message(self, client):
        entry = published_deployment(title="Button entry")
        client.force_login(account("editor"))
        response = client.post(
            "/admin/tracker/deployment/",
            {"action": "unpublish", "_selected_action": [entry.pk]},
            follow=True,
        )
        assert response.status_code == 200
        assert state_of(entry) == State.PUBLISHED


class TestSubmitting:
    def test_a_draft_can_be_submitted_for_review(self):
        entry = DeploymentFactory(state=State.DRAFT)
        workflow.submit(entry, account("editor"))
        assert state_of(entry) == State.REVIEW

    def test_a_published_entry_cannot_be_submitted_back_to_review(self, client):
        entry = published_deployment(title="Cameras in Niš")
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.submit(entry, account("editor"))
        assert str(refused.value) == "“Cameras in Niš” is published."
        assert state_of(entry) == State.PUBLISHED
        assert client.get(entry.get_absolute_url()).status_code == 200

    def test_a_retracted_entry_cannot_be_submitted_for_review(self):
        entry = retracted_deployment()
        with pytest.raises(workflow.WorkflowError, match="is retracted"):
            workflow.submit(entry, account("editor"))
        assert state_of(entry) == State.RETRACTED


class TestRetracting:
    @pytest.mark.parametrize("state", [State.DRAFT, State.REVIEW])
    def test_an_entry_never_published_cannot_be_retracted(self, client, state):
        entry = DeploymentFactory(state=state)
        with pytest.raises(workflow.WorkflowError, match="Only a published entry"):
            workflow.retract(entry, "Never true.", account("publisher"))
        assert state_of(entry) == state
        # Retracting would have given the draft a public page, marked as retracted.
        assert client.get(entry.get_absolute_url()).status_code == 404

    def test_a_retracted_entry_cannot_be_retracted_again_with_another_reason(self):
        entry = retracted_deployment(reason="First reason.")
        with pytest.raises(workflow.WorkflowError, match="Only a published entry"):
            workflow.retract(entry, "Second reason.", account("publisher"))
        assert Deployment.objects.get(pk=entry.pk).retraction_reason == "First reason."

    def test_an_editor_cannot_retract(self):
        entry = published_deployment()
        with pytest.raises(workflow.WorkflowError, match="You cannot retract"):
            workflow.retract(entry, "Wrong.", account("editor"))
        assert state_of(entry) == State.PUBLISHED

    def test_a_retraction_needs_a_reason(self):
        entry = published_deployment(title="Cameras in Niš")
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.retract(entry, "   ", account("publisher"))
        assert str(refused.value) == (
            "Say why “Cameras in Niš” is retracted: readers will see the reason."
        )
        assert state_of(entry) == State.PUBLISHED

    def test_a_retraction_with_no_reason_at_all_is_refused(self):
        entry = published_deployment()
        with pytest.raises(workflow.WorkflowError, match="Say why"):
            workflow.retract(entry, None, account("publisher"))
        assert state_of(entry) == State.PUBLISHED

    def test_a_publisher_retracts_with_the_reason_and_date_readers_see(self, client):
        entry = published_deployment()
        workflow.retract(entry, "  The source corrected itself.  ", account("publisher"))
        assert state_of(entry) == State.RETRACTED
        body = client.get(entry.get_absolute_url()).content.decode()
        today = timezone.localdate()
        assert f"Retracted on {today:%-d %B %Y}.</strong> The source corrected itself." in body


class TestPublishing:
    def test_an_editor_cannot_publish(self, client):
        entry = DeploymentFactory(state=State.REVIEW)
        with pytest.raises(workflow.WorkflowError, match="You cannot publish"):
            workflow.publish(entry, account("editor"))
        assert state_of(entry) == State.REVIEW
        assert client.get(entry.get_absolute_url()).status_code == 404

    def test_republishing_a_retracted_entry_clears_its_retraction(self, client):
        entry = retracted_deployment(reason="Doubtful.")
        workflow.publish(entry, account("publisher"))
        entry = Deployment.objects.get(pk=entry.pk)
        assert (entry.state, entry.retraction_reason, entry.retracted_at) == (
            State.PUBLISHED,
            "",
            None,
        )
        assert "Doubtful." not in client.get(entry.get_absolute_url()).content.decode()

    def test_an_entry_citing_nothing_is_refused_with_what_to_add(self, client):
        entry = DeploymentFactory(state=State.DRAFT, cited=False, title="Bare entry")
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.publish(entry, account("publisher"))
        assert str(refused.value) == (
            "“Bare entry” cannot be published yet. "
            "Add at least one citation to a source with a URL before publishing."
        )
        assert client.get(entry.get_absolute_url()).status_code == 404

    def test_a_refused_publish_leaves_the_entry_as_it_was_retraction_included(self):
        # What the admin shows next (the change form, the next entry of an action) is this
        # object: a refusal must not leave it looking published with its retraction gone.
        entry = retracted_deployment(reason="Doubtful.")
        retracted_at = entry.retracted_at
        entry.citations.all().delete()
        with pytest.raises(workflow.WorkflowError, match="cannot be published yet"):
            workflow.publish(entry, account("publisher"))
        for seen in (entry, Deployment.objects.get(pk=entry.pk)):
            assert (seen.state, seen.retraction_reason, seen.retracted_at) == (
                State.RETRACTED,
                "Doubtful.",
                retracted_at,
            )

    def test_every_fact_no_citation_states_is_named_in_the_refusal(self):
        entry = DeploymentFactory(state=State.DRAFT, cited=False, title="Half-sourced entry")
        CitationFactory(deployment=entry)
        entry.vendors.set([VendorFactory(name="Acme Vision")])
        entry.technologies.set([TechnologyFactory(name="Gait recognition")])
        problems = entry.publish_problems()
        assert len(problems) == 2
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.publish(entry, account("publisher"))
        message = str(refused.value)
        assert message == "“Half-sourced entry” cannot be published yet. " + " ".join(problems)
        assert "Acme Vision" in message
        assert "Gait recognition" in message
        assert state_of(entry) == State.DRAFT

    def test_a_new_entry_saved_as_published_at_once_is_refused_until_cited(self):
        from django.core.exceptions import ValidationError

        from tests.factories import country

        entry = Deployment(title="New entry", slug="new-entry", country=country("RS"))
        entry.state = State.PUBLISHED
        with pytest.raises(ValidationError) as refused:
            entry.save()
        assert refused.value.messages == [
            "Add at least one citation to a source with a URL before publishing."
        ]

    def test_the_refusal_tells_the_editor_what_to_tick_for_each_unstated_fact(self):
        entry = DeploymentFactory(state=State.DRAFT, cited=False, start_year=2019)
        CitationFactory(deployment=entry, states_year=False)
        entry.vendors.set([VendorFactory(name="Acme Vision")])
        entry.technologies.set([TechnologyFactory(name="Gait recognition")])
        assert entry.publish_problems() == [
            "No citation states the vendor(s) Acme Vision: tick them on the citation that names "
            "them, or remove them from the entry.",
            "No citation states the technology(ies) Gait recognition: tick them on the citation "
            "that names them, or remove them from the entry.",
            "No citation states the year: tick “states the year” on the one that does.",
        ]

    def test_several_unstated_vendors_and_technologies_are_listed_by_name(self):
        entry = DeploymentFactory(state=State.DRAFT, cited=False)
        CitationFactory(deployment=entry)
        entry.vendors.set([VendorFactory(name="Acme Vision"), VendorFactory(name="Beta Systems")])
        entry.technologies.set(
            [TechnologyFactory(name="Gait recognition"), TechnologyFactory(name="Iris scanning")]
        )
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.publish(entry, account("publisher"))
        message = str(refused.value)
        assert "No citation states the vendor(s) Acme Vision, Beta Systems: tick" in message
        assert "states the technology(ies) Gait recognition, Iris scanning: tick" in message


def test_publishing_many_entries_at_once_is_refused_with_the_way_to_do_it():
    entry = DeploymentFactory(state=State.DRAFT)
    with pytest.raises(ValueError) as refused:
        Deployment.objects.filter(pk=entry.pk).update(state=State.PUBLISHED)
    assert str(refused.value) == (
        "Publish deployments one by one with tracker.editorial.workflow.publish()."
    )
