"""Nilai daerah untuk semua templat Django (nama daerah, warna, tahun anggaran, tahapan)."""

from config import region

from .services import round_label


def region_context(request):
    return {
        "region": {
            "project_name": region.PROJECT_NAME,
            "name": region.REGION_NAME,
            "code": region.REGION_CODE,
            "province": region.PROVINCE_NAME,
            "mentor": region.MENTOR_REGION_NAME,
            "primary_color": region.PRIMARY_COLOR,
            "accent_color": region.ACCENT_COLOR,
            "fiscal_year": region.FISCAL_YEAR,
            "rounds": [round_label(level) for level in region.ROUNDS],
            "allow_kelurahan": region.ALLOW_KELURAHAN,
        }
    }
