import datetime
from importlib import import_module

import pytest
import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from catalog.choices import AppCategory, ContactRole, FigureMetric, MaintenanceType
from catalog.models import Adoption, App, AppContact, ServiceFigure
from catalog.publiccode import (
    CATEGORIES,
    CATEGORY_MAP,
    PLATFORMS,
    PUBLICCODE_MAX_BYTES,
    app_publiccode,
    app_publiccode_errors,
    app_publiccode_yaml,
    category_from_tags,
    publiccode_parse,
)
from catalog.services import (
    ContactInput,
    FigureInput,
    adoption_record,
    adoption_record_unverified,
    app_create,
    app_delete,
    app_import_publiccode,
)
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked word for word in English (the default language is Indonesian)."""
    with translation.override("en"):
        yield


MANDATORY = (
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "categories",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
)

LONG_ID = (
    "Aplikasi pengaduan masyarakat: warga melapor lewat web dan ponsel, laporan diteruskan ke OPD yang "
    "berwenang dan ditindaklanjuti sesuai SOP.\n\nSetiap laporan dipantau sampai selesai, dengan batas waktu "
    "layanan yang diumumkan kepada pelapor."
)
LONG_EN = (
    "A complaints app: residents report through the web and their phones, reports go to the agency in "
    "charge and are handled according to the standard procedure.\n\nEvery report is followed until it is "
    "closed, within a service time announced to the reporter."
)


def page_url(app: App) -> str:
    return f"https://lumbung.example.test/aplikasi/{app.slug}/"


def export(app: App) -> dict:
    return app_publiccode(App.objects.get(pk=app.pk), app_url=page_url(app))


def export_yaml(app: App) -> str:
    return app_publiccode_yaml(App.objects.get(pk=app.pk), app_url=page_url(app))


def make_app(code: str = "33.74", **overrides) -> App:
    fields = {
        "name": "Pengaduan Warga",
        "category": AppCategory.COMPLAINTS,
        "dimension": "governance",
        "spbe_type": "khusus",
        "short_description": "Kanal pengaduan masyarakat yang ditindaklanjuti OPD.",
        "long_description": LONG_ID,
        "features": ["Lapor lewat web", "Lapor lewat ponsel"],
        "license": "MIT",
        "maintenance_type": MaintenanceType.INTERNAL,
        "contacts": [ContactInput(name="Tim Diskominfo", email="diskominfo@example.test")],
    }
    fields.update(overrides)
    return app_create(owner_region=factories.region(code), **fields)


@pytest.fixture
def original(regions):
    return make_app(
        name="Pengaduan Semarang",
        repository_url="https://git.example.test/semarang/pengaduan",
    )


@pytest.fixture
def full_app(original):
    """A Batang app with every exported value filled, based on Semarang's, with mixed adoptions."""
    agency = factories.AgencyFactory(
        region=factories.region("33.25"), name="Dinas Sosial", short_name="Dinsos"
    )
    app = make_app(
        "33.25",
        name="Pengaduan Batang",
        owner_agency=agency,
        status="beta",
        software_type="standalone/mobile",
        platforms=["web", "android"],
        short_description_en="A complaints channel followed up by the agencies.",
        long_description_en=LONG_EN,
        features_en=["Report on the web", "Report on a phone"],
        license="gpl-3.0-or-later",
        repository_url="https://git.example.test/batang/pengaduan",
        website_url="https://pengaduan.example.test/",
        maintenance_type=MaintenanceType.CONTRACT,
        launched_on=datetime.date(2019, 3, 1),
        based_on=original,
        based_on_note="Disalin dari Kota Semarang setelah MoU 2018.",
        contacts=[
            ContactInput(
                name="Tim Dinsos", email="dinsos@example.test", phone="+62 285 000000", affiliation="Dinsos"
            ),
            ContactInput(
                name="Mentor Semarang", role=ContactRole.MENTOR, affiliation="Diskominfo Kota Semarang"
            ),
        ],
        figures=[FigureInput(metric=FigureMetric.USERS, measured_on=datetime.date(2020, 1, 1), value=100)],
    )
    adoption_record(app=app, region=factories.region("64.74"), recorded_by=member_of("64.74", "developer"))
    adoption_record(app=app, region=factories.region("33"), recorded_by=member_of("33", "editor"))
    adoption_record_unverified(app=app, region=factories.region("33.74"))
    return app


def counts() -> tuple[int, int, int, int]:
    return (
        App.objects.count(),
        AppContact.objects.count(),
        Adoption.objects.count(),
        ServiceFigure.objects.count(),
    )


