"""Validasi foto lampiran dan nomor telepon."""

from django.conf import settings
from django.core.exceptions import ValidationError
from lokal import parse_phone
from PIL import Image, UnidentifiedImageError

#: Format gambar yang diterima (nama format Pillow).
ALLOWED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")


def validate_photo(file):
    """Foto harus berupa gambar JPEG/PNG/WEBP yang benar-benar terbaca dan tidak melebihi ``PHOTO_MAX_MB``."""
    if getattr(file, "_committed", False):
        return  # berkas yang sudah tersimpan telah divalidasi saat diunggah
    max_mb = settings.PHOTO_MAX_MB
    if file.size > max_mb * 1024 * 1024:
        raise ValidationError(f"Ukuran foto maksimal {max_mb} MB.", code="photo_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError("Berkas bukan gambar yang sah.", code="photo_invalid") from None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError("Foto harus berformat JPEG, PNG, atau WEBP.", code="photo_format")


def normalize_phone_number(value):
    """Kembalikan nomor dalam format +62…, atau ValidationError bila bukan nomor Indonesia yang sah."""
    info = parse_phone(value)
    if not info.valid:
        message = info.errors[0].message if info.errors else "Nomor telepon tidak valid."
        raise ValidationError(message, code="phone_invalid")
    return info.e164
