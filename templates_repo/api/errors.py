"""The template library API's own error: an Idempotency-Key sent again with another request (forks and
updates alike)."""

from rest_framework import status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This Idempotency-Key was used with another request."
    default_code = "idempotency_conflict"
