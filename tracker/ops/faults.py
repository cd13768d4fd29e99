"""Database faults become a 503 page with Retry-After instead of a traceback or a hung request.

A database that is down, restarting, unreachable or too slow (PostgreSQL's statement_timeout,
settings.postgres_timeouts) raises a DatabaseError somewhere in the request. Readers then get
"503 Service Unavailable" with ``Retry-After`` and a plain page that itself needs no database.
A reader who was sending a correction gets the form back with their text in it.

Django closes a connection that raised such an error once the request ends, and checks an
idle one before reuse (CONN_HEALTH_CHECKS), so when the database is back the next request
works: no restart needed.

IntegrityError and DataError are left alone: they are bugs or bad input, not an outage, and
should stay loud 500s.
"""

import logging
import sys

from django.db import DataError, IntegrityError
from django.db.utils import DatabaseError
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("tracker.ops")

RETRY_AFTER_SECONDS = 30
CORRECTION_VIEW = "deployment-correction"


def is_outage(exc):
    return isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError | DataError)


def unavailable(request, exc):
    """The 503 response: rendered without the database (no context processors, no session)."""
    logger.error(
        "Database unavailable for %s %s: %s", request.method, request.path, exc, exc_info=exc
    )
    context = {"retry_after": RETRY_AFTER_SECONDS}
    if request.method == "POST":
        context.update(kept_correction(request))
    response = _plain_response(render_to_string("503.html", context))
    return response


def kept_correction(request):
    """For a correction that could not be stored: the form again, holding what was typed."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return {}
    if match.url_name != CORRECTION_VIEW:
        return {}
    from tracker.editorial.corrections import CorrectionForm  # the form module imports the models

    form = CorrectionForm(request.POST)
    form.is_valid()  # shows the reader any mistake too; nothing here touches the database
    return {
        "correction_form": form,
        "deployment": {"slug": match.kwargs["slug"]},
        "csrf_token": get_token(request),
    }


def _plain_response(content):
    from django.http import HttpResponse

    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a view (or its template) into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: the same 503 for an outage raised outside a view (e.g. saving a session)."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return unavailable(request, exc)
    return default_server_error(request, template_name)
