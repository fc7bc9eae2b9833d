"""Halaman e-planning: publik (beranda, peringkat usulan), pengusul, dan staf perencanaan."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import Rank
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from config import region

from . import selectors, services
from .exports import write_proposals_csv
from .forms import (
    AssignAgencyForm,
    CeilingForm,
    CriteriaWeightsForm,
    DecisionForm,
    MergeForm,
    ProposalFilterForm,
    ProposalForm,
    ScoreForm,
)
from .models import Criterion, Proposal, Status

PAGE_SIZE = 20


def staff_required(view):
    """Hanya untuk staf: tamu diarahkan ke halaman masuk, pengguna biasa mendapat 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Halaman ini khusus staf perencanaan.")
        return view(request, *args, **kwargs)

    return wrapper


def _add_service_error(form, exc):
    """Menampilkan ``ValidationError`` dari services pada formulir (per isian bila isiannya ada)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _ranked(queryset):
    """Urut skor prioritas dengan anotasi ``rank`` (skor sama, peringkat sama)."""
    return queryset.ranked().annotate(rank=Window(expression=Rank(), order_by=F("priority_score").desc()))


def _with_relations(queryset):
    return queryset.select_related("village__district", "agency")


# --- Publik ------------------------------------------------------------------------------------------------


def home(request):
    public = Proposal.objects.public().filter(fiscal_year=region.FISCAL_YEAR)
    counts = dict(public.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    status_counts = [(label, counts.get(value, 0)) for value, label in Status.choices if value != Status.DRAFT]
    context = {
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "top": _with_relations(_ranked(public))[:10],
        "ceilings": services.ceiling_summary(region.FISCAL_YEAR),
        "criteria": Criterion.objects.all(),
    }
    return render(request, "perencanaan/home.html", context)


def proposal_list(request):
    staff = request.user.is_authenticated and request.user.is_staff
    form = ProposalFilterForm(request.GET or None, include_draft=staff)
    proposals = form.filter(Proposal.objects.visible_to(request.user)) if form.is_bound else None
    if proposals is None:
        proposals = Proposal.objects.visible_to(request.user).filter(fiscal_year=region.FISCAL_YEAR)
    page = Paginator(_with_relations(_ranked(proposals)), PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "perencanaan/proposal_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _detail_context(request, proposal, **forms):
    user = request.user
    is_staff = user.is_authenticated and user.is_staff
    context = {
        "proposal": proposal,
        "breakdown": services.score_breakdown(proposal),
        "events": proposal.events.select_related("actor"),
        "can_edit": proposal.is_editable and (is_staff or proposal.proposer_id == user.pk),
        "is_staff": is_staff,
        "decision": proposal.last_decision(),
        "merged_proposals": proposal.merged_proposals.select_related("village"),
    }
    if is_staff:
        ceiling = proposal.agency.ceilings.filter(fiscal_year=proposal.fiscal_year).first() if proposal.agency else None
        context.update(
            {
                "ceiling": ceiling,
                "decision_form": forms.get("decision_form") or DecisionForm(),
                "agency_form": forms.get("agency_form") or AssignAgencyForm(initial={"agency": proposal.agency_id}),
                "score_form": forms.get("score_form") or ScoreForm(proposal=proposal),
                "merge_form": forms.get("merge_form") or MergeForm(proposal=proposal),
            }
        )
    return context


def proposal_detail(request, pk):
    proposal = get_object_or_404(
        _with_relations(Proposal.objects.visible_to(request.user)).select_related("merged_into"), pk=pk
    )
    return render(request, "perencanaan/proposal_detail.html", _detail_context(request, proposal))


# --- Pengusul ----------------------------------------------------------------------------------------------


@login_required
def my_proposals(request):
    proposals = _with_relations(Proposal.objects.filter(proposer=request.user)).select_related("merged_into")
    proposals = proposals.order_by("-created_at")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("halaman"))
    decisions = selectors.decisions_for(page.object_list)
    for proposal in page.object_list:
        proposal.decision = decisions.get(proposal.pk)
    return render(request, "perencanaan/my_proposals.html", {"page": page})


@login_required
def proposal_create(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(proposer=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "Usulan disimpan sebagai draf. Periksa lagi, lalu ajukan.")
            return redirect(proposal)
    return render(request, "perencanaan/proposal_form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if not (request.user.is_staff or proposal.proposer_id == request.user.pk):
        raise PermissionDenied("Anda bukan pengusul usulan ini.")
    if not proposal.is_editable:
        messages.error(request, "Usulan yang sedang dibahas atau sudah diputuskan tidak dapat diubah.")
        return redirect(proposal)
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_update(proposal=proposal, user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "Perubahan usulan disimpan.")
            return redirect(proposal)
    context = {"form": form, "proposal": proposal, "decision": proposal.last_decision()}
    return render(request, "perencanaan/proposal_form.html", context)


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        services.proposal_submit(proposal=proposal, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Usulan diajukan ke musrenbang.")
    return redirect(proposal)


# --- Staf --------------------------------------------------------------------------------------------------


@staff_required
def staff_dashboard(request):
    pending = Proposal.objects.filter(status=Status.SUBMITTED)
    per_level = dict(pending.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    rounds = [(level, services.round_label(level), per_level.get(level, 0)) for level in region.ROUNDS]
    return render(
        request,
        "perencanaan/kelola/dashboard.html",
        {"rounds": rounds, "unassigned": pending.filter(agency__isnull=True).count()},
    )


@require_POST
@staff_required
def proposal_decide(request, pk):
    proposal = get_object_or_404(_with_relations(Proposal.objects.all()), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                proposal=proposal, user=request.user, action=form.cleaned_data["action"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "Keputusan dicatat.")
            return redirect(proposal)
    context = _detail_context(request, proposal, decision_form=form)
    return render(request, "perencanaan/proposal_detail.html", context, status=400)


@require_POST
@staff_required
def proposal_assign(request, pk):
    proposal = get_object_or_404(_with_relations(Proposal.objects.all()), pk=pk)
    form = AssignAgencyForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_assign_agency(proposal=proposal, user=request.user, agency=form.cleaned_data["agency"])
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "OPD pelaksana ditetapkan.")
            return redirect(proposal)
    context = _detail_context(request, proposal, agency_form=form)
    return render(request, "perencanaan/proposal_detail.html", context, status=400)


@require_POST
@staff_required
def proposal_score(request, pk):
    proposal = get_object_or_404(_with_relations(Proposal.objects.all()), pk=pk)
    form = ScoreForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            services.proposal_score(proposal=proposal, user=request.user, values=form.values())
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "Nilai disimpan dan skor prioritas dihitung ulang.")
            return redirect(proposal)
    context = _detail_context(request, proposal, score_form=form)
    return render(request, "perencanaan/proposal_detail.html", context, status=400)


@require_POST
@staff_required
def proposal_merge(request, pk):
    proposal = get_object_or_404(_with_relations(Proposal.objects.all()), pk=pk)
    form = MergeForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            services.proposal_merge(
                proposal=proposal, user=request.user, into=form.cleaned_data["into"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, "Usulan digabung; pengusul melihat alasannya di halaman usulan.")
            return redirect(proposal)
    context = _detail_context(request, proposal, merge_form=form)
    return render(request, "perencanaan/proposal_detail.html", context, status=400)


@staff_required
def criteria(request):
    form = CriteriaWeightsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.criteria_update_weights(user=request.user, weights=form.weights())
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, f"Bobot disimpan; skor {changed} usulan berubah.")
            return redirect("perencanaan:criteria")
    return render(request, "perencanaan/kelola/criteria.html", {"form": form})


@staff_required
def ceilings(request):
    form = CeilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ceiling_set(
                user=request.user, agency=data["agency"], fiscal_year=data["fiscal_year"], amount=data["amount"]
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, f"Pagu {data['agency']} tahun {data['fiscal_year']} disimpan.")
            return redirect(f"{request.path}?tahun={data['fiscal_year']}")
    try:
        year = int(request.GET.get("tahun", region.FISCAL_YEAR))
    except ValueError:
        year = region.FISCAL_YEAR
    return render(
        request,
        "perencanaan/kelola/ceilings.html",
        {"form": form, "year": year, "rows": services.ceiling_summary(year)},
    )


@staff_required
def export(request):
    form = ProposalFilterForm(include_draft=True, initial={"fiscal_year": region.FISCAL_YEAR})
    return render(request, "perencanaan/kelola/export.html", {"form": form})


@staff_required
def export_csv(request):
    form = ProposalFilterForm(request.GET, include_draft=True)
    if not form.is_valid():
        return render(request, "perencanaan/kelola/export.html", {"form": form}, status=400)
    proposals = _with_relations(_ranked(form.filter(Proposal.objects.all())))
    filename = f"usulan-{slugify(region.REGION_NAME) or 'daerah'}-{form.cleaned_data.get('fiscal_year') or 'semua'}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM agar huruf non-ASCII terbaca benar di Excel.
    write_proposals_csv(proposals, response)
    return response
