"""Corrections suggested by readers, and what an editor decided about each.

A correction is a message to the editors, never an edit: nothing here changes the deployment
it is about. Readers' addresses are not stored, only a keyed hash of them (see
tracker.editorial.corrections), so that one address can be rate-limited without being known.

Corrections have no django-simple-history table on purpose: a reader's email must go for good
when the correction is deleted. The decision itself is recorded in handled_by / handled_at.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 2000
SOURCE_URL_MAX_LENGTH = 800


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Correction.Status.OPEN)

    def from_address_since(self, address_hash, since):
        """What one (hashed) client address sent since ``since``: the rate limit's count."""
        return self.filter(address_hash=address_hash, created_at__gte=since)

    def mark(self, status, user):
        """Record a decision on these corrections in one query; returns how many changed."""
        return self.exclude(status=status).update(status=status, **handling(status, user))


def handling(status, user):
    """Who decided and when, for a correction moved to ``status`` (cleared when reopened)."""
    if status == Correction.Status.OPEN:
        return {"handled_by": None, "handled_at": None}
    return {"handled_by": user, "handled_at": timezone.now()}


class Correction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    deployment = models.ForeignKey(
        "tracker.Deployment",
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("deployment"),
    )
    message = models.TextField(_("what is wrong"), max_length=MESSAGE_MAX_LENGTH)
    source_url = models.URLField(_("source URL"), max_length=SOURCE_URL_MAX_LENGTH, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    editor_note = models.TextField(
        _("editor note"),
        blank=True,
        help_text=_("For editors only: what was checked and decided. Never shown to the reader."),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Keyed hash of the client address (editorial.corrections.address_hash), never the address.
    address_hash = models.CharField(max_length=64, editable=False)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [
            # The rate limit counts one address's corrections within the last hour.
            models.Index(fields=["address_hash", "created_at"], name="correction_address_idx"),
            # The editors' queue: open corrections, newest first.
            models.Index(fields=["status", "-created_at"], name="correction_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "accepted", "rejected"]),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(message=""), name="correction_message_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), MESSAGE_MAX_LENGTH),
                name="correction_message_max_length",
            ),
            # A decision has a date; an open correction has none.
            models.CheckConstraint(
                condition=models.Q(status="open", handled_at__isnull=True)
                | (~models.Q(status="open") & models.Q(handled_at__isnull=False)),
                name="correction_handled_has_date",
            ),
        ]

    def __str__(self):
        return gettext("Correction to “%(deployment)s” (%(status)s)") % {
            "deployment": self.deployment,
            "status": self.get_status_display().lower(),
        }

    def get_absolute_url(self):
        """The page the correction is about (the admin's "view on site")."""
        return self.deployment.get_absolute_url()

    def decide(self, status, user):
        """Set ``status``, recording who decided and when (cleared when reopened); not saved."""
        self.status = status
        for field, value in handling(status, user).items():
            setattr(self, field, value)
