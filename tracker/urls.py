from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from . import exports, feeds
from .editorial import corrections
from .ops import health
from .pages import about, assets, deployments, home, matrix, profiles, sources

# Readers' pages exist in each language under its prefix (/en/…, /fr/…), with the same filter
# parameters, so a shared link keeps its filters in either language; an unprefixed address
# redirects by the browser's Accept-Language (LocaleMiddleware). What machines read (feeds, the
# JSON record, health checks) and the editors' admin keep one address each, below.
urlpatterns = i18n_patterns(
    path("", home.HomeView.as_view(), name="home"),
    path("deployments/", deployments.DeploymentListView.as_view(), name="deployment-list"),
    path(
        "deployments/<slug:slug>/corrections/",
        corrections.suggest_correction,
        name="deployment-correction",
    ),
    path(
        "deployments/<slug:slug>/",
        deployments.DeploymentDetailView.as_view(),
        name="deployment-detail",
    ),
    path("countries/", profiles.CountryListView.as_view(), name="country-list"),
    path("countries/<slug:slug>/", profiles.CountryDetailView.as_view(), name="country-detail"),
    path("vendors/", profiles.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<slug:slug>/", profiles.VendorDetailView.as_view(), name="vendor-detail"),
    path("technologies/", profiles.TechnologyListView.as_view(), name="technology-list"),
    path(
        "technologies/<slug:slug>/",
        profiles.TechnologyDetailView.as_view(),
        name="technology-detail",
    ),
    path("matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("sources/", sources.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", sources.SourceDetailView.as_view(), name="source-detail"),
    path("findings/", sources.FindingListView.as_view(), name="finding-list"),
    path("changes/", about.ChangesView.as_view(), name="changes"),
    path("about/", about.AboutView.as_view(), name="about"),
    path("methods/", about.MethodsView.as_view(), name="methods"),
    path("data/", exports.DataView.as_view(), name="data"),
)

urlpatterns += [
    path(
        "deployments/<slug:slug>.json",
        exports.DeploymentJSONView.as_view(),
        name="deployment-json",
    ),
    path("feeds/latest.atom", feeds.LatestDeploymentsFeed(), name="feed-latest"),
    path("feeds/feed.xsl", assets.feed_stylesheet, name="feed-stylesheet"),
    path("feeds/countries/<slug:slug>.atom", feeds.CountryDeploymentsFeed(), name="feed-country"),
    path("feeds/vendors/<slug:slug>.atom", feeds.VendorDeploymentsFeed(), name="feed-vendor"),
    path("admin/", admin.site.urls),
    path("favicon.ico", assets.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# A database outage outside any view (e.g. while saving a session) is a 503 too (tracker.ops).
handler500 = "tracker.ops.faults.server_error"
