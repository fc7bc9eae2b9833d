"""Logika aplikasi. View, perintah manajemen, dan admin memanggil fungsi di sini, bukan mengubah model langsung."""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from .formatting import month_label
from .models import Agency, Claim, ClaimStatusChange, SocialRegisterEntry, generate_claim_code
from .nik import birth_date_of, district_name, parse_region_nik, parse_valid_nik

Status = Claim.Status

#: Perubahan status yang boleh dilakukan petugas: dari -> ke. Dibayar dan ditolak adalah status akhir.
#: Dari "perlu perbaikan" klaim kembali ke "diajukan" hanya lewat claim_correct (oleh ahli waris), agar
#: petugas tidak melewati perbaikan yang ia minta sendiri.
ALLOWED_TRANSITIONS = {
    Status.DIAJUKAN: (Status.DIVERIFIKASI, Status.PERLU_PERBAIKAN, Status.DITOLAK),
    Status.PERLU_PERBAIKAN: (Status.DITOLAK,),
    Status.DIVERIFIKASI: (Status.DISETUJUI, Status.PERLU_PERBAIKAN, Status.DITOLAK),
    Status.DISETUJUI: (Status.DIBAYAR, Status.DITOLAK),
    Status.DIBAYAR: (),
    Status.DITOLAK: (),
}


class InvalidTransition(ValidationError):
    """Perubahan status yang tidak diizinkan (mis. dari diajukan langsung ke dibayar)."""


def normalize_name(value):
    """Rapikan spasi pada nama."""
    return " ".join(str(value or "").split())


def _name_key(value):
    """Kunci pembanding nama: huruf kecil, tanpa tanda baca dan spasi ganda."""
    letters = "".join(ch if ch.isalnum() else " " for ch in str(value).casefold())
    return " ".join(letters.split())


def _new_claim_code():
    for _ in range(10):
        code = generate_claim_code()
        if not Claim.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Gagal membuat kode klaim yang unik.")


def _log_status(*, claim, from_status, to_status, user=None, note="", when=None):
    return ClaimStatusChange.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=to_status,
        changed_by=user if user is not None and user.is_authenticated else None,
        changed_at=when or timezone.now(),
        note=note,
    )


def _apply_register_check(claim):
    """Isi hasil cek register Dinas Sosial pada klaim (belum disimpan)."""
    entry = SocialRegisterEntry.objects.filter(nik=claim.deceased_nik).first()
    if entry is None:
        claim.register_check = Claim.RegisterCheck.TIDAK_TERDAFTAR
        claim.register_name = ""
        claim.register_status = ""
    else:
        claim.register_name = entry.name
        claim.register_status = entry.status
        if entry.status == SocialRegisterEntry.Status.PINDAH:
            claim.register_check = Claim.RegisterCheck.TIDAK_AKTIF
        elif _name_key(entry.name) == _name_key(claim.deceased_name):
            claim.register_check = Claim.RegisterCheck.COCOK
        else:
            claim.register_check = Claim.RegisterCheck.NAMA_BERBEDA
    claim.register_checked_at = timezone.now()


@transaction.atomic
def claim_submit(
    *,
    deceased_nik,
    deceased_name,
    date_of_death,
    heir_name,
    heir_nik,
    heir_relationship,
    bank_name,
    account_number,
    account_holder,
    death_certificate=None,
):
    """Ahli waris mengajukan klaim. Nominal dari settings.SANTUNAN_BENEFIT_AMOUNT; register langsung dicek."""
    try:
        info = parse_region_nik(deceased_nik, reference_date=date_of_death)
    except ValidationError as exc:
        raise ValidationError({"deceased_nik": exc.messages}) from exc
    try:
        heir = parse_valid_nik(heir_nik)
    except ValidationError as exc:
        raise ValidationError({"heir_nik": exc.messages}) from exc
    if settings.SANTUNAN_REQUIRE_DEATH_CERTIFICATE and not death_certificate:
        raise ValidationError({"death_certificate": "Akta kematian wajib diunggah."})

    claim = Claim(
        code=_new_claim_code(),
        deceased_nik=info.nik,
        deceased_name=normalize_name(deceased_name),
        deceased_gender=info.gender,
        deceased_birth_date=birth_date_of(info),
        deceased_district_code=info.district_code,
        deceased_district_name=district_name(info.district_code),
        date_of_death=date_of_death,
        heir_name=normalize_name(heir_name),
        heir_nik=heir.nik,
        heir_relationship=heir_relationship,
        bank_name=normalize_name(bank_name),
        account_number=str(account_number).strip(),
        account_holder=normalize_name(account_holder),
        amount=settings.SANTUNAN_BENEFIT_AMOUNT,
        status=Status.DIAJUKAN,
    )
    if death_certificate:
        claim.death_certificate = death_certificate
    _apply_register_check(claim)
    claim.full_clean()
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        # Dua pengajuan untuk NIK yang sama pada saat bersamaan: constraint basis data yang menolak.
        if claim.death_certificate:
            claim.death_certificate.delete(save=False)
        raise ValidationError(
            {"deceased_nik": "Klaim santunan untuk NIK ini sudah pernah diajukan."}, code="duplicate"
        ) from exc
    _log_status(claim=claim, from_status="", to_status=Status.DIAJUKAN, note="Diajukan oleh ahli waris.",
                when=claim.submitted_at)
    return claim


