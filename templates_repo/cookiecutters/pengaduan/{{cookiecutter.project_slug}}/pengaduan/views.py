"""Halaman warga (lapor, lacak) dan halaman petugas (daftar, detail, terlambat, kepatuhan SLA)."""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import (
    AgencyTransferForm,
    DateRangeForm,
    ReportFilterForm,
    ReportForm,
    StatusChangeForm,
    TrackForm,
    add_service_errors,
)
from .models import Report
from .permissions import (
    user_can_handle_report,
    user_can_transfer_report,
    user_is_coordinator,
    user_is_staff_member,
)

PAGE_SIZE = 25


def staff_required(view):
    """Belum login → ke halaman masuk; login tapi bukan staf/petugas → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_staff_member(request.user):
            raise PermissionDenied("Halaman ini khusus petugas.")
        return view(request, *args, **kwargs)

    return wrapper


def _report_for_staff(request, code):
    report = get_object_or_404(Report.objects.select_related("category", "agency"), ticket_code=code)
    if not user_can_handle_report(request.user, report):
        raise PermissionDenied("Laporan ini ditangani OPD lain.")
    return report


# --- Warga ------------------------------------------------------------------------------------------


@require_GET
def home(request):
    # Rekap publik 30 hari terakhir (tanpa kode tiket, agar kode tetap hanya diketahui pelapornya).
    today = timezone.localdate()
    stats = selectors.sla_compliance(start=today - timedelta(days=29), end=today)[-1]
    return render(request, "pengaduan/home.html", {"track_form": TrackForm(), "stats": stats})


@require_http_methods(["GET", "POST"])
def report_create(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(**form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["last_ticket"] = report.ticket_code
            messages.success(request, f"Laporan terkirim. Simpan kode tiket Anda: {report.ticket_code}")
            return redirect("pengaduan:report_submitted", code=report.ticket_code)
    return render(request, "pengaduan/report_form.html", {"form": form, "staff_intake": False})


@require_GET
def report_submitted(request, code):
    # Halaman konfirmasi hanya untuk pengirim laporan itu (sesi yang sama); selainnya cukup halaman lacak.
    if request.session.get("last_ticket") != code:
        return redirect("pengaduan:track_detail", code=code)
    report = get_object_or_404(Report, ticket_code=code)
    return render(request, "pengaduan/report_submitted.html", {"report": report})


@require_GET
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if Report.objects.filter(ticket_code=code).exists():
            return redirect("pengaduan:track_detail", code=code)
        form.add_error("code", "Kode tiket tidak ditemukan. Periksa kembali penulisannya.")
    return render(request, "pengaduan/track_lookup.html", {"form": form})


@require_GET
def track_detail(request, code):
    normalized = services.ticket_code_normalize(raw=code)
    if normalized is None:
        raise Http404("Kode tiket tidak dikenal.")
    if normalized != code:
        return redirect("pengaduan:track_detail", code=normalized)
    report = get_object_or_404(Report.objects.select_related("category", "agency", "escalation"), ticket_code=code)
    return render(
        request,
        "pengaduan/track_detail.html",
        {"report": report, "history": selectors.report_timeline(report=report), "is_overdue": report.is_overdue()},
    )


# --- Petugas ----------------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_report_list(request):
    reports = selectors.reports_visible_to(user=request.user)
    form = ReportFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["agency"]:
            reports = reports.filter(agency=form.cleaned_data["agency"])
        if form.cleaned_data["q"]:
            reports = reports.filter(ticket_code__icontains=form.cleaned_data["q"].strip())
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pengaduan/staff/report_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "now": timezone.now()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_report_create(request):
    form = ReportForm(request.POST or None, request.FILES or None, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(**form.service_kwargs(), created_by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Laporan {report.ticket_code} dicatat.")
            return redirect("pengaduan:staff_report_detail", code=report.ticket_code)
    return render(request, "pengaduan/report_form.html", {"form": form, "staff_intake": True})


@staff_required
@require_GET
def staff_report_detail(request, code):
    report = _report_for_staff(request, code)
    return _render_detail(request, report)


def _render_detail(request, report, *, status_form=None, transfer_form=None, status=200):
    if status_form is None and report.is_open:
        status_form = StatusChangeForm(report=report)
    if transfer_form is None and user_can_transfer_report(request.user, report):
        transfer_form = AgencyTransferForm(report=report)
    context = {
        "report": report,
        "history": selectors.report_timeline(report=report),
        "status_form": status_form,
        "transfer_form": transfer_form,
    }
    return render(request, "pengaduan/staff/report_detail.html", context, status=status)


@staff_required
@require_POST
def staff_report_change_status(request, code):
    report = _report_for_staff(request, code)
    form = StatusChangeForm(request.POST, report=report)
    if form.is_valid():
        try:
            report = services.report_change_status(
                report=report,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Status {report.ticket_code} menjadi “{report.get_status_display()}”.")
            return redirect("pengaduan:staff_report_detail", code=report.ticket_code)
    return _render_detail(request, report, status_form=form, status=400)


@staff_required
@require_POST
def staff_report_transfer(request, code):
    report = _report_for_staff(request, code)
    if not user_can_transfer_report(request.user, report):
        raise PermissionDenied("Laporan yang sudah ditutup tidak dapat dipindahkan.")
    form = AgencyTransferForm(request.POST, report=report)
    if form.is_valid():
        try:
            report = services.report_transfer(
                report=report,
                to_agency=form.cleaned_data["to_agency"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{report.ticket_code} dipindahkan ke {report.agency}.")
            # Petugas OPD asal tidak lagi menangani laporan ini: kembali ke daftarnya.
            if user_can_handle_report(request.user, report):
                return redirect("pengaduan:staff_report_detail", code=report.ticket_code)
            return redirect("pengaduan:staff_report_list")
    return _render_detail(request, report, transfer_form=form, status=400)


@staff_required
@require_GET
def staff_report_photo(request, code):
    report = _report_for_staff(request, code)
    if not report.photo:
        raise Http404("Laporan ini tidak berfoto.")
    try:
        handle = report.photo.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas foto tidak ditemukan.") from None
    return FileResponse(handle)


@staff_required
@require_GET
def staff_overdue(request):
    now = timezone.now()
    page = Paginator(selectors.reports_overdue(user=request.user, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "now": now, "is_coordinator": user_is_coordinator(request.user)}
    return render(request, "pengaduan/staff/overdue.html", context)


@staff_required
@require_POST
def staff_report_escalate(request, code):
    report = _report_for_staff(request, code)
    try:
        escalation, created = services.report_escalate(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            messages.success(request, f"{report.ticket_code} dieskalasikan kepada {escalation.officer}.")
        else:
            messages.info(request, f"{report.ticket_code} sudah dieskalasikan sebelumnya.")
    return redirect("pengaduan:staff_overdue")


@staff_required
@require_POST
def staff_escalate_all(request):
    if not user_is_coordinator(request.user):
        raise PermissionDenied("Eskalasi massal khusus staf koordinator.")
    created = services.reports_escalate_overdue(by=request.user)
    officer = settings.ESCALATION_OFFICER
    messages.success(request, f"{len(created)} laporan terlambat dieskalasikan kepada {officer}.")
    return redirect("pengaduan:staff_overdue")


@staff_required
@require_GET
def staff_sla(request):
    form = DateRangeForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.sla_compliance(start=start, end=end)
    return render(request, "pengaduan/staff/sla.html", {"form": form, "rows": rows[:-1], "total": rows[-1]})
