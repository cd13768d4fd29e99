"""Countries, vendors and technologies: an index of each and a page per record."""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView

from ..graphics.charts import Timeline, year_counts
from ..graphics.maps import country_counts, world_map
from ..models import Country, Deployment, Designation, Technology, Vendor, VendorRelation
from .common import PUBLISHED, findings_for_display, involved, list_link, published_deployments


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
