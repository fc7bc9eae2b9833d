"""Kirim angka layanan satu bulan ke Lumbung: hanya angka agregat (daftar dan artinya di ``perencanaan/figures.py``).

    python manage.py report_to_lumbung [--month YYYY-MM] [--dry-run] [--url URL]

Tanpa ``--month``: bulan kalender sebelumnya (zona waktu proyek). Kunci pelaporan dibaca dari variabel lingkungan
``LUMBUNG_REPORTING_KEY`` (dibuat anggota daerah di halaman salinan ini di Lumbung, ditampilkan sekali). Id salinan dan
alamat Lumbung dibaca dari ``.lumbung.json`` di folder proyek; ``--url`` atau ``LUMBUNG_URL`` menggantikan alamatnya.
Mengirim bulan yang sama lagi menggantikan laporan sebelumnya. Cocok untuk cron, mis. tanggal 1 pukul 06.00:

    0 6 1 * *  cd /srv/aplikasi && LUMBUNG_REPORTING_KEY=... .venv/bin/python manage.py report_to_lumbung

Hanya pustaka standar Python (urllib) untuk menghubungi Lumbung.
"""

import datetime as dt
import http.client
import json
import os
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from perencanaan import figures

KEY_ENV = "LUMBUNG_REPORTING_KEY"
URL_ENV = "LUMBUNG_URL"
METADATA_FILE = ".lumbung.json"
TIMEOUT_SECONDS = 30
FIGURE_KEYS = figures.FIGURE_KEYS
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def previous_month(today):
    """(tahun, bulan) bulan kalender sebelum ``today``."""
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    return last_day.year, last_day.month


