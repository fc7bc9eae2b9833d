"""Hostile XLSX files, built here with zipfile: each is refused whole, quickly, with a clear message.

Where the refusal must come before parsing, openpyxl's load_workbook is replaced by one that fails the
test if it is called.
"""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from catalog.admin_import import import_apps_view
from catalog.importers import ImportFileError, apps_import_file, archive, read_rows
from catalog.models import App
from tests.catalog.test_import import (
    BATANG,
    admin_request,
    inventory,
    to_xlsx,
)

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["nama", "kategori", "dimensi", "jenis_spbe", "deskripsi_singkat", "deskripsi", "lisensi"]
ROW = ["E-Lapor", "lainnya", "governance", "umum", "Pengaduan.", "Pengaduan warga Batang.", "MIT"]
NOT_READABLE = "“hostile.xlsx” is not a readable XLSX workbook."
DTD_REFUSED = (
    "“hostile.xlsx” contains a DTD or entity declarations, which a spreadsheet never has; it was not read."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if the file reaches openpyxl."""

    def load_workbook(*args, **kwargs):
        raise AssertionError("the file was handed to openpyxl")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)


def inline_row(number: int, values) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def sheet_xml(rows, *, prolog: bytes = b"") -> bytes:
    body = b"".join(inline_row(number, values) for number, values in enumerate(rows, 1))
    return prolog + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + body + b"</sheetData></worksheet>"


def xlsx(sheet: bytes | None = None, *, shared=None, extra: dict | None = None) -> bytes:
    """A minimal workbook by hand: one sheet, optional shared strings (bytes or an iterable of chunks)."""
    sheet = sheet if sheet is not None else sheet_xml([HEADER, ROW])
    overrides = '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'  # noqa: E501
    relations = f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        overrides += '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'  # noqa: E501
        relations += f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        )
        package.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        package.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Inventaris" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">{relations}</Relationships>',
        )
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            with package.open("xl/sharedStrings.xml", "w") as stream:
                for chunk in [shared] if isinstance(shared, bytes) else shared:
                    stream.write(chunk)
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


def refused(data: bytes) -> list[str]:
    with pytest.raises(ImportFileError) as failure:
        read_rows(io.BytesIO(data), filename="hostile.xlsx")
    assert App.objects.count() == 0
    return failure.value.messages


def test_the_hand_made_workbook_is_read(batang):
    rows = read_rows(io.BytesIO(xlsx()), filename="ok.xlsx")
    assert rows == [{"_row": 2, **dict(zip(["name", "category", "dimension", "spbe_type",
                    "short_description", "long_description", "license"], ROW, strict=True))}]  # fmt: skip
    report = apps_import_file(region=batang, file=io.BytesIO(xlsx()), filename="ok.xlsx")
    assert report.ok, report.text_lines()
    assert App.objects.get().name == "E-Lapor"


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


# DTDs and entities --------------------------------------------------------------------------------

DTD = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>'
ENTITY = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY opd "Diskominfo">]>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10))
    + b"]>"
)


@pytest.mark.parametrize(
    ("prolog", "first_cell"),
    [(DTD, "E-Lapor"), (ENTITY, "&opd;"), (LAUGHS, "&lol9;")],
    ids=["dtd", "entity", "billion-laughs"],
)
def test_a_dtd_or_entities_are_refused_before_parsing(batang, no_parsing, prolog, first_cell):
    sheet = sheet_xml([HEADER, [first_cell, *ROW[1:]]], prolog=prolog)
    started = time.monotonic()
    assert refused(xlsx(sheet)) == [DTD_REFUSED]
    assert time.monotonic() - started < 1


def test_a_dtd_in_shared_strings_or_any_other_member_is_refused(batang, no_parsing):
    shared = (
        ENTITY.replace(b"worksheet", b"sst") + f'<sst xmlns="{MAIN}"><si><t>&opd;</t></si></sst>'.encode()
    )
    assert refused(xlsx(shared=shared)) == [DTD_REFUSED]
    assert refused(xlsx(extra={"docProps/core.xml": LAUGHS + b"<x/>"})) == [DTD_REFUSED]


def test_defusedxml_refuses_entities_that_get_past_the_scan(batang, monkeypatch):
    # The byte scan is the first line; were it to miss a declaration, defusedxml still refuses it.
    monkeypatch.setattr(archive, "_DECLARATIONS", ())
    for prolog, cell in ((ENTITY, "&opd;"), (LAUGHS, "&lol9;")):
        started = time.monotonic()
        assert refused(xlsx(sheet_xml([HEADER, [cell, *ROW[1:]]], prolog=prolog))) == [DTD_REFUSED]
        assert time.monotonic() - started < 1


def test_utf16_xml_is_refused(batang, no_parsing):
    # Excel writes UTF-8; in UTF-16 a declaration would not be seen by the byte scan.
    sheet = (
        sheet_xml([HEADER, ROW], prolog=b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16")
    )
    assert refused(xlsx(sheet)) == [NOT_READABLE]


# Truncated and damaged files ---------------------------------------------------------------------


def test_a_truncated_file_is_refused(batang, no_parsing):
    data = to_xlsx(inventory(300))
    for cut in (len(data) // 3, len(data) - 30, 100):
        assert refused(data[:cut]) == [NOT_READABLE]


def test_a_sheet_cut_short_is_refused_not_a_server_error(batang):
    # A well-formed archive whose sheet stops mid-row, far after the header: found while reading rows.
    rows = [HEADER] + [[f"App {n}", *ROW[1:]] for n in range(3000)]
    sheet = sheet_xml(rows)
    assert refused(xlsx(sheet[: len(sheet) * 2 // 3])) == [NOT_READABLE]


def test_damaged_compressed_data_is_refused(batang):
    rows = [HEADER] + [[f"App {n}", *ROW[1:]] for n in range(3000)]
    data = bytearray(xlsx(sheet_xml(rows)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        member = package.getinfo("xl/worksheets/sheet1.xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    middle = start + member.compress_size // 2
    data[middle : middle + 16] = bytes(16)
    assert refused(bytes(data)) == [NOT_READABLE]


# Bombs and sizes ----------------------------------------------------------------------------------


def shared_strings_bomb(megabytes: int):
    """Shared strings that unpack to `megabytes` MB of one repeated text: a few hundred KB packed."""
    yield f'<sst xmlns="{MAIN}">'.encode()
    text = b"<si><t>" + b"Pengaduan warga " * 60 + b"</t></si>"
    block = text * (1024 * 1024 // len(text))
    for _ in range(megabytes):
        yield block
    yield b"</sst>"


def test_a_shared_strings_bomb_is_refused_before_parsing_quickly_and_in_little_memory(batang, no_parsing):
    # As in the issue: a small file whose shared strings unpack to 180 MB (84 s and 1.6 GB before).
    data = xlsx(shared=shared_strings_bomb(180))
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        messages = refused(data)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert messages == ["“hostile.xlsx” unpacks to too much data for an inventory."]
    assert elapsed < 0.5
    assert peak < 5 * 1024 * 1024


def test_a_member_compressed_like_a_bomb_is_refused_even_under_the_size_cap(batang, no_parsing):
    data = xlsx(shared=shared_strings_bomb(20))
    assert refused(data) == [
        "“hostile.xlsx” is compressed far more than a spreadsheet can be (a “zip bomb”); it was not read."
    ]


def test_too_many_shared_strings_or_cells_are_refused_before_parsing(batang, no_parsing, settings):
    settings.LUMBUNG_IMPORT_MAX_ROWS = 10  # at most 11 rows of 21 columns: 231 texts or cells
    too_many = "“hostile.xlsx” has more cells than an inventory of at most 10 apps can hold."
    shared = f'<sst xmlns="{MAIN}">'.encode() + b"".join(b"<si><t>%d</t></si>" % n for n in range(232))
    assert refused(xlsx(shared=shared + b"</sst>")) == [too_many]
    wide = [HEADER, [*ROW, *(["x"] * 230)]]
    settings.LUMBUNG_IMPORT_MAX_ROWS = 1  # 5 physical rows of 21 columns: 105 cells
    assert refused(xlsx(sheet_xml(wide))) == [
        "“hostile.xlsx” has more cells than an inventory of at most 1 apps can hold."
    ]


def test_too_many_rows_are_refused_before_parsing(batang, no_parsing, settings):
    settings.LUMBUNG_IMPORT_MAX_ROWS = 20  # and at most 100 rows counting blank ones
    blank_rows = b"".join(b'<row r="%d"/>' % n for n in range(2, 102))
    sheet = sheet_xml([HEADER]).replace(b"</sheetData>", blank_rows + b"</sheetData>")
    assert refused(xlsx(sheet)) == ["The file has more than 20 rows; import at most 20 apps at a time."]
    prefixed = sheet.replace(b"<row ", b"<x:row ").replace(b"<worksheet ", b'<x:worksheet xmlns:x="y" ')
    assert refused(xlsx(prefixed)) == ["The file has more than 20 rows; import at most 20 apps at a time."]


def test_too_many_rows_of_apps_are_refused(batang, settings):
    settings.LUMBUNG_IMPORT_MAX_ROWS = 20
    assert refused(xlsx(sheet_xml([HEADER] + [[f"App {n}", *ROW[1:]] for n in range(21)]))) == [
        "The file has more than 20 rows; import at most 20 apps at a time."
    ]
    assert len(read_rows(io.BytesIO(to_xlsx(inventory(20))), filename="ok.xlsx")) == 20


def test_too_many_members_are_refused(batang, no_parsing):
    data = xlsx(extra={f"xl/media/image{n}.png": b"" for n in range(100)})
    assert refused(data) == [
        "“hostile.xlsx” holds 105 files; a workbook holds far fewer, so it was not read."
    ]


# The admin and the command ------------------------------------------------------------------------


def test_admin_answers_a_hostile_workbook_with_400_and_a_field_error(rf, batang, superuser, model_admin):
    data = xlsx(sheet_xml([HEADER, ["&lol9;", *ROW[1:]]], prolog=LAUGHS))
    upload = SimpleUploadedFile("hostile.xlsx", data, content_type="application/octet-stream")
    response = import_apps_view(model_admin, admin_request(rf, superuser, {"region": BATANG, "file": upload}))
    response.render()
    assert response.status_code == 400
    assert response.context_data["form"].errors["file"] == [DTD_REFUSED]
    assert "Nothing was saved: the file cannot be imported." in response.content.decode()
    assert App.objects.count() == 0


def test_admin_answers_a_truncated_workbook_with_400_in_indonesian(rf, batang, superuser, model_admin):
    data = to_xlsx(inventory(30))
    upload = SimpleUploadedFile("rusak.xlsx", data[: len(data) // 2])
    with translation.override("id"):
        response = import_apps_view(
            model_admin, admin_request(rf, superuser, {"region": BATANG, "file": upload})
        )
        response.render()
    assert response.status_code == 400
    assert response.context_data["form"].errors["file"] == [
        "“rusak.xlsx” bukan buku kerja XLSX yang dapat dibaca."
    ]


def test_command_refuses_a_bomb(batang, tmp_path):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(xlsx(shared=shared_strings_bomb(60)))
    with pytest.raises(CommandError, match="unpacks to too much data"):
        call_command("import_apps", str(path), "--region", BATANG)


def test_the_refusals_are_in_indonesian_by_default(batang, no_parsing):
    with translation.override("id"):
        assert refused(xlsx(sheet_xml([HEADER, ROW], prolog=DTD))) == [
            "“hostile.xlsx” berisi DTD atau deklarasi entitas, yang tidak pernah ada dalam lembar kerja; "
            "berkas tidak dibaca."
        ]
        assert refused(xlsx(shared=shared_strings_bomb(20)))[0].endswith(
            "(sebuah “bom zip”); berkas tidak dibaca."
        )
