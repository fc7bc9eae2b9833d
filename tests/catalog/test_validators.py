"""Licence expressions: whatever text is given, a normalized SPDX expression or a ValidationError."""

import io

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from catalog.importers import apps_import_file
from catalog.models import App
from catalog.services import app_import_publiccode
from catalog.validators import normalize_license
from tests import factories
from tests.catalog.test_api import app_payload

pytestmark = pytest.mark.django_db

# Each made the library's own validate() fail (an ExpressionError without `token_string`): a 500.
BAD_LICENSES = [
    "MIT AND",
    "=",
    "MIT=",
    "÷j=",
    '"',
    "MIT OR",
    "(MIT",
    "MIT)",
    "AND",
    "MIT WITH GPL-2.0",
    "()",
    "(())",
    "MIT AND ()",
    "x" * 5000,
]


@pytest.mark.parametrize("value", BAD_LICENSES)
def test_a_bad_expression_is_a_validation_error(value):
    with pytest.raises(ValidationError) as excinfo:
        normalize_license(value)
    assert excinfo.value.code == "invalid_license"


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("mit", "MIT"),
        ("gpl-2.0+", "GPL-2.0-or-later"),
        ("mit or apache-2.0", "MIT OR Apache-2.0"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("MIT AND (Apache-2.0 OR GPL-3.0-or-later)", "MIT AND (Apache-2.0 OR GPL-3.0-or-later)"),
        (" LicenseRef-proprietary ", "LicenseRef-proprietary"),
    ],
)
def test_good_expressions_are_normalized(value, normalized):
    assert normalize_license(value) == normalized


# Text with the expression grammar's own words and signs, so that most draws reach the parser's corners.
_LICENSE_WORDS = st.sampled_from(
    ["MIT", "Apache-2.0", "GPL-2.0", "gpl-3.0+", "Classpath-exception-2.0", "LicenseRef-x", "AND", "OR",
     "WITH", "and", "with", "(", ")", "=", "+", ",", '"', "÷", "\x00", " ", "\t", "\n"]
)  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("()")  # found by this test: an IndexError inside the parser
@example("MIT AND")
@given(st.one_of(st.text(max_size=60), st.lists(_LICENSE_WORDS, max_size=12).map(" ".join)))
def test_any_text_gives_an_expression_or_a_validation_error(value):
    try:
        normalized = normalize_license(value)
    except ValidationError as exc:
        assert exc.code == "invalid_license"
        assert exc.messages and all(exc.messages)
    else:
        assert normalized and normalize_license(normalized) == normalized


# Every way in: the API, publiccode.yml and the CSV import -----------------------------------------


@pytest.mark.parametrize("value", ["MIT AND", "=", "MIT=", "÷j="])
def test_api_answers_400_naming_license(api, batang_editor, value):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/", app_payload(license=value), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["license"]
    assert App.objects.count() == 0


def test_api_licence_error_is_in_the_language_of_the_request(api, batang_editor):
    api.force_authenticate(batang_editor)
    answers = {}
    for language in ("id", "en"):
        response = api.post(
            "/api/v1/apps/", app_payload(license="MIT AND"), format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        answers[language] = response.json()["license"][0]
    assert (
        answers["en"]
        == "MIT AND is not an SPDX licence expression (e.g. MIT, GPL-3.0-or-later, LicenseRef-x)."
    )
    assert answers["id"].startswith("MIT AND bukan ekspresi lisensi SPDX")


FOREIGN = {
    "publiccodeYmlVersion": "0.4",
    "name": "Laporan Warga",
    "url": "https://example.org/laporan-warga.git",
    "platforms": ["web"],
    "categories": ["feedback-and-reviews-management"],
    "developmentStatus": "stable",
    "softwareType": "standalone/web",
    "description": {
        "id": {
            "shortDescription": "Kanal laporan warga.",
            "longDescription": "L" * 200,
            "features": ["Lapor"],
        }
    },
    "legal": {"license": "MIT"},
    "maintenance": {"type": "community", "contacts": [{"name": "Tim"}]},
    "localisation": {"localisationReady": False, "availableLanguages": ["id"]},
    "x-lumbung": {"dimension": "governance", "spbeType": "umum"},
}


@pytest.mark.parametrize("value", ["MIT AND", "=", "MIT=", "÷j="])
def test_publiccode_import_names_legal_license(regions, value):
    text = yaml.safe_dump({**FOREIGN, "legal": {"license": value}}, allow_unicode=True)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        app_import_publiccode(text=text, region=factories.region("33.25"))
    assert set(excinfo.value.message_dict) == {"legal.license"}
    assert App.objects.count() == 0


def test_publiccode_document_with_a_good_licence_still_imports(regions):
    app, created = app_import_publiccode(text=yaml.safe_dump(FOREIGN), region=factories.region("33.25"))
    assert created and app.license == "MIT"


IMPORT_HEADERS = ["nama", "kategori", "dimensi", "jenis_spbe", "deskripsi_singkat", "deskripsi", "lisensi"]
IMPORT_ROW = ["Lapor", "pengaduan", "governance", "umum", "Kanal lapor.", "Aplikasi lapor warga."]


def spreadsheet(kind: str, license_: str) -> bytes:
    if kind == "csv":
        return (",".join(IMPORT_HEADERS) + "\n" + ",".join([*IMPORT_ROW, license_]) + "\n").encode()
    workbook = Workbook()
    workbook.active.append(IMPORT_HEADERS)
    workbook.active.append([*IMPORT_ROW, license_])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("value", ["MIT AND", "=", "MIT=", "÷j="])
def test_csv_and_xlsx_import_report_the_row_and_license(regions, kind, value):
    data = spreadsheet(kind, value)
    with translation.override("en"):
        report = apps_import_file(
            region=factories.region("33.25"), file=io.BytesIO(data), filename=f"a.{kind}"
        )
    assert not report.ok
    assert list(report.errors) == [2]
    assert "license" in report.errors[2], report.errors
    assert App.objects.count() == 0
