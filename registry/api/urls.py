from rest_framework.routers import DefaultRouter

from .views import MoUViewSet, RegionViewSet, StudyVisitViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("mous", MoUViewSet, basename="mou")
router.register("visits", StudyVisitViewSet, basename="visit")

urlpatterns = router.urls
