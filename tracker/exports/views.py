"""The export views: ``?format=`` on the list and detail pages, ``<slug>.json``, and /data/.

The list's own URL is the export's URL: ``/deployments/?country=FR&format=csv`` is the French
entries as CSV, with every filter of the page applied and every matching row included (not just
one page). ``format`` may be ``html`` (the default), ``csv`` or ``json``; anything else is
answered with 400 and the list of allowed values.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView
from django_filters import MultipleChoiceFilter

from tracker.browse.filters import DeploymentFilter
from tracker.models import Deployment

from .columns import (
    CITATION_FIELDS,
    COLUMNS,
    LICENCE,
    LICENCE_URL,
    SEPARATOR,
    SITE_NAME,
    absolute,
    deployment_json,
)
from .stream import (
    CSV_BOM,
    EXPORT_FORMATS,
    csv_lines,
    export_filename,
    export_response,
    for_export,
    open_data_headers,
    reverse_or_none,
    safe_filename,
)

FORMAT_PARAM = "format"
FORMATS = ("html", *EXPORT_FORMATS)


# --- Format negotiation and errors -------------------------------------------------------------


def requested_format(request):
    """The ``format`` asked for ("html" when absent or empty), or None when it is not known."""
    values = {value.strip().lower() for value in request.GET.getlist(FORMAT_PARAM)}
    values.discard("")
    if not values:
        return "html"
    if len(values) == 1 and (fmt := values.pop()) in FORMATS:
        return fmt
    return None


def unknown_format_response():
    """400, naming the allowed values and never echoing what was sent."""
    allowed = ", ".join(FORMATS)
    example = f"{reverse('deployment-list')}?country=FR&{FORMAT_PARAM}=csv"
    message = gettext(
        "Unknown format. The “%(param)s” parameter accepts one of: %(allowed)s. "
        "For example: %(example)s"
    ) % {"param": FORMAT_PARAM, "allowed": allowed, "example": example}
    if path := reverse_or_none("data"):
        message += "\n" + gettext("The CSV and JSON fields are described at %(path)s") % {
            "path": path
        }
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def invalid_filters_response(errors, fmt):
    """400 with the filter errors: a JSON object for json, plain text lines otherwise."""
    messages = {field: [str(message) for message in errs] for field, errs in errors.items()}
    if fmt == "json":
        response = JsonResponse(
            {"errors": messages}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    else:
        lines = [
            f"{field}: {message}"
            for field, field_messages in messages.items()
            for message in field_messages
        ]
        text = gettext("The filters could not be applied:") + "\n" + "\n".join(lines) + "\n"
        response = HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    return response


def example_row():
    """The documented example, as a JSON object and as CSV text (header and one row)."""
    row = {field.name: field.example for field in COLUMNS}
    lines = csv_lines([row])
    return json.dumps(row, ensure_ascii=False, indent=2), "".join(lines).removeprefix(CSV_BOM)


# --- Views -------------------------------------------------------------------------------------


class ListExportMixin:
    """For the deployment list (a django-filter FilterView): ``?format=csv|json`` exports.

    The export is the filterset's filtered and ordered queryset, every row of it; invalid
    filters give 400 with the errors; an unknown format gives 400 with the allowed values.
    ``format=html`` (or none) is the page as before.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        fmt = requested_format(request)
        if fmt is None:
            return unknown_format_response()
        if fmt not in EXPORT_FORMATS:
            return super().dispatch(request, *args, **kwargs)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return invalid_filters_response(self.filterset.errors, fmt)
        return export_response(
            self.filterset.qs, fmt, request, filename=export_filename(self.filterset)
        )


class DetailExportMixin:
    """For the deployment page: ``?format=json`` is DeploymentJSONView, ``?format=csv`` one row."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            fmt = requested_format(request)
            if fmt is None:
                return unknown_format_response()
            if fmt == "json":
                return deployment_json_response(request, kwargs["slug"])
            if fmt == "csv":
                slug = kwargs["slug"]
                get_object_or_404(Deployment.objects.published().only("pk"), slug=slug)
                queryset = Deployment.objects.filter(slug=slug)
                return export_response(
                    queryset, "csv", request, filename=f"deployment-{slug}", limited=False
                )
        return super().dispatch(request, *args, **kwargs)


def deployment_json_response(request, slug):
    deployment = get_object_or_404(for_export(Deployment.objects.all()), slug=slug)
    response = JsonResponse(
        deployment_json(deployment, request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'inline; filename="{safe_filename(slug)}.json"'
    return open_data_headers(response, request)


class DeploymentJSONView(View):
    """/deployments/<slug>.json: one published deployment, the fields of one export row."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, slug):
        return deployment_json_response(request, slug)


class DataView(TemplateView):
    """/data/: what the exports and feeds contain, the licence, and how to cite the data."""

    template_name = "tracker/data.html"

    def get_context_data(self, **kwargs):
        request = self.request
        list_url = reverse("deployment-list")
        slug = (
            Deployment.objects.published()
            .order_by("-published_at", "title")
            .values_list("slug", flat=True)
            .first()
        ) or COLUMNS[0].example
        single = reverse_or_none("deployment-json", slug)
        latest_feed = reverse_or_none("feed-latest")
        example_json, example_csv = example_row()
        filters = [
            (
                name,
                declared.label or name.replace("_", " ").capitalize(),
                isinstance(declared, MultipleChoiceFilter),
            )
            for name, declared in DeploymentFilter.base_filters.items()
        ]
        feeds = [
            (gettext("Every newly published deployment"), latest_feed),
            (
                gettext("Deployments in one country, e.g. France"),
                reverse_or_none("feed-country", "france"),
            ),
            (
                gettext("Deployments of one vendor, e.g. Hikvision"),
                reverse_or_none("feed-vendor", "hikvision"),
            ),
        ]
        return super().get_context_data(
            columns=COLUMNS,
            filters=filters,
            citation_fields=CITATION_FIELDS,
            separator=SEPARATOR,
            formats=FORMATS,
            licence=LICENCE,
            licence_url=LICENCE_URL,
            site_name=SITE_NAME,
            csv_url=absolute(request, f"{list_url}?country=FR&format=csv"),
            json_url=absolute(request, f"{list_url}?country=FR&format=json"),
            all_csv_url=f"{list_url}?format=csv",
            all_json_url=f"{list_url}?format=json",
            single_json_url=absolute(request, single) if single else None,
            feeds=[(label, absolute(request, path)) for label, path in feeds if path],
            latest_feed_url=latest_feed,
            example_json=example_json,
            example_csv=example_csv,
            generated_on=timezone.now(),
            **kwargs,
        )
