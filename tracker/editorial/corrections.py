"""Corrections from readers: the form on each public deployment page, and the view taking it.

A correction is stored for the editors (tracker.editorial.corrections_admin) and changes
nothing on the page by itself. Abuse is kept down without JavaScript and without asking any other
host:

* Django's CSRF check: the view is never exempt.
* A honeypot: a "website" field hidden from sighted readers, out of the tab order and labelled
  "Leave this empty". When it is filled, nothing is stored and the answer is the same
  redirect and thank-you as a real submission, so a bot learns nothing.
* A rate limit: at most TRACKER_CORRECTIONS_PER_HOUR (default 5) corrections per client
  address per hour; past it, HTTP 429 with a sentence saying so and the reader's text kept.
  Only a keyed hash of the address is stored (HMAC with SECRET_KEY), never the address.
  Two submissions arriving at the same instant may both pass the count: the limit is there
  to stop floods, not to be exact.
* Length limits on every field, checked here and by the database.

The client address is REMOTE_ADDR and nothing else by default: X-Forwarded-For is written by
whoever sends the request, and trusting it would let anyone choose their own rate-limit
bucket. Behind a reverse proxy REMOTE_ADDR is the proxy's, so every reader would share one
limit; such a deployment must make its proxy send the client's address and either have the
server set REMOTE_ADDR from it, or set TRACKER_TRUSTED_PROXIES to the number of proxies in
front of the site that append to X-Forwarded-For (1 for a single nginx), so that the entry
the nearest trusted proxy wrote is used. IPv6 addresses are limited per /64 network, the
block one household or host usually gets.
"""

import ipaddress
import math
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.validators import URLValidator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ..models import Correction, Deployment
from ..models.corrections import MESSAGE_MAX_LENGTH, SOURCE_URL_MAX_LENGTH

ANCHOR = "correction"
HONEYPOT = "website"
RATE_WINDOW = timedelta(hours=1)
# English here (marked for translation); put in the reader's language when shown.
THANKS = gettext_noop(
    "Thank you: your correction has reached the editors. They check every suggestion against "
    "the sources; this page changes only if they find it should."
)


def corrections_per_hour():
    return getattr(settings, "TRACKER_CORRECTIONS_PER_HOUR", 5)


# --- Who is asking ------------------------------------------------------------------------


def client_address(request):
    """The address the rate limit counts: REMOTE_ADDR, or what trusted proxies say it was."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRACKER_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [entry.strip() for entry in forwarded if entry.strip()]
        # Each proxy appends the address it was connected from; earlier entries are hearsay.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def address_hash(address):
    """A keyed hash of the client address (its /64 for IPv6): countable, not reversible."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        key = address  # not an IP address (e.g. a Unix socket): all such requests share a key
    else:
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        key = str(ipaddress.ip_network(f"{ip}/64", strict=False) if ip.version == 6 else ip)
    return salted_hmac("tracker.editorial.corrections.address", key, algorithm="sha256").hexdigest()


# --- The form -----------------------------------------------------------------------------


class MessageField(forms.CharField):
    """Text whose line breaks count as one character, as the browser's maxlength counts them.

    Browsers send a line break as CR LF; without this, 2,000 characters typed within the
    textarea's limit could arrive as more than 2,000.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class WebAddressField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"])]


class CorrectionForm(forms.ModelForm):
    message = MessageField(
        label=_("What is wrong?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "What the page gets wrong or leaves out, and how you know. At most 2,000 characters."
        ),
        error_messages={
            "required": _("Say what is wrong."),
            "max_length": _("Keep it to 2,000 characters at most: this has %(show_value)d."),
        },
    )
    source_url = WebAddressField(
        label=_("A source that shows it (optional)"),
        required=False,
        max_length=SOURCE_URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("The web address of a report, record or article."),
        error_messages={
            "invalid": _(
                "Enter a full web address, such as https://example.org/report, or leave it empty."
            ),
            "max_length": _(
                "Web addresses longer than 800 characters are not accepted: this has "
                "%(show_value)d."
            ),
        },
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only if the editors may write to you about this. It is never published."),
        error_messages={
            "invalid": _("Enter an email address such as name@example.org, or leave it empty."),
            "max_length": _(
                "Email addresses have at most 254 characters: this has %(show_value)d."
            ),
        },
    )
    # The honeypot: people leave it empty, form-filling bots do not. See the module docstring.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Correction
        fields = ["message", "source_url", "email"]

    def __init__(self, *args, **kwargs):
        # Ids that cannot clash with anything else on the deployment page.
        kwargs.setdefault("auto_id", "correction-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def correction_form_for(deployment):
    """An empty form for a public entry; None for a staff preview of a draft (it would 404)."""
    if deployment.is_published or deployment.is_retracted:
        return CorrectionForm()
    return None


class CorrectionFormMixin:
    """Add to DeploymentDetailView: puts ``correction_form`` in the page's context."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("correction_form", correction_form_for(self.object))
        return super().get_context_data(**kwargs)


# --- The view -----------------------------------------------------------------------------


class SeeOther(HttpResponseRedirect):
    """303: the browser follows with a GET, so reloading the page does not send it again."""

    status_code = 303


# The page shown when a submission is refused (400, 429): the form alone, with the errors
# next to the fields and what the reader typed still in them.
def render_page(request, deployment, form, status):
    context = {"deployment": deployment, "correction_form": form}
    return render(request, "tracker/correction_page.html", context, status=status)


def thank(request, deployment):
    messages.success(request, gettext(THANKS), extra_tags=ANCHOR)
    return SeeOther(f"{deployment.get_absolute_url()}#{ANCHOR}")


def rate_limited(key):
    """Seconds until this address may send again, or 0 if it may now."""
    since = timezone.now() - RATE_WINDOW
    recent = Correction.objects.from_address_since(key, since)
    limit = corrections_per_hour()
    if recent.count() < limit:
        return 0
    oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
    return max(1, math.ceil((oldest + RATE_WINDOW - timezone.now()).total_seconds()))


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_correction(request, slug):
    """POST /deployments/<slug>/corrections/: take a reader's correction to a public entry."""
    deployment = get_object_or_404(Deployment.objects.public(), slug=slug)
    if request.method != "POST":
        return redirect(f"{deployment.get_absolute_url()}#{ANCHOR}")

    if request.POST.get(HONEYPOT, "").strip():
        return thank(request, deployment)  # stores nothing; looks the same as success

    form = CorrectionForm(request.POST)
    key = address_hash(client_address(request))
    if wait := rate_limited(key):
        minutes = math.ceil(wait / 60)
        form.add_error(
            None,
            ngettext(
                "This address has sent %(limit)s corrections in the last hour, the most we "
                "accept. Please send this one in about %(minutes)s minute; what you typed is "
                "kept below.",
                "This address has sent %(limit)s corrections in the last hour, the most we "
                "accept. Please send this one in about %(minutes)s minutes; what you typed is "
                "kept below.",
                minutes,
            )
            % {"limit": corrections_per_hour(), "minutes": minutes},
        )
        response = render_page(request, deployment, form, status=429)
        response["Retry-After"] = str(wait)
        return response

    if not form.is_valid():
        return render_page(request, deployment, form, status=400)

    correction = form.save(commit=False)
    correction.deployment = deployment
    correction.address_hash = key
    correction.save()
    return thank(request, deployment)
