from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("aplikasi/", views.AppBrowseView.as_view(), name="app-list"),
    path("aplikasi/<slug:slug>/", views.AppDetailView.as_view(), name="app-detail"),
    path("aplikasi/<slug:slug>/tangkapan-layar/<int:pk>/", views.screenshot_image, name="screenshot"),
]
