"""Checking a publiccode.yml document: the core standard 0.4 and Lumbung's `x-lumbung`.

The check is declarative: DRF serializers mirror the document, one field a key, and their errors are
reported by key path ("description.id.shortDescription", "maintenance.contacts[0].email").
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.settings import api_settings

from registry.models import region_code_validator

from ..choices import (
    AppCategory,
    DevelopmentStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)
from ..validators import validate_spdx_license
from .checks import (
    Length,
    check_each,
    first_message,
    is_category,
    is_email_or_empty,
    is_language,
    is_slug,
    is_url,
    is_url_or_empty,
    one_of,
)
from .reading import load
from .vocabulary import (
    EXTENSION_KEY,
    LONG_DESCRIPTION_MAX,
    LONG_DESCRIPTION_MIN,
    MAINTENANCE_NEEDS_CONTACTS,
    PLATFORMS,
    PUBLICCODE_VERSION,
    SHORT_DESCRIPTION_MAX,
)

_VERSION = re.compile(r"^0\.[2-4](\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REQUIRED = gettext_lazy("This key is required.")
NOT_TEXT = gettext_lazy("This must be text (put it in quotes if needed).")
NOT_MAPPING = gettext_lazy("This must be a mapping of keys to values.")
NOT_LIST = gettext_lazy("This must be a list.")


# Fields of the document -------------------------------------------------------------------------


class TextField(serializers.Field):
    """Text as written (a number is not text); required text cannot be blank; `choices` limits it."""

    default_error_messages = {
        "required": REQUIRED,
        "null": NOT_TEXT,
        "invalid": NOT_TEXT,
        "blank": gettext_lazy("This cannot be empty."),
    }

    def __init__(self, *, choices=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if choices is not None:
            self.validators.append(one_of(choices))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.required and not data.strip():
            self.fail("blank")
        return data

    def to_representation(self, value):
        return value


class TextListField(TextField):
    """A list of non-empty texts (only the first bad item is reported); `item` checks each one."""

    default_error_messages = {
        "null": NOT_LIST,
        "invalid": NOT_LIST,
        "empty": gettext_lazy("This list needs at least one item."),
        "item": gettext_lazy("Each item must be non-empty text."),
    }

    def __init__(self, *, allow_empty: bool = True, item=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.allow_empty, self.item = allow_empty, item

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("invalid")
        if not self.allow_empty and not data:
            self.fail("empty")
        for index, value in enumerate(data):
            if not isinstance(value, str) or not value.strip():
                raise serializers.ValidationError({index: [self.error_messages["item"]]})
        if self.item is not None:
            check_each(self.item, data)
        return data


class VersionField(TextField):
    default_error_messages = {"null": REQUIRED}

    def to_internal_value(self, data):
        if isinstance(data, float):  # an unquoted 0.4 in hand-written YAML
            data = str(data)
        if not isinstance(data, str) or not _VERSION.match(data):
            raise serializers.ValidationError(
                _('Version %(value)s is not supported; use "%(version)s".')
                % {"value": data, "version": PUBLICCODE_VERSION}
            )
        return data


class BasedOnField(TextField):
    """A URL, or a non-empty list of URLs."""

    default_error_messages = {"null": gettext_lazy("This must be a URL or a non-empty list of URLs.")}

    def to_internal_value(self, data):
        if isinstance(data, str):
            is_url(data)
        elif isinstance(data, list) and data and all(isinstance(item, str) for item in data):
            check_each(is_url, data)
        else:
            self.fail("null")
        return data


class DateField(TextField):
    """A date (YAML reads an unquoted one as a date), or text written as YYYY-MM-DD."""

    default_error_messages = {"null": gettext_lazy("This must be a date written as YYYY-MM-DD.")}

    def to_internal_value(self, data):
        if type(data) is datetime.date:
            return data
        if isinstance(data, str) and _DATE.match(data):
            try:
                return datetime.date.fromisoformat(data)
            except ValueError:
                pass
        self.fail("null")


class FlagField(TextField):
    default_error_messages = {"null": gettext_lazy("This must be true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("null")
        return data


# The document's mappings ------------------------------------------------------------------------


class Mapping(serializers.Serializer):
    """A mapping of the document; keys it does not name are accepted and ignored."""

    default_error_messages = {"required": REQUIRED, "null": NOT_MAPPING, "invalid": NOT_MAPPING}


class ContactList(serializers.ListSerializer):
    default_error_messages = {"required": REQUIRED, "null": NOT_LIST, "not_a_list": NOT_LIST}


class Contact(Mapping):
    _message = gettext_lazy(
        "A contact is a mapping with a name and, optionally, email, phone and affiliation."
    )
    default_error_messages = {"null": _message, "invalid": _message}

    name = TextField()
    email = TextField(required=False, validators=[is_email_or_empty])
    phone = TextField(required=False)
    affiliation = TextField(required=False)

    class Meta:
        list_serializer_class = ContactList


class Texts(Mapping):
    shortDescription = TextField(validators=[Length(SHORT_DESCRIPTION_MAX)])
    longDescription = TextField(validators=[Length(LONG_DESCRIPTION_MAX, low=LONG_DESCRIPTION_MIN)])
    features = TextListField()


class DescriptionField(TextField):
    """The texts by language: {language code: Texts}."""

    default_error_messages = {
        "null": NOT_MAPPING,
        "empty": gettext_lazy("A description in at least one language is required."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("null")
        if not data:
            self.fail("empty")
        errors = {}
        for language, texts in data.items():
            try:
                is_language(language)
                Texts().run_validation(texts)
            except ValidationError as exc:
                errors[str(language)] = exc.messages
            except serializers.ValidationError as exc:
                errors[str(language)] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return data


class Legal(Mapping):
    license = TextField(validators=[validate_spdx_license])


class Maintenance(Mapping):
    type = TextField(choices=MaintenanceType.values)
    contacts = Contact(many=True, required=False)

    def to_internal_value(self, data):
        errors = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(data, dict):
                raise
            errors, value = dict(exc.detail), None
        # The standard requires contacts when the owner's staff or a contractor maintains the app.
        needs_contacts = "type" not in errors and data.get("type") in MAINTENANCE_NEEDS_CONTACTS
        if needs_contacts and "contacts" not in errors and not data.get("contacts", []):
            errors["contacts"] = [_("At least one contact is required for this type of maintenance.")]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class Localisation(Mapping):
    localisationReady = FlagField()
    availableLanguages = TextListField(allow_empty=False, item=is_language)


class Extension(Mapping):
    """`x-lumbung`: what Lumbung records and the standard has no key for."""

    category = TextField(required=False, choices=AppCategory.values)
    dimension = TextField(required=False, choices=SmartCityDimension.values)
    spbeType = TextField(required=False, choices=SpbeType.values)
    region = TextField(required=False, validators=[first_message(region_code_validator)])
    slug = TextField(required=False, validators=[is_slug])
    basedOn = TextField(required=False, validators=[is_slug])
    agency = TextField(required=False)
    basedOnNote = TextField(required=False)
    mentors = Contact(many=True, required=False)


class Publiccode(Mapping):
    """A publiccode.yml document (core 0.4): the keys Lumbung reads or writes."""

    publiccodeYmlVersion = VersionField()
    name = TextField()
    url = TextField(validators=[is_url_or_empty])
    landingURL = TextField(required=False, validators=[is_url_or_empty])
    isBasedOn = BasedOnField(required=False)
    releaseDate = DateField(required=False)
    platforms = TextListField(allow_empty=False, item=one_of(PLATFORMS))
    categories = TextListField(allow_empty=False, item=is_category)
    usedBy = TextListField(required=False)
    developmentStatus = TextField(choices=DevelopmentStatus.values)
    softwareType = TextField(choices=SoftwareType.values)
    description = DescriptionField()
    legal = Legal()
    maintenance = Maintenance()
    localisation = Localisation()

    def get_fields(self):
        fields = super().get_fields()
        fields[EXTENSION_KEY] = Extension(required=False)
        return fields


def errors_by_path(detail, path: str = "", into: dict | None = None) -> dict[str, list[str]]:
    """DRF's nested errors as {key path: messages}: "legal.license", "platforms[0]", "description.id"."""
    into = {} if into is None else into
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            errors_by_path(value, sub, into)
    elif isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        if detail:
            into.setdefault(path, []).extend(str(message) for message in detail)
    elif isinstance(detail, list):  # a list serializer: one entry an item, empty for a valid one
        for index, item in enumerate(detail):
            errors_by_path(item, f"{path}[{index}]", into)
    else:
        into.setdefault(path, []).append(str(detail))
    return into


def publiccode_parse(text: str | bytes) -> dict:
    """The publiccode.yml document in `text`, checked against the core standard and `x-lumbung`.

    Raises ValidationError with a dict of messages keyed by key path ("description.id.shortDescription",
    "maintenance.contacts[0].email"); problems of the document as a whole (too large, not YAML, not a
    mapping) are under NON_FIELD_ERRORS ("__all__"). Bytes are read as UTF-8. Keys the standard allows
    but Lumbung does not use are accepted and ignored.
    """
    doc = load(text)
    serializer = Publiccode(data=doc)
    if not serializer.is_valid():
        raise ValidationError(errors_by_path(serializer.errors))
    return doc
