"""The mentors the catalog recorded (AppContact, role "mentor": publiccode.yml imports and the API) become
mentor contacts, which the app page shows ("Tempat bertanya"). Run again, it adds nothing: a mentor is
the app's contact with the same e-mail, else the same name. Contacts added by hand are never changed.

Written against the historical models, with its own copy of the rules of
replication.services.contacts.mentor_contacts_record_declared (a migration must not follow later code):
the affiliation is the agency when it names one of the owner region's, else the position; a telephone
that is not an Indonesian mobile number is left out; too long values are cut to the field's length.
"""

import re

from django.db import migrations

PHONE = re.compile(r"^(?:\+?62|0)8\d{7,12}$")


def _phone(value: str) -> str:
    digits = re.sub(r"[\s\-().]", "", value or "")
    if not PHONE.match(digits):
        return ""
    digits = digits.lstrip("+")
    return "62" + digits[1:] if digits.startswith("0") else digits


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def mirror_catalog_mentors(apps, schema_editor) -> None:
    AppContact = apps.get_model("catalog", "AppContact")
    MentorContact = apps.get_model("replication", "MentorContact")
    Agency = apps.get_model("registry", "Agency")

    def cut(field: str, value: str) -> str:
        return value[: MentorContact._meta.get_field(field).max_length]

    mentors = AppContact.objects.filter(role="mentor").select_related("app").order_by("app_id", "id")
    for mentor in mentors:
        app = mentor.app
        existing = list(MentorContact.objects.filter(app=app))
        email = mentor.email.strip()
        if email and any(contact.email and _same(contact.email, email) for contact in existing):
            continue
        if any(_same(contact.name, mentor.name) for contact in existing):
            continue
        affiliation = mentor.affiliation.strip()
        agency = None
        if affiliation:
            agencies = Agency.objects.filter(region_id=app.owner_region_id)
            agency = (
                agencies.filter(short_name__iexact=affiliation).first()
                or agencies.filter(name__iexact=affiliation).first()
            )
        MentorContact.objects.create(
            app=app,
            region_id=app.owner_region_id,
            name=cut("name", mentor.name.strip()),
            email=email,
            phone=_phone(mentor.phone),
            agency=agency,
            position="" if agency is not None else cut("position", affiliation),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_adoption_initial_events"),
        ("registry", "0005_sources_without_file_names"),
        ("replication", "0003_people_optional"),
    ]

    operations = [
        migrations.RunPython(mirror_catalog_mentors, migrations.RunPython.noop),
    ]
