from django.urls import path

from .views import dashboard as dashboard_views
from .views import pages as views
from .views import results as result_views
from .views import updates as update_views

app_name = "templates_repo"

urlpatterns = [
    path("templat/", views.TemplateListView.as_view(), name="template-list"),
    path("templat/<slug:slug>/", views.TemplateDetailView.as_view(), name="template-detail"),
    path("templat/<slug:slug>/banding/", update_views.template_compare, name="template-compare"),
    path("templat/<slug:slug>/salinan/", views.TemplateFleetView.as_view(), name="template-fleet"),
    path("salinan/<uuid:pk>/", views.ForkDetailView.as_view(), name="fork-detail"),
    path("salinan/<uuid:pk>/unduh/", views.fork_archive, name="fork-archive"),
    path("salinan/<uuid:pk>/kunci-laporan/", result_views.reporting_key_create, name="reporting-key-create"),
    path(
        "salinan/<uuid:pk>/kunci-laporan/<int:key_id>/cabut/",
        result_views.reporting_key_revoke,
        name="reporting-key-revoke",
    ),
    path(
        "replikasi/<int:pk>/angka-dari-laporan/",
        result_views.evaluation_from_reports,
        name="evaluation-from-reports",
    ),
    path("salinan/<uuid:pk>/perbarui/", update_views.update_create, name="update-create"),
    path("pembaruan/<uuid:pk>/", update_views.update_detail, name="update-detail"),
    path("pembaruan/<uuid:pk>/update.patch", update_views.update_patch, name="update-patch"),
    path("pembaruan/<uuid:pk>/diterapkan/", update_views.update_applied, name="update-applied"),
    path("dasbor/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("cari/", dashboard_views.SearchView.as_view(), name="search"),
]
