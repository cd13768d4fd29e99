"""The page in each language: for the language switch and the ``hreflang`` alternates.

A page's other-language address is the same page with the same query string (filters, search,
sort and page keep their names and values in every language), so switching keeps what the
reader was looking at.
"""

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils import translation

from ..models.languages import permalink, pick

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """[{code, name, url, absolute_url, current}] for each language, and the "x-default" URL.

    The default is the unprefixed address, which redirects by the browser's Accept-Language.
    """
    request = context.get("request")
    nothing = {"languages": [], "default_url": ""}
    if request is None:
        return nothing
    try:
        request.get_host()
    except DisallowedHost:  # the 400 page for a host not allowed: no absolute addresses
        return nothing
    here = request.get_full_path()
    current = translation.get_language()
    languages = []
    for code, name in settings.LANGUAGES:
        url = translate_url(here, code)
        languages.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    # The unprefixed form of this page's own address (already among those translated above).
    this_page = next((language["url"] for language in languages if language["current"]), here)
    default = permalink(this_page)
    return {"languages": languages, "default_url": request.build_absolute_uri(default)}


@register.filter
def reader_title(record):
    """The title of an entry's history record in the reader's language, else the other one."""
    return pick(record.title, getattr(record, "title_fr", ""))
