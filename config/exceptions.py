"""API error handling: a Django ValidationError raised by a service becomes a 400 with field errors, and a
URL under /api/ that names nothing a JSON 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import error_dict


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(error_dict(exc))
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """Under /api/, a path that names nothing is answered like any other API 404: JSON, not a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
