"""Aggregate findings: what a source says about many deployments at once.

"63 countries imported Chinese AI surveillance technology by September 2019" is not a
deployment, but readers should see it, with its source, next to the entries it is about.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .natural_keys import remembered_while_loading
from .sources import Cited, DatePrecision, partial_date


class FindingManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Finding(Cited):
    slug = models.SlugField(max_length=120, unique=True)
    statement = models.TextField(
        _("statement"),
        help_text=_("The finding in plain English, saying no more than the quote does."),
    )
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("When the finding held.")
    )
    as_of_precision = models.CharField(
        _("as of precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    countries = models.ManyToManyField(
        "tracker.Country",
        blank=True,
        related_name="findings",
        verbose_name=_("countries"),
        help_text=_("Countries it concerns."),
    )
    vendors = models.ManyToManyField(
        "tracker.Vendor", blank=True, related_name="findings", verbose_name=_("vendors")
    )
    technologies = models.ManyToManyField(
        "tracker.Technology",
        blank=True,
        related_name="findings",
        verbose_name=_("technologies"),
    )
    origin_countries = models.ManyToManyField(
        "tracker.Country",
        blank=True,
        related_name="findings_as_origin",
        verbose_name=_("technology from"),
        help_text=_(
            "Where the source says the technology it speaks of came from (e.g. Carnegie's "
            "“China Tech?” column)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FindingManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical finding"), verbose_name_plural=_("historical findings")
    )

    class Meta(Cited.Meta):
        ordering = ["-as_of", "slug"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return self.statement[:80]

    def get_absolute_url(self):
        return reverse("finding-list") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def as_of_display(self):
        return partial_date(self.as_of, self.as_of_precision)
