"""Checks of an XLSX archive before any XML in it is parsed: zip bombs, DTDs and entities, sizes.

An XLSX workbook is a ZIP archive of XML files. Parsing is what costs memory and time (a 465 KB file
whose shared strings unpack to 180 MB once took 84 s and 1.6 GB), so everything here works on the
archive's directory and on a byte scan of the members, capped by the limits, and refuses early:

* more members than a workbook has, more unpacked bytes in all than the limit (the sizes the archive
  declares are a safe bound: zipfile never unpacks more than that), or a member compressed far more
  than any spreadsheet is;
* a DTD or an entity declaration (no spreadsheet has one; defusedxml, which openpyxl uses when it is
  installed, is the second line and refuses entities while parsing), and XML in UTF-16, which a byte
  scan for them would not see (Excel writes UTF-8);
* more rows, cells or shared strings than an inventory within the row limit can hold.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .limits import Limits
from .report import ImportFileError

# The compression ratio is only checked on members at least this large: small ones compress anyhow.
RATIO_FLOOR_BYTES = 1024 * 1024
# Excel's own widest row (column XFD); a longer row is not a spreadsheet's.
MAX_CELLS_PER_ROW = 16384
CHUNK_BYTES = 1024 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
# Rows, cells and shared strings, with or without a namespace prefix ("<x:row ...>").
_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")


@dataclass
class XlsxFacts:
    rows: int  # <row> elements in all the sheets, the header and blank rows included


def not_readable(filename: str) -> ImportFileError:
    return ImportFileError([_("“%(name)s” is not a readable XLSX workbook.") % {"name": filename}])


def dtd_refused(filename: str) -> ImportFileError:
    return ImportFileError(
        [
            _(
                "“%(name)s” contains a DTD or entity declarations, which a spreadsheet never has; "
                "it was not read."
            )
            % {"name": filename}
        ]
    )


def too_many_rows(limits: Limits) -> ImportFileError:
    return ImportFileError(
        [
            _("The file has more than %(limit)d rows; import at most %(limit)d apps at a time.")
            % {"limit": limits.max_rows}
        ]
    )


def inspect_xlsx(data: bytes, filename: str, limits: Limits) -> XlsxFacts:
    """Refuse an archive that is not safe to hand to openpyxl (ImportFileError); count its rows."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members, filename, limits)
            scan = _Scan(filename, limits)
            for member in members:
                if not member.is_dir():
                    scan.member(archive, member)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        # A truncated or damaged archive, a bad CRC, an encrypted or unknown compression method.
        raise not_readable(filename) from exc
    return XlsxFacts(rows=scan.rows)


def _check_directory(members: list[zipfile.ZipInfo], filename: str, limits: Limits) -> None:
    if len(members) > limits.max_zip_members:
        raise ImportFileError(
            [
                _("“%(name)s” holds %(count)d files; a workbook holds far fewer, so it was not read.")
                % {"name": filename, "count": len(members)}
            ]
        )
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
        raise ImportFileError(
            [_("“%(name)s” unpacks to too much data for an inventory.") % {"name": filename}]
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            raise ImportFileError(
                [
                    _(
                        "“%(name)s” is compressed far more than a spreadsheet can be (a “zip bomb”); "
                        "it was not read."
                    )
                    % {"name": filename}
                ]
            )


class _Scan:
    """One pass over every member's bytes, a chunk at a time; counts carry over between members."""

    def __init__(self, filename: str, limits: Limits):
        self.filename = filename
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.cells_in_row = 0
        self.shared_strings = 0

    def member(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        with archive.open(member) as stream:
            first = stream.read(CHUNK_BYTES)
            if _utf16(first):
                raise not_readable(self.filename)
            xml = first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            pending, chunk = b"", first
            while chunk:
                if xml:
                    # Scan up to the last "<" and keep the rest: no tag is cut in two between chunks.
                    buffer = pending + chunk
                    cut = buffer.rfind(b"<")
                    cut = len(buffer) if cut <= 0 else cut
                    self._text(buffer[:cut])
                    pending = buffer[cut:]
                chunk = stream.read(CHUNK_BYTES)  # a bad CRC raises here, at the member's end
            if pending:
                self._text(pending)

    def _text(self, text: bytes) -> None:
        if any(declaration in text for declaration in _DECLARATIONS):
            raise dtd_refused(self.filename)
        limits = self.limits
        for tag in _TAGS.findall(text):
            if tag == b"c":
                self.cells_in_row += 1
                self.cells += 1
                if self.cells_in_row > MAX_CELLS_PER_ROW or self.cells > limits.max_cells:
                    raise self._too_many_cells()
            elif tag == b"row":
                self.rows += 1
                self.cells_in_row = 0
                if self.rows > limits.max_physical_rows:
                    raise too_many_rows(limits)
            else:
                self.shared_strings += 1
                if self.shared_strings > limits.max_shared_strings:
                    raise self._too_many_cells()

    def _too_many_cells(self) -> ImportFileError:
        return ImportFileError(
            [
                _("“%(name)s” has more cells than an inventory of at most %(limit)d apps can hold.")
                % {"name": self.filename, "limit": self.limits.max_rows}
            ]
        )


def _utf16(start: bytes) -> bool:
    head = start[:4]
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head[:2] and b"<" in head[:2])
