"""Nilai daerah untuk semua template: nama, warna (variabel CSS), SLA, dan pejabat eskalasi."""

from django.conf import settings

from .permissions import user_is_staff_member


def sla_days_label(hours):
    """``72`` → ``"3 hari"``, ``24`` → ``"1 hari"``, ``36`` → ``""`` (tidak bulat hari)."""
    return f"{hours // 24} hari" if hours >= 24 and hours % 24 == 0 else ""


def region(request):
    return {
        "region": {
            "project_name": settings.PROJECT_NAME,
            "name": settings.REGION_NAME,
            "code": settings.REGION_CODE,
            "province_name": settings.PROVINCE_NAME,
            "mentor_region_name": settings.MENTOR_REGION_NAME,
            "primary_color": settings.PRIMARY_COLOR,
            "accent_color": settings.ACCENT_COLOR,
            "sla_hours": settings.SLA_HOURS,
            "sla_days": sla_days_label(settings.SLA_HOURS),
            "escalation_officer": settings.ESCALATION_OFFICER,
            "allow_anonymous_reports": settings.ALLOW_ANONYMOUS_REPORTS,
            "photo_max_mb": settings.PHOTO_MAX_MB,
            "tz_label": settings.TIME_ZONE_LABEL,
        },
        "is_staff_member": user_is_staff_member(request.user) if hasattr(request, "user") else False,
    }
