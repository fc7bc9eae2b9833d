"""The template library's API routes; config/urls.py merges every app's router into /api/v1/."""

from rest_framework.routers import SimpleRouter

from .updates import UpdateViewSet
from .views import ForkViewSet, TemplateViewSet

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="template")
router.register("forks", ForkViewSet, basename="fork")
router.register("updates", UpdateViewSet, basename="update")

urlpatterns = []