@transaction.atomic
def claim_check_register(*, claim):
    """Cocokkan ulang klaim dengan register Dinas Sosial (mis. setelah register diperbarui)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _apply_register_check(claim)
    claim.full_clean()
    claim.save(update_fields=["register_check", "register_name", "register_status", "register_checked_at",
                              "updated_at"])
    return claim


@transaction.atomic
def claim_transition(
    *,
    claim,
    to_status,
    user=None,
    note="",
    rejection_reason="",
    payment_reference="",
    correction_item="",
    correction_note="",
):
    """Ubah status klaim bila perubahan itu diizinkan, lalu catat di riwayat."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    from_status = claim.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            f"Status klaim tidak dapat diubah dari \"{Status(from_status).label}\" "
            f"menjadi \"{Status(to_status).label}\".",
            code="invalid_transition",
        )
    now = timezone.now()
    note = str(note or "").strip()
    if to_status == Status.DITOLAK:
        reason = str(rejection_reason or "").strip()
        if not reason:
            raise ValidationError({"rejection_reason": "Alasan penolakan wajib diisi."})
        claim.rejection_reason = reason
        note = note or reason
    if to_status == Status.PERLU_PERBAIKAN:
        item, message = str(correction_item or ""), str(correction_note or "").strip()
        errors = {}
        if item not in Claim.Correction.values:
            errors["correction_item"] = "Pilih apa yang perlu diperbaiki."
        if not message:
            errors["correction_note"] = "Tulis catatan perbaikan untuk ahli waris."
        if errors:
            raise ValidationError(errors)
        claim.correction_item, claim.correction_note = item, message
        note = note or f"{Claim.Correction(item).label}: {message}"
    if to_status == Status.DIBAYAR:
        reference = str(payment_reference or "").strip()
        if not reference:
            raise ValidationError({"payment_reference": "Referensi pembayaran wajib diisi."})
        claim.payment_reference = reference
        claim.paid_at = now
    claim.status = to_status
    claim.full_clean()
    claim.save()
    _log_status(claim=claim, from_status=from_status, to_status=to_status, user=user, note=note, when=now)
    return claim


def claim_verify(*, claim, user=None, note=""):
    """Petugas memeriksa berkas dan data klaim."""
    return claim_transition(claim=claim, to_status=Status.DIVERIFIKASI, user=user, note=note)


def claim_approve(*, claim, user=None, note=""):
    """Pejabat menyetujui pembayaran."""
    return claim_transition(claim=claim, to_status=Status.DISETUJUI, user=user, note=note)


def claim_pay(*, claim, payment_reference, user=None, note=""):
    """Santunan ditransfer ke rekening ahli waris."""
    return claim_transition(
        claim=claim, to_status=Status.DIBAYAR, user=user, note=note, payment_reference=payment_reference
    )


def claim_return_for_correction(*, claim, correction_item, correction_note, user=None):
    """Petugas mengembalikan klaim ke ahli waris: apa yang kurang atau salah, bukan langsung ditolak."""
    return claim_transition(
        claim=claim,
        to_status=Status.PERLU_PERBAIKAN,
        user=user,
        correction_item=correction_item,
        correction_note=correction_note,
    )


