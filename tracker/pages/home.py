"""The home page: totals, the map, the timeline and the latest entries."""

from django.db.models import Max, Q
from django.views.generic import TemplateView

from ..editorial import history
from ..graphics.charts import Timeline, year_counts
from ..graphics.flows import flow_diagram
from ..graphics.maps import country_counts, world_map
from ..models import Country, Deployment, Source, Vendor
from .common import findings_for_display, list_link, published_deployments
from .paging import top

# Countries of origin named on the home page; the map hatches every one of them.
TOP_EXPORTERS = 8


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
        # Where the technology came from, most entries first (one query): the map hatches
        # them and "Where it comes from" leads to each one's exports (?origin=).
        exporters = list(top(Country.objects, "exported_deployments", published, limit=300))
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
            latest=published_deployments().newest_first()[:6],
            since_last_import=history.since_last_import(),
            flows=flow_diagram(published),
            map=world_map(
                country_counts(published),
                lambda c: list_link(country=c.iso2),
                title="Published deployments per country",
                origins=[(c.iso2, c.name) for c in exporters],
            ),
            top_exporters=exporters[:TOP_EXPORTERS],
            timeline=Timeline(year_counts(published)),
            findings=findings_for_display()[:4],
            **kwargs,
        )
