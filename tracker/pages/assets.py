"""Files asked for at fixed addresses: the favicon browsers and tools request at /favicon.ico,
and the stylesheet that makes the Atom feeds readable when a browser opens one."""

from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    # Temporary: the static file's hashed name changes with its content.
    return redirect(static("favicon.svg"))


@require_safe
@cache_control(max_age=3600, public=True)
def feed_stylesheet(request):
    # text/xsl: the type browsers expect of an XSLT stylesheet (application/xslt+xml, the
    # registered one, is not understood by all).
    return render(request, "feeds/atom.xsl", content_type="text/xsl; charset=utf-8")