def _digits(value):
    return "".join(ch for ch in str(value or "") if ch.isdigit())


@transaction.atomic
def claim_correct(
    *, claim, heir_nik, death_certificate=None, bank_name="", account_number="", account_holder=""
):
    """Ahli waris mengirim perbaikan yang diminta petugas; klaim kembali "diajukan" untuk diperiksa lagi.

    NIK ahli waris harus sama dengan yang di klaim: kode klaim saja tidak cukup untuk mengubah rekening tujuan
    pembayaran. Hanya bagian yang diminta petugas yang boleh diubah.
    """
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Status.PERLU_PERBAIKAN:
        raise InvalidTransition("Klaim ini tidak sedang menunggu perbaikan.", code="not_awaiting_correction")
    if _digits(heir_nik) != claim.heir_nik:
        raise ValidationError({"heir_nik": "NIK ahli waris tidak sama dengan NIK pada klaim ini."}, code="heir_nik")
    item = claim.correction_item
    old_certificate = None
    if item == Claim.Correction.AKTA_KEMATIAN:
        if not death_certificate:
            raise ValidationError({"death_certificate": "Unggah akta kematian."})
        old_certificate = claim.death_certificate.name or None
        claim.death_certificate = death_certificate
    elif item == Claim.Correction.REKENING:
        claim.bank_name = normalize_name(bank_name)
        claim.account_number = str(account_number or "").strip()
        claim.account_holder = normalize_name(account_holder)
    done = f"Diperbaiki oleh ahli waris: {Claim.Correction(item).label}."
    claim.status = Status.DIAJUKAN
    claim.correction_item, claim.correction_note = "", ""
    claim.full_clean()
    claim.save()
    if old_certificate and old_certificate != claim.death_certificate.name:
        # Akta lama berisi data pribadi dan sudah diganti: hapus berkasnya setelah perubahan benar tersimpan.
        storage = claim.death_certificate.storage
        transaction.on_commit(lambda: storage.delete(old_certificate))
    _log_status(claim=claim, from_status=Status.PERLU_PERBAIKAN, to_status=Status.DIAJUKAN, note=done)
    return claim


def claim_reject(*, claim, rejection_reason, user=None):
    """Klaim ditolak dengan alasan yang dapat dibaca ahli waris."""
    return claim_transition(claim=claim, to_status=Status.DITOLAK, user=user, rejection_reason=rejection_reason)


def claim_find_by_code(*, code):
    """Klaim untuk kode yang diketik ahli waris (huruf besar/kecil dan spasi diabaikan), atau None."""
    code = "".join(str(code or "").split()).upper()
    if not code:
        return None
    return Claim.objects.filter(code=code).first()


# --- Register Dinas Sosial ---


@transaction.atomic
def register_entry_upsert(*, nik, name, status):
    """Tambah atau perbarui satu data register. Mengembalikan (entry, "created"|"updated"|"unchanged")."""
    info = parse_valid_nik(nik)
    entry = SocialRegisterEntry.objects.filter(nik=info.nik).first()
    name = normalize_name(name)
    if entry is None:
        entry = SocialRegisterEntry(nik=info.nik, name=name, status=status)
        outcome = "created"
    elif entry.name == name and entry.status == status:
        return entry, "unchanged"
    else:
        entry.name, entry.status = name, status
        outcome = "updated"
    entry.full_clean()
    entry.save()
    return entry, outcome


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class RegisterImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


_NAME_COLUMNS = ("nama", "name")
_STATUS_ALIASES = {
    **{value: value for value in SocialRegisterEntry.Status.values},
    **{label.casefold(): value for value, label in SocialRegisterEntry.Status.choices},
    "hidup": SocialRegisterEntry.Status.AKTIF,
    "meninggal dunia": SocialRegisterEntry.Status.MENINGGAL,
    "pindah": SocialRegisterEntry.Status.PINDAH,
}
REGISTER_MAX_ROWS = 50000


def _decode(content):
    if isinstance(content, bytes):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("Berkas harus berupa teks UTF-8 (simpan sebagai CSV UTF-8).") from exc
    return content.lstrip("\ufeff")


