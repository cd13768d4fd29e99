"""Public pages. Readers only ever see published deployments."""

import unicodedata

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import corroboration, exports, history
from .charts import Timeline, year_counts
from .corrections import CorrectionFormMixin
from .facets import facet_counts
from .filters import SORTS, DeploymentFilter
from .maps import country_counts, world_map
from .models import (
    Citation,
    Country,
    Deployment,
    Designation,
    Finding,
    SiteDataLoad,
    Source,
    Technology,
    Vendor,
    VendorRelation,
)
from .models.deployments import counted

# What counts on profile and index pages: published entries, less those a source says never
# completed (they keep their page and can be listed on demand, but are not counted).
PUBLISHED = counted("deployments")


def published_deployments():
    return Deployment.objects.counted().for_list()


def list_link(**params):
    """A link to the deployment list filtered by ``params``."""
    return reverse("deployment-list") + "?" + urlencode(params)


def involved(queryset, relation, deployments):
    """Rows of ``queryset`` linked to these deployments, each with how many (one query).

    Filtering before annotating makes the count cover only the given deployments.
    """
    return (
        queryset.filter(**{f"{relation}__in": deployments})
        .annotate(deployment_count=Count(relation, distinct=True))
        .order_by("name")
    )


def findings_for_display():
    return Finding.objects.select_related("source", "attributed_to").prefetch_related("countries")


def last_updated(published):
    """When the published data last changed: the newest edit of a published entry or citation.

    One aggregate query; None when nothing is published. Drafts and entries in review never
    move it.
    """
    latest = published.aggregate(entry=Max("updated_at"), citation=Max("citations__created_at"))
    dates = [value for value in latest.values() if value is not None]
    return max(dates, default=None)


class HomeView(TemplateView):
    template_name = "tracker/home.html"

    def get_context_data(self, **kwargs):
        published = Deployment.objects.counted()
        return super().get_context_data(
            last_updated=last_updated(published),
            totals={
                "deployments": published.count(),
                "countries": Country.objects.filter(deployments__in=published).distinct().count(),
                "vendors": Vendor.objects.filter(deployments__in=published).distinct().count(),
                "sources": Source.objects.filter(Q(citations__deployment__in=published))
                .distinct()
                .count(),
            },
            latest=published_deployments().order_by("-published_at", "title")[:6],
            map=world_map(
                country_counts(published),
                lambda c: list_link(country=c.iso2),
                title="Published deployments per country",
            ),
            timeline=Timeline(year_counts(published)),
            findings=findings_for_display()[:4],
            **kwargs,
        )


class DeploymentListView(exports.ListExportMixin, FilterView):
    filterset_class = DeploymentFilter
    template_name = "tracker/deployment_list.html"
    context_object_name = "deployments"

    def get_paginate_by(self, queryset):
        return settings.TRACKER_PAGE_SIZE

    def get_queryset(self):
        # Not-completed entries too: the filters leave them out unless the reader asks.
        return Deployment.objects.published().for_list()

    def paginate_queryset(self, queryset, page_size):
        """A page past the end shows the last page, with a note, instead of an error page."""
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get("page", "1")
        page = paginator.get_page(requested)
        if requested != str(page.number) and "page" in self.request.GET:
            self.page_notice = f"There is no page “{requested[:20]}”; showing page {page.number}."
        return paginator, page, page.object_list, page.has_other_pages()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, even with no parameters: the default sort and leaving out entries that
        # never completed are part of filtering.
        kwargs["data"] = printable_params(kwargs["data"] or QueryDict())
        return kwargs

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_notice"] = getattr(self, "page_notice", "")
        context["facets"] = facet_counts(self.filterset)
        context["sorts"] = SORTS
        context["map"] = world_map(
            country_counts(self.object_list),
            self.narrowed_to_country,
            title="Deployments matching these filters, per country",
        )
        return context

    def narrowed_to_country(self, country_count):
        """The current filters with the country set to this one: the map's link."""
        params = self.filterset.data.copy()
        params.setlist("country", [country_count.iso2])
        for key in ("page", "format"):
            params.pop(key, None)
        return "?" + params.urlencode()


def printable_params(params):
    """The query string without control characters or empty values.

    A NUL byte cannot be stored or searched by PostgreSQL and should never be echoed into a
    page; an empty ``?country=`` means "any", not "the country with no code".
    """
    cleaned = QueryDict(mutable=True)
    for key, values in params.lists():
        for value in values:
            value = "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()
            if value:
                cleaned.appendlist(key, value)
    return cleaned


