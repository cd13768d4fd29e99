"""One page of rows at a time, for the profile and source pages.

A country, vendor, technology or source page must cost the same with ten entries or a million:
it shows summary figures, one page of rows and a link to the filtered list, never every row.
"""

from django.core.paginator import Paginator
from django.utils.translation import gettext

ROWS_PER_PAGE = 50


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
        notice = gettext("There is no page “%(page)s”; showing page %(number)s.") % {
            "page": requested[:20],
            "number": page.number,
        }
    return page, notice
