"""Halaman publik (ajukan dan lacak klaim) dan halaman petugas (proses klaim, register, laporan)."""
import csv
from functools import wraps
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .formatting import mask_digits
from .forms import (
    ClaimActionForm,
    ClaimForm,
    CorrectionForm,
    RegisterImportForm,
    ReportMonthForm,
    TrackForm,
    add_service_errors,
)
from .models import Claim, SocialRegisterEntry


def staff_required(view):
    """Hanya petugas (is_staff). Belum masuk: ke halaman masuk. Sudah masuk tetapi bukan petugas: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
def home(request):
    return render(request, "santunan/home.html", {"track_form": TrackForm()})


@require_http_methods(["GET", "POST"])
def claim_create(request):
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                claim = services.claim_submit(**form.submission_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Klaim berhasil diajukan. Simpan kode klaim Anda: {claim.code}",
                )
                return redirect(reverse("santunan:claim_track") + "?kode=" + claim.code)
    else:
        form = ClaimForm()
    return render(request, "santunan/claim_form.html", {"form": form})


@require_safe
def claim_track(request):
    claim = None
    if "kode" in request.GET:
        form = TrackForm(request.GET)
        if form.is_valid():
            claim = services.claim_find_by_code(code=form.cleaned_data["kode"])
            if claim is None:
                form.add_error("kode", "Kode klaim tidak ditemukan. Periksa kembali kode Anda.")
    else:
        form = TrackForm()
    context = {"form": form, "claim": claim}
    if claim is not None:
        context["history"] = claim.history.all()
        context["masked_account"] = mask_digits(claim.account_number)
    return render(request, "santunan/track.html", context)


@require_http_methods(["GET", "POST"])
def claim_correct(request, code):
    """Ahli waris mengirim perbaikan yang diminta petugas (akta kematian atau rekening)."""
    claim = services.claim_find_by_code(code=code)
    if claim is None:
        raise Http404("Kode klaim tidak ditemukan.")
    track_url = reverse("santunan:claim_track") + "?kode=" + claim.code
    if claim.status != Claim.Status.PERLU_PERBAIKAN:
        messages.info(request, "Klaim ini tidak sedang menunggu perbaikan.")
        return redirect(track_url)
    if request.method == "POST":
        form = CorrectionForm(request.POST, request.FILES, claim=claim)
        if form.is_valid():
            try:
                services.claim_correct(claim=claim, **form.correction_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Perbaikan terkirim. Petugas akan memeriksa klaim Anda lagi.")
                return redirect(track_url)
    else:
        form = CorrectionForm(claim=claim)
    return render(request, "santunan/claim_correct.html", {"form": form, "claim": claim})


# --- Petugas ---


@staff_required
@require_safe
def staff_claim_list(request):
    claims = Claim.objects.all()
    status = request.GET.get("status", "")
    if status in Claim.Status.values:
        claims = claims.filter(status=status)
    else:
        status = ""
    query = request.GET.get("q", "").strip()
    if query:
        claims = claims.filter(
            Q(code__icontains=query) | Q(deceased_nik__startswith=query) | Q(deceased_name__icontains=query)
            | Q(heir_name__icontains=query)
        )
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    tabs = [(value, label, counts.get(value, 0)) for value, label in Claim.Status.choices]
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "santunan/petugas/claim_list.html",
        {"page": page, "status": status, "query": query, "tabs": tabs, "total": sum(counts.values())},
    )


def _detail_context(claim, action_form=None):
    allowed = services.ALLOWED_TRANSITIONS[claim.status]
    return {
        "claim": claim,
        "history": claim.history.select_related("changed_by"),
        "action_form": action_form,
        "can_verify": Claim.Status.DIVERIFIKASI in allowed,
        "can_approve": Claim.Status.DISETUJUI in allowed,
        "can_pay": Claim.Status.DIBAYAR in allowed,
        "can_reject": Claim.Status.DITOLAK in allowed,
        "can_return": Claim.Status.PERLU_PERBAIKAN in allowed,
        "correction_choices": Claim.Correction.choices,
    }


@staff_required
@require_safe
def staff_claim_detail(request, code):
    claim = get_object_or_404(Claim, code=code)
    return render(request, "santunan/petugas/claim_detail.html", _detail_context(claim))


@staff_required
@require_POST
def staff_claim_action(request, code):
    claim = get_object_or_404(Claim, code=code)
    form = ClaimActionForm(request.POST)
    if not form.is_valid():
        return render(request, "santunan/petugas/claim_detail.html", _detail_context(claim, form), status=400)
    data = form.cleaned_data
    action = data["action"]
    try:
        if action == "recheck":
            claim = services.claim_check_register(claim=claim)
            messages.success(request, f"Register {settings.SANTUNAN_PAYING_AGENCY} dicek ulang: "
                                      f"{claim.get_register_check_display()}.")
        else:
            claim = services.claim_transition(
                claim=claim,
                to_status=ClaimActionForm.ACTIONS[action],
                user=request.user,
                note=data["note"],
                rejection_reason=data["rejection_reason"],
                payment_reference=data["payment_reference"],
                correction_item=data["correction_item"],
                correction_note=data["correction_note"],
            )
            messages.success(request, f"Status klaim {claim.code} sekarang: {claim.get_status_display()}.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("santunan:staff_claim_detail", code=claim.code)


@staff_required
@require_safe
def staff_claim_certificate(request, code):
    claim = get_object_or_404(Claim, code=code)
    if not claim.death_certificate:
        raise Http404("Klaim ini tidak punya akta kematian.")
    try:
        handle = claim.death_certificate.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Berkas akta kematian tidak ditemukan.") from exc
    filename = "akta-kematian-" + claim.code + PurePosixPath(claim.death_certificate.name).suffix
    return FileResponse(handle, as_attachment=True, filename=filename)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_register_import(request):
    result = None
    if request.method == "POST":
        form = RegisterImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = services.register_import_csv(content=form.cleaned_data["file"].read())
            if result.ok:
                messages.success(
                    request,
                    f"Register diperbarui: {result.created} baru, {result.updated} berubah, "
                    f"{result.unchanged} tetap.",
                )
                return redirect("santunan:staff_register_import")
    else:
        form = RegisterImportForm()
    entries = SocialRegisterEntry.objects.all()
    return render(
        request,
        "santunan/petugas/register_import.html",
        {
            "form": form,
            "result": result,
            "entry_count": entries.count(),
            "status_counts": [
                (SocialRegisterEntry.Status(row["status"]).label, row["n"])
                for row in entries.values("status").annotate(n=Count("id")).order_by("status")
            ],
        },
    )


def _report_or_none(request):
    """(form, laporan) untuk ?bulan=TTTT-BB; tanpa bulan: bulan ini; bulan salah: laporan None."""
    form = ReportMonthForm(request.GET)
    if not form.is_valid():
        return form, None
    year, month = form.cleaned_data["bulan"]
    return form, services.payments_monthly_report(year=year, month=month)


@staff_required
@require_safe
def staff_report(request):
    form, report = _report_or_none(request)
    return render(
        request, "santunan/petugas/report.html", {"form": form, "report": report}, status=200 if report else 400
    )


def _csv_cell(value):
    """Cegah formula injection saat CSV dibuka di spreadsheet."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@staff_required
@require_safe
def staff_report_csv(request):
    form, report = _report_or_none(request)
    if report is None:
        return HttpResponse("Bulan tidak valid.", status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="santunan-dibayar-{report.year}-{report.month:02d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([
        "kode", "nik_almarhum", "nama_almarhum", "kecamatan", "tanggal_meninggal", "ahli_waris", "bank",
        "nomor_rekening", "pemilik_rekening", "nominal", "dibayar_pada", "referensi",
    ])
    for claim in report.claims:
        writer.writerow([_csv_cell(v) for v in (
            claim.code, claim.deceased_nik, claim.deceased_name, claim.deceased_district_name,
            claim.date_of_death.isoformat(), claim.heir_name, claim.bank_name, claim.account_number,
            claim.account_holder, claim.amount, timezone.localtime(claim.paid_at).strftime("%Y-%m-%d %H:%M"),
            claim.payment_reference,
        )])
    writer.writerow(["TOTAL", "", "", "", "", "", "", "", "", report.total, f"{report.count} klaim", ""])
    return response
