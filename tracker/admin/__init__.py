"""The editors' tool: the Django admin, split by concept."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..editorial import corrections_admin  # noqa: F401
from . import content, deployments, lockouts  # noqa: F401 - registers the ModelAdmins

admin.site.site_header = _("Surveillance Export Tracker: editors")
admin.site.site_title = _("Tracker admin")
admin.site.index_title = _("Content")
