from django.http import Http404, HttpResponse
from django.utils.translation import get_language, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.openapi import SLUG_PATTERN, path_parameter
from config.pagination import PageNumberPagination
from config.parsers import FormParser, JSONParser, MultiPartParser
from registry import permissions

from .. import detail, selectors, services
from ..cache import cached_json
from ..filtersets import AdoptionFilterSet, AppFilterSet
from ..models import Adoption, App
from .serializers import (
    AdoptionSerializer,
    AppDetailSerializer,
    AppListSerializer,
    AppWriteSerializer,
    FacetsSerializer,
    PubliccodeImportSerializer,
    PubliccodeUploadSerializer,
    list_items,
    require_owner,
)


def _figures(data):
    return [services.FigureInput(**figure) for figure in data]


def _contacts(data):
    return [services.ContactInput(**contact) for contact in data]


class AppPagination(PageNumberPagination):
    """The API's pages over `selectors.AppPaginator`: `count` stops at 10,000 and `count_capped` says so."""

    django_paginator_class = selectors.AppPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = "Matching apps, at most 10,000 (see count_capped)."
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "More than 10,000 apps match: count is 10,000 and the pages end there.",
        }
        schema["required"].append("count_capped")
        return schema


APP_SLUG = path_parameter(
    "slug", pattern=SLUG_PATTERN, example="program-pelaporan-kota-semarang", description="The app's slug."
)