def parse_month(raw):
    match = _MONTH.match(str(raw).strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise CommandError(f"Bulan “{raw}” tidak dikenal: tulis dengan format YYYY-MM, mis. 2026-11.")
    return int(match[1]), int(match[2])


def build_payload(year, month):
    """Data yang dikirim: bulan dan angka agregat saja."""
    return {"month": f"{year:04d}-{month:02d}", "figures": figures.monthly_figures(year=year, month=month)}


def read_metadata(base_dir):
    path = Path(base_dir) / METADATA_FILE
    if not path.is_file():
        raise CommandError(
            f"Berkas {METADATA_FILE} tidak ditemukan di {path.parent}. Berkas itu ditambahkan Lumbung ke setiap "
            "salinan; jalankan perintah ini di salinan yang dibuat lewat Lumbung."
        )
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Berkas {METADATA_FILE} tidak dapat dibaca: {error}") from error
    if not isinstance(metadata, dict):
        raise CommandError(f"Berkas {METADATA_FILE} tidak berisi data salinan.")
    return metadata


def fork_id_of(metadata):
    raw = str(metadata.get("fork_id") or "").strip()
    if not raw:
        raise CommandError(f"{METADATA_FILE} tidak memuat fork_id (id salinan ini di Lumbung).")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CommandError(f"fork_id di {METADATA_FILE} bukan id salinan yang sah: {raw}") from None


def post_json(url, key, payload):
    """Kirim ``payload`` sebagai JSON; (status HTTP, header, isi jawaban). Galat jaringan menjadi CommandError."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")  # noqa: S310
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (alamat Lumbung)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise CommandError(f"Lumbung tidak dapat dihubungi di {url}: {reason}. Coba lagi nanti.") from error


def _json(body):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def field_errors(answer, prefix=""):
    """Baris "isian: pesan" dari jawaban galat Lumbung (objek JSON bertingkat berisi daftar pesan)."""
    if isinstance(answer, dict):
        lines = []
        for field, value in answer.items():
            lines += field_errors(value, f"{prefix}.{field}" if prefix else str(field))
        return lines
    if isinstance(answer, list) and any(isinstance(item, dict | list) for item in answer):
        return [line for item in answer for line in field_errors(item, prefix)]
    text = "; ".join(str(item) for item in answer) if isinstance(answer, list) else str(answer)
    return [f"{prefix}: {text}" if prefix else text]


def _shown(value):
    return "kosong (tidak ada data)" if value is None else str(value)


class Command(BaseCommand):
    help = "Kirim angka layanan bulanan (agregat saja) salinan ini ke Lumbung."

    def add_arguments(self, parser):
        parser.add_argument("--month", metavar="YYYY-MM", help="bulan yang dilaporkan (bawaan: bulan lalu)")
        parser.add_argument(
            "--dry-run", action="store_true", help="tampilkan data yang akan dikirim, tanpa mengirim apa pun"
        )
        parser.add_argument("--url", help=f"alamat Lumbung (bawaan: {URL_ENV} atau lumbung_url di {METADATA_FILE})")

    def handle(self, *args, month=None, dry_run=False, url=None, **options):
        today = timezone.localdate(timezone=timezone.get_default_timezone())
        year, number = parse_month(month) if month else previous_month(today)
        label = f"{year:04d}-{number:02d}"
        if (year, number) > (today.year, today.month):
            raise CommandError(f"Bulan {label} belum terjadi: yang dapat dilaporkan hanya bulan yang sudah berjalan.")
        if (year, number) == (today.year, today.month):
            self.stderr.write(
                f"Catatan: bulan {label} belum selesai, angkanya masih akan berubah. Kirim lagi setelah bulan "
                "berakhir; laporan bulan yang sama menggantikan yang lama."
            )
        if dry_run:
            self.stdout.write(json.dumps(build_payload(year, number), indent=2, ensure_ascii=False))
            self.stderr.write("--dry-run: tidak ada yang dikirim ke Lumbung.")
            return

        metadata = read_metadata(settings.BASE_DIR)
        fork_id = fork_id_of(metadata)
        base = (url or os.environ.get(URL_ENV) or metadata.get("lumbung_url") or "").strip().rstrip("/")
        if not base:
            raise CommandError(
                f"Alamat Lumbung tidak diketahui: isi {URL_ENV} (mis. https://lumbung.go.id) atau --url."
            )
        if not base.startswith(("https://", "http://")):
            raise CommandError(f"Alamat Lumbung harus diawali https:// (atau http://): {base}")
        key = os.environ.get(KEY_ENV, "").strip()
        if not key:
            raise CommandError(
                f"Kunci pelaporan tidak ada: isi variabel lingkungan {KEY_ENV}. Kunci dibuat anggota daerah di "
                "halaman salinan ini di Lumbung (ditampilkan sekali saja)."
            )

        payload = build_payload(year, number)
        endpoint = f"{base}/api/v1/forks/{fork_id}/results/"
        status, headers, body = post_json(endpoint, key, payload)
        answer = _json(body)
        if status in (200, 201):
            self.stdout.write(f"Laporan bulan {label} terkirim ke Lumbung ({endpoint}), salinan {fork_id}:")
            for figure, value in payload["figures"].items():
                self.stdout.write(f"  {figure}: {_shown(value)}")
            return
        if status == 400:
            details = field_errors(answer) if answer is not None else [body.decode("utf-8", "replace")[:500]]
            raise CommandError(
                f"Lumbung menolak laporan bulan {label} (400):\n" + "\n".join(f"  - {line}" for line in details)
            )
        if status == 401:
            said = f" Jawaban Lumbung: {'; '.join(field_errors(answer))}" if answer else ""
            raise CommandError(
                f"Kunci pelaporan ditolak Lumbung (401): kunci di {KEY_ENV} salah atau sudah dicabut. Buat kunci "
                f"baru di halaman salinan ini di Lumbung, lalu ganti isi variabel lingkungannya.{said}"
            )
        if status == 429:
            wait = headers.get("Retry-After") if headers else None
            later = f" (setelah {wait} detik)" if wait else ""
            raise CommandError(f"Lumbung sedang menerima terlalu banyak permintaan (429): coba lagi nanti{later}.")
        if status == 404:
            raise CommandError(
                f"Salinan {fork_id} tidak dikenal Lumbung di {base} (404): periksa alamat Lumbung dan fork_id di "
                f"{METADATA_FILE}."
            )
        detail = "; ".join(field_errors(answer)) if answer is not None else body.decode("utf-8", "replace")[:200]
        raise CommandError(f"Lumbung menjawab {status}: {detail}")
