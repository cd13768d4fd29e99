"""The home page: totals, the map, the timeline and the latest entries."""

from django.db.models import Subquery
from django.utils.translation import gettext
from django.views.generic import TemplateView

from ..browse import tallies
from ..browse.facets import flow_row
from ..editorial import history
from ..graphics.charts import Timeline
from ..graphics.flows import FLOWS_SHOWN, FlowDiagram, list_links
from ..graphics.maps import counted_countries, world_map
from ..models import FLOW_BASE, Citation, Country, Deployment
from .common import findings_for_display, list_link, published_deployments

# Countries of origin named on the home page; the map hatches every one of them.
TOP_EXPORTERS = 8


def last_updated(published):
    """When the published data last changed: the newest edit of a published entry or citation.

    None when nothing is published; drafts and entries in review never move it. One query:
    the newest entry and, beside it, the newest citation, each the head of an index
    (deployment_last_updated_idx, citation_last_updated_idx), where a MAX over the join of
    entries and citations read every row.
    """
    citation = Citation.objects.filter(deployment__in=published).order_by("-created_at")
    latest = (
        published.order_by("-updated_at")
        .annotate(citation=Subquery(citation.values("created_at")[:1]))
        .values_list("updated_at", "citation")
        .first()
    )
    return max(filter(None, latest or ()), default=None)


class HomeView(TemplateView):
    template_name = "tracker/home.html"

    def get_context_data(self, **kwargs):
        published = Deployment.objects.counted()
        # Totals, map, timeline, flows and exporters from the facet tallies
        # (tracker.browse.tallies): the same two queries whatever the number of entries, no
        # COUNT(DISTINCT) over joins; one more names the countries.
        counts = tallies.overall()
        countries = Country.objects.in_bulk(
            sorted(
                {*counts["per_country"], *counts["per_origin"]}
                | {k // FLOW_BASE for k in counts["flows"]} - {0}
            )
        )
        # Where the technology came from, most entries first: the map hatches them and "Where
        # it comes from" leads to each one's exports (?origin=).
        exporters = []
        for pk, n in counts["per_origin"].items():
            countries[pk].deployment_count = n
            exporters.append(countries[pk])
        exporters.sort(key=lambda c: (-c.deployment_count, c.name))
        flows = [flow_row(countries, key, n) for key, n in counts["flows"].items()]
        return super().get_context_data(
            last_updated=last_updated(published),
            totals={key: counts[key] for key in ("deployments", "countries", "vendors", "sources")},
            latest=published_deployments().newest_first()[:6],
            since_last_import=history.since_last_import(),
            flows=FlowDiagram(
                flows, list_links(), FLOWS_SHOWN, gettext("Where the technology went"), "flows"
            ),
            map=world_map(
                counted_countries((countries[pk], n) for pk, n in counts["per_country"].items()),
                lambda c: list_link(country=c.iso2),
                title=gettext("Published deployments per country"),
                origins=[(c.iso2, c.display_name) for c in exporters],
            ),
            top_exporters=exporters[:TOP_EXPORTERS],
            timeline=Timeline(counts["per_year"]),
            findings=findings_for_display()[:4],
            **kwargs,
        )
