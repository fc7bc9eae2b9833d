import csv
import datetime
import io
from functools import partial

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from catalog.admin_import import AppImportForm, import_apps_view
from catalog.choices import AppCategory, SmartCityDimension
from catalog.importers import (
    ROW_KEY,
    ImportFileError,
    apps_import,
    apps_import_file,
    read_rows,
)
from catalog.models import App
from catalog.services import app_create
from tests import factories

pytestmark = pytest.mark.django_db

BATANG = "33.25"
INVENTORY_SIZE = 105
HEADERS = [
    "nama",
    "opd",
    "kategori",
    "dimensi",
    "jenis_spbe",
    "status",
    "deskripsi_singkat",
    "deskripsi",
    "fitur",
    "lisensi",
    "repositori",
    "situs",
    "diluncurkan",
    "platforms",
    "short_description_en",
]
PREFIXES = ["E-Lapor", "SIMPEG", "E-Santunan", "Sigap", "Si Desa", "E-Planning", "Lapor Bupati"]
LICENSES = ["MIT", "gpl-3.0-or-later", "LicenseRef-proprietary", "Apache-2.0"]


@pytest.fixture(autouse=True)
def english():
    # The messages are checked word for word; the Indonesian translations come later.
    with translation.override("en"):
        yield


def inventory(n: int = INVENTORY_SIZE) -> list[dict]:
    """Batang's inventory as a spreadsheet would hold it: labels and values mixed, two date formats."""
    categories = AppCategory.values
    dimensions = list(SmartCityDimension)
    rows = []
    for i in range(1, n + 1):
        dimension = dimensions[i % len(dimensions)]
        category = categories[i % len(categories)]
        rows.append(
            {
                "nama": f"{PREFIXES[i % len(PREFIXES)]} {i:03d}",
                "opd": ["Diskominfo", "dinas sosial", ""][i % 3],
                "kategori": category.upper() if i % 2 else category,
                "dimensi": str(dimension.label) if i % 2 else dimension.value,
                "jenis_spbe": "Aplikasi Khusus" if i % 4 == 0 else "umum",
                "status": ["stable", "Beta", ""][i % 3],
                "deskripsi_singkat": f"Layanan nomor {i} Pemkab Batang.",
                "deskripsi": f"Aplikasi nomor {i} yang dibangun Diskominfo Kabupaten Batang untuk warga.",
                "fitur": "Pengaduan daring; Pelacakan status ;Notifikasi" if i % 5 else "",
                "lisensi": LICENSES[i % len(LICENSES)],
                "repositori": f"https://git.batangkab.go.id/apps/{i}" if i % 2 else "",
                "situs": f"app{i}.batangkab.go.id" if i % 3 else "",
                "diluncurkan": ["2019-03-15", "15/03/2020", ""][i % 3],
                "platforms": "web; Android" if i % 6 == 0 else "",
                "short_description_en": f"Service number {i} of Batang." if i % 2 else "",
            }
        )
    return rows


def to_csv(rows: list[dict], *, delimiter: str = ",", bom: bool = False, headers=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers or list(rows[0]))
    for row in rows:
        writer.writerow(list(row.values()))
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def as_datetime(text: str) -> datetime.datetime:
    date_format = "%d/%m/%Y" if "/" in text else "%Y-%m-%d"
    return datetime.datetime.strptime(text, date_format)


