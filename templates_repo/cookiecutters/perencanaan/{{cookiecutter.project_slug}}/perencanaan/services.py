"""Logika bisnis e-planning. Semua perubahan data usulan lewat fungsi di sini.

Alur usulan (tahap musrenbang diatur ``config.region.ROUNDS``):

    draf --ajukan--> diajukan (tahap pertama)
    diajukan --setujui--> diajukan (tahap berikutnya)          bila bukan tahap terakhir
    diajukan --setujui--> disetujui                            di tahap terakhir: perlu OPD dan sisa pagu cukup
    diajukan --tolak--> ditolak                                 (catatan wajib)
    diajukan --kembalikan--> dikembalikan --ajukan--> diajukan  (catatan wajib; diajukan lagi di tahap yang sama)
    diajukan --gabungkan--> digabung                            (catatan wajib; ke usulan lain yang sedang dibahas
                                                                 di tahap dan tahun anggaran yang sama)

Transisi lain ditolak dengan ``ValidationError``. Setiap perubahan status dicatat di ``ProposalEvent``.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from config import region

from .models import (
    SCORE_SCALE_MAX,
    Agency,
    BudgetCeiling,
    Criterion,
    Level,
    Proposal,
    ProposalEvent,
    ProposalScore,
    Status,
)

Action = ProposalEvent.Action

#: Kolom usulan yang boleh diisi pengusul.
PROPOSER_FIELDS = (
    "title",
    "description",
    "sector",
    "village",
    "location_detail",
    "volume",
    "unit",
    "cost_estimate",
    "beneficiaries",
)


def format_rupiah(amount):
    """1000000 -> "Rp 1.000.000" (Rupiah bulat, titik sebagai pemisah ribuan)."""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def round_label(level):
    """Label tahap musrenbang sesuai jenis daerah, mis. "Musrenbang Kota" untuk sebuah kota."""
    if level == Level.KABUPATEN:
        return f"Musrenbang {region.REGION_KIND}"
    try:
        return Level(level).label
    except ValueError:
        return str(level)


def _require_staff(user):
    if user is None or not (user.is_active and user.is_staff):
        raise PermissionDenied("Hanya staf perencanaan yang dapat melakukan tindakan ini.")


def _require_owner_or_staff(proposal, user):
    if user is None or not user.is_active:
        raise PermissionDenied("Silakan masuk terlebih dahulu.")
    if not (user.is_staff or proposal.proposer_id == user.pk):
        raise PermissionDenied("Anda bukan pengusul usulan ini.")


def _log(proposal, *, action, actor, from_status, note="", level=None, next_level=""):
    return ProposalEvent.objects.create(
        proposal=proposal,
        action=action,
        level=level or proposal.level,
        next_level=next_level,
        from_status=from_status,
        to_status=proposal.status,
        note=note,
        actor=actor,
        created_at=timezone.now(),
    )


def _locked(proposal):
    """Baca ulang usulan dengan kunci baris, agar dua keputusan serentak tidak saling menimpa."""
    return Proposal.objects.select_for_update().select_related("village", "agency").get(pk=proposal.pk)


# --- Usulan ------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, proposer, data):
    """Membuat usulan baru berstatus draf di tahap musrenbang pertama."""
    if proposer is None or not proposer.is_active:
        raise PermissionDenied("Silakan masuk terlebih dahulu.")
    proposal = Proposal(proposer=proposer, status=Status.DRAFT, level=region.ROUNDS[0], fiscal_year=region.FISCAL_YEAR)
    for field in PROPOSER_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    proposal.full_clean()
    proposal.save()
    _log(proposal, action=Action.CREATE, actor=proposer, from_status="")
    return proposal


@transaction.atomic
def proposal_update(*, proposal, user, data):
    """Mengubah isi usulan; hanya saat draf atau dikembalikan, oleh pengusul atau staf."""
    proposal = _locked(proposal)
    _require_owner_or_staff(proposal, user)
    if not proposal.is_editable:
        raise ValidationError("Usulan yang sedang dibahas atau sudah diputuskan tidak dapat diubah.")
    for field in PROPOSER_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_submit(*, proposal, user):
    """Mengajukan draf (ke tahap pertama) atau mengajukan ulang usulan yang dikembalikan (ke tahap yang sama)."""
    proposal = _locked(proposal)
    _require_owner_or_staff(proposal, user)
    if proposal.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError(f"Usulan berstatus {proposal.get_status_display().lower()} tidak dapat diajukan.")
    if proposal.level not in region.ROUNDS:
        proposal.level = region.ROUNDS[0]
    proposal.full_clean()
    previous = proposal.status
    proposal.status = Status.SUBMITTED
    proposal.save()
    _log(proposal, action=Action.SUBMIT, actor=user, from_status=previous)
    return proposal


@transaction.atomic
def proposal_decide(*, proposal, user, action, note=""):
    """Mencatat keputusan musrenbang pada tahap usulan saat ini: setujui, tolak, atau kembalikan.

    Menyetujui di tahap terakhir menetapkan usulan bila OPD pelaksana sudah ditetapkan dan sisa pagu
    indikatif OPD itu pada tahun anggaran usulan masih cukup (baris pagu dikunci selama pemeriksaan).
    """
    _require_staff(user)
    note = (note or "").strip()
    if action not in (Action.APPROVE, Action.REJECT, Action.RETURN):
        raise ValidationError("Keputusan tidak dikenal.")
    proposal = _locked(proposal)
    if proposal.status != Status.SUBMITTED:
        raise ValidationError(
            f"Usulan berstatus {proposal.get_status_display().lower()} tidak dapat diputuskan; "
            "hanya usulan yang sedang dibahas yang dapat diputuskan."
        )
    if proposal.level not in region.ROUNDS:
        raise ValidationError(f"{round_label(proposal.level)} tidak dipakai di daerah ini.")
    if action in (Action.REJECT, Action.RETURN) and not note:
        raise ValidationError({"note": "Catatan wajib diisi saat menolak atau mengembalikan usulan."})

    previous, level, next_level = proposal.status, proposal.level, ""
    if action == Action.REJECT:
        proposal.status = Status.REJECTED
    elif action == Action.RETURN:
        proposal.status = Status.RETURNED
    elif not proposal.is_final_round:
        next_level = region.ROUNDS[region.ROUNDS.index(level) + 1]
        proposal.level = next_level
    else:
        _check_ceiling(proposal)
        proposal.status = Status.APPROVED
    proposal.save()
    _log(proposal, action=action, actor=user, from_status=previous, note=note, level=level, next_level=next_level)
    return proposal


@transaction.atomic
def proposal_merge(*, proposal, user, into, note):
    """Menggabungkan usulan ganda ke usulan lain yang sedang dibahas di tahap dan tahun anggaran yang sama.

    Dalam musrenbang, usulan yang sama dari beberapa desa (mis. satu ruas jalan) dibahas sebagai satu usulan.
    Usulan yang digabung berhenti (status digabung, tidak dapat diajukan lagi) dan menunjuk usulan
    penampungnya; riwayat keduanya mencatat penggabungan beserta alasannya, agar pengusul tahu ke mana
    usulannya pergi.
    """
    _require_staff(user)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Catatan wajib diisi saat menggabungkan usulan."})
    if into is None:
        raise ValidationError({"into": "Pilih usulan penampung."})
    if into.pk == proposal.pk:
        raise ValidationError({"into": "Usulan tidak dapat digabung ke dirinya sendiri."})
    # Kunci keduanya dalam urutan id agar dua penggabungan serentak tidak saling menunggu.
    rows = Proposal.objects.select_for_update().select_related("village").filter(pk__in=[proposal.pk, into.pk])
    locked = {p.pk: p for p in rows.order_by("pk")}
    proposal, into = locked[proposal.pk], locked[into.pk]
    if proposal.status != Status.SUBMITTED:
        raise ValidationError(
            f"Usulan berstatus {proposal.get_status_display().lower()} tidak dapat digabung; "
            "hanya usulan yang sedang dibahas yang dapat digabung."
        )
    if into.status != Status.SUBMITTED or into.level != proposal.level or into.fiscal_year != proposal.fiscal_year:
        raise ValidationError(
            {
                "into": f"Usulan penampung harus sedang dibahas di {round_label(proposal.level)} "
                f"tahun anggaran {proposal.fiscal_year}."
            }
        )
    previous = proposal.status
    proposal.status = Status.MERGED
    proposal.merged_into = into
    proposal.save()
    _log(proposal, action=Action.MERGE, actor=user, from_status=previous, note=note)
    _log(
        into,
        action=Action.ABSORB,
        actor=user,
        from_status=into.status,
        note=f'Menampung usulan #{proposal.pk} "{proposal.title}" dari {proposal.village}: {note}',
    )
    return proposal


def _check_ceiling(proposal):
    """Menolak persetujuan yang membuat jumlah usulan disetujui melampaui pagu OPD."""
    if proposal.agency_id is None:
        raise ValidationError("Tetapkan OPD pelaksana sebelum menyetujui usulan di tahap penetapan.")
    ceiling = (
        BudgetCeiling.objects.select_for_update()
        .filter(agency_id=proposal.agency_id, fiscal_year=proposal.fiscal_year)
        .first()
    )
    if ceiling is None:
        raise ValidationError(f"Pagu indikatif {proposal.agency} tahun {proposal.fiscal_year} belum ditetapkan.")
    remaining = ceiling.remaining()
    if proposal.cost_estimate > remaining:
        raise ValidationError(
            f"Melebihi pagu indikatif {proposal.agency} tahun {proposal.fiscal_year}: "
            f"sisa pagu {format_rupiah(remaining)}, usulan {format_rupiah(proposal.cost_estimate)}."
        )


@transaction.atomic
def proposal_assign_agency(*, proposal, user, agency):
    """Menetapkan OPD pelaksana untuk usulan yang belum disetujui atau ditolak."""
    _require_staff(user)
    proposal = _locked(proposal)
    if proposal.status in (Status.APPROVED, Status.REJECTED, Status.MERGED):
        raise ValidationError("OPD pelaksana tidak dapat diubah setelah usulan diputuskan.")
    if not isinstance(agency, Agency):
        raise ValidationError({"agency": "Pilih OPD pelaksana."})
    if proposal.agency_id == agency.pk:
        return proposal
    proposal.agency = agency
    proposal.full_clean()
    proposal.save()
    _log(proposal, action=Action.ASSIGN, actor=user, from_status=proposal.status, note=agency.name)
    return proposal


# --- Penilaian prioritas -----------------------------------------------------------------------------------


def compute_priority_score(values_by_criterion, criteria):
    """Skor 0-100: jumlah (bobot x nilai) dibagi jumlah (bobot x nilai maksimum), dibulatkan 2 desimal.

    ``values_by_criterion`` memetakan id kriteria ke nilai 1-5; kriteria yang belum dinilai dihitung 0,
    kriteria berbobot 0 diabaikan.
    """
    total_weight = sum(c.weight for c in criteria)
    if total_weight == 0:
        return Decimal("0.00")
    earned = sum(c.weight * values_by_criterion.get(c.pk, 0) for c in criteria)
    score = Decimal(100 * earned) / Decimal(total_weight * SCORE_SCALE_MAX)
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_breakdown(proposal):
    """Rincian skor untuk ditampilkan: tiap kriteria dengan bobot, nilai, dan sumbangannya pada skor."""
    criteria = list(Criterion.objects.all())
    values = {s.criterion_id: s.value for s in proposal.scores.all()}
    total_weight = sum(c.weight for c in criteria)
    rows = []
    for c in criteria:
        value = values.get(c.pk)
        contribution = Decimal("0.00")
        if total_weight and value:
            contribution = (Decimal(100 * c.weight * value) / Decimal(total_weight * SCORE_SCALE_MAX)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        rows.append({"criterion": c, "weight": c.weight, "value": value, "contribution": contribution})
    return rows


def _recompute(proposals, criteria):
    changed = 0
    for proposal in proposals:
        values = {s.criterion_id: s.value for s in proposal.scores.all()}
        score = compute_priority_score(values, criteria)
        if score != proposal.priority_score:
            Proposal.objects.filter(pk=proposal.pk).update(priority_score=score)
            proposal.priority_score = score
            changed += 1
    return changed


@transaction.atomic
def proposal_score(*, proposal, user, values):
    """Menyimpan nilai (1-5) usulan per kriteria dan menghitung ulang skor prioritasnya.

    ``values`` memetakan objek ``Criterion`` ke nilai; nilai ``None`` menghapus penilaian kriteria itu.
    """
    _require_staff(user)
    proposal = _locked(proposal)
    if proposal.status == Status.DRAFT:
        raise ValidationError("Draf belum dapat dinilai; usulan harus diajukan terlebih dahulu.")
    now = timezone.now()
    for criterion, value in values.items():
        if value in (None, ""):
            ProposalScore.objects.filter(proposal=proposal, criterion=criterion).delete()
            continue
        score, _ = ProposalScore.objects.get_or_create(
            proposal=proposal, criterion=criterion, defaults={"value": value, "scored_by": user, "scored_at": now}
        )
        score.value, score.scored_by, score.scored_at = value, user, now
        score.full_clean()
        score.save()
    _recompute([proposal], list(Criterion.objects.all()))
    return proposal


@transaction.atomic
def proposal_scores_recompute():
    """Menghitung ulang skor prioritas semua usulan (mis. setelah bobot kriteria diubah). Mengembalikan
    jumlah usulan yang skornya berubah."""
    criteria = list(Criterion.objects.all())
    return _recompute(Proposal.objects.prefetch_related("scores").select_for_update(), criteria)


@transaction.atomic
def criteria_update_weights(*, user, weights):
    """Mengubah bobot kriteria (``{criterion: bobot}``) lalu menghitung ulang semua skor."""
    _require_staff(user)
    for criterion, weight in weights.items():
        criterion.weight = weight
        criterion.full_clean()
        criterion.save(update_fields=["weight"])
    if sum(c.weight for c in Criterion.objects.all()) == 0:
        raise ValidationError("Setidaknya satu kriteria harus berbobot lebih dari 0.")
    return proposal_scores_recompute()


# --- Pagu indikatif ----------------------------------------------------------------------------------------


@transaction.atomic
def ceiling_set(*, user, agency, fiscal_year, amount):
    """Menetapkan (membuat atau mengubah) pagu indikatif OPD pada satu tahun anggaran.

    Pagu tidak boleh lebih kecil dari jumlah usulan OPD itu yang sudah disetujui.
    """
    _require_staff(user)
    ceiling = BudgetCeiling.objects.select_for_update().filter(agency=agency, fiscal_year=fiscal_year).first()
    if ceiling is None:
        ceiling = BudgetCeiling(agency=agency, fiscal_year=fiscal_year, amount=amount)
    ceiling.amount = amount
    approved = ceiling.approved_total()
    if amount < approved:
        raise ValidationError(
            {"amount": f"Pagu tidak boleh di bawah jumlah usulan yang sudah disetujui ({format_rupiah(approved)})."}
        )
    ceiling.full_clean()
    ceiling.save()
    return ceiling


def ceiling_summary(fiscal_year):
    """Pagu, jumlah disetujui, dan sisa pagu tiap OPD untuk satu tahun anggaran."""
    ceilings = {c.agency_id: c.amount for c in BudgetCeiling.objects.filter(fiscal_year=fiscal_year)}
    approved = dict(
        Proposal.objects.filter(fiscal_year=fiscal_year, status=Status.APPROVED, agency__isnull=False)
        .values("agency")
        .annotate(total=Sum("cost_estimate"))
        .values_list("agency", "total")
    )
    rows = []
    for agency in Agency.objects.all():
        amount = ceilings.get(agency.pk)
        used = approved.get(agency.pk) or 0
        rows.append(
            {
                "agency": agency,
                "amount": amount,
                "approved": used,
                "remaining": None if amount is None else amount - used,
            }
        )
    return rows


# --- Akun demo ---------------------------------------------------------------------------------------------

#: Akun demo untuk mencoba aplikasi di komputer sendiri: (nama pengguna, kata sandi, staf?). Kata sandinya
#: tertulis di sini dan di README, jadi siapa pun tahu: akun ini tidak boleh ada di server sungguhan.
DEMO_ACCOUNTS = (
    ("admin", "admin-demo-123", True),
    ("operator", "operator-demo-123", False),
)
DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD, _ = DEMO_ACCOUNTS[0]


@transaction.atomic
def demo_accounts_ensure():
    """Membuat akun demo yang belum ada; hanya saat DEBUG aktif. Mengembalikan ``[(user, dibuat?)]``.

    Kata sandi akun yang sudah ada tidak diubah.
    """
    if not settings.DEBUG:
        raise ValidationError("Akun demo hanya dibuat saat DEBUG aktif (DJANGO_DEBUG=1), tidak di server sungguhan.")
    result = []
    for username, password, staff in DEMO_ACCOUNTS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": staff, "is_superuser": staff}
        )
        if created:
            user.set_password(password)
            user.save()
        result.append((user, created))
    return result


def demo_accounts_in_use():
    """Nama pengguna akun demo yang masih ada dengan kata sandi bawaannya (yang diketahui umum)."""
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    return [
        username
        for username, password, _staff in DEMO_ACCOUNTS
        if username in users and users[username].check_password(password)
    ]
