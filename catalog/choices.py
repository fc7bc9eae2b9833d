"""Controlled vocabularies of the catalog."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppCategory(models.TextChoices):
    COMPLAINTS = "pengaduan", _("Complaints (pengaduan)")
    SOCIAL_ASSISTANCE = "bantuan-sosial", _("Social assistance (bantuan sosial)")
    PLANNING = "perencanaan", _("Planning (e-planning)")
    BUDGETING = "penganggaran", _("Budgeting (e-budgeting)")
    PROCUREMENT = "pengadaan", _("Procurement and delivery (e-procurement, e-delivery)")
    PUBLIC_INFORMATION = "informasi-publik", _("Public information (PPID)")
    COMMAND_CENTER = "command-center", _("Command center")
    VILLAGE_SERVICES = "layanan-desa", _("Village services (layanan desa)")
    HEALTH = "kesehatan", _("Health (kesehatan)")
    EDUCATION = "pendidikan", _("Education (pendidikan)")
    TOURISM = "pariwisata", _("Tourism (pariwisata)")
    ROADS = "infrastruktur-jalan", _("Infrastructure and roads")
    CIVIL_SERVICE = "kepegawaian", _("Civil service (kepegawaian)")
    LICENSING = "perizinan", _("Licensing (perizinan)")
    OTHER = "lainnya", _("Other")


class SmartCityDimension(models.TextChoices):
    GOVERNANCE = "governance", _("Smart governance")
    BRANDING = "branding", _("Smart branding")
    ECONOMY = "economy", _("Smart economy")
    LIVING = "living", _("Smart living")
    SOCIETY = "society", _("Smart society")
    ENVIRONMENT = "environment", _("Smart environment")


class SpbeType(models.TextChoices):
    COMMON = "umum", _("Common application (Aplikasi Umum)")
    SPECIFIC = "khusus", _("Specific application (Aplikasi Khusus)")


class DevelopmentStatus(models.TextChoices):
    """The publiccode.yml developmentStatus values."""

    CONCEPT = "concept", _("Concept")
    DEVELOPMENT = "development", _("In development")
    BETA = "beta", _("Beta")
    STABLE = "stable", _("Stable")
    OBSOLETE = "obsolete", _("Obsolete")


class SoftwareType(models.TextChoices):
    """The publiccode.yml softwareType values."""

    WEB = "standalone/web", _("Web application")
    MOBILE = "standalone/mobile", _("Mobile app")
    DESKTOP = "standalone/desktop", _("Desktop application")
    BACKEND = "standalone/backend", _("Backend service")
    IOT = "standalone/iot", _("IoT")
    OTHER = "standalone/other", _("Other standalone software")
    ADDON = "addon", _("Add-on")
    LIBRARY = "library", _("Library")
    CONFIGURATION = "configurationFiles", _("Configuration files")


class MaintenanceType(models.TextChoices):
    """The publiccode.yml maintenance.type values."""

    INTERNAL = "internal", _("Internal (the owner's own staff)")
    CONTRACT = "contract", _("Contract")
    COMMUNITY = "community", _("Community")
    NONE = "none", _("Not maintained")


class AdoptionStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_DEVELOPMENT = "in_development", _("In development")
    LIVE = "live", _("Live")
    RETIRED = "retired", _("Retired")


class FigureMetric(models.TextChoices):
    SLA_HOURS = "sla_hours", _("Service time (SLA), hours")
    REPORTS_PER_DAY = "reports_per_day", _("Reports per day")
    USERS = "users", _("Users")
    BENEFIT_AMOUNT = "benefit_amount", _("Benefit amount (Rupiah)")
    OTHER = "other", _("Other")


class ContactRole(models.TextChoices):
    MAINTAINER = "maintainer", _("Maintainer")
    MENTOR = "mentor", _("Mentor (for replication)")


class SortOrder(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    NAME = "name", _("Name")
    NEWEST = "newest", _("Newest")
    MOST_ADOPTED = "adopted", _("Most adopted")


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# The licence of an app whose licence nobody knows yet (the demo's apps: no story names one). Pages say
# "Licence unknown"; the licence filter's choices leave it out.
UNKNOWN_LICENSE = "LicenseRef-tidak-diketahui"