def _parse_register_rows(text, result):
    """Baca dan periksa semua baris; kembalikan daftar (nik, nama, status) bila tanpa kesalahan."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        result.errors.append(RowError(1, "Berkas kosong."))
        return []
    columns = [col.strip().casefold() for col in header]
    try:
        nik_col = columns.index("nik")
        name_col = next(columns.index(c) for c in _NAME_COLUMNS if c in columns)
        status_col = columns.index("status")
    except (ValueError, StopIteration):
        result.errors.append(RowError(1, "Baris judul harus memuat kolom: nik, nama, status."))
        return []

    rows, seen = [], {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) + len(result.errors) >= REGISTER_MAX_ROWS:
            result.errors.append(RowError(line, f"Terlalu banyak baris (maksimal {REGISTER_MAX_ROWS})."))
            break
        if len(row) <= max(nik_col, name_col, status_col):
            result.errors.append(RowError(line, "Jumlah kolom kurang."))
            continue
        problems = []
        try:
            nik = parse_valid_nik(row[nik_col]).nik
        except ValidationError as exc:
            nik = None
            problems.append("NIK: " + " ".join(exc.messages))
        name = normalize_name(row[name_col])
        if not name:
            problems.append("Nama kosong.")
        elif len(name) > 200:
            problems.append("Nama terlalu panjang (maksimal 200 karakter).")
        status = _STATUS_ALIASES.get(row[status_col].strip().casefold())
        if status is None:
            problems.append(
                f"Status \"{row[status_col].strip()}\" tidak dikenal (pakai: aktif, meninggal, pindah)."
            )
        if nik and nik in seen:
            problems.append(f"NIK ganda, sudah ada di baris {seen[nik]}.")
        if problems:
            result.errors.append(RowError(line, " ".join(problems)))
            continue
        seen[nik] = line
        rows.append((nik, name, status))
    return rows


@transaction.atomic
def register_import_csv(*, content):
    """Impor register Dinas Sosial dari CSV (kolom nik, nama, status; pemisah koma atau titik koma).

    Semua baris diperiksa dulu: bila ada satu saja yang salah, tidak ada yang disimpan dan kesalahannya
    dikembalikan per baris. Impor ulang berkas yang sama tidak mengubah apa pun (idempoten).
    """
    result = RegisterImportResult()
    try:
        text = _decode(content)
    except ValidationError as exc:
        result.errors.append(RowError(1, exc.messages[0]))
        return result
    rows = _parse_register_rows(text, result)
    if result.errors:
        return result
    if not rows:
        result.errors.append(RowError(2, "Tidak ada baris data."))
        return result
    for nik, name, status in rows:
        _, outcome = register_entry_upsert(nik=nik, name=name, status=status)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# --- Perangkat daerah ---


@transaction.atomic
def agencies_seed(*, names=None, paying_agency=None):
    """Isi tabel perangkat daerah dari settings.AGENCIES; tandai pembayar santunan. Aman dijalankan berulang."""
    names = list(settings.AGENCIES if names is None else names)
    paying_agency = normalize_name(settings.SANTUNAN_PAYING_AGENCY if paying_agency is None else paying_agency)
    if paying_agency and paying_agency not in names:
        names.append(paying_agency)
    created = 0
    for name in names:
        agency, was_created = Agency.objects.get_or_create(name=name)
        created += int(was_created)
        is_payer = name == paying_agency
        if agency.is_paying_agency != is_payer:
            agency.is_paying_agency = is_payer
            agency.full_clean()
            agency.save(update_fields=["is_paying_agency"])
    Agency.objects.filter(is_paying_agency=True).exclude(name=paying_agency).update(is_paying_agency=False)
    return created


# --- Laporan ---


@dataclass
class MonthlyPaymentsReport:
    year: int
    month: int
    claims: list
    count: int
    total: int

    @property
    def label(self):
        return month_label(self.year, self.month)


def _month_bounds(year, month):
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def payments_monthly_report(*, year, month):
    """Klaim yang dibayar dalam satu bulan (waktu setempat), jumlah klaim, dan total Rupiah."""
    start, end = _month_bounds(year, month)
    qs = Claim.objects.filter(status=Status.DIBAYAR, paid_at__gte=start, paid_at__lt=end).order_by("paid_at", "id")
    total = qs.aggregate(total=Sum("amount"))["total"] or 0
    claims = list(qs)
    return MonthlyPaymentsReport(year=year, month=month, claims=claims, count=len(claims), total=total)
