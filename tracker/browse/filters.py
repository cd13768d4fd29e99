"""The deployment list's filters. The URL is the state: every filter is a GET parameter."""

from datetime import datetime, time

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..graphics import regions
from ..graphics.regions import REGIONS
from ..models import Citation, Country, Deployment, Source, Technology, Vendor
from ..models.deployments import MAX_YEAR, MIN_YEAR, NEWEST_FIRST, SOURCED_FIRST
from . import search

MAX_QUERY_LENGTH = 200

SORTS = {
    "sourced": _("Best sourced first"),
    "relevance": _("Relevance"),
    "newest": _("Newest first"),
    "country": _("Country"),
    "year": _("Start year"),
}
YEAR_NOT_KNOWN = _("Year not known")


def region_label(name):
    """The UN M49 region as readers see it; the stored (English) name is the value."""
    return regions.label(name)


def decade_label(year):
    """ "1990s" """
    return _("%(year)ss") % {"year": year}


UNKNOWN_VALUE = _("“%(value)s” is not a known value.")


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Looks values up by code or slug, refusing junk before it reaches the database.

    PostgreSQL rejects strings containing NUL, and a 10,000-character "slug" cannot match
    anything, so both are answered with a form error instead of a query.
    """

    def __init__(self, *args, normalize=str.lower, unknown=UNKNOWN_VALUE, **kwargs):
        self.normalize = normalize
        self.unknown = unknown  # the refusal, with the value sent as %(value)s
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        cleaned = []
        for item in value:
            if not isinstance(item, str) or "\x00" in item or len(item) > 100:
                raise ValidationError(self._unknown(item), code="invalid_choice")
            cleaned.append(self.normalize(item.strip()))
        found = self._check_values_quietly(cleaned)
        known = {str(getattr(obj, self.to_field_name)) for obj in found}
        for item in cleaned:
            if item not in known:
                raise ValidationError(self._unknown(item), code="invalid_choice")
        return found

    def _check_values_quietly(self, values):
        return self.queryset.filter(**{f"{self.to_field_name}__in": values})

    def _unknown(self, item):
        # The message reaches HTML, JSON and plain-text answers alike: what was sent is quoted
        # without markup characters (no code or slug has them), so no output can carry a tag.
        shown = Truncator(str(item).replace("<", "").replace(">", "")).chars(40)
        return self.unknown % {"value": shown}


class CodeFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CodeMultipleChoiceField


class CountryFilter(CodeFilter):
    """By the entry's own country id, the codes looked up once by the form: with
    ``country__iso2`` the join hid which country from the planner, which guessed 4,000 entries
    for Romania's 164,000 at 1M and chose a plan 4x slower (docs/performance.md)."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(country_id__in=[obj.pk for obj in value])


