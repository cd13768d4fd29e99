"""Countries: every ISO 3166-1 entry (loaded from pycountry) plus the few that ISO lacks."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .languages import FRENCH, reader_language
from .natural_keys import remembered_while_loading

# What readers call a country where the stored name (pycountry's common name, else its ISO
# 3166-1 name) is an inverted or official form. Shown on pages only: the stored name stays what
# ISO and pycountry say, in the data, exports and admin filters, so codes and names still match
# other datasets.
DISPLAY_NAMES = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}


def display_name(iso2, name):
    """The name readers expect for the country with this code and stored name."""
    return DISPLAY_NAMES.get(iso2, name)


class CountryQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Annotate how many published deployments each country hosts (for indexes and maps).

        Aggregating drops Meta.ordering, so the name order is restated.
        """
        # Imported here: deployments.py refers to Country, and models import one way.
        from .deployments import counted

        return self.annotate(
            deployment_count=models.Count(
                "deployments",
                filter=counted("deployments"),
            )
        ).order_by("name")


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    @remembered_while_loading
    def get_by_natural_key(self, iso2):
        return self.get(iso2=iso2.upper())


class Country(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Short English name readers know.")
    )
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    iso2 = models.CharField(
        _("ISO alpha-2"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code, or a user-assigned one such as XK for Kosovo."),
    )
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True, help_text=_("UN M49 region."))
    subregion = models.CharField(
        _("subregion"), max_length=60, blank=True, help_text=_("UN M49 sub-region.")
    )
    is_iso = models.BooleanField(
        _("in ISO 3166-1"),
        default=True,
        help_text=_("False for entries ISO does not list (e.g. Kosovo)."),
    )
    slug = models.SlugField(max_length=100, unique=True)
    # pycountry's own French catalogue (iso3166-1), with readers' forms where ISO's is inverted
    # ("Russie", not "Russie, Fédération de"); filled by migration 0024.
    name_fr = models.CharField(
        _("French name"),
        max_length=100,
        blank=True,
        help_text=_("French name readers know, e.g. “Serbie”."),
    )

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            # Codes are stored upper-case so ?country=rs and ?country=RS mean the same row.
            models.CheckConstraint(
                condition=models.Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_upper"
            ),
        ]
        indexes = [
            # The region filter on the deployment list.
            models.Index(fields=["region"], name="country_region_idx"),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("country-detail", args=[self.slug])

    def natural_key(self):
        return (self.iso2,)

    @property
    def display_name(self):
        """The name for pages, in the reader's language: "Russia" on /en/, "Russie" on /fr/.

        ``name`` keeps the stored (ISO-based, English) one for data, exports and search.
        """
        if reader_language() == FRENCH and self.name_fr:
            return self.name_fr
        return self.english_name

    @property
    def english_name(self):
        """The common English name ("Russia"), whatever the reader's language."""
        return display_name(self.iso2, self.name)
