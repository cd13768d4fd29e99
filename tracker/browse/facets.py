"""Facet counts beside the deployment list.

For every option of every filter, how many results the current selection would give if that
option were also chosen. Within one filter the options are alternatives (OR), so each facet is
counted with every *other* filter applied and its own left out ("disjunctive" faceting, as
search engines do it). One aggregate query per facet, whatever the number of rows or options.
"""

from dataclasses import dataclass

from django.db.models import Count, F

from ..graphics.regions import REGIONS
from ..models import Deployment, Source
from .filters import SORTS, UNKNOWN_DECADE, leave_out_not_completed


@dataclass(frozen=True)
class Facet:
    param: str
    legend: str
    value: str  # what the query groups by, and the option's value in the URL
    label: str  # what the reader sees
    normalize: type = str
    where: tuple = ()  # (lookup, value) pairs limiting what is counted, e.g. to datasets

    def option(self, value, label, count, chosen):
        return {"value": value, "label": label, "count": count, "checked": value in chosen}


FACETS = [
    Facet("country", "Country", "country__iso2", "country__name"),
    Facet("region", "Region", "country__region", "country__region"),
    Facet("origin", "Technology from", "origin_countries__iso2", "origin_countries__name"),
    Facet("vendor", "Vendor", "vendors__slug", "vendors__name"),
    Facet("technology", "Technology", "technologies__slug", "technologies__name"),
    Facet("status", "Status", "status", "status"),
    Facet("evidence", "Kind of evidence", "evidence", "evidence"),
    Facet("decade", "Decade started", "decade", "decade"),
    Facet(
        "dataset",
        "Dataset",
        "citations__source__slug",
        "citations__source__title",
        where=(("citations__source__kind", Source.Kind.DATASET),),
    ),
]
NOT_FILTERS = {"sort"}
STATUS_LABELS = dict(Deployment.Status.choices)
EVIDENCE_LABELS = dict(Deployment.Evidence.choices)


def facet_counts(filterset):
    """[{param, legend, options: [{value, label, count, checked}]}] for the sidebar."""
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data if valid else {}
    raw = filterset.data if valid else {}
    return [
        {
            "param": facet.param,
            "legend": facet.legend,
            "options": _options(facet, _counts(filterset, facet, data), raw, data),
        }
        for facet in FACETS
    ]


def _counts(filterset, facet, data):
    queryset = filterset.queryset
    for name, filter_ in filterset.filters.items():
        if name == facet.param or name in NOT_FILTERS or name not in data:
            continue
        queryset = filter_.filter(queryset, data[name])
    if facet.param != "status":
        queryset = leave_out_not_completed(queryset, filterset.form)
    if facet.param == "decade":
        queryset = queryset.annotate(decade=F("start_year") / 10 * 10)
    # One filter() call before values(): the grouping then reuses the join the condition made,
    # so a deployment citing the article and a dataset is counted under the dataset only.
    queryset = queryset.filter(**dict(facet.where))
    rows = (
        queryset.order_by()
        .values_list(facet.value, facet.label)
        .annotate(n=Count("pk", distinct=True))
    )
    return {value: (label, n) for value, label, n in rows}


def _options(facet, counts, raw, data):
    chosen = set(raw.getlist(facet.param)) if hasattr(raw, "getlist") else set()
    if facet.param in ("country", "origin"):
        chosen = {value.upper() for value in chosen}
    if facet.param == "region":
        return [
            facet.option(name, name, counts.get(name, ("", 0))[1], chosen)
            for name in sorted(REGIONS.values())
        ]
    if facet.param in ("status", "evidence"):
        labels = STATUS_LABELS if facet.param == "status" else EVIDENCE_LABELS
        return [
            facet.option(value, label, counts.get(value, ("", 0))[1], chosen)
            for value, label in labels.items()
        ]
    if facet.param == "decade":
        # A chosen decade left with no result stays on screen, so it can be unticked.
        picked = {int(v) for v in chosen if v.isdigit()}
        decades = sorted({value for value in counts if value is not None} | picked)
        options = [
            facet.option(str(d), f"{d}s", counts.get(d, ("", 0))[1], chosen) for d in decades
        ]
        unknown = counts.get(None, ("", 0))[1]
        options.append(facet.option(UNKNOWN_DECADE, "Year not known", unknown, chosen))
        return options
    options = [
        facet.option(value, label, n, chosen)
        for value, (label, n) in counts.items()
        if value is not None
    ]
    # A chosen option with no result left must stay on screen, or it could not be unticked.
    for obj in data.get(facet.param) or []:
        value = obj.iso2 if facet.param in ("country", "origin") else obj.slug
        if value not in counts:
            options.append(facet.option(value, str(obj), 0, chosen))
    # Chosen options first: in a long list (every country) they stay in sight, easy to untick.
    return sorted(options, key=lambda option: (not option["checked"], option["label"]))


__all__ = ["FACETS", "SORTS", "facet_counts"]
