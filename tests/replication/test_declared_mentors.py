"""The mentors a publiccode.yml declares (x-lumbung.mentors) are whom to ask on the app page: the catalog's
import announces them (catalog.signals.app_mentors_declared) and replication records them as mentor
contacts; the migration 0004 mirrors the mentors the catalog recorded before."""

from importlib import import_module

import pytest
import yaml
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import translation

from catalog.choices import ContactRole
from catalog.models import App, AppContact
from catalog.services import ContactInput, app_create, app_import_publiccode
from replication.models import MentorContact
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BONTANG = "33.74", "64.74"

DOCUMENT = {
    "publiccodeYmlVersion": "0.4",
    "name": "Lapor Semarang",
    "url": "https://git.example.test/semarang/lapor",
    "platforms": ["web"],
    "categories": ["feedback-and-reviews-management"],
    "developmentStatus": "stable",
    "softwareType": "standalone/web",
    "description": {
        "id": {
            "shortDescription": "Kanal pengaduan warga.",
            "longDescription": "Warga melapor lewat web; laporan diteruskan ke OPD yang berwenang. " * 4,
            "features": ["Lapor lewat web"],
        }
    },
    "legal": {"license": "MIT"},
    "maintenance": {"type": "community"},
    "localisation": {"localisationReady": False, "availableLanguages": ["id"]},
}

MENTORS = [
    {
        "name": "Sri Wahyuni",
        "email": "sri@example.test",
        "phone": "0812 3456 7890",
        "affiliation": "Diskominfo",
    },
    {"name": "Agus Prasetyo", "affiliation": "Kepala Bidang Aplikasi Informatika"},
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def semarang(regions):
    region = factories.region(SEMARANG)
    factories.AgencyFactory(region=region, name="Dinas Komunikasi dan Informatika", short_name="Diskominfo")
    return region


def document(mentors=MENTORS, **x_lumbung) -> str:
    doc = dict(DOCUMENT)
    extension = {"slug": "lapor-semarang", "dimension": "governance", "spbeType": "umum", **x_lumbung}
    if mentors is not None:
        extension["mentors"] = mentors
    doc["x-lumbung"] = extension
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def contacts(app: App) -> list[tuple]:
    rows = MentorContact.objects.filter(app=app).values_list(
        "name", "email", "phone", "position", "agency__short_name", "region_id"
    )
    return sorted(rows, key=lambda row: row[0].casefold())


def test_imported_mentors_are_mentor_contacts_of_the_owner_region(semarang):
    app, created = app_import_publiccode(text=document(), region=semarang)
    assert created is True
    assert contacts(app) == [
        ("Agus Prasetyo", "", "", "Kepala Bidang Aplikasi Informatika", None, SEMARANG),
        ("Sri Wahyuni", "sri@example.test", "6281234567890", "", "Diskominfo", SEMARANG),
    ]
    # The catalog keeps them too: its export writes them back.
    assert AppContact.objects.filter(app=app, role=ContactRole.MENTOR).count() == 2


def test_imported_mentors_are_on_the_app_page_with_details_for_members_only(client, semarang):
    app, _ = app_import_publiccode(text=document(), region=semarang)

    html = client.get(app.get_absolute_url()).text
    assert "Sri Wahyuni" in html and "Agus Prasetyo" in html
    assert "sri@example.test" not in html and "6281234567890" not in html and "wa.me" not in html

    client.force_login(member_of(BONTANG, "viewer"))
    html = client.get(app.get_absolute_url()).text
    assert "mailto:sri@example.test" in html
    assert 'href="https://wa.me/6281234567890"' in html
    assert html.count("Sri Wahyuni") == 1  # shown once, by the replication panel, not by the catalog too


def test_importing_again_updates_and_keeps_contacts_added_by_hand(semarang):
    app, _ = app_import_publiccode(text=document(), region=semarang)
    by_hand = factories.MentorContactFactory(app=app, name="Rina Kartika", email="rina@example.test")

    changed = [
        {**MENTORS[0], "name": "Sri Wahyuni, S.Kom.", "phone": "+62 811 2222 3333"},
        {"name": "agus  prasetyo", "email": "agus@example.test"},
    ]
    again, created = app_import_publiccode(text=document(mentors=changed), region=semarang)

    assert (created, again.pk) == (False, app.pk)
    assert contacts(app) == [
        # matched by name (case and spacing aside): the e-mail is added, the position kept
        ("agus  prasetyo", "agus@example.test", "", "Kepala Bidang Aplikasi Informatika", None, SEMARANG),
        (by_hand.name, by_hand.email, by_hand.phone, by_hand.position, None, SEMARANG),
        # matched by e-mail: the new name and telephone replace the old ones
        ("Sri Wahyuni, S.Kom.", "sri@example.test", "6281122223333", "", "Diskominfo", SEMARANG),
    ]
    app_import_publiccode(text=document(mentors=changed), region=semarang)
    assert MentorContact.objects.filter(app=app).count() == 3


def test_a_document_without_mentors_or_without_x_lumbung_changes_no_mentor_contact(semarang):
    app, _ = app_import_publiccode(text=document(), region=semarang)
    before = contacts(app)
    app_import_publiccode(text=document(mentors=[]), region=semarang)
    assert contacts(app) == before  # never deleted by an import
    foreign = dict(DOCUMENT, name="Lapor Semarang (luar)")
    app_import_publiccode(text=yaml.safe_dump(foreign), region=semarang)
    assert contacts(app) == before


def test_a_telephone_that_is_no_mobile_number_is_noted_and_left_out(semarang):
    notes = []
    app, _ = app_import_publiccode(
        text=document(mentors=[{"name": "Sri Wahyuni", "phone": "(024) 3513366"}]),
        region=semarang,
        notes=notes,
    )
    assert contacts(app) == [("Sri Wahyuni", "", "", "", None, SEMARANG)]
    assert any("Sri Wahyuni" in note and "mobile number" in note for note in notes)


def test_a_mentor_the_contact_cannot_hold_is_refused_with_its_key_path_and_nothing_is_saved(semarang):
    too_long = "N" * 150  # the catalog takes 200 characters, a mentor contact 120
    with pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=document(mentors=[MENTORS[0], {"name": too_long}]), region=semarang)
    assert set(excinfo.value.message_dict) == {"x-lumbung.mentors[1].name"}
    assert not App.objects.exists() and not MentorContact.objects.exists()


