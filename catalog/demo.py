"""Demo apps from the news stories in shared/seeds/. Every record names its story.

Figures appear only where a story gives them, with the day the story reports them. No app's
repository, website or licence is known from the stories: repositories stay empty and the licence
is `LicenseRef-tidak-diketahui` (unknown). Names are the ones the stories use; where a story names no
product, the record says what it is ("Program pelaporan Kota Semarang") rather than inventing a brand.
"""

import datetime

from django.db import transaction

from registry.demo import BATANG_SEMARANG_MOU, SOURCES
from registry.models import Agency, MoU, Region

from . import services
from .choices import (
    UNKNOWN_LICENSE,
    AdoptionStage,
    AppCategory,
    DevelopmentStatus,
    FigureMetric,
    MaintenanceType,
    SmartCityDimension,
    SpbeType,
)
from .models import App

MOU_EVENT = datetime.date(2018, 9, 25)
KOMPAS_DAY = datetime.date(2019, 10, 3)


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _agency(code: str, short_name: str) -> Agency:
    return Agency.objects.get(region_id=code, short_name=short_name)


def _apps() -> list[dict]:
    radar, kompas = SOURCES["radar-batang"], SOURCES["kompas-sumut"]
    bontang = f"{SOURCES['jpnn-bontang']}; {SOURCES['tribun-bontang']}"
    return [
        {
            "slug": "grms-jawa-tengah",
            "owner": "33",
            "fields": {
                "name": "GRMS (Government Resource Management System)",
                "category": AppCategory.PLANNING,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Sistem terintegrasi Pemprov Jawa Tengah untuk e-planning, e-budgeting dan "
                "e-delivery.",
                "short_description_en": "Central Java's integrated system for e-planning, e-budgeting and "
                "e-delivery.",
                "long_description": "GRMS (Government Resource Management System) adalah sistem Pemerintah "
                "Provinsi Jawa Tengah yang membuat perencanaan (e-planning), penganggaran (e-budgeting) dan "
                "pelaksanaan (e-delivery) dikelola secara digital. Menurut Gubernur Ganjar Pranowo, melalui "
                "sistem ini semua layanan informasi di Pemprov Jawa Tengah menjadi terintegrasi. Ganjar "
                "mengatakan ia mempelajarinya dari Surabaya lalu mengembangkannya sesuai kebutuhan Jawa "
                "Tengah, dan mempersilakan daerah lain yang mau meniru.",
                "long_description_en": "GRMS (Government Resource Management System) lets the Central Java "
                "provincial government run planning (e-planning), budgeting (e-budgeting) and delivery "
                "(e-delivery) digitally. Governor Ganjar Pranowo says it integrates every information "
                "service of the province; he learnt it from Surabaya and adapted it to Central Java.",
                "features": ["e-planning", "e-budgeting", "e-delivery", "Layanan informasi terintegrasi"],
                "features_en": ["e-planning", "e-budgeting", "e-delivery", "Integrated information services"],
                "based_on_note": "Ganjar Pranowo: «Saya belajar ini dari Bu Risma Surabaya dan saya kembangkan "
                "sesuai kebutuhan Jateng. Makanya ndak usah malu mencontoh, kalau Sumut mau meniru, silahkan "
                "saja.»",
                "source": f"{kompas}; {bontang}",
            },
        },
        {
            "slug": "laporgub",
            "owner": "33",
            "fields": {
                "name": "Laporgub",
                "category": AppCategory.COMPLAINTS,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Kanal pengaduan masyarakat kepada Gubernur Jawa Tengah.",
                "short_description_en": "The Central Java governor's channel for public complaints.",
                "long_description": "Laporgub adalah salah satu kanal pengaduan masyarakat Pemerintah Provinsi "
                "Jawa Tengah, di samping kanal aduan lain dan akun media sosial kepala OPD. Gubernur Ganjar "
                "Pranowo menyebutnya ketika menjelaskan kepada rombongan Pemkot Bontang bahwa langkah paling "
                "mudah menuju smart city adalah membiasakan ASN menangkap dan merespons laporan masyarakat.",
                "long_description_en": "Laporgub is one of the Central Java government's channels for public "
                "complaints. Governor Ganjar Pranowo cited it to the Bontang delegation: the easiest first "
                "step towards a smart city is getting civil servants used to receiving and answering "
                "citizens' reports.",
                "features": ["Pengaduan masyarakat", "Tindak lanjut oleh OPD"],
                "features_en": ["Public complaints", "Follow-up by the agencies"],
                "source": f"{bontang}; {kompas}",
            },
            "figures": [
                services.FigureInput(
                    metric=FigureMetric.SLA_HOURS,
                    value=24,
                    unit="jam",
                    label="Batas tindak lanjut aduan masyarakat di Jawa Tengah (dulu 2x24 jam, kini 1x24 jam)",
                    measured_on=KOMPAS_DAY,
                    source=kompas,
                )
            ],
        },
        {
            "slug": "program-pelaporan-kota-semarang",
            "owner": "33.74",
            "fields": {
                "name": "Program pelaporan Kota Semarang",
                "category": AppCategory.COMPLAINTS,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Laporan warga tinggal ditekan sesuai SOP dan terlayani dalam tiga hari.",
                "short_description_en": "Citizens' reports handled by a button press per the SOP, served within "
                "three days.",
                "long_description": "Program pelaporan Pemkot Semarang: menurut Wali Kota Hendrar Prihadi, "
                "laporan masyarakat tinggal ditekan sesuai SOP dan dalam tiga hari bisa terlayani, padahal "
                "setiap hari ada ribuan laporan yang masuk. Pengembangan smart city Kota Semarang dimulai "
                "pada 2013 tanpa anggaran, dengan menggandeng Telkom.",
                "long_description_en": "Semarang's reporting programme: according to Mayor Hendrar Prihadi, a "
                "report is handled by pressing a button per the SOP and served within three days, although "
                "thousands of reports arrive every day. Semarang's smart city work began in 2013 with no "
                "budget, in partnership with Telkom.",
                "features": ["Laporan warga", "Alur sesuai SOP", "Layanan dalam tiga hari"],
                "features_en": ["Citizens' reports", "SOP-driven workflow", "Served within three days"],
                "source": radar,
            },
            "figures": [
                services.FigureInput(
                    metric=FigureMetric.SLA_HOURS,
                    value=72,
                    unit="jam",
                    label="Waktu layanan laporan: tiga hari",
                    measured_on=MOU_EVENT,
                    source=radar,
                ),
                services.FigureInput(
                    metric=FigureMetric.REPORTS_PER_DAY,
                    value_text="ribuan laporan per hari",
                    measured_on=MOU_EVENT,
                    source=radar,
                ),
            ],
        },
        {
            "slug": "command-center-kota-semarang",
            "owner": "33.74",
            "agency": ("33.74", "Diskominfo"),
            "fields": {
                "name": "Command Center Kota Semarang",
                "category": AppCategory.COMMAND_CENTER,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Command Centre Diskominfo Kota Semarang, dikunjungi rombongan Pemkab Batang.",
                "short_description_en": "Semarang's Diskominfo Command Centre, visited by the Batang delegation.",
                "long_description": "Command Centre Dinas Komunikasi dan Informatika Kota Semarang. Saat "
                "penandatanganan MoU smart city pada 25 September 2018, sekitar 90 pejabat Pemkab Batang "
                "mengunjungi ruang ini bersama ruang Pelayanan Informasi Publik (PIP), dan melihat banyak "
                "aplikasi serta teknologi yang mendukung smart city Pemkot Semarang.",
                "long_description_en": "The Command Centre of Semarang's communication and informatics agency "
                "(Diskominfo). When the smart city MoU was signed on 25 September 2018, about 90 Batang "
                "officials visited it together with the public information service room (PIP).",
                "features": ["Pemantauan layanan kota"],
                "features_en": ["Monitoring of city services"],
                "source": radar,
            },
        },
        {
            "slug": "pelayanan-informasi-publik-kota-semarang",
            "owner": "33.74",
            "fields": {
                "name": "Pelayanan Informasi Publik (PIP) Kota Semarang",
                "category": AppCategory.PUBLIC_INFORMATION,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Ruang Pelayanan Informasi Publik Pemkot Semarang, dikunjungi rombongan "
                "Pemkab Batang.",
                "short_description_en": "Semarang's public information service (PIP), visited by the Batang "
                "delegation.",
                "long_description": "Ruang Pelayanan Informasi Publik (PIP) Pemerintah Kota Semarang. "
                "Rombongan Pemkab Batang mengunjunginya pada 25 September 2018 bersama Command Centre "
                "Diskominfo Kota Semarang, ketika kedua daerah menandatangani MoU pengembangan smart city di "
                "Balai Kota Semarang.",
                "long_description_en": "The public information service (PIP) of the Semarang city government. "
                "The Batang delegation visited it on 25 September 2018 together with the Diskominfo Command "
                "Centre, when the two regions signed their smart city MoU.",
                "features": ["Pelayanan informasi publik"],
                "features_en": ["Public information service"],
                "source": radar,
            },
        },
        {
            "slug": "e-santunan-kematian-batang",
            "owner": "33.25",
            "fields": {
                "name": "E-Santunan Kematian (Smart Village Batang)",
                "category": AppCategory.SOCIAL_ASSISTANCE,
                "dimension": SmartCityDimension.SOCIETY,
                "spbe_type": SpbeType.SPECIFIC,
                "short_description": "Santunan kematian Rp 1.000.000 bagi ahli waris, datanya terintegrasi dengan "
                "Dinas Sosial.",
                "short_description_en": "A Rp 1,000,000 death benefit for heirs, with data integrated with the "
                "social affairs agency.",
                "long_description": "Bagian dari smart village Kabupaten Batang untuk memberikan pelayanan bagi "
                "desa: e-santunan kematian memberi santunan Rp 1.000.000 dengan data yang terintegrasi dengan "
                "Dinas Sosial. Bupati Wihaji menyebutnya embrio Kabupaten Batang menuju kota cerdas.",
                "long_description_en": "Part of Batang's smart village services: the e-santunan kematian gives "
                "a death benefit of Rp 1,000,000, with data integrated with the social affairs agency (Dinas "
                "Sosial). Regent Wihaji calls it the seed of Batang's smart city.",
                "features": ["Pengajuan santunan kematian", "Data terintegrasi dengan Dinas Sosial"],
                "features_en": ["Death benefit claims", "Data integrated with Dinas Sosial"],
                "source": radar,
            },
            "figures": [
                services.FigureInput(
                    metric=FigureMetric.BENEFIT_AMOUNT,
                    value=1_000_000,
                    unit="Rupiah",
                    label="Besar santunan",
                    measured_on=MOU_EVENT,
                    source=radar,
                )
            ],
        },
        {
            "slug": "e-planning-e-budgeting-batang",
            "owner": "33.25",
            "fields": {
                "name": "E-Planning dan E-Budgeting Kabupaten Batang",
                "category": AppCategory.BUDGETING,
                "dimension": SmartCityDimension.GOVERNANCE,
                "spbe_type": SpbeType.COMMON,
                "short_description": "Perencanaan dan penganggaran elektronik Pemkab Batang, rujukan yang "
                "direkomendasikan KPK.",
                "short_description_en": "Batang's electronic planning and budgeting, recommended by the KPK as "
                "a reference.",
                "long_description": "Menurut Bupati Wihaji, Pemkab Batang punya e-planning dan e-budgeting "
                "warisan dari pemimpin sebelumnya, yang direkomendasikan Komisi Pemberantasan Korupsi (KPK) "
                "sebagai pusat rujukan. Pemkab Batang saat itu mengelola 105 aplikasi.",
                "long_description_en": "According to Regent Wihaji, Batang has e-planning and e-budgeting "
                "inherited from the previous leadership, recommended by the Corruption Eradication "
                "Commission (KPK) as a reference. Batang then managed 105 applications.",
                "features": ["e-planning", "e-budgeting"],
                "features_en": ["e-planning", "e-budgeting"],
                "source": radar,
            },
        },
        {
            "slug": "jateng-tanpa-lubang",
            "owner": "33",
            "fields": {
                "name": "Jateng Tanpa Lubang",
                "category": AppCategory.ROADS,
                "dimension": SmartCityDimension.LIVING,
                "spbe_type": SpbeType.SPECIFIC,
                "status": DevelopmentStatus.OBSOLETE,
                "maintenance_type": MaintenanceType.NONE,
                "short_description": "Program jalan Pemprov Jawa Tengah yang kemudian berkembang menjadi Jalan "
                "Cantik.",
                "short_description_en": "Central Java's roads programme, later grown into Jalan Cantik.",
                "long_description": "Jateng Tanpa Lubang adalah program Pemerintah Provinsi Jawa Tengah yang, "
                "menurut Gubernur Ganjar Pranowo, kemudian berkembang menjadi Jalan Cantik. Ganjar "
                "menyebutnya sebagai contoh OPD Jawa Tengah yang saling berlomba berinovasi melayani "
                "masyarakat.",
                "long_description_en": "Jateng Tanpa Lubang ('Central Java without potholes') was a Central "
                "Java programme that, according to Governor Ganjar Pranowo, grew into Jalan Cantik.",
                "features": ["Program perbaikan jalan"],
                "features_en": ["Road repair programme"],
                "source": kompas,
            },
        },
        {
            "slug": "jalan-cantik",
            "owner": "33",
            "based_on": "jateng-tanpa-lubang",
            "fields": {
                "name": "Jalan Cantik",
                "category": AppCategory.ROADS,
                "dimension": SmartCityDimension.LIVING,
                "spbe_type": SpbeType.SPECIFIC,
                "short_description": "Program jalan Pemprov Jawa Tengah, dulu bernama Jateng Tanpa Lubang.",
                "short_description_en": "Central Java's roads programme, formerly Jateng Tanpa Lubang.",
                "long_description": "Jalan Cantik adalah program Pemerintah Provinsi Jawa Tengah yang "
                "berkembang dari program Jateng Tanpa Lubang. Gubernur Ganjar Pranowo: «Apakah itu mudah? "
                "Tidak. Semua butuh proses, dan saya yakin Sumut akan mampu mewujudkan itu.»",
                "long_description_en": "Jalan Cantik ('beautiful roads') is a Central Java programme grown "
                "out of Jateng Tanpa Lubang. Governor Ganjar Pranowo: 'Was it easy? No. Everything takes "
                "time.'",
                "features": ["Program jalan provinsi"],
                "features_en": ["Provincial roads programme"],
                "based_on_note": "Dulu bernama Jateng Tanpa Lubang (Ganjar Pranowo, 3 Oktober 2019).",
                "source": kompas,
            },
        },
    ]


