"""Ekspor usulan ke CSV, aman dibuka di aplikasi lembar kerja."""

import csv

from django.utils import timezone

from .services import round_label

#: Awalan sel yang dibaca aplikasi lembar kerja sebagai rumus (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER = [
    "ID",
    "Peringkat skor",
    "Judul",
    "Bidang",
    "Kecamatan",
    "Desa/Kelurahan",
    "Jenis wilayah",
    "Detail lokasi",
    "Volume",
    "Satuan",
    "Perkiraan biaya (Rp)",
    "Penerima manfaat",
    "OPD pelaksana",
    "Tahap",
    "Status",
    "Skor prioritas",
    "Tahun anggaran",
    "Dibuat",
]


def csv_safe(value):
    """Teks yang diawali = + - @ (atau tab/CR) diberi awalan petik agar tidak dijalankan sebagai rumus."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def proposal_row(proposal, rank=""):
    return [
        proposal.pk,
        rank,
        proposal.title,
        proposal.get_sector_display(),
        proposal.village.district.name,
        proposal.village.name,
        proposal.village.get_kind_display(),
        proposal.location_detail,
        str(proposal.volume),
        proposal.unit,
        proposal.cost_estimate,
        proposal.beneficiaries,
        proposal.agency.name if proposal.agency_id else "",
        round_label(proposal.level),
        proposal.get_status_display(),
        str(proposal.priority_score),
        proposal.fiscal_year,
        timezone.localtime(proposal.created_at).strftime("%Y-%m-%d %H:%M"),
    ]


def write_proposals_csv(proposals, stream):
    """Menulis ``proposals`` (sudah diurutkan, boleh beranotasi ``rank``) ke ``stream`` sebagai CSV."""
    writer = csv.writer(stream)
    writer.writerow(HEADER)
    count = 0
    for proposal in proposals:
        row = proposal_row(proposal, getattr(proposal, "rank", ""))
        writer.writerow([csv_safe(cell) for cell in row])
        count += 1
    return count