@extend_schema_view(
    **{
        action_name: extend_schema(parameters=[APP_SLUG])
        for action_name in ("retrieve", "partial_update", "destroy")
    }
)
class AppViewSet(viewsets.ModelViewSet):
    """Apps that regions build. Reading is public; staff and editors/admins of the owner region write;
    only staff set `source`."""

    queryset = selectors.app_queryset()
    serializer_class = AppDetailSerializer
    filterset_class = AppFilterSet
    pagination_class = AppPagination
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN.strip("^$")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    denied_messages = {
        "PATCH": gettext_lazy("Only the owner region's editors and administrators can change this app."),
        "DELETE": gettext_lazy("Only the owner region's editors and administrators can delete this app."),
    }

    def get_queryset(self):
        if self.action in ("retrieve", "publiccode"):
            return selectors.app_detail_queryset()
        return selectors.app_queryset()

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return AppWriteSerializer
        return AppDetailSerializer

    def _filterset(self, request) -> AppFilterSet:
        filterset = selectors.app_filterset(request.query_params)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    @extend_schema(responses=AppListSerializer(many=True))
    def list(self, request, *args, **kwargs):
        # The hot path: a cached JSON body keyed on the full URL, the language and the catalog version.
        if request.accepted_renderer.format != "json":
            return self._list_response(request)
        body = cached_json(
            ("api-apps", request.build_absolute_uri(), get_language()),
            lambda: self._list_response(request).data,
        )
        return HttpResponse(body, content_type="application/json")

    def _list_response(self, request):
        rows = self.paginate_queryset(selectors.filtered_apps(self._filterset(request)))
        return self.get_paginated_response(list_items(rows, request))

    # The list's filters, documented as the list documents them (facets applies them itself).
    @extend_schema(responses=FacetsSerializer, filters=True)
    @action(detail=False, pagination_class=None)
    def facets(self, request):
        """Counts per facet value under the current filters (each facet ignores its own filter)."""
        filterset = self._filterset(request)
        paginator = selectors.AppPaginator(selectors.filtered_apps(filterset), 1)
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "facets": selectors.app_facets(filterset),
            }
        )

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":
            return super().retrieve(request, *args, **kwargs)
        if detail.supported():
            # PostgreSQL writes the document in one prepared statement (catalog/detail.py), about as fast
            # as a cached copy, and not cached: at 100,000 apps nearly every detail asked for is a miss,
            # which cost two round trips to the cache more (0.21 of the bare view's throughput against 0.24).
            text = detail.app_detail_json(kwargs["slug"], request)
            if text is None:
                raise Http404
            return HttpResponse(text.encode(), content_type="application/json")
        body = cached_json(
            ("api-app", request.build_absolute_uri(), get_language()),
            lambda: super(AppViewSet, self).retrieve(request, *args, **kwargs).data,
        )
        return HttpResponse(body, content_type="application/json")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        region = data.pop("owner_region")
        require_owner(self.request.user, region)
        permissions.check_source_change(self.request.user, new=data.get("source"))
        app = services.app_create(
            owner_region=region,
            created_by=self.request.user,
            figures=_figures(data.pop("figures", [])),
            contacts=_contacts(data.pop("contacts", [])),
            mous=data.pop("mous", []),
            **data,
        )
        serializer.instance = selectors.app_detail_queryset().get(pk=app.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = AppDetailSerializer(serializer.instance, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def partial_update(self, request, *args, **kwargs):
        app = self.get_object()
        serializer = AppWriteSerializer(
            app, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("owner_region", None)
        permissions.check_source_change(request.user, new=data.get("source"), current=app.source)
        figures = _figures(data.pop("figures")) if "figures" in data else None
        contacts = _contacts(data.pop("contacts")) if "contacts" in data else None
        services.app_update(
            app=app, figures=figures, contacts=contacts, mous=data.pop("mous", None), by=request.user, **data
        )
        app = selectors.app_detail_queryset().get(pk=app.pk)
        return Response(AppDetailSerializer(app, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance: App):
        services.app_delete(app=instance)

    # Routed in api/urls.py as apps/<slug>/publiccode.yml: the standard's file name, no trailing slash.
    @extend_schema(
        parameters=[APP_SLUG],
        responses={
            (200, "application/yaml"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="A publiccode.yml document (a YAML mapping)."
            )
        },
    )
    def publiccode(self, request, slug=None):
        """The app as a publiccode.yml document (standard version 0.4)."""
        from ..publiccode import app_publiccode_yaml

        app = self.get_object()
        text = app_publiccode_yaml(app, app_url=request.build_absolute_uri(app.get_absolute_url()))
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{app.slug}-publiccode.yml"'
        return response

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "PubliccodeUpload",
                {
                    "region": serializers.CharField(help_text="Kemendagri code of the owner region."),
                    "file": serializers.FileField(help_text="The publiccode.yml file."),
                },
            ),
            "application/json": inline_serializer(
                "PubliccodeText",
                {
                    "region": serializers.CharField(help_text="Kemendagri code of the owner region."),
                    "text": serializers.CharField(help_text="The publiccode.yml document."),
                },
            ),
        },
        responses={201: PubliccodeImportSerializer, 200: PubliccodeImportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import-publiccode",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_publiccode(self, request):
        """Create or update an app of `region` from an uploaded publiccode.yml (`file`, or `text`).

        `notes` says what could not be applied: among them the usedBy regions the user may not record
        adoptions for (staff may for any region; members for their own), which are skipped.
        """
        upload = PubliccodeUploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        region, text = upload.validated_data["region"], upload.validated_data["text"]
        notes: list[str] = []
        app, created = services.app_import_publiccode(
            text=text, region=region, created_by=request.user, notes=notes
        )
        app = selectors.app_detail_queryset().get(pk=app.pk)
        data = PubliccodeImportSerializer(app, context={**self.get_serializer_context(), "notes": notes}).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AdoptionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Which regions use which apps. A member of the adopting region records its own use (verified);
    staff may record one on a region's behalf (not verified)."""

    queryset = Adoption.objects.select_related("app", "region", "recorded_by").order_by("-updated_at", "-id")
    serializer_class = AdoptionSerializer
    filterset_class = AdoptionFilterSet
    write_action = permissions.Action.ADOPT
    denied_messages = {
        "POST": gettext_lazy("Only members of the adopting region can confirm its use of an app.")
    }

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        adoption = services.adoption_record(
            app=data.pop("app"), region=data.pop("region"), recorded_by=request.user, **data
        )
        adoption = self.get_queryset().get(pk=adoption.pk)
        return Response(self.get_serializer(adoption).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: AdoptionSerializer,
            403: OpenApiResponse(
                description="Only members of the adopting region confirm its use of an app."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A member (developer, editor or admin) of the adopting region confirms a use of an app recorded
        on its behalf (by staff, from a news story, an import): the record becomes verified as it stands,
        and the confirmation is added to its events. Confirming a verified record changes nothing."""
        adoption = self.get_object()
        services.adoption_confirm(adoption=adoption, confirmed_by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=adoption.pk)).data)
