"""The registry's API routes; config/urls.py merges every app's router into /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import MoUViewSet, RegionViewSet, StudyVisitViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("mous", MoUViewSet, basename="mou")
router.register("visits", StudyVisitViewSet, basename="visit")

urlpatterns = []
