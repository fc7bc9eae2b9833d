"""Model data e-planning: wilayah, OPD, usulan musrenbang, kriteria prioritas, pagu indikatif, dan riwayat.

Aturan bisnis (pengajuan, keputusan musrenbang, penilaian, batas pagu) ada di ``services.py``;
model hanya menyimpan data dan validasi yang tidak bergantung pada alur.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from config import region

#: Nilai tertinggi pada setiap kriteria penilaian (skala 1-5).
SCORE_SCALE_MAX = 5
#: Batas atas perkiraan biaya satu usulan (Rp 1 triliun), untuk menangkap salah ketik.
MAX_COST = 1_000_000_000_000


def current_fiscal_year():
    """Tahun anggaran bawaan untuk usulan dan pagu baru (dari ``config/region.py``)."""
    return region.FISCAL_YEAR


class Agency(models.Model):
    """Organisasi Perangkat Daerah (OPD) yang dapat ditugasi melaksanakan usulan."""

    name = models.CharField("nama OPD", max_length=200, unique=True)
    order = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "OPD"
        verbose_name_plural = "OPD"

    def __str__(self):
        return self.name


class District(models.Model):
    """Kecamatan di wilayah daerah ini (dimuat dari data Kemendagri lewat ``seed_region``)."""

    code = models.CharField("kode Kemendagri", max_length=20, unique=True)
    name = models.CharField("nama", max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

    def __str__(self):
        return self.name


class Village(models.Model):
    """Desa atau kelurahan, tempat asal dan lokasi sebuah usulan."""

    class Kind(models.TextChoices):
        DESA = "desa", "Desa"
        KELURAHAN = "kelurahan", "Kelurahan"

    code = models.CharField("kode Kemendagri", max_length=20, unique=True)
    name = models.CharField("nama", max_length=120)
    kind = models.CharField("jenis", max_length=12, choices=Kind.choices, default=Kind.DESA)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages", verbose_name="kecamatan")

    class Meta:
        ordering = ["district__name", "name"]
        verbose_name = "desa/kelurahan"
        verbose_name_plural = "desa/kelurahan"

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}, Kec. {self.district.name}"

    @property
    def may_propose(self):
        """Desa selalu boleh mengusulkan; kelurahan hanya bila diizinkan di ``config/region.py``."""
        return self.kind == self.Kind.DESA or region.ALLOW_KELURAHAN


class Sector(models.TextChoices):
    """Bidang usulan musrenbang."""

    INFRASTRUKTUR = "infrastruktur", "Infrastruktur dan Kewilayahan"
    EKONOMI = "ekonomi", "Ekonomi"
    SOSIAL_BUDAYA = "sosial_budaya", "Sosial Budaya"
    PEMERINTAHAN = "pemerintahan", "Pemerintahan"


class Level(models.TextChoices):
    """Tingkat (tahap) musrenbang, dari bawah ke atas."""

    DESA = "desa", "Musrenbang Desa/Kelurahan"
    KECAMATAN = "kecamatan", "Musrenbang Kecamatan"
    KABUPATEN = "kabupaten", "Musrenbang Kabupaten/Kota"


class Status(models.TextChoices):
    """Status usulan."""

    DRAFT = "draf", "Draf"
    SUBMITTED = "diajukan", "Dalam pembahasan"
    RETURNED = "dikembalikan", "Dikembalikan untuk diperbaiki"
    APPROVED = "disetujui", "Disetujui"
    REJECTED = "ditolak", "Ditolak"
    MERGED = "digabung", "Digabung ke usulan lain"


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """Usulan yang sudah diajukan (bukan draf) dan boleh dilihat publik."""
        return self.exclude(status=Status.DRAFT)

    def visible_to(self, user):
        """Usulan yang boleh dilihat ``user``: staf melihat semua, pengusul juga melihat drafnya sendiri."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(~Q(status=Status.DRAFT) | Q(proposer=user))
        return self.public()

    def ranked(self):
        """Urut dari skor prioritas tertinggi; yang lebih dulu dibuat menang bila skornya sama."""
        return self.order_by("-priority_score", "created_at", "pk")


