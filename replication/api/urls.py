"""The replication API's routes; config/urls.py merges every app's router into /api/v1/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = []
