"""API pagination: the usual count/next/previous/results envelope, page_size up to 1000."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        # DRF quietly falls back to the default for a page_size it cannot read; a client that asked for
        # something else should hear that its request was wrong. Above the maximum is only reduced.
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and (not value.isdigit() or int(value) < 1):
            raise ValidationError({self.page_size_query_param: [_("A whole number of at least 1.")]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        # DRF reads a blank `page`, or the last of several, as a page number; like `page=a`, such a request
        # names no page: 404, the answer the schema documents for a page that does not exist.
        values = request.query_params.getlist(self.page_query_param)
        if len(values) > 1 or (values and not values[0]):
            raise NotFound(
                self.invalid_page_message.format(page_number=",".join(values), message=_("No such page."))
            )
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
