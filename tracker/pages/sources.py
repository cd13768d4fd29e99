"""Sources and findings: who says what, and what each source says."""

from django.db.models import Count, F, Q
from django.views.generic import DetailView, ListView

from ..models import Citation, Country, Deployment, Designation, Source, Technology
from .common import findings_for_display


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