def error_paths(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# Export ------------------------------------------------------------------------------------------


def test_export_of_a_fully_filled_app_is_a_valid_document(full_app, original):
    doc = export(full_app)

    assert all(key in doc for key in MANDATORY)
    assert publiccode_parse(export_yaml(full_app)) == doc
    assert app_publiccode_errors(App.objects.get(pk=full_app.pk), app_url=page_url(full_app)) == {}
    assert doc["publiccodeYmlVersion"] == "0.4"
    assert doc["name"] == "Pengaduan Batang"
    assert doc["url"] == "https://git.example.test/batang/pengaduan"
    assert doc["landingURL"] == "https://pengaduan.example.test/"
    assert doc["releaseDate"] == "2019-03-01"
    assert doc["platforms"] == ["web", "android"]
    assert set(doc["platforms"]) <= set(PLATFORMS)
    assert doc["categories"] == ["feedback-and-reviews-management", "customer-service-and-support"]
    assert set(doc["categories"]) <= CATEGORIES
    assert (doc["developmentStatus"], doc["softwareType"]) == ("beta", "standalone/mobile")
    assert doc["legal"] == {"license": "GPL-3.0-or-later"}
    # Only verified adoptions: Kota Semarang's was recorded on its behalf.
    assert doc["usedBy"] == ["Jawa Tengah", "Kota Bontang"]
    # The lineage: the original's repository URL.
    assert doc["isBasedOn"] == "https://git.example.test/semarang/pengaduan"
    assert doc["description"]["id"] == {
        "shortDescription": "Kanal pengaduan masyarakat yang ditindaklanjuti OPD.",
        "longDescription": LONG_ID,
        "features": ["Lapor lewat web", "Lapor lewat ponsel"],
    }
    assert doc["description"]["en"]["longDescription"] == LONG_EN
    assert doc["localisation"] == {"localisationReady": True, "availableLanguages": ["id", "en"]}
    assert doc["maintenance"] == {
        "type": "contract",
        "contacts": [
            {
                "name": "Tim Dinsos",
                "email": "dinsos@example.test",
                "phone": "+62 285 000000",
                "affiliation": "Dinsos",
            }
        ],
    }
    assert doc["x-lumbung"] == {
        "slug": full_app.slug,
        "region": "33.25",
        "category": "pengaduan",
        "dimension": "governance",
        "spbeType": "khusus",
        "agency": "Dinas Sosial",
        "basedOn": original.slug,
        "basedOnNote": "Disalin dari Kota Semarang setelah MoU 2018.",
        "mentors": [{"name": "Mentor Semarang", "affiliation": "Diskominfo Kota Semarang"}],
    }
    assert list(doc)[:3] == ["publiccodeYmlVersion", "name", "url"]


def test_export_yaml_is_readable_and_keeps_the_text(full_app):
    text = export_yaml(full_app)
    assert text.startswith("publiccodeYmlVersion: '0.4'\nname: Pengaduan Batang\n")
    assert "longDescription: |-" in text  # multi-line text as a literal block
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert yaml.safe_load(text)["description"]["id"]["longDescription"] == LONG_ID


def test_export_without_english_or_contacts_has_one_language(regions):
    app = make_app(contacts=[], maintenance_type=MaintenanceType.COMMUNITY, short_description_en="Only short")
    doc = export(app)
    assert list(doc["description"]) == ["id"]
    assert doc["localisation"] == {"localisationReady": False, "availableLanguages": ["id"]}
    assert doc["maintenance"] == {"type": "community"}
    assert "usedBy" not in doc and "isBasedOn" not in doc and "landingURL" not in doc
    publiccode_parse(export_yaml(app))


def test_an_owner_maintained_app_without_contacts_names_its_owner_and_stores_no_contact(regions):
    agency = factories.AgencyFactory(
        region=factories.region("33.74"), name="Dinas Komunikasi dan Informatika"
    )
    with_agency = make_app(name="Command Center", owner_agency=agency, contacts=[])
    without_agency = make_app(
        "33.25", name="E-Planning", maintenance_type=MaintenanceType.CONTRACT, contacts=[]
    )
    assert export(with_agency)["maintenance"] == {
        "type": "internal",
        "contacts": [{"name": "Dinas Komunikasi dan Informatika", "affiliation": "Kota Semarang"}],
    }
    assert export(without_agency)["maintenance"] == {
        "type": "contract",
        "contacts": [{"name": "Kabupaten Batang"}],
    }

    for app in (with_agency, without_agency):
        before = export_yaml(app)
        app_delete(app=app)
        new, created = app_import_publiccode(text=before, region=app.owner_region)
        assert created is True
        assert new.contacts.count() == 0
        assert export_yaml(new) == before


def test_url_falls_back_to_the_lumbung_page_and_lineage_urls(original):
    external = make_app(name="Dari luar", based_on_url="https://git.example.test/jateng/laporgub")
    assert export(external)["url"] == page_url(external)
    assert export(external)["isBasedOn"] == "https://git.example.test/jateng/laporgub"

    no_repo_original = make_app(name="Asal tanpa repositori")
    variant = make_app("33.25", name="Varian", based_on=no_repo_original)
    assert export(variant)["isBasedOn"] == f"https://lumbung.example.test/aplikasi/{no_repo_original.slug}/"

    both = make_app(
        "33.25", name="Keduanya", based_on=original, based_on_url="https://git.example.test/jateng/laporgub"
    )
    assert export(both)["isBasedOn"] == [
        "https://git.example.test/semarang/pengaduan",
        "https://git.example.test/jateng/laporgub",
    ]


def test_every_category_maps_into_the_vocabulary_and_back(regions):
    assert set(CATEGORY_MAP) == set(AppCategory.values)
    for category, tags in CATEGORY_MAP.items():
        assert tags and set(tags) <= CATEGORIES, category
        assert category_from_tags(tags) == category
    assert category_from_tags(["budgeting", "financial-reporting"]) == AppCategory.BUDGETING
    assert category_from_tags(["procurement", "it-security"]) == AppCategory.PROCUREMENT
    assert category_from_tags(["video-editing"]) == AppCategory.OTHER


def test_every_demo_app_exports_a_valid_document(regions):
    import_module("registry.demo").load()
    import_module("catalog.demo").load()
    apps = list(App.objects.all())
    assert len(apps) == 9
    for app in apps:
        doc = app_publiccode(app, app_url=page_url(app))
        assert all(key in doc for key in MANDATORY), app.slug
        assert app_publiccode_errors(app, app_url=page_url(app)) == {}, app.slug


# Round trips -------------------------------------------------------------------------------------


def test_export_import_export_updates_in_place_and_gives_the_same_document(full_app):
    before_doc, before_yaml = export(full_app), export_yaml(full_app)
    before_counts = counts()

    notes = []
    app, created = app_import_publiccode(text=before_yaml, region=factories.region("33.25"), notes=notes)

    assert (created, app.pk) == (False, full_app.pk)
    assert notes == []
    assert export(app) == before_doc
    assert export_yaml(app) == before_yaml
    assert counts() == before_counts  # figures and adoptions untouched, contacts replaced one for one
    assert Adoption.objects.get(app=app, region="33.74").verified is False


def test_export_delete_import_creates_the_same_app(original):
    app = make_app(
        "33.25",
        name="E-Santunan Kematian",
        category=AppCategory.SOCIAL_ASSISTANCE,
        dimension="society",
        spbe_type="khusus",
        short_description="Santunan kematian bagi ahli waris, dicek dengan data Dinas Sosial.",
        short_description_en="Death benefit for heirs, checked against social agency data.",
        long_description_en=LONG_EN,
        based_on=original,
        based_on_url="https://git.example.test/jateng/santunan",
        launched_on=datetime.date(2018, 9, 1),
        contacts=[
            ContactInput(name="Tim Dinsos"),
            ContactInput(name="Tim Diskominfo", email="kominfo@example.test"),
            ContactInput(name="Mentor", role=ContactRole.MENTOR, phone="0285 1"),
        ],
    )
    before_doc, before_yaml = export(app), export_yaml(app)
    app_delete(app=app)

    new, created = app_import_publiccode(text=before_yaml, region=factories.region("33.25"))

    assert created is True
    assert new.based_on_id == original.pk and new.based_on_url == "https://git.example.test/jateng/santunan"
    assert new.repository_url == ""  # the url was the Lumbung page: not taken as a repository
    assert export(new) == before_doc
    assert export_yaml(new) == before_yaml


def test_a_replica_sharing_the_repository_url_keeps_its_original(original):
    """Two apps with the same repository URL: x-lumbung.basedOn says which one is the original."""
    replica = make_app("64.74", name="Replika", repository_url=original.repository_url)
    variant = make_app("33.25", name="Turunan", based_on=replica)
    text = export_yaml(variant)
    app, created = app_import_publiccode(text=text, region=factories.region("33.25"))
    assert created is False
    assert app.based_on_id == replica.pk


# Importing documents written elsewhere ----------------------------------------------------------


FOREIGN = """\
publiccodeYmlVersion: "0.4"
name: Laporan Warga
url: "https://git.example.test/batang/laporan"
platforms: [web]
categories: [feedback-and-reviews-management]
usedBy:
  - Kota Bontang
  - Kabupaten Batang
  - Comune di Roma
developmentStatus: stable
softwareType: standalone/web
description:
  id:
    shortDescription: Laporan warga.
    longDescription: {long}
    features: [Lapor]
  it:
    shortDescription: Segnalazioni.
    longDescription: {long}
    features: [Segnala]
legal:
  license: EUPL-1.2
maintenance:
  type: community
localisation:
  localisationReady: false
  availableLanguages: [id]
"""


def foreign(**x_lumbung) -> str:
    text = FOREIGN.format(long=yaml.safe_dump("x" * 200).strip().removesuffix("..."))
    if x_lumbung:
        text += yaml.safe_dump({"x-lumbung": x_lumbung})
    return text


def test_a_foreign_document_needs_the_lumbung_values_to_create_an_app(regions):
    with pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=foreign(), region=factories.region("33.25"))
    assert error_paths(excinfo) == {"x-lumbung.dimension", "x-lumbung.spbeType"}
    assert counts() == (0, 0, 0, 0)