class DeploymentDetailView(CorrectionFormMixin, exports.DetailExportMixin, DetailView):
    template_name = "tracker/deployment_detail.html"
    context_object_name = "deployment"

    def get_queryset(self):
        # Staff preview drafts and entries in review ("view on site"); readers see public ones.
        deployments = Deployment.objects.for_detail()
        if self.request.user.is_staff:
            return deployments
        return deployments.public()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            changes=history.public_changes(self.object),
            also_reported=corroboration.also_reported(self.object),
            also_reported_shown=corroboration.ALSO_REPORTED_SHOWN,
            **kwargs,
        )


class ChangesView(TemplateView):
    template_name = "tracker/changes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(changes=history.recent_changes(), **kwargs)


class CountryListView(ListView):
    template_name = "tracker/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        return (
            Country.objects.with_published_counts()
            .filter(deployment_count__gt=0)
            .order_by("region", "name")
        )


class CountryDetailView(DetailView):
    model = Country
    template_name = "tracker/country_detail.html"
    context_object_name = "country"

    def get_context_data(self, **kwargs):
        here = Deployment.objects.counted().filter(country=self.object)
        vendors = involved(Vendor.objects.select_related("headquarters"), "deployments", here)
        return super().get_context_data(
            deployments=published_deployments().filter(country=self.object),
            map=world_map(
                country_counts(Deployment.objects.counted()),
                lambda c: reverse("country-detail", args=[c.slug]),
                highlight=self.object.iso2,
                title=f"{self.object.name} among all countries with deployments",
            ),
            timeline=Timeline(year_counts(here)),
            vendors=vendors,
            technologies=involved(Technology.objects, "deployments", here),
            designations=Designation.objects.filter(vendor__in=vendors).select_related(
                "vendor", "source"
            ),
            findings=findings_for_display().filter(countries=self.object),
            **kwargs,
        )


class VendorListView(ListView):
    template_name = "tracker/vendor_list.html"
    context_object_name = "vendors"

    def get_queryset(self):
        return (
            Vendor.objects.select_related("headquarters")
            .annotate(
                deployment_count=Count("deployments", filter=PUBLISHED, distinct=True),
                country_count=Count("deployments__country", filter=PUBLISHED, distinct=True),
            )
            .order_by("name")
        )


class VendorDetailView(DetailView):
    template_name = "tracker/vendor_detail.html"
    context_object_name = "vendor"

    def get_queryset(self):
        return Vendor.objects.select_related(
            "headquarters", "headquarters_source"
        ).prefetch_related(
            "aliases",
            Prefetch(
                "designations",
                queryset=Designation.objects.select_related("source", "attributed_to"),
            ),
        )

    def get_context_data(self, **kwargs):
        deployments = (
            published_deployments()
            .filter(vendors=self.object)
            .order_by("country__name", "locality", "title")
        )
        supplied = Deployment.objects.counted().filter(vendors=self.object)
        return super().get_context_data(
            deployments=deployments,
            map=world_map(
                country_counts(supplied),
                lambda c: list_link(vendor=self.object.slug, country=c.iso2),
                title=f"Where {self.object.name} has supplied",
            ),
            timeline=Timeline(year_counts(supplied)),
            countries=involved(Country.objects, "deployments", supplied),
            findings=findings_for_display().filter(vendors=self.object),
            group=VendorRelation.objects.filter(Q(vendor=self.object) | Q(other=self.object))
            .select_related("vendor", "other", "source")
            .order_by("kind", "vendor__name", "other__name"),
            **kwargs,
        )


class TechnologyListView(ListView):
    template_name = "tracker/technology_list.html"
    context_object_name = "technologies"

    def get_queryset(self):
        return Technology.objects.annotate(
            deployment_count=Count("deployments", filter=PUBLISHED)
        ).order_by("name")


class TechnologyDetailView(DetailView):
    model = Technology
    template_name = "tracker/technology_detail.html"
    context_object_name = "technology"

    def get_context_data(self, **kwargs):
        using = Deployment.objects.counted().filter(technologies=self.object)
        return super().get_context_data(
            deployments=published_deployments().filter(technologies=self.object),
            countries=involved(Country.objects, "deployments", using),
            vendors=involved(Vendor.objects, "deployments", using),
            **kwargs,
        )


