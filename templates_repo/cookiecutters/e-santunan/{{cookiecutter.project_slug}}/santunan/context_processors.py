"""Nilai daerah untuk semua template, sebagai variabel "region" (mis. region.region_name)."""
from django.conf import settings

from .formatting import rupiah


def region(request):
    return {
        "region": {
            "project_name": settings.PROJECT_NAME,
            "region_name": settings.REGION_NAME,
            "region_code": settings.REGION_CODE,
            "province_name": settings.PROVINCE_NAME,
            "mentor_region_name": settings.MENTOR_REGION_NAME,
            "primary_color": settings.PRIMARY_COLOR,
            "accent_color": settings.ACCENT_COLOR,
            "paying_agency": settings.SANTUNAN_PAYING_AGENCY,
            "benefit_amount": settings.SANTUNAN_BENEFIT_AMOUNT,
            "benefit_amount_display": rupiah(settings.SANTUNAN_BENEFIT_AMOUNT),
            "require_death_certificate": settings.SANTUNAN_REQUIRE_DEATH_CERTIFICATE,
            "max_upload_mb": settings.SANTUNAN_MAX_UPLOAD_MB,
        }
    }
