"""Admin login protection (django-axes): lockout per account and address, cool-off, clearing.

Driven through the real login form, as a password-guessing script or a forgetful editor would.
"""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import F
from django.test import Client

from tests.factories import account

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def alice():
    user = account("editor")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client):
    return client.get("/admin/").status_code == 200


def let_cool_off_pass():
    """As if the cool-off had elapsed since the last failure."""
    later = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - later)


def test_20_wrong_passwords_lock_the_account_with_a_message(client, alice, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    statuses = [log_in(client, alice.username, f"guess {n}").status_code for n in range(20)]

    limit = settings.AXES_FAILURE_LIMIT
    assert limit <= 5
    # Wrong passwords are answered by the form until the limit, then by the lockout page.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * (20 - limit + 1)
    response = log_in(client, alice.username, "guess 21")
    text = response.content.decode()
    assert "Too many failed logins for this account from your address" in text
    assert "refused for the next 15 minutes, even with the right password" in text
    assert response["Retry-After"] == str(15 * 60)
    # Logged, and kept where publishers can read it.
    assert "AXES: Locking out" in caplog.text
    assert AccessFailureLog.objects.filter(username=alice.username).count() == 21


def test_the_right_password_is_refused_until_the_cool_off_has_passed(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, alice.username, f"guess {n}")

    response = log_in(client, alice.username, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)

    let_cool_off_pass()
    response = log_in(client, alice.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_each_attempt_while_locked_out_starts_the_wait_again(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, alice.username, f"guess {n}")
    ten_minutes = timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - ten_minutes)
    assert log_in(client, alice.username, "one more guess").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - ten_minutes)
    # 20 minutes after the lockout, but 10 after the last attempt: still refused.
    assert log_in(client, alice.username, PASSWORD).status_code == 429
    let_cool_off_pass()
    assert log_in(client, alice.username, PASSWORD).status_code == 302


def test_a_few_typos_then_the_right_password_work_and_start_the_count_again(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, alice.username, f"typo {n}").status_code == 200
    assert log_in(client, alice.username, PASSWORD).status_code == 302
    client.logout()
    # The success reset the count: as many typos again are still answered by the form.
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, alice.username, f"typo {n}").status_code == 200


def test_the_lockout_is_per_account_and_address(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, alice.username, f"guess {n}")
    assert log_in(client, alice.username, PASSWORD).status_code == 429

    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert log_in(elsewhere, alice.username, PASSWORD).status_code == 302


def test_a_publisher_sees_the_lockout_and_clears_it(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, alice.username, f"guess {n}")

    publisher = Client()
    publisher.force_login(account("publisher"))
    listing = publisher.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert alice.username in listing.content.decode()
    assert "Locked Out" in listing.content.decode()

    attempt = AccessAttempt.objects.get(username=alice.username)
    response = publisher.post(
        "/admin/axes/accessattempt/",
        {"action": "clear_lockouts", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert f"Cleared 1 lockout(s): {alice.username} from 127.0.0.1." in response.content.decode()

    assert log_in(client, alice.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_editor_cannot_see_or_clear_lockouts(client, alice):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, alice.username, f"guess {n}")
    other = Client()
    other.force_login(_second_editor())
    assert other.get("/admin/axes/accessattempt/").status_code == 403
    attempt = AccessAttempt.objects.get(username=alice.username)
    other.post(
        "/admin/axes/accessattempt/",
        {"action": "clear_lockouts", "_selected_action": [attempt.pk]},
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def _second_editor():
    from django.contrib.auth.models import User

    from tracker.editorial.roles import EDITOR, setup_roles

    user = User.objects.create_user("bob", password="pw", is_staff=True)
    user.groups.add(setup_roles()[EDITOR])
    return user


def test_behind_a_proxy_the_lockout_counts_the_readers_address_not_the_proxys(settings, alice):
    """With TRACKER_TRUSTED_PROXIES=1 (one nginx), a guesser cannot lock out the editor."""
    settings.TRACKER_TRUSTED_PROXIES = 1
    guesser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(guesser, alice.username, f"guess {n}")
    assert log_in(guesser, alice.username, PASSWORD).status_code == 429

    editor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert log_in(editor, alice.username, PASSWORD).status_code == 302
    # A forged header in front of the proxy's entry changes nothing: the proxy's entry counts.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.9")
    assert log_in(forged, alice.username, PASSWORD).status_code == 429