# The migration ------------------------------------------------------------------------------------------

migration = import_module("replication.migrations.0004_mentor_contacts_from_catalog")


def test_the_migration_mirrors_the_catalogs_mentors_once(semarang):
    app = app_create(
        owner_region=semarang,
        name="Command Center",
        category="pengaduan",
        dimension="governance",
        spbe_type="umum",
        short_description="Pusat pemantauan kota.",
        long_description="Pusat pemantauan layanan kota.",
        features=["Dasbor"],
        license="MIT",
        contacts=[
            ContactInput(name="Tim Pemeliharaan"),
            ContactInput(
                name="Sri Wahyuni", role=ContactRole.MENTOR, phone="0812-3456-7890", affiliation="diskominfo"
            ),
            ContactInput(
                name="Agus Prasetyo", role=ContactRole.MENTOR, phone="024 351", affiliation="Bappeda"
            ),
            ContactInput(name="Rina Kartika", role=ContactRole.MENTOR, email="RINA@example.test"),
        ],
    )
    by_hand = factories.MentorContactFactory(app=app, name="Rina K.", email="rina@example.test")

    migration.mirror_catalog_mentors(django_apps, None)
    migration.mirror_catalog_mentors(django_apps, None)

    assert contacts(app) == [
        ("Agus Prasetyo", "", "", "Bappeda", None, SEMARANG),
        (by_hand.name, by_hand.email, by_hand.phone, by_hand.position, None, SEMARANG),  # same e-mail
        ("Sri Wahyuni", "", "6281234567890", "", "Diskominfo", SEMARANG),
    ]
