"""A replication's action plan."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ... import selectors, services
from ...filtersets import ActionItemFilterSet
from ..serializers import ActionItemSerializer
from .common import PatchModelViewSet


class ActionItemViewSet(PatchModelViewSet):
    """A replication's action plan: read by the members of its regions and staff, kept by their
    editors/admins. `overdue`: due before today (Asia/Jakarta) and not done."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet
    denied_messages = dict.fromkeys(
        ("PATCH", "DELETE"),
        gettext_lazy("Only the replication's regions' editors and administrators keep its plan."),
    )

    def get_queryset(self):
        return selectors.action_item_list(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        item = services.action_item_create(
            user=self.request.user, replication=data.pop("replication"), **data
        )
        serializer.instance = item

    def perform_update(self, serializer):
        serializer.instance = services.action_item_update(
            user=self.request.user, item=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.action_item_delete(user=self.request.user, item=instance)