def test_a_foreign_document_with_lumbung_values_creates_an_app(regions):
    notes = []
    app, created = app_import_publiccode(
        text=foreign(dimension="governance", spbeType="umum"), region=factories.region("33.25"), notes=notes
    )
    assert created is True
    assert app.category == AppCategory.COMPLAINTS  # from the standard's tags
    assert app.repository_url == "https://git.example.test/batang/laporan"
    assert app.license == "EUPL-1.2"
    assert app.source == "publiccode.yml https://git.example.test/batang/laporan"
    adoption = Adoption.objects.get(app=app)
    assert (adoption.region_id, adoption.verified) == ("64.74", False)
    assert any("Comune di Roma" in note for note in notes)
    assert any("Kabupaten Batang" in note and "owns" in note for note in notes)
    assert any("it" in note and "not imported" in note for note in notes)


def test_a_foreign_document_updates_the_app_with_that_repository_and_keeps_lumbung_values(original):
    app = make_app(
        "33.25",
        name="Laporan lama",
        based_on=original,
        dimension="society",
        repository_url="https://git.example.test/batang/laporan",
        contacts=[ContactInput(name="Mentor", role=ContactRole.MENTOR)],
    )
    updated, created = app_import_publiccode(text=foreign(), region=factories.region("33.25"))
    assert (created, updated.pk) == (False, app.pk)
    updated.refresh_from_db()
    assert updated.name == "Laporan Warga"
    assert (updated.category, updated.dimension, updated.spbe_type) == ("pengaduan", "society", "khusus")
    assert list(updated.contacts.values_list("name", "role")) == [("Mentor", "mentor")]
    assert updated.based_on_id == original.pk  # the document says nothing of an original
    # Imported twice: the adoption is not recorded twice.
    app_import_publiccode(text=foreign(), region=factories.region("33.25"))
    assert Adoption.objects.filter(app=app).count() == 1


