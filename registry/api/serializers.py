import json

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import permissions
from ..models import Agency, MoU, MoUParty, Region, StudyVisit

UNKNOWN_REGION = {"does_not_exist": _("Unknown Kemendagri region code: {value}.")}


class RegionSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True, allow_null=True)
    province_name = serializers.CharField(
        source="province.name", read_only=True, default=None, allow_null=True
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="code")

    class Meta:
        model = Region
        fields = ("code", "name", "kind", "province", "province_name", "url")


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ("code", "name", "kind")


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ("id", "name", "short_name", "kind", "source")


class RegionCountsSerializer(serializers.Serializer):
    agencies = serializers.IntegerField(source="agency_count")
    mous = serializers.IntegerField(source="mou_count")
    partners = serializers.IntegerField(source="partner_count")
    visits = serializers.IntegerField(source="visit_count")


class RegionDetailSerializer(RegionSerializer):
    agencies = AgencySerializer(many=True, read_only=True)
    partners = serializers.SerializerMethodField()
    counts = RegionCountsSerializer(source="*", read_only=True)

    class Meta(RegionSerializer.Meta):
        fields = (*RegionSerializer.Meta.fields, "agencies", "partners", "counts")

    @extend_schema_field(RegionRefSerializer(many=True))
    def get_partners(self, region: Region):
        return RegionRefSerializer(self.context["partners"], many=True).data


class MoUPartySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), error_messages=UNKNOWN_REGION
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, default=None
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = MoUParty
        fields = ("region", "region_name", "agency", "agency_name", "signatory_name", "signatory_title")

    def validate(self, attrs):
        agency = attrs.get("agency")
        if agency is not None and agency.region_id != attrs["region"].code:
            raise serializers.ValidationError({"agency": _("This agency belongs to another region.")})
        return attrs


class MoUDocumentField(serializers.FileField):
    """Written as a PDF upload; read as the site's download view (never a /media/ address), or null
    for whoever may not see the document (permissions.mou_document_visible)."""

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        request = self.context.get("request")
        user = request.user if request is not None else AnonymousUser()
        # One membership query per response, however many MoUs a page lists.
        if "user_region_codes" not in self.context:
            self.context["user_region_codes"] = permissions.member_region_codes(user)
        if not permissions.mou_document_visible(
            user, value.instance, region_codes=self.context["user_region_codes"]
        ):
            return None
        url = reverse("registry:mou-document", kwargs={"pk": value.instance.pk})
        return request.build_absolute_uri(url) if request is not None else url


class MoUSerializer(serializers.ModelSerializer):
    """An MoU. In multipart requests (to upload the document) `parties` is sent as a JSON string."""

    url = serializers.HyperlinkedIdentityField(view_name="api:mou-detail")
    status = serializers.CharField(read_only=True)
    parties = MoUPartySerializer(many=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    # The document keeps the model field's label, limits and validators; only its reading changes.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FileField: MoUDocumentField,
    }

    class Meta:
        model = MoU
        fields = (
            "id",
            "url",
            "title",
            "number",
            "status",
            "signed_on",
            "signed_at",
            "starts_on",
            "ends_on",
            "terminated_on",
            "termination_reason",
            "scope",
            "document",
            "parties",
            "source",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            data = {key: data.get(key) for key in data}
            if isinstance(data.get("parties"), str):
                try:
                    data["parties"] = json.loads(data["parties"])
                except ValueError:
                    raise serializers.ValidationError(
                        {"parties": [_("Parties must be a JSON list of objects.")]}
                    ) from None
        return super().to_internal_value(data)

    def validate_parties(self, parties):
        codes = [party["region"].code for party in parties]
        if len(set(codes)) < 2:
            raise serializers.ValidationError(_("An MoU needs at least two different regions as parties."))
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError(_("Each region can be a party only once."))
        return parties

    def validate(self, attrs):
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        return attrs


class StudyVisitSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:visit-detail")
    visiting_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), error_messages=UNKNOWN_REGION
    )
    visiting_region_name = serializers.CharField(source="visiting_region.name", read_only=True)
    host_regions = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), many=True, error_messages=UNKNOWN_REGION
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = StudyVisit
        fields = (
            "id",
            "url",
            "kind",
            "visiting_region",
            "visiting_region_name",
            "host_regions",
            "visited_on",
            "date_precision",
            "location",
            "leader",
            "purpose",
            "delegation_size",
            "notes",
            "source",
            "created_by",
            "created_at",
        )
        read_only_fields = ("created_at",)

    def validate(self, attrs):
        hosts = attrs.get("host_regions", [])
        if not hosts:
            raise serializers.ValidationError({"host_regions": _("At least one host region is required.")})
        if attrs["visiting_region"] in hosts:
            raise serializers.ValidationError({"host_regions": _("A region cannot visit itself.")})
        return attrs
