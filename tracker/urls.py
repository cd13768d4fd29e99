from django.contrib import admin
from django.urls import path

from . import corrections, exports, feeds, views
from .ops import health

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("deployments/", views.DeploymentListView.as_view(), name="deployment-list"),
    path(
        "deployments/<slug:slug>.json",
        exports.DeploymentJSONView.as_view(),
        name="deployment-json",
    ),
    path(
        "deployments/<slug:slug>/corrections/",
        corrections.suggest_correction,
        name="deployment-correction",
    ),
    path(
        "deployments/<slug:slug>/",
        views.DeploymentDetailView.as_view(),
        name="deployment-detail",
    ),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("vendors/", views.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<slug:slug>/", views.VendorDetailView.as_view(), name="vendor-detail"),
    path("technologies/", views.TechnologyListView.as_view(), name="technology-list"),
    path(
        "technologies/<slug:slug>/",
        views.TechnologyDetailView.as_view(),
        name="technology-detail",
    ),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("methods/", views.MethodsView.as_view(), name="methods"),
    path("data/", exports.DataView.as_view(), name="data"),
    path("feeds/latest.atom", feeds.LatestDeploymentsFeed(), name="feed-latest"),
    path("feeds/countries/<slug:slug>.atom", feeds.CountryDeploymentsFeed(), name="feed-country"),
    path("feeds/vendors/<slug:slug>.atom", feeds.VendorDeploymentsFeed(), name="feed-vendor"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# A database outage outside any view (e.g. while saving a session) is a 503 too (tracker.ops).
handler500 = "tracker.ops.faults.server_error"
