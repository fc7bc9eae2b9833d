"""One mapping of validation errors to field errors, for the API and the pages alike.

Services raise Django's `ValidationError` (with a dict of field errors, or a list of messages that
belong to no field); the API answers it as DRF's `as_serializer_error` does, a form adds it to its
fields. Django names errors without a field "__all__", DRF "non_field_errors", forms None: the caller
says which name it wants.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings


def error_dict(
    exc: DjangoValidationError | DRFValidationError, *, non_field_key: str | None = None
) -> dict[str | None, list[str]]:
    """`exc` as {field: [message, ...]}; errors without a field under `non_field_key` (DRF's
    non_field_errors by default; None for `form.add_error`)."""
    key = api_settings.NON_FIELD_ERRORS_KEY if non_field_key is None else non_field_key
    detail = as_serializer_error(exc)
    return {
        (key if field in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY) else field): [
            str(message) for message in messages
        ]
        for field, messages in detail.items()
    }


def form_errors(exc: DjangoValidationError) -> dict[str | None, list[str]]:
    """`exc` as `form.add_error` takes it: errors without a field under None."""
    detail = error_dict(exc, non_field_key="")
    return {(field or None): messages for field, messages in detail.items()}


def nested_detail(exc: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    """`exc` to nest under one request field (a fork's `context`): field errors as a dict, errors of
    the value as a whole as a plain list."""
    if hasattr(exc, "error_dict"):
        return error_dict(exc)
    return error_dict(exc)[api_settings.NON_FIELD_ERRORS_KEY]
