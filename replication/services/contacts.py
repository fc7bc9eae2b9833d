"""Mentor contacts of an app: the people of its owner region whom others may ask.

Added by hand through the forms and the API (`mentor_contact_create` ...), or declared in the app's
publiccode.yml (`mentor_contacts_record_declared`, on the catalog's `app_mentors_declared` signal).
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import App
from catalog.services import ContactInput, agency_of
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


# A MentorContact field -> the key of a declared mentor (catalog.signals) that gave it.
_DECLARED_KEYS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "position": "affiliation",
    "agency": "affiliation",
}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _match(contacts: list[MentorContact], mentor: ContactInput, taken: set[int]) -> MentorContact | None:
    free = [contact for contact in contacts if id(contact) not in taken]
    if mentor.email:
        for contact in free:
            if contact.email and _same(contact.email, mentor.email):
                return contact
    for contact in free:
        if _same(contact.name, mentor.name):
            return contact
    return None


@transaction.atomic
def mentor_contacts_record_declared(
    *, app: App, mentors: Sequence[ContactInput], notes: list[str] | None = None
) -> list[MentorContact]:
    """Create or update the app's mentor contacts from the mentors its owner declared (publiccode.yml).

    Each mentor is the app's contact with the same e-mail, else the same name (case and spacing aside),
    else a new contact of the app's owner region. What the declaration gives replaces what is recorded,
    what it leaves empty is kept; the affiliation becomes the agency when it names one of the owner
    region's agencies (name or short name), else the position. A telephone that is not an Indonesian
    mobile number is left out and noted. Contacts the declaration does not name (added by hand) stay.
    Raises ValidationError keyed "[<index>].<key>" (the declared mentor's key), and then saves nothing.
    """
    notes = notes if notes is not None else []
    region = app.owner_region
    contacts = list(MentorContact.objects.select_for_update().filter(app=app).order_by("id"))
    taken: set[int] = set()
    errors: dict[str, list[str]] = {}
    saved = []
    for index, mentor in enumerate(mentors):
        contact = _match(contacts, mentor, taken)
        if contact is None:
            contact = MentorContact(app=app, region=region)
            contacts.append(contact)
        taken.add(id(contact))
        contact.name = mentor.name or contact.name
        contact.email = mentor.email or contact.email
        if mentor.phone:
            try:
                contact.phone = normalize_phone(mentor.phone)
            except ValidationError:
                notes.append(
                    _("Mentor %(name)s: the telephone is not an Indonesian mobile number; not recorded.")
                    % {"name": mentor.name}
                )
        if mentor.affiliation:
            agency = agency_of(region, mentor.affiliation)
            if agency is not None:
                contact.agency = agency
            else:
                contact.position = mentor.affiliation
        try:
            contact.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                key = f"[{index}].{_DECLARED_KEYS.get(field, 'name')}"
                errors.setdefault(key, []).extend(messages)
            continue
        saved.append(contact)
    if errors:
        raise ValidationError(errors)
    for contact in saved:
        contact.save()
    return saved
