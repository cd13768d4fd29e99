"""Admin for the reference content: countries, vendors, technologies, sources, citations,
designations and findings. Autocomplete wherever a list would be long; history on each."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..importers.sources import same_work
from ..models import (
    Citation,
    Country,
    Designation,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
    VendorRelation,
)
from ..models.vendors import name_key

# Links editors type without a scheme ("example.org/report") are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "iso2", "iso3", "region", "subregion", "is_iso"]
    list_filter = ["region", "subregion", "is_iso"]
    search_fields = ["name", "name_fr", "official_name", "iso2", "iso3"]
    prepopulated_fields = {"slug": ["name"]}


class VendorAliasFormSet(forms.BaseInlineFormSet):
    """Each alias form checks the saved aliases only; two rows of one submission spelling the
    same name (or the vendor's own name) would otherwise pass and fail at the database."""

    def clean(self):
        super().clean()
        own = gettext("“%(name)s” is already the vendor's own name.")
        taken = {name_key(self.instance.name): own}
        for form in self.forms:
            name = form.cleaned_data.get("name") if hasattr(form, "cleaned_data") else None
            if not name or self._should_delete_form(form):
                continue
            key = name_key(name)
            if key in taken:
                form.add_error("name", taken[key] % {"name": name})
            else:
                taken[key] = gettext("“%(name)s” is already listed above.")


class VendorAliasInline(admin.TabularInline):
    model = VendorAlias
    formset = VendorAliasFormSet
    extra = 1


class DesignationInline(admin.StackedInline):
    model = Designation
    extra = 0
    autocomplete_fields = ["source", "attributed_to"]


class HeadOfficeSourcedFilter(admin.SimpleListFilter):
    """The editors' to-do list: vendors readers see with no cited head office."""

    title = _("head office")
    parameter_name = "head_office"

    def lookups(self, request, model_admin):
        return [
            ("not_sourced", _("Not sourced (named in a published entry)")),
            ("sourced", _("Sourced")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "not_sourced":
            return queryset.filter(
                headquarters__isnull=True, deployments__state="published"
            ).distinct()
        if self.value() == "sourced":
            return queryset.filter(headquarters__isnull=False)
        return queryset


class VendorRelationInline(admin.TabularInline):
    model = VendorRelation
    fk_name = "vendor"
    extra = 0
    autocomplete_fields = ["other", "source", "attributed_to"]
    fields = [
        "kind",
        "other",
        "source",
        "quote",
        "translation",
        "translation_language",
        "locator",
        "attributed_to",
    ]


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "headquarters", "deployment_count", "updated_at"]
    list_filter = [HeadOfficeSourcedFilter, "headquarters__region", "headquarters"]
    list_select_related = ["headquarters"]
    search_fields = ["name", "aliases__name", "description"]
    autocomplete_fields = ["headquarters", "headquarters_source"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorAliasInline, VendorRelationInline, DesignationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "website", "description"]}),
        (
            _("Head office, as a source gives it"),
            {
                "fields": [
                    "headquarters",
                    "headquarters_source",
                    "headquarters_quote",
                    "headquarters_locator",
                ]
            },
        ),
    ]
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deployments=Count("deployments"))

    @admin.display(description=_("deployments"), ordering="_deployments")
    def deployment_count(self, obj):
        return obj._deployments


@admin.register(VendorAlias)
class VendorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor"]
    list_select_related = ["vendor"]
    search_fields = ["name", "vendor__name"]
    autocomplete_fields = ["vendor"]


@admin.register(Technology)
class TechnologyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_fr", "slug"]
    search_fields = ["name", "name_fr", "description"]
    prepopulated_fields = {"slug": ["name"]}


class SourceForm(forms.ModelForm):
    """Offers the existing source when an editor adds one we seem to have already: the same URL
    (whatever its scheme, "www." or trailing slash), the same DOI, or the same title and
    publisher (case and spacing aside). The form is refused with a link to it, unless the editor
    ticks "This is a different work"."""

    url = forms.URLField(
        label=_("URL"),
        max_length=800,
        required=False,
        assume_scheme="https",
        help_text=_("Only a URL you have seen. Leave empty rather than guess."),
    )
    archive_url = forms.URLField(
        label=_("archive URL"), max_length=800, required=False, assume_scheme="https"
    )
    different_work = forms.BooleanField(
        label=_("This is a different work"),
        required=False,
        help_text=_(
            "Tick only if the form says this source is already recorded and, having "
            "opened the one it names, you are sure this is another work."
        ),
    )

    class Meta:
        model = Source
        fields = [
            "title",
            "slug",
            "publisher",
            "authors",
            "url",
            "archive_url",
            "published_on",
            "published_on_precision",
            "language",
            "kind",
            "notes",
        ]

    def clean_url(self):
        return (self.cleaned_data.get("url") or "").strip() or None

    def clean(self):
        cleaned = super().clean()
        checked = {"url", "title", "publisher"}
        if cleaned.get("different_work") or (
            self.instance.pk and not checked & {*self.changed_data}
        ):
            return cleaned
        matches = same_work(
            url=cleaned.get("url"),
            title=cleaned.get("title") or "",
            publisher=cleaned.get("publisher") or "",
            exclude_pk=self.instance.pk,
            need_one_without_url=False,
        )
        if matches:
            found = format_html_join(
                "; ",
                '“<a href="{}">{}</a>” ({})',
                (
                    (reverse("admin:tracker_source_change", args=[source.pk]), source.title, why)
                    for source, why in matches[:3]
                ),
            )
            raise forms.ValidationError(
                format_html(
                    gettext(
                        "This source is already recorded as {}. Cite that source instead of "
                        "creating a second one, or tick “This is a different work” to save this "
                        "one anyway."
                    ),
                    found,
                ),
                code="duplicate_source",
            )
        return cleaned


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "published_on", "kind", "language", "url"]
    list_filter = ["kind", "language", "publisher"]
    search_fields = ["title", "publisher", "authors", "url"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    formfield_overrides = HTTPS_URLS


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["deployment", "source", "locator", "short_quote"]
    list_select_related = ["deployment", "source"]
    list_filter = ["source__kind"]
    search_fields = ["quote", "locator", "deployment__title", "source__title"]
    autocomplete_fields = ["deployment", "source", "attributed_to"]

    @admin.display(description=_("quote"))
    def short_quote(self, obj):
        return obj.quote[:100]


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ["vendor", "authority", "list_name", "listed_on"]
    list_select_related = ["vendor"]
    list_filter = ["authority", "list_name"]
    search_fields = ["vendor__name", "authority", "list_name", "quote"]
    autocomplete_fields = ["vendor", "source", "attributed_to"]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "as_of", "source"]
    list_select_related = ["source"]
    list_filter = ["countries"]
    search_fields = ["statement", "quote"]
    autocomplete_fields = ["countries", "vendors", "technologies", "source", "attributed_to"]
    prepopulated_fields = {"slug": ["statement"]}