def to_xlsx(rows: list[dict], *, headers=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or list(rows[0]))
    for row in rows:
        values = []
        for key, value in row.items():
            if key in ("diluncurkan", "launched_on") and value:
                value = as_datetime(value)  # a real date cell, as Excel stores it
            values.append(value if value != "" else None)
        sheet.append(values)
    workbook.create_sheet("Catatan").append(["Not read: only the first sheet is."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_bytes(region, data: bytes, filename: str = "batang.csv", **kwargs):
    return apps_import_file(region=region, file=io.BytesIO(data), filename=filename, **kwargs)


def assert_nothing_saved():
    assert App.objects.count() == 0


# Importing ------------------------------------------------------------------------------------


def test_csv_of_105_apps_creates_them_and_reimport_is_idempotent(batang):
    data = to_csv(inventory())
    report = import_bytes(batang, data)
    assert report.ok, report.text_lines()
    assert (report.created, report.updated, report.unchanged) == (105, 0, 0)
    assert App.objects.filter(owner_region=batang, owner_province="33").count() == 105

    app = App.objects.get(name="SIMPEG 001")
    assert app.slug == "simpeg-001"
    assert app.owner_agency.short_name == "Dinsos"  # "dinas sosial", matched by full name
    assert app.category == AppCategory.values[1]  # given upper-case
    assert app.dimension == list(SmartCityDimension)[1].value  # given as its label
    assert app.spbe_type == "umum"
    assert app.status == "beta"  # given as "Beta"
    assert app.features == ["Pengaduan daring", "Pelacakan status", "Notifikasi"]
    assert app.license == "GPL-3.0-or-later"
    assert app.repository_url == "https://git.batangkab.go.id/apps/1"
    assert app.website_url == "https://app1.batangkab.go.id"
    assert app.launched_on == datetime.date(2020, 3, 15)
    assert app.platforms == ["web"]
    assert "batang" in app.search_document
    app4 = App.objects.get(name="Si Desa 004")
    assert (app4.spbe_type, app4.owner_agency.short_name) == ("khusus", "Dinsos")
    assert App.objects.get(name="E-Planning 012").platforms == ["web", "android"]
    assert App.objects.get(name="E-Planning 005").status == "stable"  # empty cell: the default

    stamps = dict(App.objects.values_list("pk", "updated_at"))
    again = import_bytes(batang, data)
    assert again.ok, again.text_lines()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 105)
    assert App.objects.count() == 105
    assert dict(App.objects.values_list("pk", "updated_at")) == stamps
    assert "0 created, 0 updated, 105 unchanged" in again.text_lines()[-1]


def test_reimport_updates_changed_rows_only(batang):
    rows = inventory(30)
    import_bytes(batang, to_csv(rows))
    rows[9]["deskripsi_singkat"] = "Deskripsi baru."
    rows[22]["opd"] = "Diskominfo"
    report = import_bytes(batang, to_csv(rows))
    assert report.ok, report.text_lines()
    assert (report.created, report.updated, report.unchanged) == (0, 2, 28)
    assert App.objects.get(name=rows[9]["nama"]).short_description == "Deskripsi baru."
    assert App.objects.get(name=rows[22]["nama"]).owner_agency.short_name == "Diskominfo"


def test_semicolon_csv_with_bom_and_english_headers(batang):
    rows = [
        {
            "Name": "E-Santunan Kematian",
            "Owner Agency": "Dinsos",
            "CATEGORY": "Social assistance (bantuan sosial)",
            "Dimension": "society",
            "spbe-type": "Specific application (Aplikasi Khusus)",
            "Short_Description": "Santunan kematian Rp 1.000.000 bagi ahli waris; cair dalam sehari.",
            "Long_Description": "Pengajuan santunan kematian, diperiksa terhadap data Dinas Sosial.",
            "Features": "Pengajuan daring;Verifikasi NIK",
            "Features_EN": "Online application;NIK check",
            "License": "LicenseRef-proprietary",
            "Software_Type": "Web application",
            "Maintenance_Type": "contract",
            "Launched_On": "01/02/2021",
        }
    ]
    report = import_bytes(batang, to_csv(rows, delimiter=";", bom=True))
    assert report.ok, report.text_lines()
    app = App.objects.get()
    assert (app.category, app.spbe_type, app.software_type, app.maintenance_type) == (
        "bantuan-sosial",
        "khusus",
        "standalone/web",
        "contract",
    )
    assert app.short_description.startswith("Santunan kematian Rp 1.000.000")  # the commas stayed
    assert app.features_en == ["Online application", "NIK check"]
    assert app.launched_on == datetime.date(2021, 2, 1)


def test_xlsx_inventory(batang):
    data = to_xlsx(inventory())
    assert data.startswith(b"PK\x03\x04")
    report = import_bytes(batang, data, filename="inventaris.xlsx")
    assert report.ok, report.text_lines()
    assert report.created == 105
    assert App.objects.get(name="SIMPEG 001").launched_on == datetime.date(2020, 3, 15)
    assert App.objects.get(name="E-Santunan 002").launched_on is None
    again = import_bytes(batang, data, filename="inventaris.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 105)
    # The same inventory as CSV describes the same apps: nothing changes either.
    as_csv = import_bytes(batang, to_csv(inventory()))
    assert (as_csv.created, as_csv.updated, as_csv.unchanged) == (0, 0, 105)


def test_read_rows_numbers_rows_as_in_the_file_and_skips_blank_ones(batang):
    header = "Nama;Kategori;Dimensi;Jenis SPBE;Deskripsi Singkat;Deskripsi;Lisensi\r\n"
    data = (header + 'A;lainnya;living;umum;a;"Baris satu\r\nbaris dua";MIT\r\n;;;;;;\r\n\r\n').encode()
    data += b"B;lainnya;living;umum;b;c;MIT\r\n"
    rows = read_rows(io.BytesIO(data), filename="x.csv")
    assert [(row[ROW_KEY], row["name"]) for row in rows] == [(2, "A"), (5, "B")]
    assert rows[0]["long_description"] == "Baris satu\r\nbaris dua"
    assert set(rows[0]) == {ROW_KEY, "name", "category", "dimension", "spbe_type", "short_description",
                            "long_description", "license"}  # fmt: skip


def test_dry_run_saves_nothing(batang):
    report = import_bytes(batang, to_csv(inventory()), dry_run=True)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (105, 0, 0)
    assert "nothing saved" in report.summary()
    assert_nothing_saved()


# Invalid rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("kategori", "transportasi", "category"),
        ("deskripsi_singkat", "x" * 151, "short_description"),
        ("lisensi", "Bebas dipakai", "license"),
        ("diluncurkan", "31/02/2021", "launched_on"),
        ("diluncurkan", "Maret 2021", "launched_on"),
        ("dimensi", "smart tourism", "dimension"),
        ("opd", "Dinas Pariwisata", "owner_agency"),
        ("repositori", "git batang", "repository_url"),
        ("nama", "", "name"),
        ("deskripsi", "", "long_description"),
    ],
)
def test_one_invalid_row_among_105_saves_nothing(batang, column, value, field):
    rows = inventory()
    rows[56][column] = value  # the 57th app: row 58 of the file
    report = import_bytes(batang, to_csv(rows))
    assert not report.ok
    assert list(report.errors) == [58]
    assert field in report.errors[58], report.errors
    assert report.created == report.updated == 0
    assert any(line.startswith(f"Row 58, {field}") for line in report.text_lines()), report.text_lines()
    assert "1 of 105 rows has errors" in report.summary()
    assert_nothing_saved()


