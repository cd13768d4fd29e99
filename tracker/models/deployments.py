"""Deployments (who supplied what surveillance technology where) and their citations."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import MD5
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .sources import Cited, Source

# Plausible years for a deployment: older or later than this is a typo, not a fact.
MIN_YEAR = 1900
MAX_YEAR = 2100


class DeploymentQuerySet(models.QuerySet):
    def published(self):
        """What readers may see in lists, maps, counts, exports and feeds."""
        return self.filter(state=Deployment.State.PUBLISHED)

    def public(self):
        """What has a public page: published entries, and retracted ones marked as such."""
        return self.filter(state__in=[Deployment.State.PUBLISHED, Deployment.State.RETRACTED])

    def update(self, **kwargs):
        # Publishing row by row is what checks each entry's sources (Deployment.save).
        if kwargs.get("state") == Deployment.State.PUBLISHED:
            raise ValueError("Publish deployments one by one with tracker.workflow.publish().")
        return super().update(**kwargs)

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("country").prefetch_related("vendors", "technologies")

    def for_detail(self):
        """Everything the detail page shows, in a fixed number of queries."""
        return self.select_related("country").prefetch_related(
            "vendors__headquarters",
            "technologies",
            "origin_countries",
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source", "attributed_to"),
            ),
        )


class DeploymentManager(models.Manager.from_queryset(DeploymentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Deployment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DEPLOYING = "deploying", "Being deployed"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        REPORTED = "reported", "Reported"
        UNKNOWN = "unknown", "Unknown"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.ForeignKey(
        "tracker.Country",
        on_delete=models.PROTECT,
        related_name="deployments",
        help_text="Where the technology is used.",
    )
    locality = models.CharField(
        max_length=200, blank=True, help_text="City, state or region, if the source names one."
    )
    vendors = models.ManyToManyField(
        "tracker.Vendor", blank=True, related_name="deployments", help_text="Only those named."
    )
    origin_countries = models.ManyToManyField(
        "tracker.Country",
        blank=True,
        related_name="exported_deployments",
        help_text="Where the technology came from: the vendors' headquarters, or the exporting "
        "country a source names when it names no company.",
    )
    technologies = models.ManyToManyField(
        "tracker.Technology", blank=True, related_name="deployments"
    )
    operator = models.CharField(
        "operator or customer",
        max_length=300,
        blank=True,
        help_text="The agency, city or company that runs or bought it.",
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.REPORTED)
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Only if a source gives it."
    )
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    year_note = models.CharField(
        max_length=100,
        blank=True,
        help_text="The source's own wording when it gives no exact year, e.g. “mid-2000s”.",
    )
    scale = models.CharField(
        max_length=300,
        blank=True,
        help_text="As the source states it, e.g. “thousands of cameras”.",
    )
    summary = models.TextField(blank=True, help_text="What the sources say, and no more.")
    external_id = models.CharField(
        "external id",
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable id of the record this entry was imported from, e.g. "
        "“sii:Semptian_Algeria_2010”; empty for entries written here.",
    )
    state = models.CharField("publication state", max_length=12, choices=State, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(
        blank=True, help_text="Shown to readers on the retracted entry's page."
    )
    last_verified_on = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked the entry against its sources.",
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Derived for search (tracker.search), refreshed by signals; never edited by hand.
    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeploymentManager()
    history = HistoricalRecords(
        excluded_fields=["search_document", "search_vector"], related_name="changes"
    )

    class Meta:
        ordering = ["country__name", "locality", "title"]
        permissions = [
            ("publish_deployment", "Can publish, unpublish and retract deployments"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(start_year__gte=MIN_YEAR, start_year__lte=MAX_YEAR),
                name="deployment_start_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=MIN_YEAR, end_year__lte=MAX_YEAR),
                name="deployment_end_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="deployment_ends_after_start",
            ),
            # Feeds and "latest entries" sort on published_at; a published row must have one.
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="deployment_published_has_date",
            ),
            # Readers are told why an entry was withdrawn.
            models.CheckConstraint(
                condition=~models.Q(state="retracted") | ~models.Q(retraction_reason=""),
                name="deployment_retraction_has_reason",
            ),
        ]
        indexes = [
            # Every public page filters on state; "latest entries" orders by published_at.
            models.Index(fields=["state", "-published_at"], name="deployment_state_pub_idx"),
            # The status and start-year filters on the list page.
            models.Index(fields=["status"], name="deployment_status_idx"),
            models.Index(fields=["start_year"], name="deployment_start_year_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.state == self.State.PUBLISHED:
            # No source, no publish: whoever saves (admin, action, importer, shell).
            if problems := self.publish_problems():
                raise ValidationError(problems, code="unsourced")
            if self.published_at is None:
                self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("deployment-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def is_retracted(self):
        return self.state == self.State.RETRACTED

    def publish_problems(self):
        """Why this entry cannot be published yet, as messages for its editor (empty: it can)."""
        if self.pk is None:
            return ["Add at least one citation to a source with a URL before publishing."]
        sourced = self.citations.filter(source__url__isnull=False)
        if not sourced.exists():
            return ["Add at least one citation to a source with a URL before publishing."]
        return []

    def dataset_citations(self):
        """The citations naming the dataset this entry was imported from, with its record id.

        Reads the prefetched citations (``for_detail()``) rather than querying again.
        """
        return [c for c in self.citations.all() if c.source.kind == Source.Kind.DATASET]

    @property
    def years_display(self):
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"since {self.start_year}"
        if self.end_year:
            return f"until {self.end_year}"
        return ""


class CitationManager(models.Manager):
    def get_by_natural_key(self, deployment_slug, source_slug, locator, quote):
        return self.get(
            deployment__slug=deployment_slug,
            source__slug=source_slug,
            locator=locator,
            quote=quote,
        )


class Citation(Cited):
    """Ties a deployment to a source: the words that support it and where they are."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="citations")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CitationManager()
    history = HistoricalRecords()

    class Meta(Cited.Meta):
        ordering = ["pk"]
        constraints = [
            *Cited.Meta.constraints,
            # The same words from the same source cited twice on one entry is a slip. The quote
            # is hashed because a long text may not fit in a PostgreSQL b-tree index entry.
            models.UniqueConstraint(
                "deployment",
                "source",
                "locator",
                MD5("quote"),
                name="citation_unique_per_deployment",
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.deployment}"

    def get_absolute_url(self):
        return self.deployment.get_absolute_url() + f"#citation-{self.pk}"

    def natural_key(self):
        return (self.deployment.slug, self.source.slug, self.locator, self.quote)

    natural_key.dependencies = ["tracker.deployment", "tracker.source"]
