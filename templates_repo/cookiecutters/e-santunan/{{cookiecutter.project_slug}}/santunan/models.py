"""Model e-santunan kematian: klaim ahli waris, riwayat status, register Dinas Sosial, perangkat daerah."""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .nik import validate_nik_structure, validate_region_nik
from .uploads import death_certificate_path, validate_death_certificate

CLAIM_CODE_PREFIX = "SK-"
#: Tanpa huruf/angka yang mudah tertukar (0/O, 1/I).
CLAIM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLAIM_CODE_LENGTH = 8

account_number_validator = RegexValidator(
    r"^[0-9]{6,20}$", "Nomor rekening hanya boleh berisi angka (6 sampai 20 digit).", code="account_number"
)


def generate_claim_code():
    """Kode klaim acak, mis. "SK-7KQ2M9XA": dipakai ahli waris untuk melacak klaimnya."""
    return CLAIM_CODE_PREFIX + "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))


class Agency(models.Model):
    """Perangkat daerah (OPD). Salah satunya membayar santunan (settings.SANTUNAN_PAYING_AGENCY)."""

    name = models.CharField("nama", max_length=150, unique=True)
    is_paying_agency = models.BooleanField("pembayar santunan", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "perangkat daerah"
        verbose_name_plural = "perangkat daerah"

    def __str__(self):
        return self.name


class SocialRegisterEntry(models.Model):
    """Satu baris register penduduk dari Dinas Sosial; klaim dicocokkan dengan register ini."""

    class Status(models.TextChoices):
        AKTIF = "aktif", "Aktif"
        MENINGGAL = "meninggal", "Tercatat meninggal"
        PINDAH = "pindah", "Pindah domisili"

    nik = models.CharField("NIK", max_length=16, unique=True, validators=[validate_nik_structure])
    name = models.CharField("nama", max_length=200)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.AKTIF)
    updated_at = models.DateTimeField("diperbarui", auto_now=True)

    class Meta:
        ordering = ["name", "nik"]
        verbose_name = "data register Dinas Sosial"
        verbose_name_plural = "register Dinas Sosial"

    def __str__(self):
        return f"{self.nik} {self.name}"


class ClaimQuerySet(models.QuerySet):
    def active(self):
        """Klaim yang belum ditolak: paling banyak satu per NIK almarhum."""
        return self.exclude(status=Claim.Status.DITOLAK)