def test_several_bad_rows_are_all_reported(batang):
    rows = inventory()
    rows[0]["kategori"] = "tidak ada"
    rows[49]["deskripsi_singkat"] = "y" * 200
    rows[49]["lisensi"] = "GPL kustom"
    rows[104]["diluncurkan"] = "2021-13-01"
    rows[70]["nama"] = rows[10]["nama"]
    report = import_bytes(batang, to_csv(rows))
    assert set(report.errors) == {2, 51, 72, 106}
    assert set(report.errors[51]) == {"short_description", "license"}
    assert "category" in report.errors[2]
    assert "launched_on" in report.errors[106]
    assert report.errors[72]["name"] == ["Same name as row 12; each app can appear only once."]
    lines = report.text_lines()
    assert [line.split(",")[0] for line in lines[:-1]] == ["Row 2", "Row 51", "Row 51", "Row 72", "Row 106"]
    assert lines[-1] == "Nothing was saved: 4 of 105 rows have errors."
    assert_nothing_saved()


def test_invalid_row_does_not_touch_existing_apps(batang):
    rows = inventory(10)
    import_bytes(batang, to_csv(rows))
    rows[0]["deskripsi_singkat"] = "Diubah."
    rows[1]["lisensi"] = "nope"
    report = import_bytes(batang, to_csv(rows))
    assert list(report.errors) == [3]
    assert App.objects.get(name=rows[0]["nama"]).short_description != "Diubah."


