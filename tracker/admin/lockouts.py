"""Login lockouts (django-axes) for publishers: who is locked out, since when, and clearing it.

django-axes registers its own admins, visible to superusers only; these replace them so that
publishers (who may publish, tracker.publish_deployment) can see failed logins and lift a
lockout, e.g. for a colleague who mistyped their password, without a superuser. Editors
cannot: a lockout may be someone guessing an editor's password.
"""

import math

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PUBLISHER_PERMISSION = "tracker.publish_deployment"


def cooloff_minutes():
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with the cool-off in words and in Retry-After."""
    minutes = cooloff_minutes()
    context = {
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "title": gettext("Too many failed logins"),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class PublishersMayView:
    """Publishers and superusers see these records; nobody adds or edits them by hand."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_perm(PUBLISHER_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LockoutAdmin(PublishersMayView, AccessAttemptAdmin):
    actions = ["clear_lockouts"]

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.action(description=_("Clear the selected lockouts (they may log in again at once)"))
    def clear_lockouts(self, request, queryset):
        cleared = [
            gettext("%(user)s from %(address)s")
            % {"user": a.username or gettext("(no username)"), "address": a.ip_address}
            for a in queryset
        ]
        queryset.delete()
        self.message_user(
            request,
            gettext("Cleared %(count)s lockout(s): %(lockouts)s.")
            % {"count": len(cleared), "lockouts": ", ".join(cleared)},
            messages.SUCCESS,
        )


class LoginLogAdmin(PublishersMayView, AccessLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class FailedLoginLogAdmin(PublishersMayView, AccessFailureLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


for model, model_admin in [
    (AccessAttempt, LockoutAdmin),
    (AccessLog, LoginLogAdmin),
    (AccessFailureLog, FailedLoginLogAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
