import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.choices import AppCategory
from registry.models import Agency, MoU, Region
from registry.permissions import RestrictedQuerySet

from .choices import ForkStatus


class Template(models.Model):
    """A cookiecutter template of a catalog app, from which a region gets its own copy."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=30, choices=AppCategory.choices)
    app = models.ForeignKey(
        "catalog.App",
        verbose_name=_("catalog app it reproduces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="templates",
    )
    mentor_region = models.ForeignKey(
        Region, verbose_name=_("mentor region"), on_delete=models.PROTECT, related_name="mentored_templates"
    )
    mentor_agency = models.ForeignKey(
        Agency,
        verbose_name=_("mentor agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("template")
        verbose_name_plural = _("templates")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("templates_repo:template-detail", kwargs={"slug": self.slug})


class TemplateVersion(models.Model):
    """An immutable snapshot of a template's files, with the parameter schema of its cookiecutter.json."""

    template = models.ForeignKey(
        Template, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash (sha256)"), max_length=64)
    snapshot = models.FileField(_("snapshot (zip)"), upload_to="templates/", max_length=255)
    parameters = models.JSONField(_("parameter schema"), default=list)
    changelog = models.TextField(_("changelog"), blank=True)
    parameter_changes = models.JSONField(
        _("parameter changes"),
        default=dict,
        blank=True,
        help_text=_("Parameters added, removed or changed against the previous version."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number_once"),
            models.UniqueConstraint(
                fields=["template", "content_hash"], name="template_version_content_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.slug} v{self.number}"


class ForkQuerySet(RestrictedQuerySet):
    """`restrict(user)`: the forks a user sees; `restrict(user, Action.ADOPT)`: those it may cancel or
    retry (registry/permissions.py)."""

    region_lookup = "region"

    def visible(self, user) -> "ForkQuerySet":
        """A region's copies are its own: forks of the regions the user is a member of, any role (all of
        them for staff)."""
        return self.of_member_regions(user)


class Fork(models.Model):
    """A region's own copy of a template, rendered by a Celery worker into a zip archive."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(
        Template, verbose_name=_("template"), on_delete=models.PROTECT, related_name="forks"
    )
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="forks"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="forks"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="forks",
    )
    context = models.JSONField(_("context"), default=dict)
    # Fixed when the fork is requested, so that the archive tells where it came from even if the template's
    # mentor or app changes later, and so that the worker reads no more than the fork and its version.
    manifest = models.JSONField(
        _("manifest"),
        default=dict,
        editable=False,
        help_text=_("What .lumbung.json says of the template, version, regions and catalog app."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ForkStatus.choices, default=ForkStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    log = models.JSONField(_("log"), default=list)
    error = models.TextField(_("error"), blank=True)
    archive = models.FileField(_("archive"), upload_to="forks/", blank=True, max_length=255)
    archive_size = models.PositiveBigIntegerField(_("archive size (bytes)"), null=True, blank=True)
    archive_sha256 = models.CharField(_("archive sha256"), max_length=64, blank=True)
    file_count = models.PositiveIntegerField(_("files"), null=True, blank=True)
    # NULL, not "", when absent: the unique constraint below applies only to forks that sent a key.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While a worker renders, it holds the fork until this time; a redelivered task waits for it to
    # pass (the worker crashed) before taking over, so two deliveries never render at once.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    mou = models.ForeignKey(
        MoU, verbose_name=_("MoU"), on_delete=models.SET_NULL, null=True, blank=True, related_name="forks"
    )
    # The replication this copy is part of: the region's open replication of the template's app, or an
    # independent (mandiri) one the fork opened. Declared here: replication is the lower app.
    replication = models.ForeignKey(
        "replication.Replication",
        verbose_name=_("replication"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forks",
    )
    # Set when the succeeded fork's adoption and MoU were recorded in the catalog (just after it finished).
    catalog_recorded_at = models.DateTimeField(_("recorded in the catalog at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ForkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fork")
        verbose_name_plural = _("forks")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="fork_idempotency_key_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.slug} for {self.region_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("templates_repo:fork-detail", kwargs={"pk": self.pk})
