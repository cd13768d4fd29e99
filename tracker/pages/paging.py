"""One page of rows at a time, for the profile and source pages, and short "top" lists.

A country, vendor, technology or source page must cost the same with ten entries or a million:
it shows summary figures, one page of rows and a link to the filtered list, never every row.
"""

from django.core.paginator import Paginator
from django.db.models import Count

ROWS_PER_PAGE = 50
# How many rows a "top" list (vendors present, countries supplied from here…) shows; the rest
# are a click away in the filtered list.
TOP = 12


def page_of(request, queryset, per_page=None, count=None):
    """The page of ``queryset`` asked for with ``?page=``, and a note when it does not exist.

    ``?page=abc`` or ``?page=999`` shows the first or last page with a note rather than an
    error: a shared link to a page that has since shrunk still leads somewhere. ``count``, when
    the page already knows how many rows there are (its summary figures), saves counting twice.
    """
    paginator = Paginator(queryset, per_page or ROWS_PER_PAGE)
    if count is not None:
        paginator.count = count
    requested = request.GET.get("page", "1")
    page = paginator.get_page(requested)
    notice = ""
    if "page" in request.GET and requested != str(page.number):
        notice = f"There is no page “{requested[:20]}”; showing page {page.number}."
    return page, notice


def top(queryset, relation, deployments, limit=None):
    """The rows of ``queryset`` most linked to ``deployments``, each with ``deployment_count``.

    One query, however many rows there are: counted in the database, most first, then by name,
    cut at ``limit`` (``TOP``). Filtering before annotating makes the count cover only the given
    deployments.
    """
    return (
        queryset.filter(**{f"{relation}__in": deployments})
        .annotate(deployment_count=Count(relation, distinct=True))
        .order_by("-deployment_count", "name")[: limit or TOP]
    )


def summary(deployments):
    """Entries, vendors, receiving countries and countries of origin of ``deployments``.

    One aggregate query. Counting distinct keys keeps an entry with two vendors counted once.
    """
    return deployments.order_by().aggregate(
        entries=Count("pk", distinct=True),
        vendors=Count("vendors", distinct=True),
        countries=Count("country", distinct=True),
        origins=Count("origin_countries", distinct=True),
    )