# Bad documents -----------------------------------------------------------------------------------


def valid_doc(full_app) -> dict:
    return export(full_app)


def without(doc: dict, key: str) -> dict:
    doc = dict(doc)
    del doc[key]
    return doc


BAD_DOCUMENTS = {
    "missing name": (lambda d: without(d, "name"), "name"),
    "short description over 150": (
        lambda d: {
            **d,
            "description": {
                **d["description"],
                "id": {**d["description"]["id"], "shortDescription": "x" * 151},
            },
        },
        "description.id.shortDescription",
    ),
    "long description under 150": (
        lambda d: {
            **d,
            "description": {**d["description"], "en": {**d["description"]["en"], "longDescription": "short"}},
        },
        "description.en.longDescription",
    ),
    "bad developmentStatus": (lambda d: {**d, "developmentStatus": "finished"}, "developmentStatus"),
    "bad softwareType": (lambda d: {**d, "softwareType": "website"}, "softwareType"),
    "unknown licence": (lambda d: {**d, "legal": {"license": "Bebas-1.0"}}, "legal.license"),
    "category outside the vocabulary": (lambda d: {**d, "categories": ["pengaduan"]}, "categories[0]"),
    "bad platform": (lambda d: {**d, "platforms": ["web", "symbian"]}, "platforms[1]"),
    "bad url": (lambda d: {**d, "url": "not a url"}, "url"),
    "internal maintenance without contacts": (
        lambda d: {**d, "maintenance": {"type": "internal"}},
        "maintenance.contacts",
    ),
    "bad contact e-mail": (
        lambda d: {**d, "maintenance": {"type": "community", "contacts": [{"name": "A", "email": "nope"}]}},
        "maintenance.contacts[0].email",
    ),
    "missing localisation": (lambda d: without(d, "localisation"), "localisation"),
    "bad release date": (lambda d: {**d, "releaseDate": "01/03/2019"}, "releaseDate"),
    "unknown x-lumbung category": (
        lambda d: {**d, "x-lumbung": {**d["x-lumbung"], "category": "complaints"}},
        "x-lumbung.category",
    ),
    "no Indonesian description": (
        lambda d: {**d, "description": {"en": d["description"]["en"]}},
        "description.id",
    ),
    "contact phone too long for Lumbung": (
        lambda d: {**d, "maintenance": {"type": "community", "contacts": [{"name": "A", "phone": "1" * 31}]}},
        "maintenance.contacts[0].phone",
    ),
    "name too long for Lumbung": (lambda d: {**d, "name": "N" * 121}, "name"),
}


