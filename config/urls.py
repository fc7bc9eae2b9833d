"""Root URLs: web pages (Bahasa Indonesia by default), the admin and the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from catalog.api import urls as catalog_api
from config.authtoken import obtain_auth_token
from registry.api import urls as registry_api
from replication.api import urls as replication_api
from templates_repo.api import urls as templates_api

admin.site.site_header = admin.site.site_title = "Lumbung"

# One API root over every app's resources.
router = DefaultRouter()
for app_api in (registry_api, catalog_api, replication_api, templates_api):
    router.registry.extend(app_api.router.registry)

api_v1 = [
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL: the CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    *registry_api.urlpatterns,
    *catalog_api.urlpatterns,
    *replication_api.urlpatterns,
    *templates_api.urlpatterns,
    path("", include(router.urls)),
]


class FaviconView(RedirectView):
    """`/favicon.ico`, which browsers ask for by themselves: the site's SVG icon (pages link it too)."""

    permanent = False  # the static file's name changes with its content

    def get_redirect_url(self, *args, **kwargs):
        return static("lumbung/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
    path("api-auth/", include("rest_framework.urls")),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # One view per URL, the one of the app that owns the object (tests/test_urls.py). A higher app adds
    # to a lower app's page through a panel (registry/panels.py), never by registering the page again.
    path("", include("registry.urls")),
    path("", include("catalog.urls")),
    path("", include("replication.urls")),
    path("", include("templates_repo.urls")),
]

handler404 = "config.exceptions.page_not_found"

if settings.LUMBUNG_BENCH:
    from bench import views as bench_views

    urlpatterns = [
        path("__bench__/bare/", bench_views.bare),
        path("__bench__/icontains/", bench_views.icontains),
        path("__bench__/enqueue/", bench_views.enqueue),
        *urlpatterns,
    ]

# Uploaded files are never served from MEDIA_URL, not even in development: a stored file could be a
# page of the site's origin. Views serve them (mou-document, screenshot, fork-archive), checking who may
# see them and answering with the type the site checked.
