from collections.abc import Mapping

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import permissions
from registry.api.serializers import UNKNOWN_REGION
from registry.models import Agency, MoU, Region

from ..choices import ContactRole, FigureMetric
from ..detail import url_formats
from ..models import Adoption, AdoptionEvent, App, AppContact, ServiceFigure
from ..publiccode import PUBLICCODE_MAX_BYTES
from ..services import APP_DESCRIPTION_FIELDS, APP_FIELDS


def require_owner(user, region: Region) -> None:
    """403 unless `user` may record apps of `region` (registry.permissions)."""
    permissions.require(
        user,
        permissions.Action.CHANGE,
        [region.code],
        _("Only the owner region's editors and administrators can record its apps."),
    )


def list_items(rows: list[dict], request) -> list[dict]:
    """Rows of `selectors.app_values` as the API shows them in lists (see AppListSerializer)."""
    forms = url_formats(get_script_prefix())
    api_url, web_url = forms["api"], forms["web"]
    origin = request.build_absolute_uri("/")[:-1]  # scheme and host, checked once per request
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "url": origin + api_url.format(slug=row["slug"]),
            "web_url": origin + web_url.format(slug=row["slug"]),
            "owner_region": {"code": row["owner_region_id"], "name": row["owner_region__name"]},
            "province": row["owner_province_id"],
            "owner_agency": row["owner_agency__short_name"] or row["owner_agency__name"],
            "category": row["category"],
            "dimension": row["dimension"],
            "spbe_type": row["spbe_type"],
            "status": row["status"],
            "short_description": row["short_description"],
            "license": row["license"],
            "has_template": row["has_template"],
            "adoption_count": row["adoption_count"],
            "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
        }
        for row in rows
    ]


class OwnerRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AppListSerializer(serializers.Serializer):
    """The shape of a list item (documentation of `list_item`)."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.URLField()
    web_url = serializers.URLField()
    owner_region = OwnerRegionSerializer()
    province = serializers.CharField()
    owner_agency = serializers.CharField(allow_null=True)
    category = serializers.CharField()
    dimension = serializers.CharField()
    spbe_type = serializers.CharField()
    status = serializers.CharField()
    short_description = serializers.CharField()
    license = serializers.CharField()
    has_template = serializers.BooleanField()
    adoption_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Apps matching the filters, at most 10,000 (see count_capped)."
    )
    count_capped = serializers.BooleanField(help_text="More than 10,000 apps match: count is 10,000.")
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class ContactSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=ContactRole.choices, default=ContactRole.MAINTAINER)

    class Meta:
        model = AppContact
        fields = ("role", "name", "email", "phone", "affiliation")

    def to_representation(self, contact):
        """A mentor's e-mail and telephone are personal: the public API (cached for everyone) leaves them
        out; officials read them in the app page's "Tempat bertanya" (the replication app's contacts)."""
        data = super().to_representation(contact)
        if contact.role == ContactRole.MENTOR:
            data["email"] = data["phone"] = ""
        return data


@extend_schema_field(
    # drf-spectacular's pattern for a decimal allows "", "-" and "."; these are not numbers.
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^-?(\d{1,12}(\.\d{1,2})?|\.\d{1,2})$",
        "nullable": True,
    }
)
class FigureValueField(serializers.DecimalField):
    pass


class FigureSerializer(serializers.ModelSerializer):
    """A figure entered by hand (what a copy reports itself is at /api/v1/apps/{slug}/results/)."""

    metric = serializers.ChoiceField(choices=FigureMetric.choices)
    value = FigureValueField(max_digits=14, decimal_places=2, allow_null=True, required=False)
    entered_by = serializers.CharField(
        source="entered_by.username", read_only=True, default=None, allow_null=True,
        help_text="Who entered the figure (null for the demo's figures from the news stories).",
    )  # fmt: skip

    class Meta:
        model = ServiceFigure
        fields = ("metric", "label", "value", "value_text", "unit", "measured_on", "source", "entered_by")


class AdoptionEventSerializer(serializers.ModelSerializer):
    """One change of an adoption, oldest first: the timeline of the app page."""

    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, default=None, allow_null=True
    )
    link_url = serializers.SerializerMethodField(
        help_text="A page about the change (for a copy made from a template: the template's page), or null."
    )

    class Meta:
        model = AdoptionEvent
        fields = (
            "occurred_on",
            "date_precision",
            "stage",
            "evidence_url",
            "evidence_note",
            "source",
            "link_url",
            "link_label",
            "verified",
            "recorded_by",
            "created_at",
        )
        read_only_fields = fields

    def get_link_url(self, event) -> str | None:
        if not event.link_url:
            return None
        request = self.context.get("request")
        if event.link_url.startswith("/") and request is not None:
            return request.build_absolute_uri(event.link_url)
        return event.link_url


def _events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=AdoptionEvent.objects.select_related("recorded_by"))


class AdoptionListSerializer(serializers.ListSerializer):
    """Adoptions with their events in one more query, whatever the page's length."""

    def to_representation(self, data):
        adoptions = list(data.all() if hasattr(data, "all") else data)
        missing = [a for a in adoptions if "events" not in getattr(a, "_prefetched_objects_cache", {})]
        if missing:
            prefetch_related_objects(missing, _events_prefetch())
        return super().to_representation(adoptions)


class AdoptionInAppSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    events = AdoptionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Adoption
        fields = ("region", "region_name", "stage", "since", "verified", "evidence_url", "events")
        list_serializer_class = AdoptionListSerializer


class AppRefSerializer(serializers.ModelSerializer):
    owner_region = serializers.CharField(source="owner_region_id")

    class Meta:
        model = App
        fields = ("slug", "name", "owner_region")


class MoURefSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    parties = serializers.SerializerMethodField()

    class Meta:
        model = MoU
        fields = ("id", "title", "status", "signed_on", "parties")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_parties(self, mou) -> list[str]:
        return [party.region_id for party in mou.parties.all()]


class AppDetailSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    publiccode_url = serializers.SerializerMethodField()
    owner_region = OwnerRegionSerializer()
    province = serializers.CharField(source="owner_province_id")
    owner_agency = serializers.CharField(source="owner_agency.name", default=None, allow_null=True)
    contacts = ContactSerializer(many=True)
    figures = FigureSerializer(many=True)
    screenshots = serializers.SerializerMethodField()
    adoptions = AdoptionInAppSerializer(many=True)
    based_on = AppRefSerializer(allow_null=True)
    variants = AppRefSerializer(many=True)
    mous = MoURefSerializer(many=True)

    class Meta:
        model = App
        fields = (
            "slug",
            "name",
            "url",
            "web_url",
            "publiccode_url",
            "owner_region",
            "province",
            *APP_DESCRIPTION_FIELDS,
            "variants",
            "contacts",
            "figures",
            "screenshots",
            "adoptions",
            "adoption_count",
            "mous",
            "has_template",
            "source",
            "created_at",
            "updated_at",
        )

    def get_url(self, app) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:app-detail", kwargs={"slug": app.slug})
        )

    def get_web_url(self, app) -> str:
        return self.context["request"].build_absolute_uri(app.get_absolute_url())

    def get_publiccode_url(self, app) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:app-publiccode-yml", kwargs={"slug": app.slug})
        )

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_screenshots(self, app) -> list[dict]:
        request = self.context["request"]
        return [
            {
                "url": request.build_absolute_uri(
                    reverse("catalog:screenshot", kwargs={"slug": app.slug, "pk": s.pk})
                ),
                "caption": s.caption,
            }
            for s in app.screenshots.all()
        ]