def test_slugs_unique_within_the_file_and_against_other_regions(batang):
    semarang = factories.region("33.74")
    app_create(
        owner_region=semarang,
        name="Lapor Hendi",
        slug="lapor-hendi",
        category="pengaduan",
        dimension="governance",
        spbe_type="umum",
        short_description="Pengaduan warga Semarang.",
        long_description="Kanal pengaduan Kota Semarang.",
        license="MIT",
    )
    rows = [
        {"slug": "lapor-batang", "nama": "Lapor Batang"},
        {"slug": "lapor-batang", "nama": "Lapor Batang Dua"},
        {"slug": "lapor-hendi", "nama": "Lapor Hendi Batang"},
        {"slug": "Bukan Slug!", "nama": "Slug Salah"},
    ]
    for row in rows:
        row.update(kategori="pengaduan", dimensi="governance", jenis_spbe="umum", lisensi="MIT")
        row.update(deskripsi_singkat="Pengaduan.", deskripsi="Pengaduan warga Batang.")
    report = import_bytes(batang, to_csv(rows))
    assert set(report.errors) == {3, 4, 5}
    assert report.errors[3] == {"slug": ["Same slug as row 2."]}
    assert "already used by an app of Kota Semarang" in report.errors[4]["slug"][0]
    assert "slug" in report.errors[5]
    assert App.objects.count() == 1


def test_name_taken_in_another_region_gets_a_free_slug_and_stays_idempotent(batang):
    app_create(
        owner_region=factories.region("33.74"),
        name="SIMPEG 001",
        category="kepegawaian",
        dimension="governance",
        spbe_type="umum",
        short_description="Kepegawaian Semarang.",
        long_description="Sistem kepegawaian Kota Semarang.",
        license="MIT",
    )
    data = to_csv(inventory(3))
    assert import_bytes(batang, data).created == 3
    assert App.objects.get(owner_region=batang, name="SIMPEG 001").slug == "simpeg-001-2"
    again = import_bytes(batang, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_apps_import_takes_rows_directly(batang):
    rows = [
        {
            "name": "Sigap",
            "category": "pengaduan",
            "dimension": "governance",
            "spbe_type": "umum",
            "short_description": "Pengaduan cepat.",
            "long_description": "Pengaduan warga.",
            "license": "MIT",
        }
    ]
    staff = factories.StaffFactory()
    report = apps_import(region=batang, rows=rows, created_by=staff)
    assert report.ok and report.created == 1
    assert App.objects.get().created_by == staff
    assert apps_import(region=batang, rows=[]).file_errors


# Files that cannot be imported ----------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (png_bytes, "inventaris.csv", "is a PNG file, not a CSV or XLSX file"),
        (pdf_bytes, "inventaris.csv", "is a PDF file, not a CSV or XLSX file"),
        (zip_bytes, "inventaris.xlsx", "is not a readable XLSX workbook"),
        (lambda: b"", "inventaris.csv", "is empty"),
        (lambda: b" \r\n", "inventaris.csv", "is empty"),
        (lambda: "nama,kategori\nKécap,lainnya\n".encode("cp1252"), "x.csv", "is not UTF-8 text"),
        (lambda: b"\x00\x01\x02binary", "x.csv", "neither a CSV (UTF-8) nor an XLSX file"),
        (lambda: to_csv(inventory(1))[: to_csv(inventory(1)).index(b"\r\n") + 2], "x.csv", "no rows of apps"),
        (lambda: b"\r\n" + to_csv(inventory(2)), "x.csv", "first row must hold the column names"),
    ],
)
def test_unreadable_files_are_refused_whole(batang, data, filename, expected):
    report = import_bytes(batang, data(), filename)
    assert not report.ok
    assert not report.errors
    assert any(expected in message for message in report.file_errors), report.file_errors
    assert report.text_lines()[-1] == "Nothing was saved: the file cannot be imported."
    assert_nothing_saved()


def test_unknown_and_missing_columns_are_listed(batang):
    rows = [{**row, "No.": i, "Keterangan": ""} for i, row in enumerate(inventory(3))]
    for row in rows:
        del row["lisensi"]
        del row["dimensi"]
    report = import_bytes(batang, to_csv(rows))
    unknown, missing = report.file_errors
    assert unknown.startswith("Unknown columns: “No.”, “Keterangan”. Known columns: name (nama)")
    assert missing == "Missing required columns: dimension (dimensi), license (lisensi)."
    assert_nothing_saved()


