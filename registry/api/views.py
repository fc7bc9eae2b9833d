from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from config.openapi import REGION_CODE_PATTERN, path_parameter

from .. import permissions, selectors, services
from ..filtersets import MoUFilterSet, RegionFilterSet, StudyVisitFilterSet
from ..models import Agency, MoU
from .serializers import MoUSerializer, RegionDetailSerializer, RegionSerializer, StudyVisitSerializer

REGION_CODE = path_parameter(
    "code",
    pattern=REGION_CODE_PATTERN,
    example="33.25",
    description="Kemendagri code: 33 (a province) or 33.25 (a regency or city).",
)


@extend_schema_view(retrieve=extend_schema(parameters=[REGION_CODE]))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 38 provinces and 514 regencies and cities, by Kemendagri code."""

    queryset = selectors.region_list()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{2}(?:\.\d{2})?"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.region_detail_queryset().prefetch_related(
                Prefetch("agencies", queryset=Agency.objects.order_by("name"))
            )
        return super().get_queryset()

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    def retrieve(self, request, *args, **kwargs):
        self.partners = selectors.region_partners(self.get_object())
        return super().retrieve(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "partners": getattr(self, "partners", [])}


def _parties(validated: list[dict]) -> list[services.PartyInput]:
    return [services.PartyInput(**party) for party in validated]


def _require_party(user, parties: list[services.PartyInput]) -> None:
    permissions.require(
        user,
        permissions.Action.CHANGE,
        [party.region.code for party in parties],
        _("You can only record MoUs to which one of your regions is a party."),
    )


class MoUViewSet(viewsets.ModelViewSet):
    """MoUs between regions. Reading is public; staff and editors/admins of a party region write; only
    staff set `source`."""

    serializer_class = MoUSerializer
    filterset_class = MoUFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    denied_messages = {
        "PATCH": gettext_lazy("Only a party region's editors and administrators can change this MoU."),
        "DELETE": gettext_lazy("Only a party region's editors and administrators can delete this MoU."),
    }

    def get_queryset(self):
        return selectors.mou_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parties = _parties(data.pop("parties"))
        _require_party(self.request.user, parties)
        permissions.check_source_change(self.request.user, new=data.get("source"))
        mou = services.mou_create(created_by=self.request.user, parties=parties, **data)
        serializer.instance = selectors.mou_list().get(pk=mou.pk)

    def perform_update(self, serializer):
        mou = serializer.instance
        data = dict(serializer.validated_data)
        permissions.check_source_change(self.request.user, new=data.get("source"), current=mou.source)
        parties = _parties(data.pop("parties")) if "parties" in data else None
        if parties is not None:
            _require_party(self.request.user, parties)
        services.mou_update(mou=mou, parties=parties, **data)
        serializer.instance = selectors.mou_list().get(pk=mou.pk)

    def perform_destroy(self, instance: MoU):
        services.mou_delete(mou=instance)


class StudyVisitViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Study visits (studi banding). Staff and editors/admins of the visiting region record them; only
    staff set `source`."""

    serializer_class = StudyVisitSerializer
    filterset_class = StudyVisitFilterSet

    def get_queryset(self):
        return selectors.visit_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        permissions.require(
            self.request.user,
            permissions.Action.CHANGE,
            [data["visiting_region"].code],
            _("You can only record visits made by one of your regions."),
        )
        permissions.check_source_change(self.request.user, new=data.get("source"))
        visit = services.visit_create(created_by=self.request.user, **data)
        serializer.instance = selectors.visit_list().get(pk=visit.pk)
