"""Countries, vendors and technologies: an index of each and a page per record.

A profile page is the deployment list filtered to one record, introduced: summary figures, a
map and a timeline, short "top" lists, one page of entries and a link to the filtered list for
the rest. Nothing on it grows with the number of entries (tracker.pages.paging).
"""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView

from ..graphics.charts import Timeline, year_counts
from ..graphics.maps import country_counts, world_map
from ..models import Country, Deployment, Designation, Technology, Vendor, VendorRelation
from .common import PUBLISHED, findings_for_display, involved, list_link, published_deployments
from .paging import TOP, page_of, summary, top

# Exported entries shown on a country page; the rest are in the list filtered by origin.
EXPORTS_SHOWN = 10
DESIGNATIONS_SHOWN = 30


def entries_page(request, deployments, figures, *order):
    """One page of ``deployments`` for a profile, in a stable order (pk breaks ties); their
    number is already in the profile's ``figures`` (the same counted entries)."""
    return page_of(request, deployments.order_by(*order, "pk"), count=figures["entries"])


def profile_context(request, param, slug, counted, listed, map_title, timeline_title):
    """What a vendor's or a technology's page shows of its entries: figures, one page of rows,
    the link to the filtered list, and a map and timeline whose links keep the record chosen."""
    figures = summary(counted)
    page, notice = entries_page(request, listed, figures, "country__name", "locality", "title")
    return {
        "page_obj": page,
        "deployments": page.object_list,
        "page_notice": notice,
        "all_link": list_link(**{param: slug}),
        "map": world_map(
            country_counts(counted),
            lambda c: list_link(**{param: slug, "country": c.iso2}),
            title=map_title,
        ),
        "timeline": Timeline(year_counts(counted), title=timeline_title),
    }, figures


class CountryListView(ListView):
    template_name = "tracker/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        return (
            Country.objects.with_published_counts()
            .filter(deployment_count__gt=0)
            .order_by("region", "name")
        )

    def get_context_data(self, **kwargs):
        # Countries as exporters: where the technology recorded came from (one query).
        exporters = (
            Country.objects.filter(exported_deployments__in=Deployment.objects.counted())
            .annotate(export_count=Count("exported_deployments", distinct=True))
            .order_by("-export_count", "name")
        )
        return super().get_context_data(exporters=exporters, **kwargs)


class CountryDetailView(DetailView):
    """A country both ways: the entries in it (receiving) and those supplied from it."""

    model = Country
    template_name = "tracker/country_detail.html"
    context_object_name = "country"

    def get_context_data(self, **kwargs):
        country = self.object
        here = Deployment.objects.counted().filter(country=country)
        exported = Deployment.objects.counted().filter(origin_countries=country)
        figures_here, figures_exported = summary(here), summary(exported)
        page, notice = entries_page(
            self.request,
            published_deployments().filter(country=country),
            figures_here,
            "locality",
            "title",
        )
        vendors = top(Vendor.objects.select_related("headquarters"), "deployments", here)
        return super().get_context_data(
            here=figures_here,
            # A country known mostly as an exporter (China) leads with what left it.
            exporter_first=figures_exported["entries"] > figures_here["entries"],
            page_obj=page,
            deployments=page.object_list,
            page_notice=notice,
            in_link=list_link(country=country.iso2),
            origins=top(Country.objects, "exported_deployments", here),
            vendors=vendors,
            exported=figures_exported,
            exported_entries=published_deployments()
            .filter(origin_countries=country)
            .order_by("country__name", "locality", "title", "pk")[:EXPORTS_SHOWN],
            from_link=list_link(origin=country.iso2),
            destinations=top(Country.objects, "deployments", exported),
            exporting_vendors=top(Vendor.objects, "deployments", exported),
            map=world_map(
                country_counts(Deployment.objects.counted()),
                lambda c: reverse("country-detail", args=[c.slug]),
                highlight=country.iso2,
                title=f"{country.display_name} among all countries with deployments",
            ),
            timeline=Timeline(year_counts(here), title=f"Deployments in {country.display_name}"),
            technologies=involved(Technology.objects, "deployments", here),
            designations=Designation.objects.filter(
                vendor__in=Vendor.objects.filter(deployments__in=here)
            )
            .select_related("vendor")
            .order_by("vendor__name", "pk")[:DESIGNATIONS_SHOWN],
            findings=findings_for_display().filter(countries=country)[:TOP],
            top_shown=TOP,
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
        vendor = self.object
        supplied = Deployment.objects.counted().filter(vendors=vendor)
        shown, figures = profile_context(
            self.request,
            "vendor",
            vendor.slug,
            supplied,
            published_deployments().filter(vendors=vendor),
            f"Where {vendor.name} has supplied",
            f"Deployments naming {vendor.name}",
        )
        return super().get_context_data(
            supplied=figures,
            **shown,
            # Bounded by the number of countries, not of entries; each links to this vendor's
            # entries in that country, not to the country's page.
            countries=involved(Country.objects, "deployments", supplied),
            technologies=top(Technology.objects, "deployments", supplied),
            findings=findings_for_display().filter(vendors=vendor)[:TOP],
            group=VendorRelation.objects.filter(Q(vendor=vendor) | Q(other=vendor))
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
        technology = self.object
        using = Deployment.objects.counted().filter(technologies=technology)
        shown, figures = profile_context(
            self.request,
            "technology",
            technology.slug,
            using,
            published_deployments().filter(technologies=technology),
            f"{technology.name}: entries per country",
            f"Deployments of {technology.name}",
        )
        return super().get_context_data(
            using=figures,
            **shown,
            vendors=top(Vendor.objects, "deployments", using),
            origins=top(Country.objects, "exported_deployments", using),
            top_shown=TOP,
            **kwargs,
        )
