"""Countries, vendors and technologies: an index of each and a page per record.

A profile page is the deployment list filtered to one record, introduced: summary figures, a
map and a timeline, short "top" lists, one page of entries and a link to the filtered list for
the rest. Nothing on it grows with the number of entries: its figures are read from the facet pairs
(tracker.browse.records), its rows one page at a time (tracker.pages.paging).
"""

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView

from ..browse.records import TOP, RecordCounts, countries_per_vendor
from ..browse.search import fold
from ..graphics.charts import Timeline
from ..graphics.maps import world_map
from ..models import Country, Designation, Fact, Technology, Vendor, VendorRelation
from ..models.deployments import SOURCED_FIRST
from .common import findings_for_display, list_link, published_deployments
from .paging import page_of

# Exported entries shown on a country page; the rest are in the list filtered by origin.
EXPORTS_SHOWN = 10
DESIGNATIONS_SHOWN = 30


def entries_page(request, deployments, figures):
    """One page of ``deployments`` for a profile, in the list's default order (pk breaks ties);
    their number is already in the profile's ``figures`` (the same counted entries).

    The order is the one of the filtered list the page links to, and the one an index serves:
    ordered by country, a large vendor's page sorted 150,000 entries to show 50 at 1M."""
    return page_of(request, deployments.order_by(*SOURCED_FIRST, "pk"), count=figures["entries"])


def profile_context(request, param, slug, counts, listed, map_title, timeline_title):
    """What a vendor's or a technology's page shows of its entries: figures, one page of rows,
    the link to the filtered list, and a map and timeline whose links keep the record chosen."""
    figures = counts.figures()
    page, notice = entries_page(request, listed, figures)
    return {
        "page_obj": page,
        "deployments": page.object_list,
        "page_notice": notice,
        "all_link": list_link(**{param: slug}),
        "map": world_map(
            counts.countries(),
            lambda c: list_link(**{param: slug, "country": c.iso2}),
            title=map_title,
        ),
        "timeline": Timeline(counts.years(), title=timeline_title),
    }, figures


class CountryListView(ListView):
    template_name = "tracker/country_list.html"
    context_object_name = "countries"

    @cached_property
    def counts(self):
        return RecordCounts.everything((Fact.COUNTRY, Fact.ORIGIN))

    def get_queryset(self):
        countries = self.counts.involved(Country.objects, Fact.COUNTRY)
        return sorted(countries, key=lambda c: (c.region, c.name))

    def get_context_data(self, **kwargs):
        # Countries as exporters: where the technology recorded came from, most first.
        exporters = self.counts.top(Country.objects, Fact.ORIGIN, limit=None)
        return super().get_context_data(exporters=exporters, **kwargs)


class CountryDetailView(DetailView):
    """A country both ways: the entries in it (receiving) and those supplied from it."""

    model = Country
    template_name = "tracker/country_detail.html"
    context_object_name = "country"

    def get_context_data(self, **kwargs):
        country = self.object
        here = RecordCounts.of(Fact.COUNTRY, country.pk)
        exported = RecordCounts.of(Fact.ORIGIN, country.pk)
        figures_here, figures_exported = here.figures(), exported.figures()
        page, notice = entries_page(
            self.request,
            published_deployments().filter(country=country),
            figures_here,
        )
        vendors = here.top(Vendor.objects.select_related("headquarters"), Fact.VENDOR)
        return super().get_context_data(
            here=figures_here,
            # A country known mostly as an exporter (China) leads with what left it.
            exporter_first=figures_exported["entries"] > figures_here["entries"],
            page_obj=page,
            deployments=page.object_list,
            page_notice=notice,
            in_link=list_link(country=country.iso2),
            origins=here.top(Country.objects, Fact.ORIGIN),
            vendors=vendors,
            exported=figures_exported,
            exported_entries=published_deployments()
            .filter(origin_countries=country)
            .order_by(*SOURCED_FIRST, "pk")[:EXPORTS_SHOWN],
            from_link=list_link(origin=country.iso2),
            destinations=exported.top(Country.objects, Fact.COUNTRY),
            exporting_vendors=exported.top(Vendor.objects, Fact.VENDOR),
            map=world_map(
                RecordCounts.everything().countries(),
                lambda c: reverse("country-detail", args=[c.slug]),
                highlight=country.iso2,
                title=gettext("%(country)s among all countries with deployments")
                % {"country": country},
            ),
            timeline=Timeline(
                here.years(), title=gettext("Deployments in %(country)s") % {"country": country}
            ),
            technologies=here.involved(Technology.objects, Fact.TECHNOLOGY),
            designations=Designation.objects.filter(vendor_id__in=here.keys(Fact.VENDOR))
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
        return Vendor.objects.select_related("headquarters").order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = RecordCounts.everything((Fact.VENDOR,)).per[Fact.VENDOR]
        countries = countries_per_vendor()
        for vendor in context["vendors"]:
            vendor.deployment_count = entries.get(vendor.pk, 0)
            vendor.country_count = countries.get(vendor.pk, 0)
        return context


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
        supplied = RecordCounts.of(Fact.VENDOR, vendor.pk)
        shown, figures = profile_context(
            self.request,
            "vendor",
            vendor.slug,
            supplied,
            published_deployments().filter(vendors=vendor),
            gettext("Where %(vendor)s has supplied") % {"vendor": vendor.name},
            gettext("Deployments naming %(vendor)s") % {"vendor": vendor.name},
        )
        return super().get_context_data(
            supplied=figures,
            **shown,
            # Bounded by the number of countries, not of entries; each links to this vendor's
            # entries in that country, not to the country's page.
            countries=supplied.involved(Country.objects, Fact.COUNTRY),
            technologies=supplied.top(Technology.objects, Fact.TECHNOLOGY),
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
        # In the reader's alphabet: "Analyse vidéo par IA" first on /fr/, "AI video analytics"
        # on /en/ (accents folded, so "Équipements" sorts with the E's).
        return sorted(Technology.objects.all(), key=lambda technology: fold(technology.local_name))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = RecordCounts.everything((Fact.TECHNOLOGY,)).per[Fact.TECHNOLOGY]
        for technology in context["technologies"]:
            technology.deployment_count = entries.get(technology.pk, 0)
        return context


class TechnologyDetailView(DetailView):
    model = Technology
    template_name = "tracker/technology_detail.html"
    context_object_name = "technology"

    def get_context_data(self, **kwargs):
        technology = self.object
        using = RecordCounts.of(Fact.TECHNOLOGY, technology.pk)
        shown, figures = profile_context(
            self.request,
            "technology",
            technology.slug,
            using,
            published_deployments().filter(technologies=technology),
            gettext("%(technology)s: entries per country") % {"technology": technology},
            gettext("Deployments of %(technology)s") % {"technology": technology},
        )
        return super().get_context_data(
            using=figures,
            **shown,
            vendors=using.top(Vendor.objects, Fact.VENDOR),
            origins=using.top(Country.objects, Fact.ORIGIN),
            top_shown=TOP,
            **kwargs,
        )
