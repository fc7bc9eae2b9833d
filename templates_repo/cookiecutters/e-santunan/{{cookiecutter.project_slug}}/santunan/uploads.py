"""Pemeriksaan berkas akta kematian: jenis dari isi berkas (magic bytes), bukan dari nama, dan ukuran."""
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

#: Jenis berkas yang diterima dan tanda tangan (byte awal) isinya.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def sniff_kind(head):
    """'pdf', 'jpeg', 'png' dari byte awal berkas, atau None."""
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return kind
    return None


def _read_head(value, size=16):
    value.seek(0)
    head = value.read(size)
    value.seek(0)
    return head


def validate_death_certificate(value):
    """Validator field: PDF/JPG/PNG sungguhan, tidak kosong, tidak lebih dari SANTUNAN_MAX_UPLOAD_MB."""
    if not value:
        return
    if getattr(value, "_committed", False):
        # Berkas yang sudah tersimpan sudah diperiksa saat diunggah.
        return
    max_mb = settings.SANTUNAN_MAX_UPLOAD_MB
    if value.size > max_mb * 1024 * 1024:
        raise ValidationError(f"Ukuran berkas maksimal {max_mb} MB.", code="file_too_large")
    if value.size == 0:
        raise ValidationError("Berkas kosong.", code="file_empty")
    ext = PurePosixPath(value.name or "").suffix.lower()
    if ext not in EXTENSIONS:
        raise ValidationError("Akta kematian harus berupa berkas PDF, JPG, atau PNG.", code="file_type")
    kind = sniff_kind(_read_head(value))
    if kind is None:
        raise ValidationError("Isi berkas bukan PDF, JPG, atau PNG yang sah.", code="file_content")
    if kind != EXTENSIONS[ext]:
        raise ValidationError("Isi berkas tidak sesuai dengan ekstensi namanya.", code="file_mismatch")


def death_certificate_path(instance, filename):
    """Nama acak di bawah media/akta_kematian/TAHUN/BULAN/, ekstensi dari nama yang sudah diperiksa."""
    ext = PurePosixPath(filename).suffix.lower()
    if ext not in EXTENSIONS:
        ext = ".bin"
    return "akta_kematian/" + timezone.localdate().strftime("%Y/%m") + "/" + uuid.uuid4().hex + ext
