"""Request parsers that refuse text with NUL characters.

PostgreSQL cannot store or even compare a NUL in text: a lookup with one (a slug or a region code that
names a related object) raised DataError, a 500. DRF's CharField refuses NUL, its related fields do not;
refusing it once for the whole body covers every field, nested ones and dictionary keys included, with
a field error where the NUL is.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

NUL_MESSAGE = _("Text in the request cannot contain NUL characters.")


def nul_errors(value):
    """Errors shaped like the data (field: messages, nested for objects), or None when it has no NUL."""
    if isinstance(value, str):
        return [NUL_MESSAGE] if "\x00" in value else None
    if isinstance(value, dict):
        if any("\x00" in str(key) for key in value):
            return [NUL_MESSAGE]
        errors = {key: error for key, item in value.items() if (error := nul_errors(item))}
        return errors or None
    if isinstance(value, list | tuple):
        return [NUL_MESSAGE] if any(nul_errors(item) for item in value) else None
    return None


def refuse_nul(data) -> None:
    errors = nul_errors(data)
    if errors:
        raise ValidationError(
            errors if isinstance(errors, dict) else {api_settings.NON_FIELD_ERRORS_KEY: errors}
        )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(dict(data.lists()))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_nul(dict(result.data.lists()))
        return result
