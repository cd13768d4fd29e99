"""Sources and findings: who says what, and what each source says."""

import unicodedata

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from ..models import Citation, Country, Deployment, Designation, Finding, Source, Technology
from .common import findings_for_display
from .paging import page_of

# How /sources/ can be sorted (?sort=), the first being the default.
SOURCE_SORTS = {"newest": _("Newest first"), "title": _("Title"), "cited": _("Most cited")}
MAX_QUERY_LENGTH = 200
# Findings shown on a source's page; a dataset can back a finding per country.
FINDINGS_SHOWN = 20


def printable(value):
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


class SourceListView(TemplateView):
    """Sources, sortable and searchable, one page at a time (tracker.pages.paging)."""

    template_name = "tracker/source_list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        query = printable(params.get("q", ""))[:MAX_QUERY_LENGTH]
        sort = params.get("sort", "")
        if sort not in SOURCE_SORTS:
            sort = next(iter(SOURCE_SORTS))
        sources = Source.objects.annotate(claim_count=claims(every_source=sort == "cited"))
        for word in query.split():
            sources = sources.filter(
                Q(title__icontains=word) | Q(publisher__icontains=word) | Q(authors__icontains=word)
            )
        page, notice = page_of(self.request, sources.order_by(*SOURCE_ORDER[sort], "pk"))
        return super().get_context_data(
            sources=page.object_list,
            page_obj=page,
            page_notice=notice,
            query=query,
            sort=sort,
            sorts=SOURCE_SORTS,
            **kwargs,
        )


def claims(every_source=False):
    """How many citations in published entries name each source.

    Sorting by it needs the number for every source: one grouped join does that best. Other
    sorts show it for one page of sources only, so a subquery per row shown costs least there
    (PostgreSQL evaluates it after the sort and limit).
    """
    published = Q(citations__deployment__state=Deployment.State.PUBLISHED)
    if every_source:
        return Count("citations", filter=published)
    cited = (
        Citation.objects.filter(source=OuterRef("pk"), deployment__state=Deployment.State.PUBLISHED)
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(cited), 0)


SOURCE_ORDER = {
    "newest": [F("published_on").desc(nulls_last=True), Lower("title")],
    "title": [Lower("title")],
    "cited": [F("claim_count").desc(), Lower("title")],
}


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
        page, notice = page_of(self.request, citations)
        findings = findings_for_display().filter(
            Q(source=self.object) | Q(attributed_to=self.object)
        )
        return super().get_context_data(
            citations=page.object_list,
            page_obj=page,
            page_notice=notice,
            findings=findings[:FINDINGS_SHOWN],
            findings_total=findings.count(),
            designations=Designation.objects.filter(
                Q(source=self.object) | Q(attributed_to=self.object)
            ).select_related("vendor"),
            **kwargs,
        )


class FindingListView(TemplateView):
    """Findings, optionally those about technology from one country or of one kind: "countries
    where Carnegie records Chinese AI surveillance technology" is ``?origin=CN``. One page at a
    time; the countries they are about come from one query, not from reading every finding."""

    template_name = "tracker/finding_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["errors"]:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        findings = findings_for_display()
        typed_origin = printable(self.request.GET.get("origin", "")).strip()
        typed_technology = printable(self.request.GET.get("technology", "")).strip()
        origin, technology = typed_origin.upper(), typed_technology.lower()
        # A name typed for a code ("China") must not be read as another country ("CH").
        errors = []
        if origin and not (len(origin) == 2 and Country.objects.filter(iso2=origin).exists()):
            errors.append(
                gettext("“%(value)s” is not a country code (two letters, such as CN).")
                % {"value": typed_origin[:20]}
            )
        if technology and not Technology.objects.filter(slug=technology[:100]).exists():
            errors.append(
                gettext("“%(value)s” is not a technology of the vocabulary.")
                % {"value": typed_technology[:20]}
            )
        if errors:
            findings = findings.none()
        if origin:
            findings = findings.filter(origin_countries__iso2=origin)
        if technology:
            findings = findings.filter(technologies__slug=technology[:100])
        findings = findings.distinct()
        page, notice = page_of(self.request, findings.order_by(*Finding._meta.ordering, "pk"))
        countries = []
        if origin or technology:
            countries = Country.objects.filter(findings__in=findings).distinct().order_by("name")
        return super().get_context_data(
            findings=page.object_list,
            page_obj=page,
            page_notice=notice,
            findings_total=page.paginator.count,
            errors=errors,
            origin=origin,
            technology_chosen=technology,
            countries=countries,
            origin_choices=Country.objects.filter(findings_as_origin__isnull=False)
            .distinct()
            .order_by("name"),
            technology_choices=Technology.objects.filter(findings__isnull=False)
            .distinct()
            .order_by("name"),
            **kwargs,
        )
