"""About, methods and recent changes: how the site's data came to be."""

from django.db.models import Count, Q
from django.views.generic import TemplateView

from ..editorial import history
from ..models import Deployment, SiteDataLoad, Source
from ..models.deployments import counted


class ChangesView(TemplateView):
    """/changes/: entries published, changed, retracted or unpublished, newest first, by page.

    Pages run by keyset (``?before=<history id>``: the changes older than that one), never by
    counting or skipping: each page is one range of an index, the first as cheap as the
    thousandth, and an older page keeps its rows when new changes arrive.
    """

    template_name = "tracker/changes.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        before = self.before()
        # One more than a page says whether an older page exists, without a count.
        records = list(history.site_events(before)[: self.paginate_by + 1])
        page = records[: self.paginate_by]
        older = page[-1].history_id if len(records) > self.paginate_by else None
        return super().get_context_data(
            changes=history.describe(page), before=before, older=older, **kwargs
        )

    def before(self):
        # Not a number: the newest changes, never an error (as for a bad ?page=).
        value = self.request.GET.get("before", "")
        return int(value) if value.isdigit() and len(value) < 12 else None


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
