"""The deployment list's filters. The URL is the state: every filter is a GET parameter."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import Truncator

from .models import Citation, Country, Deployment, Technology, Vendor
from .models.deployments import MAX_YEAR, MIN_YEAR
from .regions import REGIONS

MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 10


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Looks values up by code or slug, refusing junk before it reaches the database.

    PostgreSQL rejects strings containing NUL, and a 10,000-character "slug" cannot match
    anything, so both are answered with a form error instead of a query.
    """

    def __init__(self, *args, normalize=str.lower, noun="value", **kwargs):
        self.normalize = normalize
        self.noun = noun
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
        shown = Truncator(str(item)).chars(40)
        return f"“{shown}” is not a known {self.noun}."


class CodeFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CodeMultipleChoiceField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def region_choices():
    return [(name, name) for name in sorted(REGIONS.values())]


class DeploymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        help_text="Words in titles, places, summaries, vendor names or quoted sources.",
    )
    country = CodeFilter(
        field_name="country__iso2",
        to_field_name="iso2",
        queryset=Country.objects.all(),
        normalize=str.upper,
        noun="country code (use ISO alpha-2, e.g. RS)",
        label="Country",
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="country__region", choices=region_choices, label="Region"
    )
    vendor = CodeFilter(
        field_name="vendors__slug",
        to_field_name="slug",
        queryset=Vendor.objects.all(),
        noun="vendor",
        label="Vendor",
    )
    technology = CodeFilter(
        field_name="technologies__slug",
        to_field_name="slug",
        queryset=Technology.objects.all(),
        noun="technology",
        label="Technology",
    )
    status = django_filters.MultipleChoiceFilter(choices=Deployment.Status.choices)
    start_year_min = YearFilter(
        field_name="start_year",
        lookup_expr="gte",
        label="Started in or after",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    start_year_max = YearFilter(
        field_name="start_year",
        lookup_expr="lte",
        label="Started in or before",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )

    class Meta:
        model = Deployment
        fields = []

    def search(self, queryset, name, value):
        """Every word must appear somewhere: the entry's text, a vendor's names, or a quote."""
        for term in value.split()[:MAX_SEARCH_TERMS]:
            vendor_ids = Vendor.objects.filter(
                Q(name__icontains=term) | Q(aliases__name__icontains=term)
            ).values("pk")
            by_vendor = Deployment.vendors.through.objects.filter(vendor__in=vendor_ids).values(
                "deployment"
            )
            by_quote = Citation.objects.filter(quote__icontains=term).values("deployment")
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(locality__icontains=term)
                | Q(summary__icontains=term)
                | Q(pk__in=by_vendor)
                | Q(pk__in=by_quote)
            )
        return queryset