class PubliccodeUploadSerializer(serializers.Serializer):
    """The import request: the owner region and the document, uploaded (`file`) or as `text`;
    validated to {"region": Region, "text": str}."""

    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), error_messages=UNKNOWN_REGION
    )
    file = serializers.FileField(required=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def validate_region(self, region: Region) -> Region:
        require_owner(self.context["request"].user, region)  # before the document is read
        return region

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):  # a JSON list or scalar: say what is missing
            raise serializers.ValidationError({"region": [_("This field is required.")]})
        return super().to_internal_value(data)

    def validate(self, data) -> dict:
        upload = data.get("file")
        if upload is not None:
            if upload.size > PUBLICCODE_MAX_BYTES:
                raise serializers.ValidationError({"file": [_("The document is too large.")]})
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise serializers.ValidationError({"file": [_("The document must be UTF-8 text.")]}) from None
        else:
            text = data.get("text") or ""
        if not text:
            raise serializers.ValidationError({"file": [_("Upload a publiccode.yml file.")]})
        return {"region": data["region"], "text": text}


class PubliccodeImportSerializer(AppDetailSerializer):
    """The imported app, and what of the document could not be applied (`notes`, from the context)."""

    notes = serializers.SerializerMethodField()

    class Meta(AppDetailSerializer.Meta):
        fields = (*AppDetailSerializer.Meta.fields, "notes")

    def get_notes(self, app) -> list[str]:
        return [str(note) for note in self.context.get("notes", [])]


class AppWriteSerializer(serializers.ModelSerializer):
    """Creating and changing apps. Validation of the values themselves happens in the service."""

    owner_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), error_messages=UNKNOWN_REGION
    )
    owner_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    slug = serializers.SlugField(required=False, max_length=140)
    based_on = serializers.SlugRelatedField(
        slug_field="slug", queryset=App.objects.all(), required=False, allow_null=True
    )
    mous = serializers.PrimaryKeyRelatedField(queryset=MoU.objects.all(), many=True, required=False)
    features = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=50
    )
    features_en = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=50
    )
    platforms = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=10
    )
    contacts = ContactSerializer(many=True, required=False)
    figures = FigureSerializer(many=True, required=False)

    class Meta:
        model = App
        # The fields the service takes, plus the owner and the related rows it writes.
        fields = ("owner_region", *APP_FIELDS, "mous", "contacts", "figures")
        # Uniqueness of the slug is the service's concern (it makes one from the name).
        extra_kwargs = {"slug": {"validators": []}}

    def validate_owner_region(self, region):
        if self.instance is not None and region.code != self.instance.owner_region_id:
            raise serializers.ValidationError(_("An app's owner region cannot change."))
        return region

    def validate(self, attrs):
        region = attrs.get("owner_region") or getattr(self.instance, "owner_region", None)
        agency = attrs.get("owner_agency")
        if agency is not None and region is not None and agency.region_id != region.code:
            raise serializers.ValidationError({"owner_agency": _("This agency belongs to another region.")})
        slug = attrs.get("slug")
        if slug and App.objects.filter(slug=slug).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError({"slug": _("An app with this slug already exists.")})
        return attrs


class AdoptionSerializer(serializers.ModelSerializer):
    app = serializers.SlugRelatedField(slug_field="slug", queryset=App.objects.all())
    app_name = serializers.CharField(source="app.name", read_only=True)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), error_messages=UNKNOWN_REGION
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, default=None, allow_null=True
    )
    events = AdoptionEventSerializer(
        many=True,
        read_only=True,
        help_text="Every change of the adoption (stage, evidence, a copy made from a template), oldest "
        "first. `since` is the earliest event's date; the adoption's evidence stays the first recorded.",
    )

    class Meta:
        model = Adoption
        list_serializer_class = AdoptionListSerializer
        fields = (
            "id",
            "app",
            "app_name",
            "region",
            "region_name",
            "stage",
            "since",
            "evidence_url",
            "evidence_note",
            "verified",
            "recorded_by",
            "events",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("verified", "created_at", "updated_at")
        validators = []  # one adoption per app and region: a second POST updates it (service)
