from django.urls import path, re_path

from . import views

app_name = "catalog"

urlpatterns = [
    path("aplikasi/", views.AppBrowseView.as_view(), name="app-list"),
    path("aplikasi/<slug:slug>/", views.AppDetailView.as_view(), name="app-detail"),
    path("aplikasi/<slug:slug>/ubah/", views.AppFormView.as_view(), name="app-update"),
    re_path(
        r"^wilayah-saya/(?P<code>\d{2}(?:\.\d{2})?)/aplikasi-baru/$",
        views.AppFormView.as_view(),
        name="app-create",
    ),
    re_path(
        r"^wilayah-saya/(?P<code>\d{2}(?:\.\d{2})?)/adopsi/(?P<pk>\d+)/konfirmasi/$",
        views.adoption_confirm,
        name="adoption-confirm",
    ),
    path("aplikasi/<slug:slug>/tangkapan-layar/<int:pk>/", views.screenshot_image, name="screenshot"),
]
