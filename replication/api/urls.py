"""The replication API's routes; config/urls.py merges every app's router into /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .ics import RegionSessionsCalendar, SessionCalendar
from .views import (
    ActionItemViewSet,
    MentorContactViewSet,
    MentoringSessionViewSet,
    QuestionViewSet,
    ReplicationViewSet,
)

router = SimpleRouter()
router.register("replications", ReplicationViewSet, basename="replication")
router.register("mentor-contacts", MentorContactViewSet, basename="mentor-contact")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("mentoring-sessions", MentoringSessionViewSet, basename="mentoring-session")
router.register("questions", QuestionViewSet, basename="question")

urlpatterns = [
    # iCalendar: a region's feed (a file name, without the router's trailing slash) and one session's.
    path("regions/<str:code>/sessions.ics", RegionSessionsCalendar.as_view(), name="region-sessions-ics"),
    path("mentoring-sessions/<int:id>/ics/", SessionCalendar.as_view(), name="mentoring-session-ics"),
]
