"""The catalog's API routes; config/urls.py merges every app's router into /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AdoptionViewSet, AppViewSet

router = SimpleRouter()
router.register("apps", AppViewSet, basename="app")
router.register("adoptions", AdoptionViewSet, basename="adoption")

urlpatterns = [
    # The standard's file name, without the router's trailing slash.
    path(
        "apps/<slug:slug>/publiccode.yml",
        AppViewSet.as_view({"get": "publiccode"}),
        name="app-publiccode-yml",
    ),
]