class SourceListView(ListView):
    template_name = "tracker/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        return Source.objects.annotate(
            claim_count=Count(
                "citations",
                filter=Q(citations__deployment__state=Deployment.State.PUBLISHED),
                distinct=True,
            )
        ).order_by(F("published_on").desc(nulls_last=True), "title")


class SourceDetailView(DetailView):
    model = Source
    template_name = "tracker/source_detail.html"
    context_object_name = "source"

    def get_context_data(self, **kwargs):
        citations = (
            Citation.objects.filter(deployment__state=Deployment.State.PUBLISHED)
            .filter(Q(source=self.object) | Q(attributed_to=self.object))
            .select_related("deployment__country", "source", "attributed_to")
            .order_by("deployment__title", "pk")
        )
        return super().get_context_data(
            citations=citations,
            findings=findings_for_display().filter(
                Q(source=self.object) | Q(attributed_to=self.object)
            ),
            designations=Designation.objects.filter(
                Q(source=self.object) | Q(attributed_to=self.object)
            ).select_related("vendor"),
            **kwargs,
        )


class FindingListView(ListView):
    """Findings, optionally those about technology from one country or of one kind: "countries
    where Carnegie records Chinese AI surveillance technology" is ``?origin=CN``."""

    template_name = "tracker/finding_list.html"
    context_object_name = "findings"

    def get_queryset(self):
        findings = findings_for_display()
        self.origin = self.request.GET.get("origin", "").strip().upper()[:2]
        self.technology = self.request.GET.get("technology", "").strip().lower()[:100]
        if self.origin:
            findings = findings.filter(origin_countries__iso2=self.origin)
        if self.technology:
            findings = findings.filter(technologies__slug=self.technology)
        return findings.distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = {}
        if self.origin or self.technology:
            for finding in context["findings"]:
                for country in finding.countries.all():
                    countries[country.pk] = country
        return {
            **context,
            "origin": self.origin,
            "technology_chosen": self.technology,
            "countries": sorted(countries.values(), key=lambda c: c.name),
            "origin_choices": Country.objects.filter(findings_as_origin__isnull=False)
            .distinct()
            .order_by("name"),
            "technology_choices": Technology.objects.filter(findings__isnull=False)
            .distinct()
            .order_by("name"),
        }


# The sources of the site's data, by slug: the founding article and the two imported datasets.
ARTICLE_SOURCE = "qg-2021-08-28-surveillance-export"
SII_SOURCE = "privacy-international-sii"
AIGS_SOURCE = "carnegie-aigs-2019"
DATA_SOURCES = (ARTICLE_SOURCE, SII_SOURCE, AIGS_SOURCE)


def data_sources():
    """The article's and the datasets' Source rows present in the database, by slug (one query).

    Each carries ``entry_count``, the published entries citing it, and ``not_completed_count``,
    those of them a source says never completed (left out of counts elsewhere). A missing source
    is absent from the dict, so pages still render on an empty database.
    """
    published = Q(citations__deployment__state=Deployment.State.PUBLISHED)
    sources = Source.objects.filter(slug__in=DATA_SOURCES).annotate(
        entry_count=Count("citations__deployment", filter=published, distinct=True),
        not_completed_count=Count(
            "citations__deployment",
            filter=published & ~counted("citations__deployment"),
            distinct=True,
        ),
    )
    return {source.slug: source for source in sources}


class AboutView(TemplateView):
    template_name = "tracker/about.html"

    def get_context_data(self, **kwargs):
        sources = data_sources()
        return super().get_context_data(
            article_source=sources.get(ARTICLE_SOURCE),
            sii_source=sources.get(SII_SOURCE),
            aigs_source=sources.get(AIGS_SOURCE),
            **kwargs,
        )


class MethodsView(TemplateView):
    """How each source of data becomes entries and findings, with its counts and load dates."""

    template_name = "tracker/methods.html"

    def get_context_data(self, **kwargs):
        sources = data_sources()
        loads = {load.name: load.loaded_at for load in SiteDataLoad.objects.all()}
        return super().get_context_data(
            article_source=sources.get(ARTICLE_SOURCE),
            sii_source=sources.get(SII_SOURCE),
            aigs_source=sources.get(AIGS_SOURCE),
            article_loaded_at=loads.get("article.json"),
            imported_at=loads.get("imported.json"),
            **kwargs,
        )
