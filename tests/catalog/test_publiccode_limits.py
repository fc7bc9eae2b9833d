"""publiccode.yml that once answered 500: impossible dates, deep nesting, huge numbers, alias bombs.

Each is a ValidationError naming the key (or the document, with the line), through the service, the API
and the command alike, and nothing is saved.
"""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Adoption, App, AppContact
from catalog.publiccode import publiccode_parse
from catalog.services import app_import_publiccode
from catalog.yaml_loader import MAX_DEPTH, MAX_NODES
from tests import factories
from tests.catalog.test_publiccode import foreign

pytestmark = pytest.mark.django_db


def document(*lines: str) -> str:
    """A valid foreign document that creates an app, with `lines` added at the top level."""
    return foreign(dimension="governance", spbeType="umum") + "".join(f"{line}\n" for line in lines)


def alias_bomb() -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "x-bomb:\n" + "".join(f"  {line}\n" for line in lines) + "publiccodeYmlVersion: *l9"


BAD = {
    "month 13": (document("releaseDate: 2020-13-45"), "releaseDate"),
    "30 February": (document("releaseDate: 2020-02-30"), "releaseDate"),
    "a time out of range": (document("releaseDate: 2020-01-01 25:61:00"), "releaseDate"),
    "an explicit bad timestamp": (document("releaseDate: !!timestamp someday"), NON_FIELD_ERRORS),
    "600 nested [": (document("x-deep: " + "[" * 600 + "]" * 600), NON_FIELD_ERRORS),
    "600 unclosed [": (document("x-deep: " + "[" * 600), NON_FIELD_ERRORS),
    "5,000 nested maps": (document("x-deep: " + "{a: " * 5000 + "1" + "}" * 5000), NON_FIELD_ERRORS),
    "nested block maps": (
        document("x-deep:", *(" " * (2 * i) + f"  k{i}:" for i in range(MAX_DEPTH + 5))),
        NON_FIELD_ERRORS,
    ),
    "a 5,000-digit integer": (document("x-number: " + "9" * 5000), NON_FIELD_ERRORS),
    "a 5,000-digit name": ("name: " + "9" * 5000 + "\n" + document().split("\n", 2)[2], NON_FIELD_ERRORS),
    "a long binary integer": (document("x-number: 0b" + "1" * 20000), NON_FIELD_ERRORS),
    "an alias bomb": (
        document().replace('publiccodeYmlVersion: "0.4"\n', "") + alias_bomb(),
        NON_FIELD_ERRORS,
    ),
    "a huge text": (document("x-text: " + "x" * 30000), NON_FIELD_ERRORS),
    "!!int abc": (document("x-number: !!int abc"), NON_FIELD_ERRORS),
    "!!bool maybe": (document("x-flag: !!bool maybe"), NON_FIELD_ERRORS),
    "!!float x": (document("x-number: !!float x"), NON_FIELD_ERRORS),
    "an empty !!float": (document("x-number: !!float"), NON_FIELD_ERRORS),
}


def counts() -> tuple[int, int, int]:
    return App.objects.count(), AppContact.objects.count(), Adoption.objects.count()


def test_the_base_document_imports(regions):
    app, created = app_import_publiccode(text=document(), region=factories.region("33.25"))
    assert created and app.name == "Laporan Warga"


@pytest.mark.parametrize("case", list(BAD))
def test_the_service_names_the_key_and_saves_nothing(regions, case):
    text, path = BAD[case]
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=text, region=factories.region("33.25"))
    errors = excinfo.value.message_dict
    assert path in errors, errors
    if path == NON_FIELD_ERRORS:
        assert set(errors) == {NON_FIELD_ERRORS}
        assert errors[path][0].startswith("Line "), errors
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("case", ["month 13", "600 nested [", "5,000 nested maps", "a 5,000-digit integer"])
def test_the_api_answers_400_naming_the_key(api, batang_editor, case):
    text, path = BAD[case]
    api.force_authenticate(batang_editor)
    response = api.post(
        "/api/v1/apps/import-publiccode/",
        {"region": "33.25", "file": SimpleUploadedFile("publiccode.yml", text.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors" if path == NON_FIELD_ERRORS else path]
    assert counts() == (0, 0, 0)


def test_the_api_answers_in_the_language_of_the_request(api, batang_editor):
    api.force_authenticate(batang_editor)
    messages = {}
    for language in ("id", "en"):
        response = api.post(
            "/api/v1/apps/import-publiccode/",
            {"region": "33.25", "text": BAD["600 nested ["][0]},
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400
        messages[language] = response.json()["non_field_errors"][0]
    assert messages["en"].endswith(f"The document nests more than {MAX_DEPTH} levels deep.")
    assert messages["id"].startswith("Baris ") and f"lebih dari {MAX_DEPTH} tingkat" in messages["id"]


@pytest.mark.parametrize(
    ("case", "where"), [("month 13", "releaseDate:"), ("5,000 nested maps", "document:")]
)
def test_the_command_fails_cleanly(regions, tmp_path, case, where):
    path = tmp_path / "publiccode.yml"
    path.write_text(BAD[case][0], encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("import_publiccode", str(path), "--region", "33.25")
    assert "nothing was saved" in str(excinfo.value)
    assert where in str(excinfo.value)
    assert counts() == (0, 0, 0)


def test_real_documents_are_within_the_limits(regions):
    nested = "x-nested: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2)
    features = "x-features: [" + ", ".join(["fitur"] * (MAX_NODES // 2)) + "]"
    anchors = "x-contacts: &who [{name: Tim}]\nx-again: *who"
    doc = publiccode_parse(document("releaseDate: 2020-01-05", nested, features, anchors, "x-number: 12345"))
    assert str(doc["releaseDate"]) == "2020-01-05"
    app, _created = app_import_publiccode(
        text=document("releaseDate: 2020-01-05", nested, anchors), region=factories.region("33.25")
    )
    assert str(app.launched_on) == "2020-01-05"


# Random YAML-ish text: whatever it is, a document or a ValidationError, never another exception.
_YAML_PIECES = st.sampled_from(
    ["[", "]", "{", "}", ":", ": ", ",", "- ", "\n", "\n  ", " ", "&a ", "*a", "&b ", "*b", "<<: ", "? ",
     "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ", "!!pairs ", "!!str ",
     "!!null ", "!!python/name:os.system ", "|\n  ", ">\n  ", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n",
     "0x1F", "0o17", "0b101", "1_000", "1:30", "-.inf", ".nan", "1e400", "9" * 80, "2020-13-45",
     "2020-02-30 25:00:00", "2001-12-14t21:59:43.10-05:00", "yes", "~", "name", "releaseDate",
     "publiccodeYmlVersion", "legal", "license", "x"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_YAML_PIECES, max_size=30).map("".join), st.booleans())
def test_any_text_is_a_document_or_a_validation_error(text, after_a_valid_document):
    if after_a_valid_document:
        text = document() + text
    try:
        doc = publiccode_parse(text)
    except ValidationError as exc:
        assert exc.message_dict and all(all(messages) for messages in exc.message_dict.values())
    else:
        assert isinstance(doc, dict)
