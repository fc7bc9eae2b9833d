"""Mentor contacts of an app: the people of its owner region whom others may ask."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import App
from registry import permissions

from ..models import MentorContact
from ..validators import normalize_phone

CONTACT_FIELDS = ("name", "position", "agency", "email", "phone", "topics")


def _require_owner(user, app: App) -> None:
    permissions.require(
        user,
        permissions.Action.CHANGE,
        [app.owner_region_id],
        _("Only the app's owner region's editors and administrators manage its mentor contacts."),
    )


def _save(contact: MentorContact, fields: dict) -> MentorContact:
    for name, value in fields.items():
        setattr(contact, name, value)
    try:
        contact.phone = normalize_phone(contact.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if contact.agency is not None and contact.agency.region_id != contact.region_id:
        raise ValidationError({"agency": _("This agency belongs to another region.")})
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def mentor_contact_create(*, user, app: App, **fields) -> MentorContact:
    _require_owner(user, app)
    return _save(MentorContact(app=app, region_id=app.owner_region_id), fields)


@transaction.atomic
def mentor_contact_update(*, user, contact: MentorContact, **fields) -> MentorContact:
    _require_owner(user, contact.app)
    return _save(contact, {name: value for name, value in fields.items() if name in CONTACT_FIELDS})


@transaction.atomic
def mentor_contact_delete(*, user, contact: MentorContact) -> None:
    _require_owner(user, contact.app)
    contact.delete()
