import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.uploads import GeneratedImageName
from registry.choices import DatePrecision
from registry.models import Agency, Region
from registry.permissions import RestrictedQuerySet

from .choices import (
    AdoptionStage,
    AppCategory,
    ContactRole,
    DevelopmentStatus,
    FigureMetric,
    ImportJobStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)
from .validators import validate_screenshot, validate_spdx_license


def default_platforms() -> list[str]:
    return ["web"]


class AppQuerySet(RestrictedQuerySet):
    region_lookup = "owner_region"


class App(models.Model):
    """An application a region built, described so that other regions can reuse it (publiccode.yml)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    owner_region = models.ForeignKey(
        Region, verbose_name=_("owner region"), on_delete=models.PROTECT, related_name="apps"
    )
    # Denormalized from owner_region (a region never changes province): filters and facets by
    # province stay on one indexed column of one table.
    owner_province = models.ForeignKey(
        Region, verbose_name=_("owner province"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("owner agency (OPD)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="apps",
    )
    category = models.CharField(_("category"), max_length=30, choices=AppCategory.choices)
    dimension = models.CharField(_("smart city dimension"), max_length=20, choices=SmartCityDimension.choices)
    spbe_type = models.CharField(_("SPBE type"), max_length=10, choices=SpbeType.choices)
    status = models.CharField(
        _("development status"),
        max_length=12,
        choices=DevelopmentStatus.choices,
        default=DevelopmentStatus.STABLE,
    )
    software_type = models.CharField(
        _("software type"), max_length=20, choices=SoftwareType.choices, default=SoftwareType.WEB
    )
    platforms = models.JSONField(_("platforms"), default=default_platforms, blank=True)
    short_description = models.CharField(_("short description (Indonesian)"), max_length=150)
    short_description_en = models.CharField(_("short description (English)"), max_length=150, blank=True)
    long_description = models.TextField(
        _("long description (Indonesian)"), validators=[MaxLengthValidator(10000)]
    )
    long_description_en = models.TextField(
        _("long description (English)"), blank=True, validators=[MaxLengthValidator(10000)]
    )
    features = models.JSONField(_("features (Indonesian)"), default=list, blank=True)
    features_en = models.JSONField(_("features (English)"), default=list, blank=True)
    license = models.CharField(
        _("licence (SPDX)"),
        max_length=100,
        validators=[validate_spdx_license],
        help_text=_("An SPDX expression, e.g. MIT, GPL-3.0-or-later or LicenseRef-proprietary."),
    )
    repository_url = models.URLField(_("repository URL"), blank=True)
    website_url = models.URLField(_("website"), blank=True)
    maintenance_type = models.CharField(
        _("maintenance"), max_length=10, choices=MaintenanceType.choices, default=MaintenanceType.INTERNAL
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
    )
    based_on_url = models.URLField(_("based on (external URL)"), blank=True)
    based_on_note = models.TextField(_("lineage note"), blank=True)
    mous = models.ManyToManyField(
        "registry.MoU", verbose_name=_("MoUs covering it"), related_name="apps", blank=True
    )
    has_template = models.BooleanField(_("has a template"), default=False, editable=False)
    adoption_count = models.PositiveIntegerField(_("adoptions"), default=0, editable=False)
    search_document = models.TextField(_("search text"), blank=True, editable=False)
    # Filled on PostgreSQL only (GIN-indexed there); SQLite searches search_document instead.
    search_vector = SearchVectorField(null=True, editable=False)
    source = models.CharField(
        _("source"), max_length=600, blank=True, help_text=_("Where this record comes from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Derived columns (search text, counters kept by services) are not changes anyone made; the MoUs
    # covering the app are (each change of them is a record of its own).
    history = HistoricalRecords(
        excluded_fields=["search_document", "search_vector", "adoption_count", "has_template"],
        m2m_fields=["mous"],
    )

    objects = AppQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("app")
        verbose_name_plural = _("apps")
        indexes = [
            models.Index(fields=["name", "id"], name="app_name_id"),
            models.Index(fields=["-created_at", "-id"], name="app_newest"),
            models.Index(fields=["-adoption_count", "name", "id"], name="app_most_adopted"),
            models.Index(fields=["owner_region", "name"], name="app_region_name"),
            models.Index(fields=["owner_province", "name"], name="app_province_name"),
            models.Index(fields=["category", "name"], name="app_category_name"),
            # The provinces chart of one category counts from the index alone (17 ms instead of 30 at
            # 100,000 apps).
            models.Index(fields=["category", "owner_province"], name="app_category_province"),
            models.Index(fields=["dimension"], name="app_dimension"),
            models.Index(fields=["status"], name="app_status"),
            models.Index(fields=["spbe_type"], name="app_spbe_type"),
            models.Index(fields=["license"], name="app_license"),
            models.Index(fields=["has_template"], name="app_has_template"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # owner_province is owner_region's province, kept here for the province filter and its index.
        if self.owner_region_id:
            self.owner_province_id = self.owner_region.province_code
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:app-detail", kwargs={"slug": self.slug})

    def ancestors(self):
        """The apps this one is based on, nearest first, each once: a circle ends at this app."""
        seen, ancestor = set(), self.based_on
        while ancestor is not None and ancestor.pk not in seen:
            yield ancestor
            seen.add(ancestor.pk)
            ancestor = ancestor.based_on


class AppContact(models.Model):
    """Someone to ask about an app: its maintainers and the mentors for regions replicating it."""

    app = models.ForeignKey(App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(
        _("role"), max_length=10, choices=ContactRole.choices, default=ContactRole.MAINTAINER
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    class Meta:
        ordering = ["app", "role", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class ServiceFigure(models.Model):
    """A figure about an app's service entered by hand, with when it was measured, where it comes from and
    who entered it (the figures a copy reports itself are templates_repo.ServiceReport)."""

    app = models.ForeignKey(App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="figures")
    metric = models.CharField(_("metric"), max_length=20, choices=FigureMetric.choices)
    label = models.CharField(_("label"), max_length=120, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.CharField(
        _("value in words"), max_length=120, blank=True, help_text=_("When a source gives no exact number.")
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    measured_on = models.DateField(_("measured on"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    # Figures typed in (the API, the app form, the admin) say who typed them; a copy's own reports are
    # templates_repo.ServiceReport, kept apart.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["app", "metric", "-measured_on"]
        verbose_name = _("service figure")
        verbose_name_plural = _("service figures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | ~models.Q(value_text=""),
                name="figure_has_a_value",
                violation_error_message=_("A figure needs a number or a value in words."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value if self.value is not None else self.value_text}"


class Screenshot(models.Model):
    """A screenshot of an app: an image checked by decoding it, at most 5 MB."""

    app = models.ForeignKey(App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="screenshots")
    image = models.ImageField(
        _("image"), upload_to=GeneratedImageName("screenshots/%Y/", "image"), validators=[validate_screenshot]
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["app", "position", "id"]
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")

    def __str__(self) -> str:
        return self.caption or self.image.name


class AdoptionQuerySet(RestrictedQuerySet):
    region_lookup = "region"


class Adoption(models.Model):
    """A region using an app. Verified when a member of the adopting region recorded it."""

    app = models.ForeignKey(App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="adoptions")
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="adoptions"
    )
    stage = models.CharField(
        _("stage"), max_length=15, choices=AdoptionStage.choices, default=AdoptionStage.PLANNED
    )
    since = models.DateField(_("since"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence (URL)"), blank=True)
    evidence_note = models.TextField(_("evidence (note)"), blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        editable=False,
        help_text=_("Recorded by a member of the adopting region, not on its behalf."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=600, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["app", "region"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["app", "region"],
                name="adoption_once_per_region",
                violation_error_message=_("This region's use of this app is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} — {self.app}"


# A link on a public page: a path of this site or an http(s) address, never a javascript: or data: URL.
validate_link_url = RegexValidator(
    r"^(/(?!/)|https?://)", message=_("Enter a path of this site (/...) or an http(s) address.")
)


class AdoptionEvent(models.Model):
    """One change of an adoption (its stage, its evidence, a copy made from a template): when, by whom,
    from which source. Appended by the services, never rewritten: the adoption's "since" is the earliest
    event's date, and its own evidence stays the first (or strongest) one recorded."""

    adoption = models.ForeignKey(
        Adoption, verbose_name=_("adoption"), on_delete=models.CASCADE, related_name="events"
    )
    occurred_on = models.DateField(
        _("date"), null=True, blank=True, help_text=_("When it happened, as far as the source says.")
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("When a source gives only the month or the year, the rest of the date is not a fact."),
    )
    stage = models.CharField(_("stage"), max_length=15, choices=AdoptionStage.choices, blank=True)
    evidence_url = models.URLField(_("evidence (URL)"), blank=True)
    evidence_note = models.TextField(_("evidence (note)"), blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    link_url = models.CharField(_("link"), max_length=300, blank=True, validators=[validate_link_url])
    link_label = models.CharField(_("link label"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Recorded by a member of the adopting region.")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        # The timeline: by date (an event of unknown date where it was recorded), then as recorded.
        ordering = [models.F("occurred_on").asc(nulls_last=True), "created_at", "id"]
        verbose_name = _("adoption event")
        verbose_name_plural = _("adoption events")

    def __str__(self) -> str:
        return f"{self.adoption_id}: {self.occurred_on or '—'} {self.stage}"


class ImportJob(models.Model):
    """A large inventory import run by a Celery worker; its page shows the progress, then the report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The stored upload has a generated name; the uploader's file name is only shown in messages.
    file = models.FileField(_("file"), upload_to="imports/", blank=True, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    estimated_rows = models.PositiveIntegerField(_("estimated rows"), default=0)
    dry_run = models.BooleanField(_("check only"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # When the task was last sent to the broker; the sweeper sends it again when no worker took it.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.region})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
