"""Which version of each data file the site was loaded from (see manage.py load_site_data)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SiteDataLoad(models.Model):
    """A fixture loaded into this database: its file name, the SHA-256 of what was loaded, when.

    `make run` loads the site's data at every start; remembering what was loaded lets it do so
    once, so that later starts never undo what editors changed, deleted or renamed since.
    """

    name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site data load")
        verbose_name_plural = _("site data loads")

    def __str__(self):
        return f"{self.name} ({self.sha256[:12]}, {self.loaded_at:%Y-%m-%d %H:%M})"