class LinkFilter(CodeFilter):
    """A filter across a link table as ``EXISTS (…)``: an entry matching two chosen options is
    listed once, without a join that repeats it or a DISTINCT over whole rows."""

    def __init__(self, *args, links, column, **kwargs):
        self.links, self.column = links, column
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        chosen = self.links.filter(**{f"{self.column}__in": [obj.pk for obj in value]})
        return queryset.filter(Exists(chosen.filter(deployment=OuterRef("pk"))))


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AddedSinceField(forms.DateField):
    """One unambiguous form of date (2026-12-01), refused with a message saying which."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("“Added since” takes a date written YYYY-MM-DD, e.g. 2026-12-01."),
    }


class AddedSinceFilter(django_filters.DateFilter):
    """Entries first published on this site on or after a day (the site's time zone)."""

    field_class = AddedSinceField

    def filter(self, queryset, value):
        if not value:
            return queryset
        # From the start of that day, as an aware time: compares with the index on published_at
        # (a __date lookup would cast every row).
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(published_at__gte=start)


UNKNOWN_DECADE = "unknown"


def decade_choices():
    """Every decade a plausible start year can fall in, and "unknown" for entries without one."""
    decades = [(str(year), decade_label(year)) for year in range(MIN_YEAR, MAX_YEAR + 1, 10)]
    return [*decades, (UNKNOWN_DECADE, YEAR_NOT_KNOWN)]


def region_choices():
    return [(name, region_label(name)) for name in sorted(REGIONS.values())]


def leave_out_not_completed(queryset, form):
    """Entries a source says never completed stay out unless the reader chose their status."""
    chosen = getattr(form, "cleaned_data", {}).get("status") or []
    if Deployment.Status.NOT_COMPLETED in chosen:
        return queryset
    return queryset.exclude(status=Deployment.Status.NOT_COMPLETED)


class DeploymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words in titles, places, summaries, vendor names or quoted sources."),
    )
    country = CountryFilter(
        field_name="country__iso2",
        to_field_name="iso2",
        queryset=Country.objects.all(),
        normalize=str.upper,
        unknown=_("“%(value)s” is not a known country code (use ISO alpha-2, e.g. RS)."),
        label=_("Country"),
    )
    origin = LinkFilter(
        links=Deployment.origin_countries.through.objects,
        column="country_id",
        field_name="origin_countries__iso2",
        to_field_name="iso2",
        queryset=Country.objects.all(),
        normalize=str.upper,
        unknown=_("“%(value)s” is not a known country code (use ISO alpha-2, e.g. CN)."),
        label=_("Technology from"),
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="country__region", choices=region_choices, label=_("Region"), distinct=False
    )
    vendor = LinkFilter(
        links=Deployment.vendors.through.objects,
        column="vendor_id",
        field_name="vendors__slug",
        to_field_name="slug",
        queryset=Vendor.objects.all(),
        unknown=_("“%(value)s” is not a known vendor."),
        label=_("Vendor"),
    )
    technology = LinkFilter(
        links=Deployment.technologies.through.objects,
        column="technology_id",
        field_name="technologies__slug",
        to_field_name="slug",
        queryset=Technology.objects.all(),
        unknown=_("“%(value)s” is not a known technology."),
        label=_("Technology"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Deployment.Status.choices,
        label=_("Status"),
        distinct=False,
        help_text=_("Entries a source says did not complete are listed only when chosen here."),
    )
    evidence = django_filters.MultipleChoiceFilter(
        choices=Deployment.Evidence.choices, label=_("Kind of evidence"), distinct=False
    )
    sources_min = django_filters.NumberFilter(
        field_name="pair_sources",
        lookup_expr="gte",
        label=_("Supplier and country supported by at least this many sources"),
        min_value=1,
        max_value=50,
    )
    dataset = LinkFilter(
        links=Citation.objects,
        column="source_id",
        field_name="citations__source__slug",
        to_field_name="slug",
        queryset=Source.objects.filter(kind=Source.Kind.DATASET),
        unknown=_("“%(value)s” is not a known dataset."),
        label=_("Dataset"),
    )
    start_year_min = YearFilter(
        field_name="start_year",
        lookup_expr="gte",
        label=_("Started in or after"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    start_year_max = YearFilter(
        field_name="start_year",
        lookup_expr="lte",
        label=_("Started in or before"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    added_since = AddedSinceFilter(label=_("Added to this site since"))

    decade = django_filters.MultipleChoiceFilter(
        method="filter_decade", choices=decade_choices, label=_("Decade started")
    )
    sort = django_filters.ChoiceFilter(
        method="keep", choices=list(SORTS.items()), empty_label=None, label=_("Sort by")
    )

    class Meta:
        model = Deployment
        fields = []

    def keep(self, queryset, name, value):
        """Sorting is applied last, in filter_queryset, once every filter has run."""
        return queryset

    def filter_decade(self, queryset, name, values):
        condition = Q()
        for value in values:
            if value == UNKNOWN_DECADE:
                condition |= Q(start_year__isnull=True)
            else:
                start = int(value)
                condition |= Q(start_year__gte=start, start_year__lte=start + 9)
        return queryset.filter(condition)

    def filter_queryset(self, queryset):
        queryset = leave_out_not_completed(super().filter_queryset(queryset), self.form)
        return queryset.order_by(*self.ordering())

    @property
    def sort_key(self):
        """The sort in effect: the reader's choice, else relevance for a search, else the best
        sourced first."""
        data = getattr(self.form, "cleaned_data", {})
        sort = data.get("sort") or ("relevance" if data.get("q") else "sourced")
        return "sourced" if sort == "relevance" and not data.get("q") else sort

    def ordering(self):
        sort = self.sort_key
        if sort == "sourced":
            return list(SOURCED_FIRST)
        if sort == "relevance":
            return [F("rank").desc(), "title"]
        if sort == "newest":
            return list(NEWEST_FIRST)
        if sort == "year":
            return [F("start_year").asc(nulls_last=True), "country__name", "title"]
        return ["country__name", "locality", "title"]

    def search(self, queryset, name, value):
        # The facets filter once per option list: the query's versions in both languages are
        # worked out (two queries) once per page.
        versions = self.__dict__.setdefault("_search_versions", {})
        if value not in versions:
            versions[value] = search.alternatives(search.fold(value))
        return search.search(queryset, value, versions=versions[value])
