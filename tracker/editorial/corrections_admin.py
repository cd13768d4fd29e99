"""Admin for readers' corrections: read what was sent, record what was decided.

Editors never add corrections (readers do) and nothing here edits the deployment: the entry
is shown as links, to its admin page and its public page, and changing it stays a separate,
deliberate act on the deployment's own form. Deleting is left to superusers
(tracker.editorial.roles).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import Correction

Status = Correction.Status


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["deployment", "status", "created_at", "short_message"]
    list_display_links = ["short_message"]
    list_filter = ["status"]
    list_select_related = ["deployment"]
    search_fields = ["message", "deployment__title"]
    date_hierarchy = "created_at"
    actions = ["mark_accepted", "mark_rejected"]
    fieldsets = [
        (
            _("What the reader sent"),
            {"fields": ["deployment_links", "message", "source_link", "email", "created_at"]},
        ),
        (_("Decision"), {"fields": ["status", "editor_note", "handled_by", "handled_at"]}),
    ]
    readonly_fields = [
        "deployment_links",
        "message",
        "source_link",
        "email",
        "created_at",
        "handled_by",
        "handled_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("message"))
    def short_message(self, correction):
        return Truncator(correction.message).chars(80)

    @admin.display(description=_("deployment"))
    def deployment_links(self, correction):
        deployment = correction.deployment
        return format_html(
            gettext(
                '“{}” ({}): <a href="{}">open it in the admin</a> · '
                '<a href="{}">its public page</a>'
            ),
            deployment.title,
            deployment.get_state_display().lower(),
            reverse("admin:tracker_deployment_change", args=[deployment.pk]),
            deployment.get_absolute_url(),
        )

    @admin.display(description=_("source URL"))
    def source_link(self, correction):
        if not correction.source_url:
            return "—"
        # Readers' links are untrusted: no referrer, no opener, not endorsed.
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
            correction.source_url,
            correction.source_url,
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.decide(obj.status, request.user)
        super().save_model(request, obj, form, change)

    def _mark(self, request, queryset, status):
        count = queryset.mark(status, request.user)
        if status == Status.ACCEPTED:
            message = ngettext(
                "%(count)s correction marked accepted.",
                "%(count)s corrections marked accepted.",
                count,
            )
        else:
            message = ngettext(
                "%(count)s correction marked rejected.",
                "%(count)s corrections marked rejected.",
                count,
            )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Mark selected corrections as accepted"))
    def mark_accepted(self, request, queryset):
        self._mark(request, queryset, Status.ACCEPTED)

    @admin.action(permissions=["change"], description=_("Mark selected corrections as rejected"))
    def mark_rejected(self, request, queryset):
        self._mark(request, queryset, Status.REJECTED)
