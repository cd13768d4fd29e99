"""Deployments (who supplied what surveillance technology where) and their citations."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import MD5, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .languages import pick
from .natural_keys import remembered_while_loading
from .reader_changes import DeploymentHistory, ReaderChangeFields
from .sources import Cited, Source

# Plausible years for a deployment: older or later than this is a typo, not a fact.
MIN_YEAR = 1900
MAX_YEAR = 2100


def counted(through=""):
    """The condition for a counted entry, from a related model too (``counted("deployments")``
    for vendors, countries…): published, and not marked by a source as never completed."""
    prefix = f"{through}__" if through else ""
    return models.Q(**{f"{prefix}state": "published"}) & ~models.Q(
        **{f"{prefix}status": "not_completed"}
    )


# The order of "what's new" (see DeploymentQuerySet.newest_first). Published rows always have a
# date (deployment_published_has_date), so no NULLS LAST: the order matches the index's.
NEWEST_FIRST = ("-published_at", "-id")
# "Best sourced first", the list's default: a named supplier, then a year, then the most
# independent sources. Stored columns in the order of deployment_sourced_order_idx (an unknown
# year as 0: last, as NULLS LAST would put it), so a first page is read from that index.
SOURCED_FIRST = (
    F("names_supplier").desc(),
    Coalesce("start_year", 0).desc(),
    F("pair_sources").desc(),
    "country__name",
    "title",
)


class DeploymentQuerySet(models.QuerySet):
    def published(self):
        """Every entry readers may open and list when they ask, not-completed ones included."""
        return self.filter(state=Deployment.State.PUBLISHED)

    def counted(self):
        """What counts, maps, profile pages, feeds and the default list show: published entries
        less those a source says never completed (a reader can still list those on demand)."""
        return self.filter(counted())

    def public(self):
        """What has a public page: published entries, and retracted ones marked as such."""
        return self.filter(state__in=[Deployment.State.PUBLISHED, Deployment.State.RETRACTED])

    def newest_first(self):
        """By the date each entry was first published on this site, newest first.

        Every entry a data import loads shares that import's date, so the date alone would leave
        them in whatever order the database returns; the id breaks ties, and since ids grow as
        rows are created, the entry created last on this site comes first. The same order is
        used by ``?sort=newest``, "Latest entries" and the Atom feeds.
        """
        return self.order_by(*NEWEST_FIRST)

    def update(self, **kwargs):
        # Publishing row by row is what checks each entry's sources (Deployment.save).
        if kwargs.get("state") == Deployment.State.PUBLISHED:
            raise ValueError(
                "Publish deployments one by one with tracker.editorial.workflow.publish()."
            )
        return super().update(**kwargs)

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries; not the search columns
        (a 2 KB document and its vector per row, never shown)."""
        return (
            self.select_related("country")
            .prefetch_related("vendors", "technologies")
            .defer("search_document", "search_vector")
        )

    def about_pair(self, vendor_ids, country_id):
        """Entries naming any of these vendors in this country: the same supplier–country pair."""
        return self.filter(country_id=country_id, vendors__in=vendor_ids).distinct()

    def for_detail(self):
        """Everything the detail page shows, in a fixed number of queries."""
        return self.select_related("country").prefetch_related(
            "vendors__headquarters",
            "technologies",
            "origin_countries",
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related(
                    "source", "attributed_to"
                ).prefetch_related("vendors", "technologies"),
            ),
        )


