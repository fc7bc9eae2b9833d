"""Pembuat data uji. Wilayah uji dibuat dari kode daerah di ``config/region.py``, bukan nama daerah tertentu."""

from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model

from config import region
from perencanaan import services
from perencanaan.models import Agency, BudgetCeiling, Criterion, District, ProposalEvent, Sector, Village

_seq = count(1)


def make_user(username=None, *, staff=False):
    username = username or f"pengguna{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password=None, is_staff=staff)


def make_village(name="Sukamaju", *, kind=Village.Kind.DESA, district_name="Kecamatan Uji"):
    n = next(_seq)
    district, _ = District.objects.get_or_create(
        name=district_name, defaults={"code": f"{region.REGION_CODE}.{90 + n % 9}{n}"}
    )
    prefix = "1" if kind == Village.Kind.KELURAHAN else "2"
    return Village.objects.create(code=f"{district.code}.{prefix}{n:03d}", name=name, kind=kind, district=district)


def make_agency(name=None, *, ceiling=None, fiscal_year=None):
    agency = Agency.objects.create(name=name or f"Dinas Uji {next(_seq)}")
    if ceiling is not None:
        BudgetCeiling.objects.create(agency=agency, fiscal_year=fiscal_year or region.FISCAL_YEAR, amount=ceiling)
    return agency


def make_criteria(*weights):
    """Kriteria uji dengan bobot tertentu (bawaan: 30, 25, 25, 20 seperti seed)."""
    weights = weights or (30, 25, 25, 20)
    return [
        Criterion.objects.create(code=f"k{i}-{next(_seq)}", name=f"Kriteria {i}", weight=w, order=i)
        for i, w in enumerate(weights, start=1)
    ]


def proposal_data(village, **overrides):
    data = {
        "title": "Pembangunan jalan lingkungan",
        "description": "Jalan rusak sepanjang 500 meter menghambat warga.",
        "sector": Sector.INFRASTRUKTUR,
        "village": village,
        "location_detail": "RT 01/RW 02",
        "volume": Decimal("500"),
        "unit": "meter",
        "cost_estimate": 150_000_000,
        "beneficiaries": 300,
    }
    data.update(overrides)
    return data


def make_proposal(proposer=None, village=None, **overrides):
    proposer = proposer or make_user()
    village = village or make_village()
    return services.proposal_create(proposer=proposer, data=proposal_data(village, **overrides))


def submitted_proposal(proposer=None, **overrides):
    proposal = make_proposal(proposer, **overrides)
    return services.proposal_submit(proposal=proposal, user=proposal.proposer)


def advance_to_final_round(proposal, staff):
    """Menyetujui usulan di semua tahap kecuali yang terakhir."""
    for _ in region.ROUNDS[:-1]:
        proposal = services.proposal_decide(proposal=proposal, user=staff, action=ProposalEvent.Action.APPROVE)
    return proposal
