"""Impor register Dinas Sosial dari berkas CSV (kolom nik, nama, status)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from santunan import services


class Command(BaseCommand):
    help = "Impor register Dinas Sosial dari CSV. Bila ada baris salah, tidak ada yang disimpan."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Jalur berkas CSV")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        result = services.register_import_csv(content=path.read_bytes())
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"Baris {error.line}: {error.message}")
            raise CommandError(f"{len(result.errors)} baris bermasalah; tidak ada data yang disimpan.")
        self.stdout.write(
            f"Register diperbarui: {result.created} baru, {result.updated} berubah, {result.unchanged} tetap."
        )
