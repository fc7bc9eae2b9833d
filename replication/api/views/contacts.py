"""Mentor contacts, managed by the app's owner region."""

from django.utils.translation import gettext_lazy

from ... import selectors, services
from ...filtersets import MentorContactFilterSet
from ..serializers import MentorContactSerializer
from .common import PatchModelViewSet


class MentorContactViewSet(PatchModelViewSet):
    """Whom to ask about an app ("tempat bertanya"): people of the app's owner region, managed by its
    editors/admins. E-mail, phone and WhatsApp link only for signed-in members of a region and staff."""

    serializer_class = MentorContactSerializer
    filterset_class = MentorContactFilterSet
    denied_messages = dict.fromkeys(
        ("PATCH", "DELETE"),
        gettext_lazy("Only the app's owner region's editors and administrators manage its contacts."),
    )

    def get_queryset(self):
        return selectors.mentor_contact_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contact = services.mentor_contact_create(user=self.request.user, app=data.pop("app"), **data)
        serializer.instance = selectors.mentor_contact_list().get(pk=contact.pk)

    def perform_update(self, serializer):
        contact = services.mentor_contact_update(
            user=self.request.user, contact=serializer.instance, **serializer.validated_data
        )
        serializer.instance = selectors.mentor_contact_list().get(pk=contact.pk)

    def perform_destroy(self, instance):
        services.mentor_contact_delete(user=self.request.user, contact=instance)
