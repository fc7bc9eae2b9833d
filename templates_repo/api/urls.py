"""The template library's API routes; config/urls.py merges every app's router into /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .results import AppResultsView, EvaluationFromReportsView
from .stats import StatsViewSet
from .updates import UpdateViewSet
from .views import ForkViewSet, TemplateViewSet

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="template")
router.register("forks", ForkViewSet, basename="fork")
router.register("updates", UpdateViewSet, basename="update")
router.register("stats", StatsViewSet, basename="stats")

urlpatterns = [
    path("apps/<slug:slug>/results/", AppResultsView.as_view(), name="app-results"),
    path(
        "replications/<int:pk>/evaluation/from-reports/",
        EvaluationFromReportsView.as_view(),
        name="replication-evaluation-from-reports",
    ),
]
