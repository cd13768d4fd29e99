"""Sources (what we read) and the cited-claim fields shared by everything that quotes one."""

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .languages import reader_language
from .natural_keys import remembered_while_loading


class DatePrecision(models.TextChoices):
    """How much of a date the source actually gives ("December 2020" is a month)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def partial_date(value, precision):
    """A date written to the precision the source gives, never more ("December 2020")."""
    if not value:
        return ""
    # Month names in the reader's language ("décembre 2020"); the same words as before in English.
    formats = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "F Y"}
    return date_format(value, formats.get(precision, "j F Y"))


# Links readers follow: a javascript: or data: "URL" saved by any path (an import, the shell)
# would run in the reader's browser when clicked, so only web addresses are stored or linked.
WEB_SCHEMES = ("http://", "https://")
web_address = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


def is_web_address(value):
    return bool(value) and value.lower().startswith(WEB_SCHEMES)


def web_address_or_empty(field):
    """The database's version of the rule: empty (or NULL), or starting with http(s)://."""
    empty = models.Q(**{f"{field}__isnull": True}) | models.Q(**{field: ""})
    return (
        empty
        | models.Q(**{f"{field}__istartswith": "http://"})
        | models.Q(**{f"{field}__istartswith": "https://"})
    )


class SourceManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    class Kind(models.TextChoices):
        NEWS_ARTICLE = "news_article", _("News article")
        REPORT = "report", _("Report")
        DATASET = "dataset", _("Dataset")
        OFFICIAL_RECORD = "official_record", _("Official record")
        ACADEMIC = "academic", _("Academic publication")
        STATEMENT = "statement", _("Statement or interview")
        OTHER = "other", _("Other")

    title = models.CharField(
        _("title"),
        max_length=500,
        help_text=_(
            "The title as published. If the citing text does not give it, describe the "
            "source plainly (e.g. “Article in The Atlantic, December 2020”)."
        ),
    )
    slug = models.SlugField(max_length=120, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    authors = models.CharField(_("author(s)"), max_length=300, blank=True)
    url = models.URLField(
        _("URL"),
        max_length=800,
        unique=True,
        null=True,
        blank=True,
        validators=[web_address],
        help_text=_("Only a URL you have seen. Leave empty rather than guess."),
    )
    archive_url = models.URLField(
        _("archive URL"), max_length=800, blank=True, validators=[web_address]
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_on_precision = models.CharField(
        _("published on precision"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("For “December 2020” enter 2020-12-01 and choose Month."),
    )
    language = models.CharField(
        _("language"),
        max_length=12,
        blank=True,
        help_text=_("ISO 639-1 code of the original text, e.g. fr, en."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NEWS_ARTICLE)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("For editors and readers: caveats, context.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SourceManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical source"), verbose_name_plural=_("historical sources")
    )

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            # An empty string would make the second URL-less source collide with the first.
            models.CheckConstraint(condition=~models.Q(url=""), name="source_url_null_not_empty"),
            # Only web addresses, whatever path saves them (see WEB_SCHEMES).
            models.CheckConstraint(condition=web_address_or_empty("url"), name="source_url_web"),
            models.CheckConstraint(
                condition=web_address_or_empty("archive_url"), name="source_archive_url_web"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.url = self.url or None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("source-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def link(self):
        """The URL to put in an href: only ever an http(s) address, else empty."""
        return self.url if is_web_address(self.url) else ""

    @property
    def archive_link(self):
        return self.archive_url if is_web_address(self.archive_url) else ""

    @property
    def published_on_display(self):
        return partial_date(self.published_on, self.published_on_precision)


class Cited(models.Model):
    """A claim backed by a source: the exact words and/or where in the source to find them."""

    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("source"),
        help_text=_("Where we read it."),
    )
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_("The exact words, in the source's language, copied character for character."),
    )
    locator = models.CharField(
        _("locator"),
        max_length=200,
        blank=True,
        help_text=_("Page, paragraph, table row or record id."),
    )
    # Quotes stay in the source's language; an editor may add a translation into English or
    # French, which pages show beside the quote, marked as a translation (never instead of it).
    translation = models.TextField(
        _("translation of the quote"),
        blank=True,
        help_text=_("An editor's translation, shown beside the quote and marked as such."),
    )
    translation_language = models.CharField(
        _("language of the translation"),
        max_length=2,
        blank=True,
        choices=[("en", _("English")), ("fr", _("French"))],
    )
    attributed_to = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss_attributed",
        verbose_name=_("attributed to"),
        help_text=_(
            "When the source credits another for the claim (“selon la Fondation "
            "Carnegie”), that original source."
        ),
    )

    class Meta:
        abstract = True
        constraints = [
            # A citation nobody can check is not a citation.
            models.CheckConstraint(
                condition=~models.Q(quote="") | ~models.Q(locator=""),
                name="%(class)s_quote_or_locator",
            ),
            # A translation translates a quote, into a language we name.
            models.CheckConstraint(
                condition=models.Q(translation="")
                | (~models.Q(quote="") & models.Q(translation_language__in=["en", "fr"])),
                name="%(class)s_translation_of_a_quote",
                violation_error_message=_("A translation needs its quote and its language."),
            ),
        ]

    @property
    def reader_translation(self):
        """The editor's translation when it is in the reader's language and the quote is not."""
        language = reader_language()
        if not self.translation or self.translation_language != language:
            return ""
        return "" if self.source.language == language else self.translation
