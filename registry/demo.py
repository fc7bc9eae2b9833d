"""Demo data from the five news stories in shared/seeds/. Every record names its story; nothing invented.

Where a story leaves something out (an MoU number, a visit's exact day), the field stays empty or is
marked as imprecise (a date's precision); why is said in a comment here, never in a public field: notes
are what the story says.
"""

import datetime

from django.db import transaction

from . import services
from .choices import AgencyKind, DatePrecision, VisitKind
from .models import MoU, Region

SOURCES = {
    "jpnn-bontang": "jpnn.com (Natalia): rombongan Pemkot Bontang belajar smart city ke Jawa Tengah",
    "tribun-bontang": "TribunBanyumas.com (Abduh Imanulhaq): «Pemkot Bontang Belajar Penerapan Smart City di "
    "Semarang, Berikut Saran Gubernur Ganjar»",
    "kompas-sumut": "Kompas.com, 3 Oktober 2019: «Sumut Tertarik Cara Ganjar Wujudkan Jateng sebagai Smart "
    "Province»",
    "radar-batang": "Radar Pekalongan (Novia Rochmawati): «Ajak 90 Pejabat, Wihaji Teken Mou dengan Pemkot "
    "Semarang»",
    "malang-fgd": "malangkota.go.id, 23 September 2019: FGD Penyusunan Roadmap Smart City Kota Malang",
}

SEMARANG, BATANG, BONTANG, JATENG, SUMUT, MALANG = "33.74", "33.25", "64.74", "33", "12", "35.73"

AGENCIES = [
    # "ruang ... Command Centre Diskominfo Kota Semarang"
    (SEMARANG, "Dinas Komunikasi dan Informatika", "Diskominfo", AgencyKind.DINAS, "radar-batang"),
    # "e-santunan kematian ... data terintegrasi dengan dinas sosial"
    (BATANG, "Dinas Sosial", "Dinsos", AgencyKind.DINAS, "radar-batang"),
    # "Dinas Komunikasi dan Informatika Kota Malang"
    (MALANG, "Dinas Komunikasi dan Informatika", "Diskominfo", AgencyKind.DINAS, "malang-fgd"),
]

BATANG_SEMARANG_MOU = {
    "title": "MoU pengembangan smart city Kabupaten Batang dengan Kota Semarang",
    "number": "",  # not given in the story
    "signed_on": datetime.date(2018, 9, 25),
    "signed_at": "Ruang Lokakrida, Balai Kota Semarang",
    "scope": "Pengembangan smart city di Kabupaten Batang: berbagi ilmu tentang pelayanan publik yang smart. "
    "Pemkab Batang berharap aplikasi Kota Semarang «bisa copy paste dan dibimbing».",
    "source": SOURCES["radar-batang"],
}


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


@transaction.atomic
def load() -> list[str]:
    """Create or refresh the registry's demo records. Idempotent."""
    done = []
    agencies = {}
    for code, name, short_name, kind, source in AGENCIES:
        agencies[(code, short_name)] = services.agency_upsert(
            region=_region(code), name=name, short_name=short_name, kind=kind, source=SOURCES[source]
        )
    done.append(f"{len(AGENCIES)} agencies")

    parties = [
        services.PartyInput(region=_region(BATANG), signatory_name="Wihaji", signatory_title="Bupati Batang"),
        services.PartyInput(
            region=_region(SEMARANG), signatory_name="Hendrar Prihadi", signatory_title="Wali Kota Semarang"
        ),
    ]
    mou = MoU.objects.filter(title=BATANG_SEMARANG_MOU["title"], source=BATANG_SEMARANG_MOU["source"]).first()
    if mou is None:
        services.mou_create(parties=parties, **BATANG_SEMARANG_MOU)
    else:
        services.mou_update(mou=mou, parties=parties, **BATANG_SEMARANG_MOU)
    done.append("1 MoU")

    services.visit_upsert_by_source(
        source=SOURCES["radar-batang"],
        visiting_region=_region(BATANG),
        host_regions=[_region(SEMARANG)],
        kind=VisitKind.STUDY_VISIT,
        visited_on=datetime.date(2018, 9, 25),
        date_precision=DatePrecision.DAY,
        location="Balai Kota Semarang",
        leader="Wihaji, Bupati Batang",
        delegation_size=90,
        purpose="Belajar smart city ke Pemkot Semarang sekaligus menandatangani MoU; mengunjungi ruang "
        "Pelayanan Informasi Publik (PIP) dan Command Centre Diskominfo Kota Semarang.",
        notes="Sekitar 90 jajaran OPD dan pihak terkait ikut. Pemkab Batang saat itu mengelola 105 aplikasi.",
    )
    services.visit_upsert_by_source(
        source=f"{SOURCES['jpnn-bontang']}; {SOURCES['tribun-bontang']}",
        visiting_region=_region(BONTANG),
        host_regions=[_region(SEMARANG), _region(JATENG)],
        kind=VisitKind.STUDY_VISIT,
        visited_on=datetime.date(2021, 11, 1),
        date_precision=DatePrecision.MONTH,
        location="Kota Semarang dan kantor Provinsi Jawa Tengah",
        leader="Najirah, Wakil Wali Kota Bontang",
        delegation_size=None,  # "sejumlah kepala dinas": no number given
        purpose="Studi banding penerapan smart city di Kota Semarang, lalu bertemu Gubernur Jawa Tengah "
        "Ganjar Pranowo di kantor Provinsi Jawa Tengah.",
        # The story gives no date; November 2021 is inferred from the related stories on its page (the
        # Omicron variant, KORPRI's anniversary), hence the month precision.
        notes="Saran Ganjar: siapkan SDM dulu, mulai dari "
        "menangkap laporan masyarakat; Jateng punya GRMS (e-planning, e-budgeting, e-delivery) dan kanal "
        "pengaduan seperti Laporgub.",
    )
    services.visit_upsert_by_source(
        source=SOURCES["kompas-sumut"],
        visiting_region=_region(SUMUT),
        host_regions=[_region(JATENG)],
        kind=VisitKind.CONSULTATION,
        visited_on=datetime.date(2019, 10, 3),
        date_precision=DatePrecision.DAY,
        location="Hotel Adi Mulia, Medan (Millenial Fest Industri 4.0)",
        leader="Musa Rajeckshah, Wakil Gubernur Sumatera Utara",
        delegation_size=None,
        purpose="Menanyakan langsung kepada Gubernur Ganjar Pranowo cara Jawa Tengah mewujudkan smart "
        "province dan e-government.",
        notes="Ganjar: semua kepala OPD wajib punya akun media sosial terverifikasi untuk menindaklanjuti "
        "aduan (dulu 2x24 jam, kini 1x24 jam); GRMS ia pelajari dari Surabaya (Bu Risma) dan kembangkan "
        "sesuai kebutuhan Jateng.",
    )
    done.append("3 study visits")
    return done
