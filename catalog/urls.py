from django.urls import path, re_path

from . import views

app_name = "catalog"

urlpatterns = [
    path("aplikasi/", views.AppBrowseView.as_view(), name="app-list"),
    path("aplikasi/<slug:slug>/", views.AppDetailView.as_view(), name="app-detail"),
    path("aplikasi/<slug:slug>/tangkapan-layar/<int:pk>/", views.screenshot_image, name="screenshot"),
    # Same paths as the registry's pages, which these extend (resolved first: see config/urls.py).
    re_path(
        r"^wilayah/(?P<code>\d{2}(?:\.\d{2})?)/$", views.RegionDetailView.as_view(), name="region-detail"
    ),
    path("mou/<int:pk>/", views.MoUDetailView.as_view(), name="mou-detail"),
]
