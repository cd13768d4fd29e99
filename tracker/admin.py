"""The editors' tool. Every model is here, with autocomplete wherever a list would be long."""

from django.contrib import admin
from django.db import models
from django.db.models import Count

from .models import (
    Citation,
    Country,
    Deployment,
    Designation,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)

admin.site.site_header = "Surveillance Export Tracker: editors"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Content"

# Links editors type without a scheme ("example.org/report") are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "region", "subregion", "is_iso"]
    list_filter = ["region", "subregion", "is_iso"]
    search_fields = ["name", "official_name", "iso2", "iso3"]
    prepopulated_fields = {"slug": ["name"]}


class VendorAliasInline(admin.TabularInline):
    model = VendorAlias
    extra = 1


class DesignationInline(admin.StackedInline):
    model = Designation
    extra = 0
    autocomplete_fields = ["source", "attributed_to"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "headquarters", "deployment_count", "updated_at"]
    list_filter = ["headquarters__region", "headquarters"]
    list_select_related = ["headquarters"]
    search_fields = ["name", "aliases__name", "description"]
    autocomplete_fields = ["headquarters"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorAliasInline, DesignationInline]
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deployments=Count("deployments"))

    @admin.display(description="deployments", ordering="_deployments")
    def deployment_count(self, obj):
        return obj._deployments


@admin.register(VendorAlias)
class VendorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor"]
    list_select_related = ["vendor"]
    search_fields = ["name", "vendor__name"]
    autocomplete_fields = ["vendor"]


@admin.register(Technology)
class TechnologyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "kind", "language", "url"]
    list_filter = ["kind", "language", "publisher"]
    search_fields = ["title", "publisher", "authors", "url"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    formfield_overrides = HTTPS_URLS


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source", "attributed_to"]
    fields = ["source", "quote", "locator", "attributed_to"]


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["title", "country", "locality", "status", "state", "start_year", "updated_at"]
    list_filter = ["state", "status", "country__region", "technologies", "vendors", "country"]
    list_select_related = ["country"]
    search_fields = [
        "title",
        "locality",
        "summary",
        "operator",
        "vendors__name",
        "country__name",
        "citations__quote",
    ]
    autocomplete_fields = ["country", "vendors", "origin_countries", "technologies"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [CitationInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        (
            "Where and who",
            {
                "fields": [
                    "country",
                    "locality",
                    "operator",
                    "vendors",
                    "origin_countries",
                    "technologies",
                ]
            },
        ),
        ("What and when", {"fields": ["status", "start_year", "end_year", "scale"]}),
        ("Publication", {"fields": ["state", "published_at", "created_at", "updated_at"]}),
    ]

    @admin.action(description="Publish the selected deployments")
    def publish(self, request, queryset):
        count = 0
        for deployment in queryset.exclude(state=Deployment.State.PUBLISHED):
            deployment.state = Deployment.State.PUBLISHED
            deployment.save()
            count += 1
        self.message_user(request, f"Published {count} deployment(s).")

    @admin.action(description="Return the selected deployments to draft")
    def unpublish(self, request, queryset):
        count = queryset.update(state=Deployment.State.DRAFT)
        self.message_user(request, f"Returned {count} deployment(s) to draft.")


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["deployment", "source", "locator", "short_quote"]
    list_select_related = ["deployment", "source"]
    list_filter = ["source__kind"]
    search_fields = ["quote", "locator", "deployment__title", "source__title"]
    autocomplete_fields = ["deployment", "source", "attributed_to"]

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote[:100]


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ["vendor", "authority", "list_name", "listed_on"]
    list_select_related = ["vendor"]
    list_filter = ["authority", "list_name"]
    search_fields = ["vendor__name", "authority", "list_name", "quote"]
    autocomplete_fields = ["vendor", "source", "attributed_to"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["statement", "as_of", "source"]
    list_select_related = ["source"]
    list_filter = ["countries"]
    search_fields = ["statement", "quote"]
    autocomplete_fields = ["countries", "vendors", "technologies", "source", "attributed_to"]
    prepopulated_fields = {"slug": ["statement"]}
