"""The site's URLs plus the corrections route and admin, for tests/test_corrections.py.

Until tracker/urls.py routes corrections and tracker/admin registers CorrectionAdmin, this
urlconf provides both; once they do, it resolves the same paths to the same views.
"""

from django.contrib import admin
from django.urls import include, path

from tracker.editorial import corrections, corrections_admin  # noqa: F401 - registers CorrectionAdmin

urlpatterns = [
    # Listed first so that its "admin" namespace (built now, with Correction) is the one used.
    path("admin/", admin.site.urls),
    path(
        "deployments/<slug:slug>/corrections/",
        corrections.suggest_correction,
        name="deployment-correction",
    ),
    path("", include("tracker.urls")),
]
