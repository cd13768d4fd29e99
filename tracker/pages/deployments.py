"""The list of entries (filters, facets, map) and each entry's page."""

import unicodedata

from django.conf import settings
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import DetailView
from django_filters.views import FilterView

from .. import exports
from ..browse.facets import tally
from ..browse.filters import SORTS, DeploymentFilter
from ..browse.selection import chips, heading
from ..editorial import corroboration, history
from ..editorial.corrections import CorrectionFormMixin
from ..graphics.flows import FLOWS_SHOWN, FlowDiagram, list_links
from ..graphics.maps import counted_countries, world_map
from ..models import (
    Deployment,
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
        if self.tally.total is not None:
            # Counted with the facets, in the same query: the rows are not counted again.
            paginator.count = self.tally.total
        requested = self.request.GET.get("page", "1")
        page = paginator.get_page(requested)
        if requested != str(page.number) and "page" in self.request.GET:
            self.page_notice = gettext("There is no page “%(page)s”; showing page %(number)s.") % {
                "page": requested[:20],
                "number": page.number,
            }
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

    @cached_property
    def tally(self):
        """The facets, the number of results and the map's counts (tracker.browse.facets)."""
        return tally(self.filterset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_notice"] = getattr(self, "page_notice", "")
        context["facets"] = self.tally.facets
        context["sorts"] = SORTS
        # As tracker.graphics.flows.list_flows draws them, from the counts made with the facets.
        # Filters not understood give no results, so no flows: their links would carry the
        # reader's unreadable value into the page.
        context["flows"] = FlowDiagram(
            self.tally.flows if self.filterset.is_valid() else [],
            list_links(self.filterset.data),
            FLOWS_SHOWN,
            gettext("Where these entries came from, and where they went"),
            "list-flows",
        )
        context["selection"] = heading(self.filterset, context["paginator"].count)
        context["chips"] = chips(self.filterset)
        context["map"] = world_map(
            counted_countries(self.tally.countries),
            self.narrowed_to_country,
            title=gettext("Deployments matching these filters, per country"),
            origins=origins_shown(context["facets"]),
            focus=bool(context["chips"]),
        )
        return context

    def narrowed_to_country(self, country_count):
        """The current filters with the country set to this one: the map's link."""
        params = self.filterset.data.copy()
        params.setlist("country", [country_count.iso2])
        for key in ("page", "format"):
            params.pop(key, None)
        return "?" + params.urlencode()


def origins_shown(facets):
    """(iso2, name) of the countries the results' technology came from, read off the origin
    facet (no query of its own): with no origin chosen, its options with a count are exactly
    the results' origins; with some chosen, those are."""
    for facet in facets:
        if facet["param"] == "origin":
            options = [o for o in facet["options"] if o["count"]]
            chosen = [o for o in options if o["checked"]]
            return [(o["value"], o["label"]) for o in chosen or options]
    return []


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