@pytest.mark.parametrize("case", list(BAD_DOCUMENTS))
def test_bad_documents_name_the_key_and_save_nothing(full_app, case):
    change, path = BAD_DOCUMENTS[case]
    text = yaml.safe_dump(change(valid_doc(full_app)), allow_unicode=True, sort_keys=False)
    before_doc, before_counts = export(full_app), counts()

    with pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=text, region=factories.region("33.25"))

    assert path in error_paths(excinfo), excinfo.value.message_dict
    assert all(isinstance(m, str) and m for m in excinfo.value.message_dict[path])
    assert counts() == before_counts
    assert export(full_app) == before_doc


def test_several_errors_are_all_reported(full_app):
    doc = without(valid_doc(full_app), "name")
    doc["developmentStatus"] = "finished"
    doc["legal"] = {"license": "Bebas-1.0"}
    with pytest.raises(ValidationError) as excinfo:
        publiccode_parse(yaml.safe_dump(doc))
    assert {"name", "developmentStatus", "legal.license"} <= error_paths(excinfo)


@pytest.mark.parametrize(
    "text",
    [
        "- just\n- a list\n",
        "plain text",
        "",
        "name: [unclosed\n",
        b"\xff\xfe not utf-8",
        "name: x\n" + "#" * PUBLICCODE_MAX_BYTES,
        b"name: x\n" + b"#" * PUBLICCODE_MAX_BYTES,
    ],
    ids=["list", "scalar", "empty", "bad yaml", "not utf-8", "too large", "too large bytes"],
)
def test_documents_that_are_not_a_mapping_or_too_large_are_refused(regions, text):
    with pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=text, region=factories.region("33.25"))
    assert error_paths(excinfo) == {NON_FIELD_ERRORS}
    assert counts() == (0, 0, 0, 0)


def test_a_lineage_circle_is_refused_with_the_key_path(original):
    variant = make_app("33.25", name="Varian", based_on=original)
    doc = export(original)
    doc["isBasedOn"] = page_url(variant)
    with pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=yaml.safe_dump(doc), region=factories.region("33.74"))
    assert "isBasedOn" in error_paths(excinfo)
    assert App.objects.get(pk=original.pk).based_on_id is None


# The command -------------------------------------------------------------------------------------


def test_command_imports_a_file(full_app, tmp_path, capsys):
    path = tmp_path / "publiccode.yml"
    path.write_text(export_yaml(full_app), encoding="utf-8")
    call_command("import_publiccode", str(path), "--region", "33.25")
    out = capsys.readouterr().out
    assert f"Updated app Pengaduan Batang ({full_app.slug}) of Kabupaten Batang (33.25)." in out

    path.write_text(foreign(dimension="governance", spbeType="umum"), encoding="utf-8")
    call_command("import_publiccode", str(path), "--region", "33.25")
    out = capsys.readouterr().out
    assert "Created app Laporan Warga" in out
    assert "Note:" in out and "Comune di Roma" in out


def test_command_fails_cleanly(full_app, tmp_path):
    path = tmp_path / "publiccode.yml"
    path.write_text(export_yaml(full_app), encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match=r"Unknown region code '99\.99'"):
        call_command("import_publiccode", str(path), "--region", "99.99")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_publiccode", str(tmp_path / "missing.yml"), "--region", "33.25")

    path.write_text(foreign(), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_publiccode", str(path), "--region", "33.25")
    message = str(excinfo.value)
    assert "nothing was saved" in message
    assert "x-lumbung.dimension:" in message and "x-lumbung.spbeType:" in message

    path.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"document: A publiccode\.yml document must be a mapping"):
        call_command("import_publiccode", str(path), "--region", "33.25")
    assert counts() == before
