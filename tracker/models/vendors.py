"""Vendors of surveillance technology and the other names they go by."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords


class VendorManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Vendor(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    headquarters = models.ForeignKey(
        "tracker.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendors_headquartered",
        help_text="Country of the head office, where a source says so.",
    )
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(
        "short description", blank=True, help_text="One or two sentences, from the sources."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VendorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Two vendors called "Hikvision" and "hikvision" would split one company's record.
            models.UniqueConstraint(Lower("name"), name="vendor_name_ci_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vendor-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class VendorAliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)


class VendorAlias(models.Model):
    """Another spelling of a vendor's name, so search and importers find the one vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    objects = VendorAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "vendor aliases"
        constraints = [
            # One spelling points at one vendor, whatever its case.
            models.UniqueConstraint(Lower("name"), name="vendoralias_name_ci_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.vendor.get_absolute_url()

    def natural_key(self):
        return (self.name,)
