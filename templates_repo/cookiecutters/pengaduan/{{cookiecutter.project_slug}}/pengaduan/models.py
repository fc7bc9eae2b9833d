"""Model data pengaduan: OPD, kategori, laporan warga, riwayat status, pemindahan OPD, eskalasi, dan petugas."""

import uuid

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .validators import validate_photo


class Agency(models.Model):
    """Perangkat daerah (OPD) yang menindaklanjuti laporan; diisi dari konteks ``agencies``."""

    name = models.CharField("nama", max_length=150, unique=True)
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "OPD"
        verbose_name_plural = "OPD"

    def __str__(self):
        return self.name


class Category(models.Model):
    """Kategori laporan; setiap kategori diteruskan ke satu OPD (bisa diubah di admin)."""

    name = models.CharField("nama", max_length=100, unique=True)
    description = models.CharField("keterangan", max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="categories", verbose_name="OPD penanggung jawab"
    )
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "kategori"
        verbose_name_plural = "kategori"

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    """Saluran masuknya laporan."""

    WEB = "web", "Web"
    WHATSAPP = "whatsapp", "WhatsApp"
    SOCIAL_MEDIA = "media_sosial", "Media sosial"
    SMS = "sms", "SMS"
    WALK_IN = "langsung", "Datang langsung"


class Status(models.TextChoices):
    """Tahap penanganan laporan."""

    RECEIVED = "diterima", "Diterima"
    VERIFIED = "terverifikasi", "Terverifikasi"
    IN_PROGRESS = "diproses", "Sedang diproses"
    RESOLVED = "selesai", "Selesai"
    REJECTED = "ditolak", "Ditolak"


#: Perpindahan status yang sah. Status selesai dan ditolak adalah status akhir.
ALLOWED_TRANSITIONS = {
    Status.RECEIVED: (Status.VERIFIED, Status.REJECTED),
    Status.VERIFIED: (Status.IN_PROGRESS, Status.REJECTED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.REJECTED),
    Status.RESOLVED: (),
    Status.REJECTED: (),
}
OPEN_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.REJECTED)


def photo_upload_to(instance, filename):
    """Nama berkas foto acak (tidak bisa ditebak), dikelompokkan per bulan."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"laporan/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ReportQuerySet(models.QuerySet):
    """Kueri umum untuk laporan."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Report(models.Model):
    """Laporan/pengaduan warga dengan kode tiket untuk dilacak publik."""

    ticket_code = models.CharField("kode tiket", max_length=20, unique=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports", verbose_name="kategori")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports", verbose_name="OPD tujuan")
    channel = models.CharField("saluran", max_length=20, choices=Channel.choices, default=Channel.WEB)
    area_code = models.CharField("kode wilayah lokasi", max_length=13, blank=True)
    area_name = models.CharField("wilayah lokasi", max_length=100, blank=True)
    location = models.CharField("lokasi", max_length=200, validators=[MinLengthValidator(5)])
    description = models.TextField("isi laporan", max_length=2000, validators=[MinLengthValidator(20)])
    photo = models.ImageField("foto", upload_to=photo_upload_to, blank=True, validators=[validate_photo])
    is_anonymous = models.BooleanField("anonim", default=False)
    reporter_name = models.CharField("nama pelapor", max_length=100, blank=True)
    reporter_phone = models.CharField("nomor HP/WhatsApp pelapor", max_length=20, blank=True)
    reporter_email = models.EmailField("e-mail pelapor", blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.RECEIVED)
    rejection_reason = models.TextField("alasan penolakan", blank=True)
    sla_hours = models.PositiveIntegerField("SLA (jam)")
    submitted_at = models.DateTimeField("diterima pada", default=timezone.now)
    due_at = models.DateTimeField("batas waktu")
    closed_at = models.DateTimeField("ditutup pada", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dicatat oleh petugas",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "laporan"
        verbose_name_plural = "laporan"
        indexes = [
            models.Index(fields=["status", "due_at"], name="report_status_due_idx"),
            models.Index(fields=["agency", "status"], name="report_agency_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ditolak") | ~models.Q(rejection_reason=""),
                name="report_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_code} – {self.category}"

    def get_absolute_url(self):
        return reverse("pengaduan:track_detail", args=[self.ticket_code])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None):
        """Masih terbuka dan sudah melewati batas waktu SLA."""
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def resolved_within_sla(self):
        """True/False untuk laporan selesai; None selama belum selesai."""
        if self.status != Status.RESOLVED or self.closed_at is None:
            return None
        return self.closed_at <= self.due_at

    @property
    def is_escalated(self):
        return hasattr(self, "escalation")

    def allowed_next_statuses(self):
        return ALLOWED_TRANSITIONS[Status(self.status)]


class StatusChange(models.Model):
    """Riwayat perubahan status (bercap waktu), ditampilkan di halaman lacak."""

    #: Jenis entri riwayat (dibaca template riwayat, yang juga memuat pemindahan OPD).
    timeline_kind = "status"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history", verbose_name="laporan")
    from_status = models.CharField("dari status", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("ke status", max_length=20, choices=Status.choices)
    note = models.TextField("keterangan untuk publik", blank=True)
    changed_at = models.DateTimeField("waktu", default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="petugas",
    )
    notified_at = models.DateTimeField("pelapor diberi tahu pada", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = "riwayat status"
        verbose_name_plural = "riwayat status"

    def __str__(self):
        return f"{self.report.ticket_code}: {self.from_status or '-'} → {self.to_status}"


class AgencyTransfer(models.Model):
    """Pemindahan laporan yang salah alamat dari satu OPD ke OPD lain, beserta alasannya (tampil di riwayat)."""

    #: Jenis entri riwayat (lihat ``StatusChange.timeline_kind``).
    timeline_kind = "transfer"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transfers", verbose_name="laporan")
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="transfers_out", verbose_name="dari OPD"
    )
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="transfers_in", verbose_name="ke OPD")
    reason = models.TextField("alasan pemindahan", max_length=1000)
    transferred_at = models.DateTimeField("waktu", default=timezone.now)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="petugas",
    )

    class Meta:
        ordering = ["transferred_at", "id"]
        verbose_name = "pemindahan OPD"
        verbose_name_plural = "pemindahan OPD"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_agency=models.F("to_agency")),
                name="transfer_to_another_agency",
                violation_error_message="OPD tujuan harus berbeda dari OPD asal.",
            ),
        ]

    def __str__(self):
        return f"{self.report.ticket_code}: {self.from_agency} → {self.to_agency}"


class Escalation(models.Model):
    """Eskalasi laporan yang melewati SLA ke pejabat (konteks ``escalation_officer``); satu per laporan."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="escalation", verbose_name="laporan")
    officer = models.CharField("dieskalasikan kepada", max_length=150)
    hours_overdue = models.PositiveIntegerField("terlambat (jam)")
    raised_at = models.DateTimeField("waktu eskalasi", default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="oleh (kosong = otomatis)",
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = "eskalasi"
        verbose_name_plural = "eskalasi"

    def __str__(self):
        return f"{self.report.ticket_code} → {self.officer}"


class Officer(models.Model):
    """Petugas yang terikat ke satu OPD: hanya melihat dan menangani laporan OPD tersebut."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer", verbose_name="akun"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers", verbose_name="OPD")

    class Meta:
        ordering = ["agency__name", "user__username"]
        verbose_name = "petugas OPD"
        verbose_name_plural = "petugas OPD"

    def __str__(self):
        return f"{self.user} ({self.agency})"
