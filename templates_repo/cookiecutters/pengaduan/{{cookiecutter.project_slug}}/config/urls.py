"""URL utama: halaman warga dan petugas (aplikasi ``pengaduan``), login, dan admin Django."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import region

admin.site.site_header = f"Admin {region.PROJECT_NAME}"
admin.site.site_title = region.PROJECT_NAME
admin.site.index_title = "Pengelolaan data pengaduan"

urlpatterns = [
    path("akun/masuk/", auth_views.LoginView.as_view(), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("pengaduan.urls")),
]
