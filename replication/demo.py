"""Demo replications from the news stories in shared/seeds/ (registry.demo holds their citations).

Only what the stories say: who learns from whom, under which MoU, the visits that were their first
sessions, the question Sumatera Utara asked and Ganjar Pranowo's answer. A story gives no time of day,
so the sessions are whole days; no mentor is named, so none is recorded. Central Java's GRMS, which
Ganjar says he learnt from Surabaya, stays a lineage note on the app: the story does not name
Surabaya's system, and Lumbung does not invent one.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from catalog.models import App
from registry.demo import BATANG, BATANG_SEMARANG_MOU, BONTANG, JATENG, SOURCES, SUMUT
from registry.models import MoU, Region, StudyVisit

from . import services
from .choices import Phase, ReplicationModel, RequestState, SessionMode

JAKARTA = ZoneInfo("Asia/Jakarta")


def _day(year: int, month: int, day: int) -> dict:
    start = datetime.datetime(year, month, day, tzinfo=JAKARTA)
    return {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=23, minutes=59),
        "date_only": True,
    }


@transaction.atomic
def load() -> list[str]:
    """Create or refresh the demo replications. Idempotent (each is keyed on its story)."""
    region = Region.objects.get
    complaints = App.objects.get(slug="program-pelaporan-kota-semarang")
    grms = App.objects.get(slug="grms-jawa-tengah")

    mou = MoU.objects.get(title=BATANG_SEMARANG_MOU["title"], source=BATANG_SEMARANG_MOU["source"])
    batang = services.replication_record_from_source(
        app=complaints,
        penerima=region(code=BATANG),
        source=SOURCES["radar-batang"],
        mou=mou,
        on=datetime.date(2018, 9, 25),  # the MoU's signing
        model=ReplicationModel.KEMITRAAN,
        phase=Phase.PERSIAPAN,
        request_state=RequestState.ACCEPTED,
        request_message="Bupati Wihaji: «besar harapan kami, aplikasi bisa copy paste dan dibimbing». Wali "
        "Kota Hendrar Prihadi: «Kita punya program pelaporan yang tinggal tekan sesuai SOP, tiga hari bisa "
        "terlayani.»",
    )
    services.session_record_from_source(
        replication=batang,
        source=SOURCES["radar-batang"],
        study_visit=StudyVisit.objects.filter(source=SOURCES["radar-batang"]).first(),
        mode=SessionMode.KUNJUNGAN,
        topic="Belajar smart city: ruang Pelayanan Informasi Publik (PIP) dan Command Centre Diskominfo",
        location="Balai Kota Semarang",
        participants=90,
        minutes="Sekitar 90 jajaran OPD Kabupaten Batang dan pihak terkait, dipimpin Bupati Wihaji, bersamaan "
        "dengan penandatanganan MoU.",
        **_day(2018, 9, 25),
    )

    services.replication_record_from_source(
        app=complaints,
        penerima=region(code=BONTANG),
        source=f"{SOURCES['jpnn-bontang']}; {SOURCES['tribun-bontang']}",
        on=datetime.date(2021, 11, 1),  # the visit, stored with month precision like the visit itself
        model=ReplicationModel.FASILITASI,
        fasilitator=region(code=JATENG),
        phase=Phase.PERSIAPAN,
        request_state=RequestState.ACCEPTED,
        request_message="Rombongan Wakil Wali Kota Najirah belajar penerapan smart city di Kota Semarang, lalu "
        "bertemu Gubernur Ganjar Pranowo. Saran Ganjar: siapkan SDM, mulai dari menangkap laporan masyarakat.",
    )

    sumut = services.replication_record_from_source(
        app=grms,
        penerima=region(code=SUMUT),
        source=SOURCES["kompas-sumut"],
        on=datetime.date(2019, 10, 3),  # the question in Medan
        model=ReplicationModel.KEMITRAAN,
        phase=Phase.PERSIAPAN,
        request_state=RequestState.ACCEPTED,
        request_message="Wakil Gubernur Sumatera Utara Musa Rajeckshah menanyakan langsung kepada Gubernur "
        "Ganjar Pranowo cara Jawa Tengah mewujudkan smart province dan e-government.",
    )
    services.session_record_from_source(
        replication=sumut,
        source=SOURCES["kompas-sumut"],
        study_visit=StudyVisit.objects.filter(source=SOURCES["kompas-sumut"]).first(),
        mode=SessionMode.LURING,
        topic="Konsultasi smart province dan GRMS dengan Gubernur Jawa Tengah",
        location="Hotel Adi Mulia, Medan (Millenial Fest Industri 4.0)",
        **_day(2019, 10, 3),
    )
    services.question_record_from_source(
        replication=sumut,
        title="Bagaimana Jawa Tengah menindaklanjuti aduan warga?",
        body="Sumatera Utara tertarik cara Jawa Tengah mewujudkan smart province.",
        answer="Ganjar Pranowo: semua kepala OPD wajib punya akun media sosial terverifikasi untuk "
        "menindaklanjuti aduan; dulu 2x24 jam, kini 1x24 jam. GRMS ia pelajari dari Surabaya lalu "
        "dikembangkan sesuai kebutuhan Jawa Tengah.",
        on=datetime.datetime(2019, 10, 3, tzinfo=JAKARTA),
    )
    return ["3 replications", "2 sessions", "1 answered question"]