class DeploymentManager(models.Manager.from_queryset(DeploymentQuerySet)):
    @remembered_while_loading
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Deployment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        RETRACTED = "retracted", _("Retracted")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DEPLOYING = "deploying", _("Being deployed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        REPORTED = "reported", _("Reported")
        COMPLETED = "completed", _("Reported completed")
        NOT_COMPLETED = "not_completed", _("Not completed")
        UNKNOWN = "unknown", _("Unknown")

    class Evidence(models.TextChoices):
        """What kind of fact the sources report: a licence or an order is not a deployment."""

        CONTRACT = "contract", _("Contract or sale reported")
        LICENCE = "licence", _("Export licence granted")
        ORDER = "order", _("Order reported")
        DEPLOYMENT = "deployment", _("Deployment reported")
        SUPPLIER_NAMED = "supplier_named", _("Company named as a supplier")
        ALLEGATION = "allegation", _("Allegation")

    class YearKind(models.TextChoices):
        """What the start year is a year of, so that only a year of use reads "since"."""

        # Shown before the year ("in use since 2019"): a translation may end with a preposition.
        ORDERED = "ordered", _("ordered")
        LICENSED = "licensed", _("licence")
        CONTRACTED = "contracted", _("contracted")
        IN_USE_SINCE = "in_use_since", _("in use since")
        REPORTED_IN = "reported_in", _("reported in")

    # Editors write the title and summary in English, French or both (tracker.models.languages).
    title = models.CharField(
        _("title (English)"), max_length=300, blank=True, help_text=_("English or French, or both.")
    )
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.ForeignKey(
        "tracker.Country",
        on_delete=models.PROTECT,
        related_name="deployments",
        verbose_name=_("country"),
        help_text=_("Where the technology is used."),
    )
    locality = models.CharField(
        _("locality"),
        max_length=200,
        blank=True,
        help_text=_("City, state or region, if the source names one."),
    )
    vendors = models.ManyToManyField(
        "tracker.Vendor",
        blank=True,
        related_name="deployments",
        verbose_name=_("vendors"),
        help_text=_("Only those named."),
    )
    origin_countries = models.ManyToManyField(
        "tracker.Country",
        blank=True,
        related_name="exported_deployments",
        verbose_name=_("origin countries"),
        help_text=_(
            "Where the technology came from: the vendors' headquarters, or the exporting "
            "country a source names when it names no company."
        ),
    )
    technologies = models.ManyToManyField(
        "tracker.Technology",
        blank=True,
        related_name="deployments",
        verbose_name=_("technologies"),
    )
    operator = models.CharField(
        _("operator or customer"),
        max_length=300,
        blank=True,
        help_text=_("The agency, city or company that runs or bought it."),
    )
    status = models.CharField(_("status"), max_length=14, choices=Status, default=Status.REPORTED)
    evidence = models.CharField(
        _("kind of evidence"),
        max_length=16,
        choices=Evidence,
        blank=True,
        help_text=_("What the sources report: a sale, a licence, an order, a deployment…"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, help_text=_("Only if a source gives it.")
    )
    year_kind = models.CharField(
        _("the year is"),
        max_length=14,
        choices=YearKind,
        blank=True,
        help_text=_("What the start year is the year of, as the source says."),
    )
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    year_note = models.CharField(
        _("year note"),
        max_length=100,
        blank=True,
        help_text=_("The source's own wording when it gives no exact year, e.g. “mid-2000s”."),
    )
    scale = models.CharField(
        _("scale"),
        max_length=300,
        blank=True,
        help_text=_("As the source states it, e.g. “thousands of cameras”."),
    )
    summary = models.TextField(
        _("summary (English)"), blank=True, help_text=_("What the sources say, and no more.")
    )
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Stable id of the record this entry was imported from, e.g. "
            "“sii:Semptian_Algeria_2010”; empty for entries written here."
        ),
    )
    state = models.CharField(
        _("publication state"), max_length=12, choices=State, default=State.DRAFT
    )
    # Set when the entry is first published on this site and kept through unpublishing and
    # republishing: what "newest" and "added since" mean. The sources' own dates are theirs.
    published_at = models.DateTimeField(
        _("first published on this site"), null=True, blank=True, editable=False
    )
    retracted_at = models.DateTimeField(_("retracted at"), null=True, blank=True, editable=False)
    retraction_reason = models.TextField(
        _("retraction reason"),
        blank=True,
        help_text=_("Shown to readers on the retracted entry's page."),
    )
    last_verified_on = models.DateField(
        _("last verified on"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the entry against its sources."),
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # How many independent sources support this entry's supplier–country pair (any of its
    # vendors, this country), across every counted entry (tracker.editorial.corroboration); derived.
    pair_sources = models.PositiveSmallIntegerField(default=0, editable=False)
    # Whether the entry names a vendor: the first key of the default list order, kept as a
    # column (tracker.browse.tallies) so that order can be read from an index; derived.
    names_supplier = models.BooleanField(default=False, editable=False)
    # Derived for search (tracker.browse.search), refreshed by signals; never edited by hand.
    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DeploymentManager()
    history = DeploymentHistory(
        excluded_fields=["search_document", "search_vector", "pair_sources", "names_supplier"],
        related_name="changes",
        bases=[ReaderChangeFields],
        # Named here: simple-history would otherwise read Meta's lazy name at import time.
        verbose_name=_("historical deployment"),
        verbose_name_plural=_("historical deployments"),
    )

    class Meta:
        ordering = ["country__name", "locality", "title"]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        permissions = [
            ("publish_deployment", "Can publish, unpublish and retract deployments"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title="") | ~models.Q(title_fr=""),
                name="deployment_has_a_title",
                violation_error_message=_("Give the entry a title, in English or in French."),
            ),
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
            # Every public page filters on state; "newest first" (latest entries, feeds,
            # ?sort=newest, ?added_since=) orders and filters by published_at, then id.
            models.Index(
                fields=["state", "-published_at", "-id"], name="deployment_state_newest_idx"
            ),
            # The status and start-year filters on the list page.
            models.Index(fields=["status"], name="deployment_status_idx"),
            models.Index(fields=["start_year"], name="deployment_start_year_idx"),
            models.Index(fields=["evidence"], name="deployment_evidence_idx"),
            models.Index(fields=["pair_sources"], name="deployment_pair_sources_idx"),
            # The list's default order ("best sourced first", DeploymentFilter.ordering): page 1
            # is the head of this index, not a sort of every published entry.
            models.Index(
                F("names_supplier").desc(),
                Coalesce("start_year", 0).desc(),
                F("pair_sources").desc(),
                name="deployment_sourced_order_idx",
                condition=models.Q(state="published"),
            ),
            # The same order within one country: a country's page, and its lists with another
            # filter (a vendor's entries there) walk it instead of the whole order, where most
            # rows are elsewhere (?vendor=&country= at 1M: 660 ms of heap reads -> a few).
            models.Index(
                F("country"),
                F("names_supplier").desc(),
                Coalesce("start_year", 0).desc(),
                F("pair_sources").desc(),
                name="deployment_country_order_idx",
                condition=models.Q(state="published"),
            ),
            # The home page's "last updated": the newest edit of a published entry.
            models.Index(
                F("updated_at").desc(),
                name="deployment_last_updated_idx",
                condition=models.Q(state="published"),
            ),
            # A filtered list's facet counts and map select the matching entries by country
            # from this index alone (PostgreSQL), without reading the wide rows.
            models.Index(
                fields=["country", "status", "id"],
                name="deployment_facets_country_idx",
                condition=models.Q(state="published"),
            ),
        ]

    def __str__(self):
        return self.display_title

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

    @property
    def display_title(self):
        """The title in the reader's language, else the other one (it says which)."""
        return pick(self.title, self.title_fr)

    @property
    def display_summary(self):
        return pick(self.summary, self.summary_fr)

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
        unsourced = gettext("Add at least one citation to a source with a URL before publishing.")
        if self.pk is None:
            return [unsourced]
        sourced = self.citations.filter(source__url__isnull=False)
        if not sourced.exists():
            return [unsourced]
        return self.unstated_facts()

    def unstated_facts(self):
        """Facts of this entry that no citation states, as messages (empty: all are sourced).

        A fact shows on an entry, in lists, counts and exports only if a cited source states
        it for this entry; each citation says which (its vendors, technologies, year, place).
        """
        citations = list(self.citations.prefetch_related("vendors", "technologies"))
        problems = []
        stated = {v.pk for c in citations for v in c.vendors.all()}
        if missing := [v.name for v in self.vendors.all() if v.pk not in stated]:
            problems.append(
                gettext(
                    "No citation states the vendor(s) %(names)s: tick them on the citation that "
                    "names them, or remove them from the entry."
                )
                % {"names": ", ".join(missing)}
            )
        stated = {t.pk for c in citations for t in c.technologies.all()}
        if missing := [t.name for t in self.technologies.all() if t.pk not in stated]:
            problems.append(
                gettext(
                    "No citation states the technology(ies) %(names)s: tick them on the citation "
                    "that names them, or remove them from the entry."
                )
                % {"names": ", ".join(missing)}
            )
        if (self.start_year or self.year_note) and not any(c.states_year for c in citations):
            problems.append(
                gettext("No citation states the year: tick “states the year” on the one that does.")
            )
        return problems

    def dataset_citations(self):
        """The citations naming the dataset this entry was imported from, with its record id.

        Reads the prefetched citations (``for_detail()``) rather than querying again.
        """
        return [c for c in self.citations.all() if c.source.kind == Source.Kind.DATASET]

    @property
    def years_display(self):
        """The years as the source gives them: "since" only for a year of use."""
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            # "in use since 2019", "licence 2016", "ordered 2012"; a year whose kind no source
            # gives is shown bare, never as "since".
            if self.year_kind:
                return f"{self.get_year_kind_display()} {self.start_year}"
            return str(self.start_year)
        if self.end_year:
            return gettext("until %(year)s") % {"year": self.end_year}
        return ""

    @property
    def is_counted(self):
        return self.is_published and self.status != self.Status.NOT_COMPLETED


class CitationManager(models.Manager):
    @remembered_while_loading
    def get_by_natural_key(self, deployment_slug, source_slug, locator, quote):
        return self.get(
            deployment__slug=deployment_slug,
            source__slug=source_slug,
            locator=locator,
            quote=quote,
        )


class Citation(Cited):
    """Ties a deployment to a source: the words that support it, where they are, and which of
    the entry's facts they state (so a reader sees which source says what)."""

    deployment = models.ForeignKey(
        Deployment,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("deployment"),
    )
    vendors = models.ManyToManyField(
        "tracker.Vendor",
        blank=True,
        related_name="citations_naming",
        verbose_name=_("vendors"),
        help_text=_("The vendors this source names as suppliers of this entry."),
    )
    technologies = models.ManyToManyField(
        "tracker.Technology",
        blank=True,
        related_name="citations_naming",
        verbose_name=_("technologies"),
        help_text=_("The technologies this source says were supplied or used."),
    )
    states_year = models.BooleanField(
        _("states the year"), default=False, help_text=_("This source gives the entry's year.")
    )
    states_place = models.BooleanField(
        _("states the place"),
        default=True,
        help_text=_("This source gives the country (and locality, if any) of the entry."),
    )
    states_evidence = models.BooleanField(
        _("states the kind of evidence"),
        default=True,
        help_text=_(
            "This source reports the sale, licence, order or deployment the entry records."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CitationManager()
    # Named here: simple-history would otherwise read Meta's lazy name at import time.
    history = HistoricalRecords(
        verbose_name=_("historical citation"), verbose_name_plural=_("historical citations")
    )

    class Meta(Cited.Meta):
        ordering = ["pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
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
        indexes = [
            # The home page's "last updated": the newest citation added to a published entry.
            models.Index(F("created_at").desc(), name="citation_last_updated_idx"),
        ]

    def __str__(self):
        return f"{self.source} → {self.deployment}"

    def get_absolute_url(self):
        return self.deployment.get_absolute_url() + f"#citation-{self.pk}"

    def natural_key(self):
        return (self.deployment.slug, self.source.slug, self.locator, self.quote)

    def stated_facts(self):
        """What this citation states, as short phrases for readers ("vendor: Huawei")."""
        facts = []
        if vendors := [v.name for v in self.vendors.all()]:
            facts.append(gettext("vendor: %(names)s") % {"names": ", ".join(vendors)})
        if technologies := [t.local_name for t in self.technologies.all()]:
            facts.append(gettext("technology: %(names)s") % {"names": ", ".join(technologies)})
        deployment = self.deployment
        if self.states_year and (deployment.years_display or deployment.year_note):
            year = deployment.years_display or deployment.year_note
            facts.append(gettext("year: %(year)s") % {"year": year})
        if self.states_evidence and deployment.evidence:
            facts.append(deployment.get_evidence_display().lower())
        if self.states_place:
            place = ", ".join(filter(None, [deployment.locality, deployment.country.display_name]))
            facts.append(gettext("place: %(place)s") % {"place": place})
        return facts

    natural_key.dependencies = ["tracker.deployment", "tracker.source"]
