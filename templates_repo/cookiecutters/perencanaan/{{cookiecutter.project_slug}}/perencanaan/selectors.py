"""Bacaan data yang dipakai lebih dari satu halaman."""

from .models import DECISION_ACTION_BY_STATUS, Proposal, ProposalEvent, Status


def merge_targets(proposal):
    """Usulan yang dapat menampung ``proposal`` bila digabung: sedang dibahas di tahap dan tahun yang sama."""
    return (
        Proposal.objects.filter(status=Status.SUBMITTED, level=proposal.level, fiscal_year=proposal.fiscal_year)
        .exclude(pk=proposal.pk)
        .select_related("village__district")
        .order_by("village__district__name", "village__name", "title", "pk")
    )


def decisions_for(proposals):
    """``{id usulan: ProposalEvent}``: keputusan terakhir yang menjelaskan status usulan dikembalikan, ditolak,
    atau digabung (dengan catatannya), dalam satu kueri untuk satu halaman daftar."""
    wanted = {p.pk: DECISION_ACTION_BY_STATUS[p.status] for p in proposals if p.status in DECISION_ACTION_BY_STATUS}
    if not wanted:
        return {}
    events = ProposalEvent.objects.filter(proposal_id__in=wanted, action__in=set(wanted.values())).order_by(
        "created_at", "pk"
    )
    latest = {}
    for event in events:
        if wanted[event.proposal_id] == event.action:
            latest[event.proposal_id] = event
    return latest
