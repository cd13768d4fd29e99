"""Vendors of surveillance technology and the other names they go by."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .natural_keys import remembered_while_loading
from .sources import Cited, is_web_address, web_address, web_address_or_empty


def name_key(name):
    """What two spellings of a name share when they differ only in case, Unicode form or spaces.

    Computed in Python rather than with the database's LOWER(): SQLite's folds ASCII letters
    only, so "Élan" and "élan" would count as two vendors there and as one on PostgreSQL.
    """
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


class VendorManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Vendor(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Two vendors called "Hikvision" and "HIKVISION" would split one company's record.
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    slug = models.SlugField(max_length=120, unique=True)
    headquarters = models.ForeignKey(
        "tracker.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendors_headquartered",
        verbose_name=_("headquarters"),
        help_text=_("Country of the head office, where a source says so."),
    )
    # A head office decides where a vendor's technology "came from" on every entry it supplies,
    # so it is cited like any other claim: which source, its words and/or where in it.
    headquarters_source = models.ForeignKey(
        "tracker.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendors_located",
        verbose_name=_("headquarters: source"),
        help_text=_("The source that gives the head office."),
    )
    headquarters_quote = models.TextField(
        _("headquarters: the source's words"),
        blank=True,
        help_text=_("The words that give the head office, in the source's language."),
    )
    headquarters_locator = models.CharField(
        _("headquarters: where in the source"),
        max_length=300,
        blank=True,
        help_text=_("Page, paragraph or record id."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True, validators=[web_address])
    description = models.TextField(
        _("short description"), blank=True, help_text=_("One or two sentences, from the sources.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VendorManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical vendor"), verbose_name_plural=_("historical vendors")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(headquarters__isnull=True)
                | (
                    models.Q(headquarters_source__isnull=False)
                    & (~models.Q(headquarters_quote="") | ~models.Q(headquarters_locator=""))
                ),
                name="vendor_headquarters_cited",
                violation_error_message=_(
                    "Say which source gives the head office, with its words or where in it."
                ),
            ),
            # Only web addresses are linked: see sources.web_address_or_empty.
            models.CheckConstraint(
                condition=web_address_or_empty("website"), name="vendor_website_web"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vendor-detail", args=[self.slug])

    @property
    def website_link(self):
        """The website to put in an href: only ever an http(s) address, else empty."""
        return self.website if is_web_address(self.website) else ""

    def clean(self):
        if self.headquarters_id and not self.headquarters_source_id:
            raise ValidationError(
                {
                    "headquarters_source": gettext(
                        "Which source gives this head office? Cite it here."
                    )
                }
            )
        if self.headquarters_id and not (self.headquarters_quote or self.headquarters_locator):
            raise ValidationError(
                {
                    "headquarters_quote": gettext(
                        "Copy the source's words for the head office, or say where in the "
                        "source they are."
                    )
                }
            )
        clash = Vendor.objects.filter(name_key=name_key(self.name)).exclude(pk=self.pk).first()
        if clash:
            raise ValidationError(
                {
                    "name": gettext("There is already a vendor called “%(name)s”: add to that one.")
                    % {"name": clash.name}
                }
            )

    def natural_key(self):
        return (self.slug,)


class VendorAliasManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, name):
        return self.get(name_key=name_key(name))


class VendorAlias(models.Model):
    """Another spelling of a vendor's name, so search and importers find the one vendor."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("vendor")
    )
    name = models.CharField(_("name"), max_length=200)
    # One spelling points at one vendor, whatever its case.
    name_key = models.CharField(max_length=200, unique=True, editable=False)

    objects = VendorAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor alias")
        verbose_name_plural = _("vendor aliases")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.vendor.get_absolute_url()

    def clean(self):
        clash = (
            VendorAlias.objects.select_related("vendor")
            .filter(name_key=name_key(self.name))
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "name": gettext("“%(name)s” is already another name of %(vendor)s.")
                    % {"name": clash.name, "vendor": clash.vendor.name}
                }
            )

    def natural_key(self):
        return (self.name,)


class VendorRelationManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, vendor_slug, kind, other_slug):
        return self.get(vendor__slug=vendor_slug, kind=kind, other__slug=other_slug)


class VendorRelation(Cited):
    """A sourced tie between two companies: a subsidiary, a brand, a former name, a parent.

    "FinFisher is a brand of Gamma Group" lets a vendor's page show its group, and readers see
    that two names in the datasets are one business, without merging what the sources keep apart.
    """

    class Kind(models.TextChoices):
        SUBSIDIARY = "subsidiary", _("is a subsidiary of")
        BRAND = "brand", _("is a brand or product line of")
        FORMER_NAME = "former_name", _("is a former name of")
        PARENT = "parent", _("is the parent company of")
        SPUN_OFF = "spun_off", _("was spun off from")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="relations", verbose_name=_("vendor")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    other = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="relations_to",
        verbose_name=_("other"),
    )

    objects = VendorRelationManager()

    class Meta(Cited.Meta):
        ordering = ["vendor__name", "kind", "other__name"]
        verbose_name = _("vendor relation")
        verbose_name_plural = _("vendor relations")
        constraints = [
            *Cited.Meta.constraints,
            models.UniqueConstraint(
                fields=["vendor", "kind", "other"], name="vendorrelation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(vendor=models.F("other")), name="vendorrelation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.vendor} {self.get_kind_display()} {self.other}"

    def get_absolute_url(self):
        return self.vendor.get_absolute_url() + "#group"

    def natural_key(self):
        return (self.vendor.slug, self.kind, self.other.slug)

    natural_key.dependencies = ["tracker.vendor"]


@receiver(pre_save, sender=Vendor)
@receiver(pre_save, sender=VendorAlias)
def keep_name_key(sender, instance, **kwargs):
    # A signal rather than save(): loading fixtures saves raw, without calling save().
    instance.name_key = name_key(instance.name)
