"""A context (the values a person asks for) validated against a template's parameter schema.

Values reach generated source code: they stay plain data, never Jinja, control characters or
direction-changing Unicode (see the package docstring).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pathvalidate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .schema import INTEGER_MAX, INTEGER_MIN, Parameter, jinja_delimiter

# The most characters of a text value, and the parameters whose text may be longer (a list of agencies
# separated by semicolons). `text_limit` says it for one parameter: the form's fields take it from there.
MAX_TEXT_LENGTH = 200
LONG_TEXT_LIMITS: Mapping[str, int] = MappingProxyType({"agencies": 2000})
# Unicode bidirectional embeddings, overrides and isolates ("Trojan Source"): invisible, and able to make
# generated code read differently from what runs.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SLUG = re.compile(r"[a-z][a-z0-9_]{2,39}")
_REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2})?")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
# The words cookiecutter's yes/no prompt accepts.
_TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


def text_limit(parameter: Parameter, max_length: int = MAX_TEXT_LENGTH) -> int:
    """The most characters a value of `parameter` may have."""
    return max(max_length, LONG_TEXT_LIMITS.get(parameter.name, 0))


def check_mapping(context: Any) -> Mapping[str, Any]:
    """`context` if it is a mapping of parameter names to values; otherwise ValidationError, an error of
    the value as a whole (the API answers it under `context`)."""
    if not isinstance(context, Mapping):
        raise ValidationError(_("The context must be an object of parameter values."), code="not_a_mapping")
    return context


def validate_context(
    schema: Sequence[Parameter], context: Mapping[str, Any], *, max_length: int = MAX_TEXT_LENGTH
) -> dict[str, Any]:
    """The full context for `schema` (defaults filled in, values coerced), or ValidationError by field.

    Integers accept whole numbers and their text ("24"); booleans accept true/false and the words
    cookiecutter's yes/no prompt takes (yes/no, y/n, on/off, 1/0). No value may contain Jinja delimiters,
    control characters (line breaks and tabs included), invalid Unicode or bidirectional overrides: values
    reach generated source code, and must stay plain data.
    """
    check_mapping(context)
    known = {parameter.name for parameter in schema}
    errors: dict[str, list[ValidationError]] = {}
    for key in context:
        if key not in known:
            errors[str(key)[:100]] = [
                ValidationError(_("This template has no parameter with this name."), code="unknown")
            ]
    cleaned: dict[str, Any] = {}
    for parameter in schema:
        value = context.get(parameter.name, parameter.default)
        try:
            cleaned[parameter.name] = _clean_value(parameter, value, text_limit(parameter, max_length))
        except ValidationError as exc:
            errors[parameter.name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(parameter: Parameter, value: Any, max_length: int) -> Any:
    if value is None:
        raise ValidationError(_("A value is required."), code="null")
    if isinstance(value, str):
        if len(value) > max_length:
            raise ValidationError(
                _("At most %(limit)d characters are allowed (this has %(length)d)."),
                code="max_length",
                params={"limit": max_length, "length": len(value)},
            )
        _check_plain_text(value)
    elif not isinstance(value, bool | int | float):
        # Lists, dicts and other objects: their str() is not a value anyone meant to type.
        raise ValidationError(_("This must be a single value, not a list or an object."), code="invalid_type")

    if parameter.type == "integer":
        return _clean_integer(value)
    if parameter.type == "boolean":
        return _clean_boolean(value)
    if not isinstance(value, str):
        raise ValidationError(_("This must be text."), code="invalid_type")
    if parameter.type == "choice":
        if value not in parameter.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s."),
                code="invalid_choice",
                params={"choices": ", ".join(parameter.choices)},
            )
        return value
    if not value.strip():
        raise ValidationError(_("This cannot be empty."), code="blank")
    if parameter.name == "project_slug" and not _SLUG.fullmatch(value):
        raise ValidationError(
            _("Use 3 to 40 characters: lowercase letters, digits and underscores, starting with a letter."),
            code="invalid_slug",
        )
    if parameter.name == "project_slug" and not pathvalidate.is_valid_filename(value, platform="universal"):
        # The project folder: con, nul, aux, com1... cannot be created (or unzipped) on Windows.
        raise ValidationError(
            _("“%(slug)s” is a reserved name on some operating systems; choose another."),
            code="reserved_name",
            params={"slug": value},
        )
    if parameter.name == "region_code" and not _REGION_CODE.fullmatch(value):
        raise ValidationError(
            _("Enter a Kemendagri region code: 33 for a province, 33.74 for a regency or city."),
            code="invalid_region_code",
        )
    if parameter.name.endswith("_color") and not _COLOR.fullmatch(value):
        raise ValidationError(_("Enter a colour as #rrggbb, for example #1f4e79."), code="invalid_color")
    return value


def _check_plain_text(value: str) -> None:
    found = jinja_delimiter(value)
    if found:
        raise ValidationError(
            _("“%(delimiter)s” is a template delimiter and is not allowed in values."),
            code="template_delimiter",
            params={"delimiter": found},
        )
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            raise ValidationError(
                _("Control characters (line breaks, tabs, NUL...) are not allowed in values."),
                code="control_character",
            )
        if category == "Cs" or char in _BIDI_CONTROLS:
            raise ValidationError(
                _("Invalid or direction-changing Unicode characters are not allowed in values."),
                code="unsafe_character",
            )


def _clean_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."), code="invalid_integer")
    if isinstance(value, float):
        raise ValidationError(_("Enter a whole number, without decimals."), code="invalid_integer")
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER_TEXT.fullmatch(text):
            raise ValidationError(_("Enter a whole number."), code="invalid_integer")
        value = int(text)
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise ValidationError(
            _("Enter a number between %(min)s and %(max)s."),
            code="out_of_range",
            params={"min": f"{INTEGER_MIN:,}", "max": f"{INTEGER_MAX:,}"},
        )
    return value


def _clean_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValidationError(_("Enter true or false (or yes or no)."), code="invalid_boolean")
