"""Checks of one value of a publiccode.yml document, as Django validators (DRF reports their messages as
the field's), with the messages Lumbung has always given."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .vocabulary import CATEGORIES

LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


class Check:
    """A validator raising `message` % {"value": value, **params} when `test(value)` is false."""

    def __init__(self, test, message, *, skip_empty: bool = False, **params) -> None:
        self.test, self.message, self.skip_empty, self.params = test, message, skip_empty, params

    def __call__(self, value) -> None:
        if self.skip_empty and not value:
            return
        if not self.test(value):
            raise ValidationError(str(self.message) % {"value": value, **self.params})


def passes(validator):
    """A test of whether Django's `validator` accepts a value."""

    def test(value) -> bool:
        try:
            validator(value)
        except ValidationError:
            return False
        return True

    return test


def one_of(choices) -> Check:
    choices = tuple(choices)
    return Check(
        lambda value: value in choices,
        gettext_lazy("%(value)s is not one of: %(choices)s."),
        choices=", ".join(choices),
    )


def first_message(validator):
    """`validator`, raising only the first of its messages."""

    def check(value) -> None:
        try:
            validator(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc

    return check


class Length:
    """At most `high` characters or, with `low`, between `low` and `high`, in the standard's words."""

    def __init__(self, high: int, *, low: int | None = None) -> None:
        self.low, self.high = low, high

    def __call__(self, value: str) -> None:
        count = len(value)
        if self.low is None and count > self.high:
            raise ValidationError(
                _("At most %(max)d characters are allowed; this has %(count)d.")
                % {"max": self.high, "count": count}
            )
        if self.low is not None and not self.low <= count <= self.high:
            raise ValidationError(
                _("It must have between %(min)d and %(max)d characters; this has %(count)d.")
                % {"min": self.low, "max": self.high, "count": count}
            )


is_url = Check(passes(URLValidator()), gettext_lazy("%(value)s is not a valid http(s) URL."))
is_url_or_empty = Check(is_url.test, is_url.message, skip_empty=True)
is_email_or_empty = Check(
    passes(EmailValidator()), gettext_lazy("%(value)s is not a valid e-mail address."), skip_empty=True
)
is_slug = Check(passes(validate_slug), gettext_lazy("%(value)s is not a slug."))
is_language = Check(
    lambda value: isinstance(value, str) and bool(LANGUAGE.match(value)),
    gettext_lazy("%(value)s is not a language code (BCP 47, e.g. id or en)."),
)
is_category = Check(
    lambda value: value in CATEGORIES,
    gettext_lazy("%(value)s is not a category of the publiccode.yml vocabulary."),
)


def check_each(check, items) -> None:
    """`check` every item of a list; the errors are keyed by the items' indexes."""
    errors = {}
    for index, item in enumerate(items):
        try:
            check(item)
        except ValidationError as exc:
            errors[index] = exc.messages
    if errors:
        raise serializers.ValidationError(errors)