@transaction.atomic
def load() -> list[str]:
    """Create or refresh the demo apps, the MoU coverage and the reuse the stories support. Idempotent."""
    apps = {}
    for spec in _apps():
        fields = {
            "license": UNKNOWN_LICENSE,
            "status": DevelopmentStatus.STABLE,
            "maintenance_type": MaintenanceType.INTERNAL,
            **spec["fields"],
        }
        if "agency" in spec:
            fields["owner_agency"] = _agency(*spec["agency"])
        if "based_on" in spec:
            fields["based_on"] = apps[spec["based_on"]]
        figures = spec.get("figures", [])
        existing = App.objects.filter(slug=spec["slug"]).first()
        if existing is None:
            app = services.app_create(
                owner_region=_region(spec["owner"]), slug=spec["slug"], figures=figures, **fields
            )
        else:
            app = services.app_update(app=existing, figures=figures, **fields)
        apps[spec["slug"]] = app

    # The Batang-Semarang MoU: signed during the visit to PIP and the Command Centre, where Hendrar
    # Prihadi presented the reporting programme (Radar Pekalongan).
    mou = MoU.objects.filter(title=BATANG_SEMARANG_MOU["title"]).first()
    if mou is not None:
        for slug in (
            "program-pelaporan-kota-semarang",
            "command-center-kota-semarang",
            "pelayanan-informasi-publik-kota-semarang",
        ):
            apps[slug].mous.add(mou)
        services.catalog_changed()

    # Batang asked for Semarang's apps to "copy paste and be mentored": a planned reuse, recorded from
    # the news (so not verified by Batang itself), naming the programme presented at the signing.
    services.adoption_record_unverified(
        app=apps["program-pelaporan-kota-semarang"],
        region=_region("33.25"),
        stage=AdoptionStage.PLANNED,
        since=MOU_EVENT,
        evidence_note="Bupati Wihaji saat penandatanganan MoU: «besar harapan kami, aplikasi bisa copy paste dan "
        "dibimbing».",
        source=SOURCES["radar-batang"],
    )
    return [f"{len(apps)} apps", "3 covered by the Batang-Semarang MoU", "1 planned reuse"]
