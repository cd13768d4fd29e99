"""Two editors edit the same deployment: the second save, from a stale form, is refused.

Each editor opens the change form in their own browser session (client), as in real life; the
hidden loaded_version comes from the page each one received.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DeploymentFactory, account
from tests.test_workflow import change_form_data
from tracker.models import Deployment

pytestmark = pytest.mark.django_db


def editor(name):
    from django.contrib.auth.models import User

    from tracker.editorial.roles import EDITOR, setup_roles

    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(setup_roles()[EDITOR])
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def open_form(client, deployment):
    """GET the change form; returns the version the page carries."""
    page = client.get(reverse("admin:tracker_deployment_change", args=[deployment.pk]))
    assert page.status_code == 200
    return re.search(r'name="loaded_version" value="(\d+)"', page.content.decode()).group(1)


def save(client, deployment, version, **changes):
    url = reverse("admin:tracker_deployment_change", args=[deployment.pk])
    return client.post(url, change_form_data(deployment, loaded_version=version, **changes))


@pytest.fixture
def entry():
    return DeploymentFactory(title="Belgrade cameras", summary="Thousands of cameras.")


def test_the_second_of_two_editors_is_told_what_changed_and_loses_nothing(entry):
    alice, bob = editor("alice"), editor("bob")
    alice_version = open_form(alice, entry)
    bob_version = open_form(bob, entry)

    first = save(alice, entry, alice_version, title="Belgrade Safe City cameras")
    assert first.status_code == 302

    second = save(bob, entry, bob_version, summary="Bob's new summary.")
    body = second.content.decode()
    assert second.status_code == 200
    assert "Not saved: this entry was changed by someone else after you opened it" in body
    assert "Changed meanwhile: title (English) (alice," in body
    # Bob's text is still in his form; Alice's change is still in the database.
    assert "Bob&#x27;s new summary." in body
    entry.refresh_from_db()
    assert entry.title == "Belgrade Safe City cameras"
    assert entry.summary == "Thousands of cameras."

    # Having seen the message, Bob saves again on purpose: the form now carries the new version.
    new_version = re.search(r'name="loaded_version" value="(\d+)"', body).group(1)
    assert new_version != bob_version
    third = save(bob, entry, new_version, title=entry.title, summary="Bob's new summary.")
    assert third.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("Belgrade Safe City cameras", "Bob's new summary.")


def test_a_change_made_outside_the_form_also_makes_it_stale(entry):
    alice = editor("alice")
    version = open_form(alice, entry)
    publisher = account("publisher")
    entry.refresh_from_db()
    entry.scale = "2,000 cameras"
    entry._history_user = publisher
    entry.save()

    response = save(alice, entry, version, summary="Alice's summary.")
    assert response.status_code == 200
    assert "Changed meanwhile: scale (publisher," in response.content.decode()
    assert Deployment.objects.get(pk=entry.pk).summary == "Thousands of cameras."


def test_one_editor_saving_twice_in_a_row_is_not_refused(entry):
    alice = editor("alice")
    assert save(alice, entry, open_form(alice, entry), summary="First.").status_code == 302
    assert save(alice, entry, open_form(alice, entry), summary="Second.").status_code == 302
    assert Deployment.objects.get(pk=entry.pk).summary == "Second."
