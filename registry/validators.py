"""Validators for uploaded files: checked by content, never by name or declared type."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError


def validate_pdf_document(file) -> None:
    """Accept only a readable PDF of at most LUMBUNG_MOU_DOCUMENT_MAX_BYTES."""
    limit = settings.LUMBUNG_MOU_DOCUMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The document is %(size)s; at most %(limit)s is allowed."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    file.seek(0)
    if file.read(5) != b"%PDF-":
        file.seek(0)
        raise ValidationError(_("The document must be a PDF file."), code="not_pdf")
    file.seek(0)
    try:
        pages = len(PdfReader(file, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError(_("The PDF file cannot be read."), code="broken_pdf") from exc
    finally:
        file.seek(0)
    if pages < 1:
        raise ValidationError(_("The PDF file has no pages."), code="empty_pdf")
