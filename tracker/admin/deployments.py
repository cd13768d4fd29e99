"""Admin for deployments: fast sourced entry, and the review workflow as buttons and actions.

The publication state is never typed in: editors submit, publishers publish, unpublish or
retract, through tracker.editorial.workflow, which refuses with a message rather than a 403 page.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..editorial import workflow
from ..models import Citation, Deployment, Technology, Vendor
from .stale import VersionedDeploymentForm

State = Deployment.State

# Buttons on the change form: POST name → (function, what to say when it worked)
TRANSITIONS = {
    "_submit_review": (workflow.submit, _("“%(entry)s” submitted for review.")),
    "_publish": (workflow.publish, _("“%(entry)s” published.")),
    "_unpublish": (workflow.unpublish, _("“%(entry)s” returned to draft.")),
}
RETRACTED = _("“%(entry)s” retracted.")


def _ids(data, name):
    return [int(value) for value in data.getlist(name) if str(value).isdigit()]


class CitationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk is None or self.instance.state != State.PUBLISHED:
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not any(data.get("source") and data["source"].url for data in kept):
            raise ValidationError(
                gettext(
                    "A published entry needs at least one citation to a source with a URL. "
                    "Unpublish it first if its sources must go."
                )
            )
        # What the entry will say once saved, from the same POST as its citations.
        stated_vendors = {v.pk for data in kept for v in data.get("vendors") or []}
        stated_techs = {t.pk for data in kept for t in data.get("technologies") or []}
        problems = []
        vendors = Vendor.objects.filter(pk__in=_ids(self.data, "vendors"))
        if missing := [v.name for v in vendors if v.pk not in stated_vendors]:
            problems.append(
                gettext("No citation states the vendor(s) %(names)s.")
                % {"names": ", ".join(missing)}
            )
        techs = Technology.objects.filter(pk__in=_ids(self.data, "technologies"))
        if missing := [t.name for t in techs if t.pk not in stated_techs]:
            problems.append(
                gettext("No citation states the technology(ies) %(names)s.")
                % {"names": ", ".join(missing)}
            )
        if problems:
            problems.append(
                gettext(
                    "Tick them on the citation that states them, or remove them from this "
                    "published entry."
                )
            )
            raise ValidationError(" ".join(problems))


class CitationInline(admin.StackedInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source", "attributed_to", "vendors", "technologies"]
    # Which of the entry's facts this source states: a fact no citation states cannot be
    # published (Deployment.unstated_facts).
    fields = [
        "source",
        "quote",
        # Beside the quote, never instead of it: readers see it marked as a translation.
        ("translation", "translation_language"),
        "locator",
        "attributed_to",
        "vendors",
        "technologies",
        ("states_year", "states_place", "states_evidence"),
    ]


class VerificationFilter(admin.SimpleListFilter):
    title = _("last verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        months = settings.TRACKER_STALE_AFTER_MONTHS
        return [
            ("stale", gettext("More than %(months)s months ago, or never") % {"months": months}),
            ("never", gettext("Never")),
            ("recent", gettext("Within %(months)s months") % {"months": months}),
        ]

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - timedelta(days=30 * settings.TRACKER_STALE_AFTER_MONTHS)
        if self.value() == "stale":
            return queryset.filter(last_verified_on__lt=cutoff) | queryset.filter(
                last_verified_on__isnull=True
            )
        if self.value() == "never":
            return queryset.filter(last_verified_on__isnull=True)
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=cutoff)
        return queryset


@admin.register(Deployment)
class DeploymentAdmin(SimpleHistoryAdmin):
    # Read at 1366 px beside the filters: the place in one column, dates without the time,
    # and widths set in admin/deployments.css so the title is never the column that gives way.
    list_display = ["title", "where", "status", "state", "last_verified_on", "updated_on"]
    list_filter = [
        "state",
        VerificationFilter,
        "status",
        "country__region",
        "technologies",
        "vendors",
        "country",
    ]
    list_select_related = ["country"]
    search_fields = [
        "title",
        "title_fr",
        "locality",
        "summary",
        "summary_fr",
        "operator",
        "vendors__name",
        "country__name",
        "citations__quote",
    ]
    autocomplete_fields = ["country", "vendors", "origin_countries", "technologies"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CitationInline]
    actions = ["submit_for_review", "publish", "unpublish", "mark_verified"]
    change_form_template = "admin/tracker/deployment/change_form.html"
    # Refuses a save made from a form opened before someone else's save (tracker.admin.stale).
    form = VersionedDeploymentForm
    fieldsets = [
        # An entry has its title and summary in English, in French, or both (issue 14).
        (
            None,
            {"fields": ["title", "title_fr", "slug", "summary", "summary_fr", "loaded_version"]},
        ),
        (
            _("Where and who"),
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
        (
            _("What and when"),
            {"fields": ["status", "start_year", "end_year", "year_note", "scale"]},
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "state",
                    "published_at",
                    "retraction_reason",
                    "retracted_at",
                    "verified",
                    "external_id",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def response_action(self, request, queryset):
        # Django's admin turns a selected id that is not a number into a 500 (the filter on
        # the primary key raises); a tampered or garbled form gets a 400 saying so instead.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if any(not str(value).isdigit() for value in selected):
            return HttpResponseBadRequest(
                gettext(
                    "The selected entries were not understood (each must be an entry's number); "
                    "nothing was changed. Go back to the list and select them again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return super().response_action(request, queryset)

    def get_readonly_fields(self, request, obj=None):
        fields = ["state", "published_at", "retracted_at", "verified", "created_at", "updated_at"]
        if not workflow.can_publish(request.user):
            fields.append("retraction_reason")
        return fields

    class Media:
        css = {"all": ["css/admin_deployments.css"]}

    # Named as the field, so the column keeps its place and width (admin_deployments.css); an
    # entry written only in French shows its French title rather than a dash.
    @admin.display(description=_("title"), ordering="title")
    def title(self, obj):
        return obj.title or obj.title_fr

    @admin.display(description=_("where"), ordering="country__name")
    def where(self, obj):
        return ", ".join(filter(None, [obj.locality, obj.country.display_name]))

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated_on(self, obj):
        return timezone.localdate(obj.updated_at)

    def changelist_view(self, request, extra_context=None):
        # The list of every model (the admin's left column) would take a quarter of the width
        # from the entries and their filters; the breadcrumbs and the home page still lead there.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("last verified"))
    def verified(self, obj):
        if not obj.last_verified_on:
            return gettext("never")
        by = obj.last_verified_by.get_username() if obj.last_verified_by else gettext("unknown")
        return gettext("%(date)s by %(user)s") % {
            "date": date_format(obj.last_verified_on, "d F Y"),
            "user": by,
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": workflow.can_publish(request.user),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about_lookalikes(request, obj, form)

    def save_related(self, request, form, formsets, change):
        """Moves happen after the citations are saved, so publishing sees them."""
        super().save_related(request, form, formsets, change)
        deployment = form.instance
        for key, (move, done) in TRANSITIONS.items():
            if key in request.POST:
                self.attempt(request, move, deployment, done)
        if "_retract" in request.POST:
            reason = form.cleaned_data.get("retraction_reason", "")
            self.attempt(request, workflow.retract, deployment, RETRACTED, reason=reason)
        if "_verify" in request.POST:
            workflow.mark_verified(deployment, request.user)
            self.message_user(
                request, gettext("“%(entry)s” marked as verified today.") % {"entry": deployment}
            )

    def attempt(self, request, move, deployment, done, **kwargs):
        try:
            if "reason" in kwargs:
                move(deployment, kwargs["reason"], request.user)
            else:
                move(deployment, request.user)
        except workflow.WorkflowError as refusal:
            deployment.refresh_from_db()
            self.message_user(request, str(refusal), messages.ERROR)
            request.workflow_refused = True
        else:
            self.message_user(request, done % {"entry": deployment}, messages.SUCCESS)

    def response_change(self, request, obj):
        # A refused move keeps the editor on the form, where the reason is shown.
        if getattr(request, "workflow_refused", False) or "_verify" in request.POST:
            return self._stay(obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "workflow_refused", False):
            return self._stay(obj)
        return super().response_add(request, obj, post_url_continue)

    def _stay(self, obj):
        return HttpResponseRedirect(reverse("admin:tracker_deployment_change", args=[obj.pk]))

    def warn_about_lookalikes(self, request, obj, form):
        vendors = form.cleaned_data.get("vendors")
        if not vendors:
            return
        lookalikes = (
            Deployment.objects.filter(
                country=obj.country, locality__iexact=obj.locality, vendors__in=vendors
            )
            .exclude(pk=obj.pk)
            .distinct()
        )
        if lookalikes:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:tracker_deployment_change", args=[d.pk]), d.title)
                    for d in lookalikes
                ),
            )
            self.message_user(
                request,
                format_html(
                    gettext(
                        "This entry looks like {} (same country, place and vendor). "
                        "Check it is not a duplicate."
                    ),
                    links,
                ),
                messages.WARNING,
            )

    def run_on_each(self, request, queryset, move, done):
        moved = 0
        for deployment in queryset:
            try:
                move(deployment, request.user)
            except workflow.WorkflowError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(request, done % {"count": moved}, messages.SUCCESS)

    @admin.action(description=_("Submit the selected deployments for review"))
    def submit_for_review(self, request, queryset):
        self.run_on_each(
            request,
            queryset,
            workflow.submit,
            gettext("%(count)s deployment(s) submitted for review."),
        )

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # Editors are not offered the actions they may not take (the workflow refuses them anyway).
    @admin.action(description=_("Publish the selected deployments"), permissions=["publish"])
    def publish(self, request, queryset):
        self.run_on_each(
            request,
            queryset.exclude(state=State.PUBLISHED),
            workflow.publish,
            gettext("%(count)s deployment(s) published."),
        )

    @admin.action(
        description=_("Return the selected deployments to draft"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self.run_on_each(
            request,
            queryset,
            workflow.unpublish,
            gettext("%(count)s deployment(s) returned to draft."),
        )

    @admin.action(description=_("Mark the selected deployments as verified today"))
    def mark_verified(self, request, queryset):
        for deployment in queryset:
            workflow.mark_verified(deployment, request.user)
        self.message_user(
            request,
            gettext("%(count)s deployment(s) marked as verified today.")
            % {"count": queryset.count()},
        )
