import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.uploads import GeneratedName

from .choices import AgencyKind, DatePrecision, MemberRole, MoUStatus, NoticeKind, RegionKind, VisitKind
from .permissions import RestrictedQuerySet
from .validators import validate_pdf_document

region_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2})?$", _("A Kemendagri code looks like 33 (province) or 33.74 (regency or city).")
)


class RegionQuerySet(RestrictedQuerySet):
    region_lookup = "code"


class Region(models.Model):
    """A province, regency (kabupaten) or city (kota), identified by its Kemendagri code."""

    code = models.CharField(
        _("Kemendagri code"), max_length=5, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices, db_index=True)
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regencies",
        limit_choices_to={"kind": RegionKind.PROVINCE},
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=RegionKind.PROVINCE) & Q(province__isnull=True))
                | (~Q(kind=RegionKind.PROVINCE) & Q(province__isnull=False)),
                name="region_province_iff_not_province",
                violation_error_message=_("A regency or city belongs to a province; a province to none."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:region-detail", kwargs={"code": self.code})

    @property
    def province_code(self) -> str:
        return self.code if self.kind == RegionKind.PROVINCE else self.province_id


class Agency(models.Model):
    """A regional agency (OPD, Organisasi Perangkat Daerah) of one region."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies"
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True, help_text=_("e.g. Diskominfo"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DINAS)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where this record comes from.")
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("agency (OPD)")
        verbose_name_plural = _("agencies (OPD)")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="agency_unique_name_per_region",
                violation_error_message=_("This region already has an agency with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name or self.name} {self.region.name}"


class Membership(models.Model):
    """A user acting for a region with a role (viewer, developer, editor or admin of that region)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.VIEWER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="membership_unique_user_region",
                violation_error_message=_("This user is already a member of this region."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.region}"


class MoUQuerySet(RestrictedQuerySet):
    region_lookup = "parties__region"

    def with_status(self, today: datetime.date | None = None) -> "MoUQuerySet":
        """Annotate `current_status`, derived from the dates and an explicit termination."""
        today = today or timezone.localdate()
        return self.annotate(
            current_status=Case(
                When(terminated_on__isnull=False, terminated_on__lte=today, then=Value(MoUStatus.TERMINATED)),
                When(signed_on__isnull=True, then=Value(MoUStatus.DRAFT)),
                When(starts_on__gt=today, then=Value(MoUStatus.DRAFT)),
                When(ends_on__lt=today, then=Value(MoUStatus.EXPIRED)),
                default=Value(MoUStatus.ACTIVE),
                output_field=models.CharField(),
            )
        )


class MoU(models.Model):
    """A memorandum of understanding (Nota Kesepahaman) between two or more regions."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(
        _("number"),
        max_length=200,
        blank=True,
        help_text=_("As printed on the document; may hold several numbers."),
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, help_text=_("Empty while still a draft.")
    )
    signed_at = models.CharField(_("signed at"), max_length=200, blank=True, help_text=_("Place of signing."))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty when open-ended."))
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    document = models.FileField(
        _("signed document (PDF)"),
        # Never the upload's own name: a polyglot named poly.html is still stored as <uuid>.pdf.
        upload_to=GeneratedName("mous/%Y/", "pdf"),
        blank=True,
        max_length=255,
        validators=[validate_pdf_document],
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where this record comes from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MoUQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "-id"]
        verbose_name = _("MoU")
        verbose_name_plural = _("MoUs")
        indexes = [models.Index(fields=["signed_on"]), models.Index(fields=["ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="mou_ends_not_before_starts",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:mou-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot be before the start date.")
        if self.signed_on is None and self.terminated_on is not None:
            errors["terminated_on"] = _("A draft that was never signed cannot be terminated.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: datetime.date | None = None) -> str:
        """The status on a day; mirrors MoUQuerySet.with_status for a single object."""
        today = today or timezone.localdate()
        if self.terminated_on and self.terminated_on <= today:
            return MoUStatus.TERMINATED
        if self.signed_on is None or (self.starts_on and self.starts_on > today):
            return MoUStatus.DRAFT
        if self.ends_on and self.ends_on < today:
            return MoUStatus.EXPIRED
        return MoUStatus.ACTIVE

    @property
    def status(self) -> str:
        return getattr(self, "current_status", None) or self.status_on()

    def get_status_display(self) -> str:
        return MoUStatus(self.status).label


class MoUParty(models.Model):
    """A region that is party to an MoU, with the official who signed for it."""

    mou = models.ForeignKey(MoU, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="parties")
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="mou_parties"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signatory_name = models.CharField(_("signatory name"), max_length=200)
    signatory_title = models.CharField(_("signatory title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "position", "id"]
        verbose_name = _("MoU party")
        verbose_name_plural = _("MoU parties")
        constraints = [
            models.UniqueConstraint(
                fields=["mou", "region"],
                name="mou_party_unique_region",
                violation_error_message=_("A region can be party to an MoU only once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} — {self.signatory_name}"


class MoUNotice(models.Model):
    """An expiry notice sent for an MoU; its uniqueness makes the daily job send nothing twice."""

    mou = models.ForeignKey(MoU, verbose_name=_("MoU"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    ends_on = models.DateField(_("end date notified"))
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("MoU notice")
        verbose_name_plural = _("MoU notices")
        constraints = [
            # Keyed on the end date too: an MoU that is extended gets a fresh notice for its new end.
            models.UniqueConstraint(fields=["mou", "kind", "ends_on"], name="mou_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mou}"


class StudyVisitQuerySet(RestrictedQuerySet):
    region_lookup = "visiting_region"


class StudyVisit(models.Model):
    """A study visit (studi banding) or consultation: one region learning from one or more others."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.STUDY_VISIT
    )
    visiting_region = models.ForeignKey(
        Region, verbose_name=_("visiting region"), on_delete=models.PROTECT, related_name="visits_made"
    )
    host_regions = models.ManyToManyField(
        Region, verbose_name=_("host regions"), related_name="visits_hosted"
    )
    visited_on = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("When a source gives only the month or the year, the rest of the date is not a fact."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    leader = models.CharField(_("delegation leader"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"))
    delegation_size = models.PositiveIntegerField(
        _("delegation size"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where this record comes from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StudyVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("study visit")
        verbose_name_plural = _("study visits")

    def __str__(self) -> str:
        return f"{self.visiting_region} — {self.visited_on:%Y-%m}"