def test_duplicated_column_and_values_under_a_nameless_column(batang):
    rows = inventory(2)
    data = to_csv(rows, headers=["name", *HEADERS[1:]])
    assert import_bytes(batang, data).ok
    App.objects.all().delete()
    duplicated = to_csv([{**row, "name": row["nama"]} for row in rows])
    assert "keep one of each: “nama” / “name”" in import_bytes(batang, duplicated).file_errors[0]
    nameless = to_csv([{**row, "": "x"} for row in rows])
    assert import_bytes(batang, nameless).file_errors == [
        "These rows have values in columns without a name: 2, 3."
    ]
    assert_nothing_saved()


def test_too_large_and_too_many_rows(batang, settings):
    settings.LUMBUNG_IMPORT_MAX_BYTES = 5 * 1024 * 1024
    settings.LUMBUNG_IMPORT_MAX_ROWS = 50
    big = SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1))
    report = apps_import_file(region=batang, file=big, filename="big.csv")
    assert report.file_errors == ["The file is 5.0 MB; at most 5 MB can be imported."]
    assert "at most 5 MB" in import_bytes(batang, b"x" * (5 * 1024 * 1024 + 1)).file_errors[0]
    short = to_csv(inventory(1)).split(b"\r\n")
    many = b"\r\n".join([short[0], *([short[1]] * 51)])
    assert import_bytes(batang, many).file_errors == [
        "The file has more than 50 rows; import at most 50 apps at a time."
    ]
    assert_nothing_saved()


def test_xlsx_that_unpacks_to_too_much_and_a_broken_csv(batang, settings):
    settings.LUMBUNG_IMPORT_MAX_UNPACKED_BYTES = 1000
    report = import_bytes(batang, to_xlsx(inventory(2)), "bom.xlsx")
    assert report.file_errors == ["“bom.xlsx” unpacks to too much data for an inventory."]
    settings.LUMBUNG_IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    rows = inventory(1)
    rows[0]["deskripsi"] = "x" * 200_000  # longer than the csv module accepts in one cell
    report = import_bytes(batang, to_csv(rows))
    assert report.file_errors[0].startswith("The CSV file cannot be read: field larger than field limit")
    assert_nothing_saved()


def test_read_rows_raises_import_file_error(batang):
    with pytest.raises(ImportFileError, match="is empty"):
        read_rows(io.BytesIO(b""), filename="kosong.csv")


# Command --------------------------------------------------------------------------------------


def test_command_imports_and_reports(batang, tmp_path, capsys):
    path = tmp_path / "batang.csv"
    path.write_bytes(to_csv(inventory(20)))
    call_command("import_apps", str(path), "--region", BATANG, "--dry-run")
    assert "20 to create" in capsys.readouterr().out
    assert_nothing_saved()
    call_command("import_apps", str(path), "--region", BATANG)
    assert "Kabupaten Batang: 20 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert App.objects.count() == 20
    call_command("import_apps", str(path), "--region", BATANG)
    assert "Kabupaten Batang: 0 created, 0 updated, 20 unchanged." in capsys.readouterr().out


def test_command_fails_row_by_row(batang, tmp_path):
    rows = inventory()
    rows[3]["kategori"] = "tidak ada"
    rows[7]["lisensi"] = "Bebas"
    path = tmp_path / "batang.xlsx"
    path.write_bytes(to_xlsx(rows))
    with pytest.raises(CommandError) as failure:
        call_command("import_apps", str(path), "--region", BATANG)
    lines = str(failure.value).splitlines()
    assert lines[0].startswith("Row 5, category (kategori): “tidak ada” is not a valid category.")
    assert lines[1].startswith("Row 9, license (lisensi): Bebas is not an SPDX licence expression")
    assert lines[-1] == "Nothing was saved: 2 of 105 rows have errors."
    assert_nothing_saved()


