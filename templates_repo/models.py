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
    figures = models.JSONField(
        _("reported figures"),
        default=list,
        blank=True,
        help_text=_('The service figures a copy of this version reports (lumbung.json\'s "figures").'),
    )
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


class RenderJob(models.Model):
    """What a job of the render pipeline has, a fork or an update of one: its state and log, the claim
    and lease of the delivery that runs it (templates_repo/leases.py), an Idempotency-Key, its times."""

    status = models.CharField(
        _("status"), max_length=10, choices=ForkStatus.choices, default=ForkStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    log = models.JSONField(_("log"), default=list)
    error = models.TextField(_("error"), blank=True)
    # NULL, not "", when absent: the unique constraints apply only to requests that sent a key.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While a worker renders, it holds the job until this time; a redelivered task waits for it to pass
    # (the worker crashed) before taking over, so two deliveries never render at once.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True


class Fork(RenderJob):
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
    archive = models.FileField(_("archive"), upload_to="forks/", blank=True, max_length=255)
    archive_size = models.PositiveBigIntegerField(_("archive size (bytes)"), null=True, blank=True)
    archive_sha256 = models.CharField(_("archive sha256"), max_length=64, blank=True)
    file_count = models.PositiveIntegerField(_("files"), null=True, blank=True)
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
    demo = models.BooleanField(
        _("demo data"),
        default=False,
        editable=False,
        help_text=_("Made by `make run`'s demo data, not by a region."),
    )
    # The version the copy is at now: its own, until the region applies an update (null: `version`).
    current_version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the succeeded fork's adoption and MoU were recorded in the catalog (just after it finished).
    catalog_recorded_at = models.DateTimeField(_("recorded in the catalog at"), null=True, blank=True)
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


class TemplateUpdateQuerySet(RestrictedQuerySet):
    """An update is its copy's: `restrict(user)` gives those of the user's regions (all for staff)."""

    region_lookup = "fork__region"

    def visible(self, user) -> "TemplateUpdateQuerySet":
        return self.of_member_regions(user)


class TemplateUpdate(RenderJob):
    """Taking a newer version of the template into a copy: a job on the fork pipeline that renders the
    copy's version and the target with the copy's context and writes the patch between them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fork = models.ForeignKey(Fork, verbose_name=_("copy"), on_delete=models.CASCADE, related_name="updates")
    from_version = models.ForeignKey(
        TemplateVersion, verbose_name=_("from version"), on_delete=models.PROTECT, related_name="+"
    )
    to_version = models.ForeignKey(
        TemplateVersion, verbose_name=_("to version"), on_delete=models.PROTECT, related_name="+"
    )
    from_context = models.JSONField(_("context of the copy's version"), default=dict)
    context = models.JSONField(_("context of the target version"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    patch = models.FileField(_("patch"), upload_to="updates/", blank=True, max_length=255)
    patch_size = models.PositiveBigIntegerField(_("patch size (bytes)"), null=True, blank=True)
    patch_sha256 = models.CharField(_("patch sha256"), max_length=64, blank=True)
    files = models.JSONField(_("changed files"), default=list, blank=True)
    changelog = models.TextField(_("changelog between the versions"), blank=True)
    applied_at = models.DateTimeField(
        _("applied at"), null=True, blank=True, help_text=_("When the region said the patch is applied.")
    )

    objects = TemplateUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("template update")
        verbose_name_plural = _("template updates")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="update_idempotency_key_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fork_id}: v{self.from_version.number} -> v{self.to_version.number} ({self.status})"


class ReportingKey(models.Model):
    """A key with which a copy reports its service results, and nothing else: stored as a SHA-256 hash
    (the key itself is shown once, when it is made), revocable."""

    fork = models.ForeignKey(
        Fork, verbose_name=_("copy"), on_delete=models.CASCADE, related_name="reporting_keys"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, help_text=_("The key's first characters."))
    key_hash = models.CharField(_("key hash (sha256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reporting key")
        verbose_name_plural = _("reporting keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.fork_id})"


class ServiceReport(models.Model):
    """One month of a copy's service results, computed by the copy from its own database (aggregates
    only) and sent with its reporting key; sending the same month again replaces it."""

    fork = models.ForeignKey(
        Fork, verbose_name=_("copy"), on_delete=models.CASCADE, related_name="service_reports"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    figures = models.JSONField(_("figures"), default=dict)
    version_number = models.PositiveIntegerField(
        _("template version"), help_text=_("The version whose figures the report was checked against.")
    )
    key = models.ForeignKey(
        ReportingKey,
        verbose_name=_("reporting key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    demo = models.BooleanField(
        _("demo data"), default=False, editable=False, help_text=_("Invented by `make run`'s demo data.")
    )
    first_reported_at = models.DateTimeField(_("first reported at"), auto_now_add=True)
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    class Meta:
        ordering = ["fork", "-month"]
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        constraints = [
            models.UniqueConstraint(fields=["fork", "month"], name="service_report_once_per_month"),
        ]
        indexes = [models.Index(fields=["month"], name="service_report_month")]

    def __str__(self) -> str:
        return f"{self.fork_id} {self.month:%Y-%m}"
