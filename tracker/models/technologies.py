"""The controlled vocabulary of surveillance technologies."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .languages import pick
from .natural_keys import remembered_while_loading


class TechnologyManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Technology(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    name_fr = models.CharField(
        _("French name"), max_length=100, blank=True, help_text=_("Shown on French pages.")
    )
    description_fr = models.TextField(_("French description"), blank=True)

    objects = TechnologyManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical technology"),
        verbose_name_plural=_("historical technologies"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")

    def __str__(self):
        return self.local_name

    def get_absolute_url(self):
        return reverse("technology-detail", args=[self.slug])

    @property
    def local_name(self):
        return pick(self.name, self.name_fr)

    @property
    def local_description(self):
        return pick(self.description, self.description_fr)

    def natural_key(self):
        return (self.slug,)
