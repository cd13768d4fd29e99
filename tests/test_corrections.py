"""Corrections from readers: stored for the editors, protected from abuse, never an edit."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import published_deployment
from tracker.editorial import corrections
from tracker.editorial.corrections import CorrectionForm, address_hash, correction_form_for
from tracker.models import Correction, Deployment

pytestmark = pytest.mark.django_db

READER = "203.0.113.7"
OTHER_READER = "198.51.100.23"
MESSAGE = "The contract was signed in 2019, not 2017: <see> the “annual report” & page 12."
VALID = {
    "message": MESSAGE,
    "source_url": "https://news.example.org/annual-report",
    "email": "reader@example.org",
}


def url(deployment):
    return f"/en/deployments/{deployment.slug}/corrections/"


def send(client, deployment, address=READER, **data):
    return client.post(url(deployment), {**VALID, **data}, REMOTE_ADDR=address)


def snapshot(deployment):
    """Everything stored about an entry: its row, its history, its citations."""
    return (
        Deployment.objects.filter(pk=deployment.pk).values().get(),
        deployment.changes.count(),
        list(deployment.citations.values()),
        list(deployment.vendors.values_list("pk", flat=True)),
    )


def thanks_shown(response):
    return [str(m) for m in get_messages(response.wsgi_request) if "correction" in m.tags]


@pytest.fixture
def deployment():
    return published_deployment()


class TestAValidCorrection:
    def test_is_stored_and_answered_with_a_303_to_the_entry(self, client, deployment):
        response = send(client, deployment)
        assert response.status_code == 303
        assert response["Location"] == deployment.get_absolute_url() + "#correction"
        correction = Correction.objects.get()
        assert correction.deployment == deployment
        assert correction.message == MESSAGE
        assert correction.source_url == VALID["source_url"]
        assert correction.email == VALID["email"]
        assert correction.status == Correction.Status.OPEN
        assert correction.handled_by is None
        assert correction.handled_at is None

    def test_confirms_it_on_the_page_the_reader_is_sent_back_to(self, client, deployment):
        response = client.post(url(deployment), VALID, REMOTE_ADDR=READER, follow=True)
        assert response.redirect_chain == [(deployment.get_absolute_url() + "#correction", 303)]
        assert response.status_code == 200
        assert thanks_shown(response) == [corrections.THANKS]

    def test_does_not_change_the_entry_it_is_about(self, client, deployment):
        before = snapshot(deployment)
        assert send(client, deployment).status_code == 303
        assert snapshot(deployment) == before

    def test_stores_a_keyed_hash_of_the_address_never_the_address(self, client, deployment):
        send(client, deployment)
        correction = Correction.objects.get()
        assert correction.address_hash == address_hash(READER)
        assert len(correction.address_hash) == 64
        stored = Correction.objects.filter(pk=correction.pk).values().get()
        assert not any(READER in str(value) for value in stored.values())

    def test_needs_only_the_message(self, client, deployment):
        response = send(client, deployment, source_url="", email="")
        assert response.status_code == 303
        assert Correction.objects.get().source_url == ""

    def test_of_2000_characters_with_line_breaks_sent_as_cr_lf_is_accepted(
        self, client, deployment
    ):
        # Browsers count a line break as one character and send it as two.
        message = "\r\n".join(["x" * 199] * 10) + "x"
        assert len(message) == 2009
        assert len(message.replace("\r\n", "\n")) == 2000
        assert send(client, deployment, message=message).status_code == 303
        assert Correction.objects.get().message == message.replace("\r\n", "\n")

    def test_is_accepted_on_a_retracted_entry_which_keeps_its_page(self, client):
        retracted = published_deployment()
        retracted.state = Deployment.State.RETRACTED
        retracted.retraction_reason = "The source withdrew the report."
        retracted.save()
        assert send(client, retracted).status_code == 303
        assert Correction.objects.get().deployment == retracted


class TestAnInvalidCorrection:
    @pytest.mark.parametrize(
        ("field", "data", "error"),
        [
            ("message", {"message": ""}, "Say what is wrong."),
            ("message", {"message": "   "}, "Say what is wrong."),
            ("message", {"message": "x" * 2001}, "at most: this has 2001."),
            ("source_url", {"source_url": "not a web address"}, "Enter a full web address"),
            ("source_url", {"source_url": "javascript:alert(1)"}, "Enter a full web address"),
            ("source_url", {"source_url": "ftp://files.example.org/x"}, "Enter a full web"),
            ("email", {"email": "reader@"}, "Enter an email address such as"),
        ],
        ids=[
            "empty message",
            "blank message",
            "2,001 characters",
            "bad URL",
            "script URL",
            "FTP URL",
            "bad email",
        ],
    )
    def test_gets_a_400_with_the_error_next_to_its_field_and_nothing_stored(
        self, client, deployment, field, data, error
    ):
        response = send(client, deployment, **data)
        body = response.content.decode()
        assert response.status_code == 400
        assert Correction.objects.count() == 0
        assert escape(error) in body
        # The error is tied to its field, and the field is marked invalid.
        field_id = f"correction-{field}"
        assert f'id="{field_id}_error"' in body
        control = body.split(f'id="{field_id}"')[0].rsplit("<", 1)[1]
        assert 'aria-invalid="true"' in control
        assert f"{field_id}_error" in control
        # The summary links to the field.
        assert f'href="#{field_id}"' in body

    @pytest.mark.parametrize(
        "data",
        [
            {"message": ""},
            {"message": MESSAGE + "x" * 2001},
            {"source_url": "not a web address"},
            {"email": "reader@"},
        ],
        ids=["empty message", "2,001 characters", "bad URL", "bad email"],
    )
    def test_keeps_everything_the_reader_typed(self, client, deployment, data):
        typed = {**VALID, **data}
        response = send(client, deployment, **data)
        body = response.content.decode()
        assert response.status_code == 400
        for value in typed.values():
            if value:
                assert escape(value) in body

    def test_is_shown_on_a_page_with_a_way_back_and_a_form_that_can_be_sent_again(
        self, client, deployment
    ):
        response = send(client, deployment, message="")
        body = response.content.decode()
        assert "<title>Not sent: Suggest a correction: " in body
        assert "<h1>Suggest a correction to" in body
        assert f'href="{deployment.get_absolute_url()}"' in body
        assert f'action="{url(deployment)}"' in body
        assert "csrfmiddlewaretoken" in body


class TestTheHoneypot:
    def test_filled_stores_nothing_but_answers_like_a_success(self, client, deployment):
        genuine = send(Client(), deployment, address=OTHER_READER)
        Correction.objects.all().delete()

        response = send(client, deployment, website="https://spam.example.com/")
        assert Correction.objects.count() == 0
        assert response.status_code == genuine.status_code == 303
        assert response["Location"] == genuine["Location"]
        assert thanks_shown(response) == [corrections.THANKS]

    def test_filled_answers_like_a_success_even_when_the_rest_is_invalid(self, client, deployment):
        response = send(client, deployment, message="", email="x", website="bot")
        assert response.status_code == 303
        assert Correction.objects.count() == 0

    def test_is_labelled_out_of_the_tab_order_and_not_autofilled(self, client, deployment):
        html = str(CorrectionForm()["website"])
        assert 'tabindex="-1"' in html
        assert 'autocomplete="off"' in html
        assert CorrectionForm()["website"].label == "Leave this empty"
        rendered = render_form(deployment)
        assert '<label for="correction-website">Leave this empty</label>' in rendered
        assert '<div class="visually-hidden"><label for="correction-website">' in rendered


class TestTheRateLimit:
    def test_the_sixth_correction_within_an_hour_gets_a_429_and_is_not_stored(
        self, client, deployment
    ):
        for _ in range(5):
            assert send(client, deployment).status_code == 303
        response = send(client, deployment, message="A sixth one, kept for the reader.")
        body = response.content.decode()
        assert response.status_code == 429
        assert Correction.objects.count() == 5
        assert "has sent 5 corrections in the last hour" in body
        assert "A sixth one, kept for the reader." in body
        assert escape(VALID["source_url"]) in body
        assert 0 < int(response["Retry-After"]) <= 3600

    def test_another_address_is_not_limited(self, client, deployment):
        for _ in range(5):
            send(client, deployment)
        assert send(client, deployment).status_code == 429
        assert send(client, deployment, address=OTHER_READER).status_code == 303
        assert Correction.objects.count() == 6

    def test_counts_only_the_last_hour(self, client, deployment):
        for _ in range(5):
            send(client, deployment)
        Correction.objects.update(created_at=timezone.now() - timedelta(minutes=61))
        assert send(client, deployment).status_code == 303

    def test_applies_across_entries(self, client, deployment):
        for _ in range(5):
            send(client, deployment)
        assert send(client, published_deployment()).status_code == 429

    def test_is_not_fooled_by_a_forwarded_for_header_by_default(self, client, deployment):
        for i in range(5):
            send(client, deployment, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        response = client.post(
            url(deployment), VALID, REMOTE_ADDR=READER, HTTP_X_FORWARDED_FOR="192.0.2.99"
        )
        assert response.status_code == 429

    def test_uses_the_trusted_proxys_forwarded_for_entry_when_configured(
        self, client, deployment, settings
    ):
        settings.TRACKER_TRUSTED_PROXIES = 1
        proxy = "10.0.0.1"
        for _ in range(5):
            # A forged first entry; the proxy appended the real address last.
            client.post(
                url(deployment),
                VALID,
                REMOTE_ADDR=proxy,
                HTTP_X_FORWARDED_FOR=f"192.0.2.{_}, {READER}",
            )
        assert Correction.objects.filter(address_hash=address_hash(READER)).count() == 5
        blocked = client.post(
            url(deployment), VALID, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=READER
        )
        allowed = client.post(
            url(deployment), VALID, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OTHER_READER
        )
        assert (blocked.status_code, allowed.status_code) == (429, 303)

    def test_honeypot_hits_answer_like_success_even_past_the_limit(self, client, deployment):
        for _ in range(5):
            send(client, deployment)
        assert send(client, deployment, website="bot").status_code == 303
        assert Correction.objects.count() == 5


def test_address_hashes_group_an_ipv6_network_and_keep_ipv4_addresses_apart():
    assert address_hash("2001:db8:1:2::1") == address_hash("2001:db8:1:2:ffff::9")
    assert address_hash("2001:db8:1:2::1") != address_hash("2001:db8:1:3::1")
    assert address_hash("192.0.2.1") != address_hash("192.0.2.2")
    assert address_hash("::ffff:192.0.2.1") == address_hash("192.0.2.1")
    assert "192.0.2.1" not in address_hash("192.0.2.1")


@pytest.mark.parametrize(
    "state", [Deployment.State.DRAFT, Deployment.State.REVIEW], ids=["draft", "in review"]
)
def test_an_entry_without_a_public_page_answers_404(client, state, admin_user):
    hidden = published_deployment(state=state)
    assert send(client, hidden).status_code == 404
    client.force_login(admin_user)  # not even staff, who may preview it
    assert send(client, hidden).status_code == 404
    assert Correction.objects.count() == 0


def test_an_unknown_entry_answers_404(client):
    assert client.post("/en/deployments/no-such-entry/corrections/", VALID).status_code == 404


def test_a_get_goes_to_the_form_on_the_entrys_page(client, deployment):
    response = client.get(url(deployment))
    assert response.status_code == 302
    assert response["Location"] == deployment.get_absolute_url() + "#correction"
    assert client.put(url(deployment)).status_code == 405


class TestCSRF:
    def test_a_post_without_the_token_is_refused_and_stores_nothing(self, deployment):
        csrf_client = Client(enforce_csrf_checks=True)
        response = csrf_client.post(url(deployment), VALID, REMOTE_ADDR=READER)
        assert response.status_code == 403
        assert Correction.objects.count() == 0

    def test_a_post_with_the_token_is_accepted(self, deployment):
        csrf_client = Client(enforce_csrf_checks=True)
        secret = "a" * 32
        csrf_client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
        data = {**VALID, "csrfmiddlewaretoken": secret}
        assert csrf_client.post(url(deployment), data, REMOTE_ADDR=READER).status_code == 303
        assert Correction.objects.count() == 1


def render_form(deployment, form=None, request=None):
    return render_to_string(
        "includes/correction_form.html",
        {"correction_form": CorrectionForm() if form is None else form, "deployment": deployment},
        request=request or RequestFactory().get("/en/"),
    )


class TestTheForm:
    def test_has_a_label_for_every_control_and_help_tied_to_it(self, deployment):
        html = render_form(deployment)
        for name in ["message", "source_url", "email", "website"]:
            assert f'<label for="correction-{name}">' in html
            assert f'id="correction-{name}"' in html
        for name in ["message", "source_url", "email"]:
            assert f'id="correction-{name}_helptext"' in html
            assert f'aria-describedby="correction-{name}_helptext"' in html
        assert '<textarea name="message"' in html
        assert 'maxlength="2000"' in html
        assert 'type="url"' in html
        assert 'type="email"' in html
        assert f'action="/en/deployments/{deployment.slug}/corrections/"' in html
        assert 'method="post"' in html
        assert "<script" not in html
        assert "//" not in html.replace("https://example.org/report", "")

    def test_shows_the_thank_you_from_the_messages_framework(self, deployment):
        request = RequestFactory().get(deployment.get_absolute_url())
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        corrections.messages.success(request, corrections.THANKS, extra_tags="correction")
        corrections.messages.info(request, "Something else entirely.")
        html = render_form(deployment, request=request)
        assert f'<p class="correction-thanks" role="status">{corrections.THANKS}</p>' in html
        assert "Something else entirely." not in html

    def test_is_offered_on_public_entries_and_not_on_previews_of_drafts(self):
        assert isinstance(correction_form_for(published_deployment()), CorrectionForm)
        assert correction_form_for(published_deployment(state=Deployment.State.DRAFT)) is None
        assert render_form(published_deployment(), form="").strip() == ""


class TestTheDatabase:
    def test_refuses_a_message_longer_than_2000_characters(self, deployment):
        with pytest.raises(IntegrityError), transaction.atomic():
            Correction.objects.create(deployment=deployment, message="x" * 2001, address_hash="h")

    def test_refuses_a_decision_without_a_date(self, deployment):
        with pytest.raises(IntegrityError), transaction.atomic():
            Correction.objects.create(
                deployment=deployment, message="x", address_hash="h", status="accepted"
            )

    def test_removes_corrections_with_their_entry(self, deployment):
        Correction.objects.create(deployment=deployment, message="x", address_hash="h")
        deployment.delete()
        assert Correction.objects.count() == 0


class TestTheAdmin:
    @pytest.fixture
    def correction(self, deployment):
        return Correction.objects.create(
            deployment=deployment,
            message="The vendor is misnamed: it is Acme Vision, not Acme Visual.",
            source_url="https://registry.example.org/acme",
            email="reader@example.org",
            address_hash=address_hash(READER),
        )

    def test_lists_the_correction_with_its_entry_and_status(self, admin_client, correction):
        response = admin_client.get(reverse("admin:tracker_correction_changelist"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "The vendor is misnamed" in body
        assert escape(correction.deployment.title) in body
        assert "Open" in body
        assert (
            admin_client.get(
                reverse("admin:tracker_correction_changelist"), {"status__exact": "accepted"}
            )
            .content.decode()
            .count("The vendor is misnamed")
            == 0
        )
        found = admin_client.get(reverse("admin:tracker_correction_changelist"), {"q": "Acme"})
        assert "The vendor is misnamed" in found.content.decode()

    def test_shows_the_readers_text_read_only_with_a_link_to_the_entrys_admin_page(
        self, admin_client, correction
    ):
        change = reverse("admin:tracker_correction_change", args=[correction.pk])
        body = admin_client.get(change).content.decode()
        deployment_admin = reverse(
            "admin:tracker_deployment_change", args=[correction.deployment.pk]
        )
        assert f'href="{deployment_admin}"' in body
        assert "Acme Vision" in body
        for name in ["message", "source_url", "email", "deployment"]:
            assert f'name="{name}"' not in body
        assert 'name="status"' in body
        assert 'name="editor_note"' in body
        assert 'rel="noopener noreferrer nofollow"' in body

    def test_accepting_records_who_and_when_and_leaves_the_entry_alone(
        self, admin_client, admin_user, correction
    ):
        before = snapshot(correction.deployment)
        change = reverse("admin:tracker_correction_change", args=[correction.pk])
        response = admin_client.post(
            change, {"status": "accepted", "editor_note": "Checked the registry.", "_save": "1"}
        )
        assert response.status_code == 302
        correction.refresh_from_db()
        assert correction.status == Correction.Status.ACCEPTED
        assert correction.editor_note == "Checked the registry."
        assert correction.handled_by == admin_user
        assert timezone.now() - correction.handled_at < timedelta(minutes=1)
        assert correction.message.startswith("The vendor is misnamed")
        assert snapshot(correction.deployment) == before

    def test_saving_a_note_alone_does_not_record_a_decision(self, admin_client, correction):
        change = reverse("admin:tracker_correction_change", args=[correction.pk])
        admin_client.post(change, {"status": "open", "editor_note": "Asked the reader."})
        correction.refresh_from_db()
        assert (correction.status, correction.handled_by, correction.handled_at) == (
            "open",
            None,
            None,
        )

    def test_reopening_clears_the_decision(self, admin_client, admin_user, correction):
        correction.decide(Correction.Status.REJECTED, admin_user)
        correction.save()
        change = reverse("admin:tracker_correction_change", args=[correction.pk])
        admin_client.post(change, {"status": "open", "editor_note": ""})
        correction.refresh_from_db()
        assert (correction.handled_by, correction.handled_at) == (None, None)

    @pytest.mark.parametrize("action", ["mark_accepted", "mark_rejected"])
    def test_the_actions_record_who_and_when(self, admin_client, admin_user, correction, action):
        before = snapshot(correction.deployment)
        response = admin_client.post(
            reverse("admin:tracker_correction_changelist"),
            {"action": action, "_selected_action": [correction.pk]},
            follow=True,
        )
        assert "1 correction marked" in response.content.decode()
        correction.refresh_from_db()
        assert correction.status == action.removeprefix("mark_")
        assert correction.handled_by == admin_user
        assert correction.handled_at is not None
        assert snapshot(correction.deployment) == before

    def test_editors_cannot_add_corrections_themselves(self, admin_client):
        assert admin_client.get(reverse("admin:tracker_correction_add")).status_code == 403

    def test_an_editor_with_the_roles_permissions_can_accept(self, client, correction):
        from tracker.editorial.roles import EDITOR, setup_roles

        editor = User.objects.create_user("editor", password="x", is_staff=True)
        editor.groups.add(setup_roles()[EDITOR])
        client.force_login(editor)
        change = reverse("admin:tracker_correction_change", args=[correction.pk])
        assert client.get(change).status_code == 200
        client.post(change, {"status": "accepted", "editor_note": ""})
        correction.refresh_from_db()
        assert correction.handled_by == editor


@pytest.mark.urls(django_settings.ROOT_URLCONF)
class TestTheSite:
    """The form as readers meet it: routed by the site's own URLs, on the entry's page."""

    def test_the_real_route_takes_corrections(self, client, deployment):
        resolve(url(deployment))
        assert send(client, deployment).status_code == 303
        assert Correction.objects.count() == 1

    def test_the_entrys_page_shows_the_form_and_then_the_thank_you(self, client, deployment):
        body = client.get(deployment.get_absolute_url()).content.decode()
        assert 'id="correction"' in body
        assert f'action="{url(deployment)}"' in body
        assert "csrfmiddlewaretoken" in body
        response = client.post(url(deployment), VALID, REMOTE_ADDR=READER, follow=True)
        assert escape(corrections.THANKS) in response.content.decode()

    def test_a_staff_preview_of_a_draft_offers_no_form(self, admin_client):
        draft = published_deployment(state=Deployment.State.DRAFT)
        body = admin_client.get(draft.get_absolute_url()).content.decode()
        published = admin_client.get(published_deployment().get_absolute_url())
        assert 'id="correction"' in published.content.decode()
        assert 'id="correction"' not in body
