"""What the replication API's shapes share: who reads people's names, and small references."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers

from registry import permissions
from registry.models import Agency

from ...models import MentorContact


def officials_reading(context) -> bool:
    """Whether the reader is an official (a signed-in member of any region, or staff): who sees people's
    names and contact data, as the pages show them (registry.permissions.may_see_contact_details). Asked
    once per response, however many rows it lists."""
    if "officials_reading" not in context:
        request = context.get("request")
        user = request.user if request is not None else AnonymousUser()
        context["officials_reading"] = permissions.may_see_contact_details(user)
    return context["officials_reading"]


class OfficialNameField(serializers.CharField):
    """A user's name (who asked, answered, moved a phase): for officials only, null for anyone else."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, default=None, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if officials_reading(self.context) else None


def absolute_url(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class MentorRefSerializer(serializers.ModelSerializer):
    """A mentor as anyone may read it: who and in which position (contact data: /mentor-contacts/)."""

    class Meta:
        model = MentorContact
        fields = ("id", "name", "position")


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ("id", "name", "short_name")
