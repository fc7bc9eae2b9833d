from django.urls import path, re_path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("wilayah/", views.RegionListView.as_view(), name="region-list"),
    re_path(
        r"^wilayah/(?P<code>\d{2}(?:\.\d{2})?)/$", views.RegionDetailView.as_view(), name="region-detail"
    ),
    path("mou/", views.MoUListView.as_view(), name="mou-list"),
    path("mou/<int:pk>/", views.MoUDetailView.as_view(), name="mou-detail"),
    path("mou/<int:pk>/dokumen/", views.mou_document, name="mou-document"),
    path("wilayah-saya/", views.WorkspaceIndexView.as_view(), name="workspace-index"),
    re_path(r"^wilayah-saya/(?P<code>\d{2}(?:\.\d{2})?)/$", views.WorkspaceView.as_view(), name="workspace"),
    path("kunjungan/", views.StudyVisitListView.as_view(), name="visit-list"),
]