def test_command_exit_status_is_non_zero(batang, tmp_path):
    path = tmp_path / "rusak.csv"
    path.write_bytes(pdf_bytes())
    with pytest.raises(CommandError, match="is a PDF file") as failure:
        call_command("import_apps", str(path), "--region", BATANG)
    assert failure.value.returncode == 1
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("import_apps", str(path), "--region", "99.99")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_apps", str(tmp_path / "missing.csv"), "--region", BATANG)


# Admin view -----------------------------------------------------------------------------------


def admin_request(rf, user, data=None):
    url = "/admin/catalog/app/import/"
    request = rf.get(url) if data is None else rf.post(url, data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def upload(data: bytes, name: str = "batang.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_admin_view_shows_the_form(rf, batang, superuser, model_admin):
    response = import_apps_view(model_admin, admin_request(rf, superuser))
    response.render()
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "33.25 — Kabupaten Batang" in html
    assert "33 — Jawa Tengah" in html
    assert "deskripsi_singkat" in html


def test_admin_view_imports_and_redirects(rf, batang, superuser, model_admin):
    data = {"region": BATANG, "file": upload(to_xlsx(inventory(20)), "batang.xlsx")}
    request = admin_request(rf, superuser, data)
    response = import_apps_view(model_admin, request)
    assert response.status_code == 302
    assert response.url.startswith("/admin/")
    sent = [str(message) for message in get_messages(request)]
    assert sent == ["Kabupaten Batang: 20 created, 0 updated, 0 unchanged."]
    assert App.objects.filter(created_by=superuser).count() == 20


def test_admin_view_shows_row_errors_and_saves_nothing(rf, batang, superuser, model_admin):
    rows = inventory()
    rows[56]["kategori"] = "transportasi"
    rows[99]["diluncurkan"] = "kemarin"
    response = import_apps_view(
        model_admin, admin_request(rf, superuser, {"region": BATANG, "file": upload(to_csv(rows))})
    )
    response.render()
    assert response.status_code == 400  # a bad request, saved nothing
    html = response.content.decode()
    assert "Nothing was saved: 2 of 105 rows have errors." in html
    assert "<td>58</td>" in html and "<td>category (kategori)</td>" in html
    assert "<td>101</td>" in html and "<td>launched_on (diluncurkan)</td>" in html
    assert_nothing_saved()


def test_admin_view_file_errors_and_dry_run(rf, batang, superuser, model_admin):
    response = import_apps_view(
        model_admin, admin_request(rf, superuser, {"region": BATANG, "file": upload(png_bytes(), "a.csv")})
    )
    response.render()
    assert response.status_code == 400
    assert "is a PNG file, not a CSV or XLSX file" in response.content.decode()
    assert response.context_data["form"].errors["file"][0].endswith("is a PNG file, not a CSV or XLSX file.")
    data = {"region": BATANG, "file": upload(to_csv(inventory())), "dry_run": "on"}
    response = import_apps_view(model_admin, admin_request(rf, superuser, data))
    response.render()
    assert response.status_code == 200
    assert "105 to create" in response.content.decode()
    assert_nothing_saved()


def test_admin_view_needs_a_region_and_a_file(rf, batang, superuser, model_admin):
    response = import_apps_view(model_admin, admin_request(rf, superuser, {"region": "99.99"}))
    response.render()
    assert response.status_code == 400
    assert not response.context_data["form"].is_valid()
    assert set(response.context_data["form"].errors) == {"region", "file"}


def test_admin_view_refuses_staff_without_add_permission(rf, batang, model_admin):
    clerk = factories.StaffFactory(username="clerk")
    with pytest.raises(PermissionDenied):
        import_apps_view(model_admin, admin_request(rf, clerk))
    clerk.user_permissions.add(Permission.objects.get(codename="add_app"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a fresh permission cache
    assert import_apps_view(model_admin, admin_request(rf, clerk)).status_code == 200


def test_admin_view_sends_non_staff_to_login(rf, batang, model_admin):
    view = admin.site.admin_view(partial(import_apps_view, model_admin))
    response = view(admin_request(rf, factories.UserFactory(username="warga")))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert_nothing_saved()


def test_form_lists_regencies_cities_and_provinces_by_code(regions):
    choices = AppImportForm().fields["region"].queryset
    assert choices.count() == 552
    assert choices.first().code == "11"
