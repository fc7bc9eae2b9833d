"""`GET /api/v1/templates/{slug}/compare/?from=1&to=2`: two versions of a template, as rendered with its
defaults: the files added, deleted, modified or renamed, and each text file's diff."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import services
from ..models import Template


class CompareQuerySerializer(serializers.Serializer):
    to = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    def get_fields(self):
        # "from" is a Python keyword: declared here, so that errors name the query's own parameter.
        return {"from": serializers.IntegerField(min_value=1, max_value=2**31 - 1), **super().get_fields()}


class FileChangeSerializer(serializers.Serializer):
    path = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "deleted", "modified", "renamed"])
    old_path = serializers.CharField(help_text="The file's former path, when renamed; empty otherwise.")
    binary = serializers.BooleanField()


class CompareSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    files = FileChangeSerializer(many=True)
    diffs = serializers.DictField(
        child=serializers.CharField(), help_text="Each text file's diff (git format), by its path."
    )


COMPARE_PARAMETERS = [
    OpenApiParameter("from", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, required=True),
    OpenApiParameter("to", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, required=True),
]
COMPARE_RESPONSES = {
    200: CompareSerializer,
    400: OpenApiResponse(description="A version the template does not have."),
}


def compare_response(request, slug: str) -> Response:
    template = get_object_or_404(Template, slug=slug)
    query = CompareQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    numbers = {"from": query.validated_data["from"], "to": query.validated_data["to"]}
    versions = {version.number: version for version in template.versions.filter(number__in=numbers.values())}
    errors = {
        name: [_("This template has no such version.")] for name, n in numbers.items() if n not in versions
    }
    if errors:
        raise ValidationError(errors)
    if numbers["from"] == numbers["to"]:  # a version against itself: nothing changes
        return Response(
            {"from_version": numbers["from"], "to_version": numbers["to"], "files": [], "diffs": {}}
        )
    compared = services.version_compare(versions[numbers["from"]], versions[numbers["to"]])
    return Response({"from_version": numbers["from"], "to_version": numbers["to"], **compared})
