"""Controlled vocabularies of the registry, shared by models, filters, forms and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency")
    CITY = "city", _("City")


class AgencyKind(models.TextChoices):
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Board (badan)")
    SEKRETARIAT = "sekretariat", _("Secretariat")
    BAGIAN = "bagian", _("Division (bagian)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    KANTOR = "kantor", _("Office (kantor)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    RSUD = "rsud", _("Regional hospital (RSUD)")
    SATPOL_PP = "satpol_pp", _("Civil service police (Satpol PP)")
    OTHER = "other", _("Other")


class MemberRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    DEVELOPER = "developer", _("Developer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


class MoUStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class NoticeKind(models.TextChoices):
    EXPIRING = "expiring", _("Ending soon")
    EXPIRED = "expired", _("Expired")


class VisitKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("Study visit (studi banding)")
    CONSULTATION = "consultation", _("Consultation")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")
