"""URL utama proyek."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import region

admin.site.site_header = f"Admin {region.PROJECT_NAME}"
admin.site.site_title = region.PROJECT_NAME
admin.site.index_title = f"Pengelolaan e-planning {region.REGION_NAME}"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("perencanaan.urls")),
]