class Claim(models.Model):
    """Klaim santunan kematian yang diajukan ahli waris atas seorang penduduk yang meninggal."""

    class Status(models.TextChoices):
        DIAJUKAN = "diajukan", "Diajukan"
        PERLU_PERBAIKAN = "perlu_perbaikan", "Perlu perbaikan"
        DIVERIFIKASI = "diverifikasi", "Diverifikasi"
        DISETUJUI = "disetujui", "Disetujui"
        DIBAYAR = "dibayar", "Dibayar"
        DITOLAK = "ditolak", "Ditolak"

    class Gender(models.TextChoices):
        LAKI_LAKI = "L", "Laki-laki"
        PEREMPUAN = "P", "Perempuan"

    class Relationship(models.TextChoices):
        PASANGAN = "pasangan", "Suami/istri"
        ANAK = "anak", "Anak"
        ORANG_TUA = "orang_tua", "Orang tua"
        SAUDARA = "saudara", "Saudara kandung"
        LAINNYA = "lainnya", "Ahli waris lain"

    class Correction(models.TextChoices):
        """Yang diminta petugas untuk diperbaiki ahli waris sebelum klaim diperiksa lagi."""

        AKTA_KEMATIAN = "akta_kematian", "Akta kematian (unggah ulang)"
        REKENING = "rekening", "Data rekening bank ahli waris"

    class RegisterCheck(models.TextChoices):
        BELUM = "belum", "Belum dicek"
        COCOK = "cocok", "Terdaftar, nama cocok"
        NAMA_BERBEDA = "nama_berbeda", "Terdaftar, nama berbeda"
        TIDAK_AKTIF = "tidak_aktif", "Terdaftar, sudah pindah domisili"
        TIDAK_TERDAFTAR = "tidak_terdaftar", "Tidak ada di register"

    code = models.CharField("kode klaim", max_length=16, unique=True, default=generate_claim_code, editable=False)

    deceased_nik = models.CharField("NIK almarhum/almarhumah", max_length=16, validators=[validate_region_nik])
    deceased_name = models.CharField("nama almarhum/almarhumah", max_length=200)
    deceased_gender = models.CharField("jenis kelamin", max_length=1, choices=Gender.choices)
    deceased_birth_date = models.DateField("tanggal lahir (dari NIK)")
    deceased_district_code = models.CharField("kode kecamatan", max_length=8)
    deceased_district_name = models.CharField("kecamatan", max_length=100, blank=True)
    date_of_death = models.DateField("tanggal meninggal")
    death_certificate = models.FileField(
        "akta kematian", upload_to=death_certificate_path, blank=True, validators=[validate_death_certificate]
    )

    heir_name = models.CharField("nama ahli waris", max_length=200)
    heir_nik = models.CharField("NIK ahli waris", max_length=16, validators=[validate_nik_structure])
    heir_relationship = models.CharField("hubungan dengan almarhum", max_length=20, choices=Relationship.choices)
    bank_name = models.CharField("nama bank", max_length=100)
    account_number = models.CharField("nomor rekening", max_length=20, validators=[account_number_validator])
    account_holder = models.CharField("nama pemilik rekening", max_length=200)

    amount = models.PositiveBigIntegerField("nominal santunan (Rp)", validators=[MinValueValidator(1)])
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DIAJUKAN)
    rejection_reason = models.TextField("alasan penolakan", blank=True)
    correction_item = models.CharField(
        "yang perlu diperbaiki", max_length=20, choices=Correction.choices, blank=True
    )
    correction_note = models.TextField("catatan perbaikan dari petugas", blank=True)
    payment_reference = models.CharField("referensi pembayaran", max_length=100, blank=True)

    register_check = models.CharField(
        "hasil cek register Dinas Sosial", max_length=20, choices=RegisterCheck.choices, default=RegisterCheck.BELUM
    )
    register_name = models.CharField("nama di register", max_length=200, blank=True)
    register_status = models.CharField(
        "status di register", max_length=20, choices=SocialRegisterEntry.Status.choices, blank=True
    )
    register_checked_at = models.DateTimeField("waktu cek register", null=True, blank=True)

    submitted_at = models.DateTimeField("diajukan", default=timezone.now)
    paid_at = models.DateTimeField("dibayar", null=True, blank=True)
    updated_at = models.DateTimeField("diperbarui", auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "klaim santunan"
        verbose_name_plural = "klaim santunan"
        constraints = [
            models.UniqueConstraint(
                fields=["deceased_nik"],
                condition=~Q(status="ditolak"),
                name="santunan_one_claim_per_deceased_nik",
                violation_error_message=(
                    "Klaim santunan untuk NIK ini sudah pernah diajukan. Lacak klaim tersebut dengan kodenya."
                ),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="santunan_claim_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="ditolak") | ~Q(rejection_reason=""),
                name="santunan_rejected_claim_has_reason",
                violation_error_message="Klaim yang ditolak harus punya alasan.",
            ),
            models.CheckConstraint(
                condition=~Q(status="perlu_perbaikan") | (~Q(correction_item="") & ~Q(correction_note="")),
                name="santunan_correction_has_item_and_note",
                violation_error_message="Klaim yang dikembalikan harus menyebut apa yang perlu diperbaiki.",
            ),
            models.CheckConstraint(
                condition=~Q(status="dibayar") | Q(paid_at__isnull=False),
                name="santunan_paid_claim_has_paid_at",
                violation_error_message="Klaim yang dibayar harus punya waktu pembayaran.",
            ),
        ]
        indexes = [models.Index(fields=["status", "paid_at"], name="santunan_claim_status_paid")]

    def __str__(self):
        return f"{self.code} {self.deceased_name}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date_of_death and self.date_of_death > today:
            errors["date_of_death"] = "Tanggal meninggal tidak boleh di masa depan."
        elif self.date_of_death and self.deceased_birth_date and self.date_of_death < self.deceased_birth_date:
            errors["date_of_death"] = "Tanggal meninggal tidak boleh sebelum tanggal lahir."
        if self.heir_nik and self.heir_nik == self.deceased_nik:
            errors["heir_nik"] = "NIK ahli waris tidak boleh sama dengan NIK almarhum/almarhumah."
        if self.status == self.Status.DITOLAK and not self.rejection_reason.strip():
            errors["rejection_reason"] = "Alasan penolakan wajib diisi."
        if self.status == self.Status.PERLU_PERBAIKAN:
            if not self.correction_item:
                errors["correction_item"] = "Pilih apa yang perlu diperbaiki."
            if not self.correction_note.strip():
                errors["correction_note"] = "Tulis catatan perbaikan untuk ahli waris."
        if self.status == self.Status.DIBAYAR and not self.payment_reference.strip():
            errors["payment_reference"] = "Referensi pembayaran wajib diisi."
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self):
        return self.status in (self.Status.DIBAYAR, self.Status.DITOLAK)


class ClaimStatusChange(models.Model):
    """Riwayat status klaim: setiap perubahan dicatat dengan waktu dan petugasnya."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history", verbose_name="klaim")
    from_status = models.CharField("dari", max_length=20, choices=Claim.Status.choices, blank=True)
    to_status = models.CharField("menjadi", max_length=20, choices=Claim.Status.choices)
    changed_at = models.DateTimeField("waktu", default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="santunan_status_changes",
        verbose_name="petugas",
    )
    note = models.TextField("catatan", blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = "riwayat status klaim"
        verbose_name_plural = "riwayat status klaim"

    def __str__(self):
        return f"{self.claim.code}: {self.from_status or '-'} -> {self.to_status}"
