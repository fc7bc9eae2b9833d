"""Checks of what members upload and type: session materials by content (never by name or declared
type), Indonesian phone numbers."""

import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from config.uploads import GeneratedName
from registry.validators import validate_pdf_document

# Slides: the Office Open XML and OpenDocument presentation formats, both zip containers.
PPTX = ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODP = ("odp", "application/vnd.oasis.opendocument.presentation")
PDF = ("pdf", "application/pdf")
MAX_ZIP_MEMBERS = 5000


def material_type(file) -> tuple[str, str]:
    """(extension, content type) of a session material found by reading it; ValidationError if it is
    neither a PDF nor a slide deck."""
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head == b"%PDF-":
        return PDF
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if len(names) > MAX_ZIP_MEMBERS:
                raise ValidationError(_("The file holds too many parts."), code="bad_material")
            if "mimetype" in names and archive.read("mimetype")[:100].strip() == ODP[1].encode():
                return ODP
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return PPTX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        pass
    finally:
        file.seek(0)
    raise ValidationError(_("A material must be a PDF or a slide deck (PPTX or ODP)."), code="bad_material")


def validate_material(file) -> None:
    limit = settings.LUMBUNG_MATERIAL_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is allowed."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    if material_type(file) == PDF:
        validate_pdf_document(file)


@deconstructible
class MaterialName:
    """`upload_to` giving `<folder><uuid>.<pdf|pptx|odp>`, the extension of the type found by reading."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return GeneratedName(self.folder, material_type(instance.file)[0])(instance, filename)

    def __eq__(self, other) -> bool:
        return isinstance(other, MaterialName) and self.folder == other.folder


PHONE = re.compile(r"^(?:\+?62|0)8\d{7,12}$")


def normalize_phone(value: str) -> str:
    """An Indonesian mobile number as 62…, the form wa.me links take; ValidationError if it is none."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if not digits:
        return ""
    if not PHONE.match(digits):
        raise ValidationError(_("Write an Indonesian mobile number, e.g. 0812 3456 7890."), code="bad_phone")
    digits = digits.lstrip("+")
    return "62" + digits[1:] if digits.startswith("0") else digits
