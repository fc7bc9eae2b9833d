from django.urls import path

from . import views

app_name = "templates_repo"

urlpatterns = [
    path("templat/", views.TemplateListView.as_view(), name="template-list"),
    path("templat/<slug:slug>/", views.TemplateDetailView.as_view(), name="template-detail"),
    path("templat/<slug:slug>/salinan/", views.TemplateFleetView.as_view(), name="template-fleet"),
    path("salinan/<uuid:pk>/", views.ForkDetailView.as_view(), name="fork-detail"),
    path("salinan/<uuid:pk>/unduh/", views.fork_archive, name="fork-archive"),
]
