"""Validators of catalog values checked by content: SPDX licences and screenshot images."""

import functools
import re

from boolean.boolean import ParseError
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from license_expression import ExpressionError, get_spdx_licensing

SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024
SCREENSHOT_MAX_PIXELS = 6000 * 6000
SCREENSHOT_FORMATS = {"PNG", "JPEG", "WEBP"}
_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")
# Far above any real expression (the model keeps 100 characters): bounds the parser's work.
LICENSE_MAX_LENGTH = 1000


@functools.cache
def _spdx():
    # Building the SPDX index takes ~30 ms: once per process.
    return get_spdx_licensing()


def normalize_license(value: str) -> str:
    """The normalized SPDX expression for `value`, or ValidationError.

    SPDX's own `LicenseRef-...` form is accepted for licences not on the list (e.g. closed software).
    """
    value = (value or "").strip()
    if len(value) > LICENSE_MAX_LENGTH:
        raise ValidationError(
            _("A licence expression has at most %(max)d characters."),
            code="invalid_license",
            params={"max": LICENSE_MAX_LENGTH},
        )
    if _LICENSE_REF.match(value):
        return value
    normalized = _spdx_normalized(value)
    if normalized is None:
        raise ValidationError(
            _("%(value)s is not an SPDX licence expression (e.g. MIT, GPL-3.0-or-later, LicenseRef-x)."),
            code="invalid_license",
            params={"value": value},
        )
    return normalized


def _spdx_normalized(value: str) -> str | None:
    """The normalized expression, or None for anything the SPDX list does not make a licence expression.

    Not `Licensing.validate()`: it fails itself (AttributeError) on the ExpressionErrors that carry no
    `token_string`, e.g. for "MIT AND", "=" or "MIT=". And not only the parser's own errors either: "()"
    raises IndexError in it. Whatever it raises, the text is not an expression we can store.
    """
    licensing = _spdx()
    try:
        parsed = licensing.parse(value, strict=True)
        if parsed is None or licensing.unknown_license_keys(parsed):
            return None
        return str(parsed)
    except (ExpressionError, ParseError):
        return None
    except Exception:  # a parser bug on odd input (see above) is still invalid input
        return None


def validate_spdx_license(value: str) -> None:
    normalize_license(value)


def validate_screenshot(file) -> None:
    """A PNG, JPEG or WebP image of at most 5 MB and 36 megapixels, checked by decoding it."""
    from PIL import Image, UnidentifiedImageError

    if file.size is not None and file.size > SCREENSHOT_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; at most %(limit)s is allowed."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(SCREENSHOT_MAX_BYTES)},
        )
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format not in SCREENSHOT_FORMATS:
                raise ValidationError(_("Screenshots must be PNG, JPEG or WebP images."), code="bad_format")
            width, height = image.size
            if width * height > SCREENSHOT_MAX_PIXELS:
                raise ValidationError(_("The image is too large in pixels."), code="too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The file is not a readable image."), code="not_image") from exc
    finally:
        file.seek(0)
