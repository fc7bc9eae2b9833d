"""Mentor contacts: whom to ask about an app, their contact data for officials only."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import App
from registry.models import Agency

from ...models import MentorContact
from .common import officials_reading


class MentorContactSerializer(serializers.ModelSerializer):
    """A mentor contact. `email`, `phone` and `whatsapp_url` are null unless the reader is a signed-in
    member of a region, or staff (registry.permissions.may_see_contact_details)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:mentor-contact-detail")
    app = serializers.SlugRelatedField(slug_field="slug", queryset=App.objects.all())
    app_name = serializers.CharField(source="app.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, default=None
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True, max_length=254)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        help_text=_("Indonesian mobile number, e.g. 0812 3456 7890; stored as 62…."),
    )
    whatsapp_url = serializers.SerializerMethodField()

    class Meta:
        model = MentorContact
        fields = (
            "id",
            "url",
            "app",
            "app_name",
            "region",
            "region_name",
            "name",
            "position",
            "agency",
            "agency_name",
            "topics",
            "email",
            "phone",
            "whatsapp_url",
            "created_at",
        )
        read_only_fields = ("created_at",)

    def to_representation(self, contact):
        data = super().to_representation(contact)
        if not officials_reading(self.context):
            data["email"] = data["phone"] = data["whatsapp_url"] = None
        else:
            data["email"], data["phone"] = contact.email or None, contact.phone or None
        return data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_whatsapp_url(self, contact) -> str | None:
        return f"https://wa.me/{contact.phone}" if contact.phone else None

    def validate(self, attrs):
        for name in ("email", "phone"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        if self.instance is not None:
            attrs.pop("app", None)  # a contact stays with its app
        return attrs
