"""A vendor's entry on a government restriction list (sanctions, export blacklists)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .natural_keys import remembered_while_loading
from .sources import Cited, DatePrecision, partial_date


class DesignationManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, vendor_slug, authority, list_name):
        return self.get(vendor__slug=vendor_slug, authority=authority, list_name=list_name)


class Designation(Cited):
    vendor = models.ForeignKey(
        "tracker.Vendor",
        on_delete=models.CASCADE,
        related_name="designations",
        verbose_name=_("vendor"),
    )
    authority = models.CharField(
        _("authority"),
        max_length=200,
        help_text=_("Who keeps the list, e.g. “United States government”."),
    )
    list_name = models.CharField(
        _("list name"), max_length=200, help_text=_("The list as the source names it.")
    )
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    listed_on_precision = models.CharField(
        _("listed on precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Caveats a reader should know."))

    objects = DesignationManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical designation"),
        verbose_name_plural=_("historical designations"),
    )

    class Meta(Cited.Meta):
        ordering = ["-listed_on", "vendor__name"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            *Cited.Meta.constraints,
            # One entry per vendor per list.
            models.UniqueConstraint(
                fields=["vendor", "authority", "list_name"], name="designation_unique_per_list"
            ),
        ]

    def __str__(self):
        return gettext("%(vendor)s on %(authority)s: %(list)s") % {
            "vendor": self.vendor,
            "authority": self.authority,
            "list": self.list_name,
        }

    def get_absolute_url(self):
        return reverse("vendor-detail", args=[self.vendor.slug]) + "#designations"

    def natural_key(self):
        return (self.vendor.slug, self.authority, self.list_name)

    natural_key.dependencies = ["tracker.vendor"]

    @property
    def listed_on_display(self):
        return partial_date(self.listed_on, self.listed_on_precision)
