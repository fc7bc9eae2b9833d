"""What the replication API's viewsets share."""

from rest_framework import status, viewsets
from rest_framework.response import Response


def created_response(data, location: str) -> Response:
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class DetailResponseMixin:
    """A write's answer: the object read again as its detail shows it (`detail_queryset()`, shown with
    `detail_serializer_class`), with 200, or with 201 and its address as Location when `created`."""

    detail_serializer_class = None

    def detail_queryset(self):
        raise NotImplementedError

    def detail_response(self, obj, *, created: bool = False) -> Response:
        obj = self.detail_queryset().get(pk=obj.pk)
        data = self.detail_serializer_class(obj, context=self.get_serializer_context()).data
        if created:
            return created_response(data, data["url"])
        return Response(data)


class PatchModelViewSet(viewsets.ModelViewSet):
    """Read, create, change with PATCH (the services take the fields sent; there is no PUT), delete."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