class Proposal(models.Model):
    """Usulan kegiatan dari desa/kelurahan yang dibahas berjenjang di musrenbang."""

    title = models.CharField("judul usulan", max_length=200)
    description = models.TextField("uraian", help_text="Masalah yang ingin diatasi dan kegiatan yang diusulkan.")
    sector = models.CharField("bidang", max_length=20, choices=Sector.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="proposals", verbose_name="desa/kelurahan"
    )
    location_detail = models.CharField(
        "detail lokasi", max_length=200, blank=True, help_text="Mis. dusun, RT/RW, atau nama ruas jalan."
    )
    volume = models.DecimalField(
        "volume", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField("satuan", max_length=40, help_text="Mis. meter, unit, paket, orang.")
    cost_estimate = models.PositiveBigIntegerField(
        "perkiraan biaya (Rp)", validators=[MinValueValidator(1), MaxValueValidator(MAX_COST)]
    )
    beneficiaries = models.PositiveIntegerField("jumlah penerima manfaat (jiwa)", default=0)
    fiscal_year = models.PositiveSmallIntegerField("tahun anggaran", default=current_fiscal_year)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="OPD pelaksana",
    )
    status = models.CharField("status", max_length=15, choices=Status.choices, default=Status.DRAFT)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name="digabung ke",
        help_text="Usulan yang menampung usulan ini bila digabung dalam musrenbang.",
    )
    level = models.CharField("tahap musrenbang", max_length=12, choices=Level.choices, default=Level.DESA)
    priority_score = models.DecimalField("skor prioritas", max_digits=5, decimal_places=2, default=Decimal("0"))
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals", verbose_name="pengusul"
    )
    created_at = models.DateTimeField("dibuat", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "usulan"
        verbose_name_plural = "usulan"
        indexes = [
            models.Index(fields=["status", "level"]),
            models.Index(fields=["fiscal_year", "agency", "status"]),
            models.Index(fields=["-priority_score"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cost_estimate__gte=1), name="proposal_cost_positive"),
            models.CheckConstraint(condition=Q(volume__gt=0), name="proposal_volume_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("perencanaan:proposal_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.village_id and not self.village.may_propose:
            raise ValidationError({"village": "Kelurahan tidak dapat mengajukan usulan di daerah ini."})

    @property
    def is_editable(self):
        """Usulan hanya boleh diubah pengusul saat masih draf atau dikembalikan."""
        return self.status in (Status.DRAFT, Status.RETURNED)

    @property
    def is_final_round(self):
        return self.level == region.ROUNDS[-1]

    def last_decision(self):
        """Keputusan musrenbang terakhir yang perlu diketahui pengusul (dikembalikan, ditolak, atau digabung),
        atau ``None`` bila usulan tidak sedang berstatus itu."""
        action = DECISION_ACTION_BY_STATUS.get(self.status)
        if action is None:
            return None
        return self.events.filter(action=action).order_by("-created_at", "-pk").first()


class Criterion(models.Model):
    """Kriteria penilaian prioritas; bobotnya dapat diubah staf dan skor semua usulan dihitung ulang."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=100)
    description = models.CharField("penjelasan", max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        "bobot", default=0, validators=[MaxValueValidator(100)], help_text="0-100; bobot 0 berarti tidak dihitung."
    )
    order = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "kriteria prioritas"
        verbose_name_plural = "kriteria prioritas"

    def __str__(self):
        return self.name


class ProposalScore(models.Model):
    """Nilai satu usulan pada satu kriteria (1 = rendah, 5 = tinggi)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores", verbose_name="usulan")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name="kriteria")
    value = models.PositiveSmallIntegerField(
        "nilai", validators=[MinValueValidator(1), MaxValueValidator(SCORE_SCALE_MAX)]
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="dinilai oleh"
    )
    scored_at = models.DateTimeField("dinilai", default=timezone.now)

    class Meta:
        ordering = ["criterion__order", "criterion__pk"]
        verbose_name = "nilai usulan"
        verbose_name_plural = "nilai usulan"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="unique_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.proposal} - {self.criterion}: {self.value}"


class BudgetCeiling(models.Model):
    """Pagu indikatif satu OPD untuk satu tahun anggaran: batas jumlah usulan yang dapat disetujui."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="ceilings", verbose_name="OPD")
    fiscal_year = models.PositiveSmallIntegerField("tahun anggaran", default=current_fiscal_year)
    amount = models.PositiveBigIntegerField("pagu (Rp)", validators=[MaxValueValidator(10**15)])
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "agency__order", "agency__name"]
        verbose_name = "pagu indikatif"
        verbose_name_plural = "pagu indikatif"
        constraints = [
            models.UniqueConstraint(fields=["agency", "fiscal_year"], name="unique_ceiling_per_agency_year"),
        ]

    def __str__(self):
        return f"{self.agency} {self.fiscal_year}"

    def approved_total(self):
        """Jumlah perkiraan biaya usulan OPD ini yang sudah disetujui pada tahun anggaran yang sama."""
        total = Proposal.objects.filter(
            agency_id=self.agency_id, fiscal_year=self.fiscal_year, status=Status.APPROVED
        ).aggregate(total=Sum("cost_estimate"))["total"]
        return total or 0

    def remaining(self):
        """Sisa pagu yang masih dapat dipakai untuk menyetujui usulan."""
        return self.amount - self.approved_total()


class ProposalEvent(models.Model):
    """Riwayat usulan: setiap pengajuan, keputusan musrenbang, dan penetapan OPD, dengan waktunya."""

    class Action(models.TextChoices):
        CREATE = "buat", "Dibuat"
        SUBMIT = "ajukan", "Diajukan"
        APPROVE = "setujui", "Disetujui"
        REJECT = "tolak", "Ditolak"
        RETURN = "kembalikan", "Dikembalikan"
        MERGE = "gabungkan", "Digabung ke usulan lain"
        ABSORB = "tampung", "Menampung usulan lain"
        ASSIGN = "tetapkan_opd", "OPD pelaksana ditetapkan"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events", verbose_name="usulan")
    action = models.CharField("tindakan", max_length=15, choices=Action.choices)
    level = models.CharField("tahap", max_length=12, choices=Level.choices)
    next_level = models.CharField("diteruskan ke", max_length=12, choices=Level.choices, blank=True)
    from_status = models.CharField("status sebelum", max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField("status sesudah", max_length=15, choices=Status.choices)
    note = models.TextField("catatan", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="oleh"
    )
    created_at = models.DateTimeField("waktu", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "riwayat usulan"
        verbose_name_plural = "riwayat usulan"

    def __str__(self):
        return f"{self.proposal}: {self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"


#: Tindakan di riwayat yang membuat usulan dikembalikan, ditolak, atau digabung; catatannya adalah alasan
#: yang ditunjukkan kepada pengusul.
DECISION_ACTION_BY_STATUS = {
    Status.RETURNED: ProposalEvent.Action.RETURN,
    Status.REJECTED: ProposalEvent.Action.REJECT,
    Status.MERGED: ProposalEvent.Action.MERGE,
}
