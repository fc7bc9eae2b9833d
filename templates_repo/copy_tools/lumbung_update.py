"""Perbarui salinan ini ke versi templat yang lebih baru, dari Lumbung (`make lumbung-update`).

Lumbung menambahkan berkas ini ke setiap salinan. Langkahnya:

1. membaca `.lumbung.json` (id salinan, versinya, alamat Lumbung);
2. meminta Lumbung menyiapkan patch dari versi salinan ke versi terbaru (atau `--to N`), dengan token
   API dari variabel lingkungan LUMBUNG_TOKEN (atau ditanyakan);
3. menerapkannya dengan `git apply --3way`: perubahan Anda sendiri tetap ada; bentrokan ditandai git
   (<<<<<<< ... >>>>>>>) untuk Anda selesaikan, lalu commit.

Tanpa jaringan, dengan token yang salah, atau dengan perubahan yang belum di-commit, skrip berhenti
dengan pesan yang jelas dan tidak mengubah apa pun. Hanya pustaka standar Python.

Berkas ini tidak pernah diubah setelah dikirim ke salinan (patch pembaruan menganggapnya sama);
versi baru akan bernama lain.
"""

import argparse
import getpass
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

POLL_SECONDS = 2.0
WAIT_SECONDS = 600
EXIT_CONFLICT, EXIT_FAILED = 2, 1


class Stop(Exception):
    """Berhenti dengan pesan, tanpa mengubah apa pun."""


def _git(*args, check=True):
    completed = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and completed.returncode != 0:
        raise Stop(f"git {args[0]} gagal: {completed.stderr.strip()}")
    return completed


def _request(url, token, *, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http(s) only: main)
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the Lumbung address)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError) as error:
        raise Stop(f"Lumbung tidak dapat dihubungi di {url}: {error}") from error


def _json(payload):
    try:
        return json.loads(payload.decode("utf-8"))
    except ValueError:
        return {}


def _read_metadata(root):
    path = root / ".lumbung.json"
    if not path.is_file():
        raise Stop("Berkas .lumbung.json tidak ditemukan: jalankan dari folder salinan.")
    return json.loads(path.read_text(encoding="utf-8"))


def _check_repository():
    if _git("rev-parse", "--is-inside-work-tree", check=False).returncode != 0:
        raise Stop(
            "Folder ini belum repositori git. Jalankan dulu:\n"
            '  git init && git add -A && git commit -m "Salinan awal"'
        )
    if _git("status", "--porcelain").stdout.strip():
        raise Stop("Ada perubahan yang belum di-commit. Commit (atau simpan) dulu, lalu ulangi.")


def _token():
    token = os.environ.get("LUMBUNG_TOKEN", "").strip()
    if not token and sys.stdin.isatty():
        token = getpass.getpass("Token API Lumbung: ").strip()
    if not token:
        raise Stop("Token API Lumbung tidak ada: isi variabel lingkungan LUMBUNG_TOKEN.")
    return token


def _wait(base, token, location):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status, _headers, payload = _request(base + location, token)
        update = _json(payload)
        if status != 200:
            raise Stop(f"Lumbung menjawab {status}: {update.get('detail', payload[:200])}")
        if update.get("status") == "succeeded":
            return update
        if update.get("status") in ("failed", "cancelled"):
            raise Stop(f"Lumbung gagal menyiapkan pembaruan: {update.get('error') or update.get('status')}")
        if time.monotonic() > deadline:
            raise Stop("Lumbung belum selesai menyiapkan pembaruan; coba lagi nanti.")
        time.sleep(POLL_SECONDS)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Perbarui salinan ini dari templat di Lumbung.")
    parser.add_argument("--to", type=int, help="nomor versi tujuan (bawaan: terbaru)")
    parser.add_argument("--url", help="alamat Lumbung (bawaan: LUMBUNG_URL atau .lumbung.json)")
    parser.add_argument("--applied", metavar="UPDATE_ID", help="laporkan pembaruan ini sudah diterapkan")
    args = parser.parse_args(argv)
    root = Path.cwd()
    try:
        metadata = _read_metadata(root)
        base = (args.url or os.environ.get("LUMBUNG_URL") or metadata.get("lumbung_url") or "").rstrip("/")
        if not base:
            raise Stop("Alamat Lumbung tidak diketahui: isi LUMBUNG_URL (mis. https://lumbung.go.id).")
        if not base.startswith(("https://", "http://")):
            raise Stop(f"Alamat Lumbung harus diawali https:// (atau http://): {base}")
        token = _token()
        if args.applied:
            return _report_applied(base, token, args.applied)
        _check_repository()
        body = {"from_version": metadata["version"]}
        if args.to:
            body["to_version"] = args.to
        status, headers, payload = _request(
            f"{base}/api/v1/forks/{metadata['fork_id']}/updates/", token, method="POST", body=body
        )
        answer = _json(payload)
        if status == 400 and "to_version" in answer and not args.to:
            print(f"Salinan sudah versi terbaru (versi {metadata['version']}). Tidak ada yang diubah.")
            return 0
        if status != 202:
            raise Stop(f"Lumbung menolak permintaan ({status}): {json.dumps(answer, ensure_ascii=False)}")
        update = _wait(base, token, headers["Location"])
        return _apply(base, token, update)
    except Stop as stop:
        print(f"Pembaruan dibatalkan: {stop}", file=sys.stderr)
        return EXIT_FAILED


def _apply(base, token, update):
    status, _headers, patch = _request(update["patch_url"], token)
    if status != 200:
        raise Stop(f"Patch tidak dapat diunduh ({status}).")
    patch_path = Path(_git("rev-parse", "--git-dir").stdout.strip()) / "lumbung-update.patch"
    patch_path.write_bytes(patch)
    print(f"Pembaruan versi {update['from_version']} -> {update['to_version']}:\n")
    print(update.get("changelog", ""))
    applied = _git("apply", "--3way", str(patch_path), check=False)
    if applied.returncode != 0:
        conflicted = _git("diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
        if not conflicted:
            raise Stop(f"git apply gagal: {applied.stderr.strip()}")
        print("\nBentrok dengan perubahan Anda di berkas berikut (kedua versi ada di berkas, ditandai):")
        for name in conflicted:
            print(f"  {name}")
        print(
            "\nSelesaikan bentrokan, lalu: git add -A && git commit\n"
            f"Setelah itu laporkan ke Lumbung: make lumbung-update ARGS='--applied {update['id']}'"
        )
        return EXIT_CONFLICT
    print("\nPembaruan diterapkan. Periksa, jalankan `make test`, lalu commit:")
    print(f'  git add -A && git commit -m "Pembaruan templat ke versi {update["to_version"]}"')
    return _report_applied(base, token, update["id"])


def _report_applied(base, token, update_id):
    status, _headers, _payload = _request(f"{base}/api/v1/updates/{update_id}/applied/", token, method="POST")
    if status != 200:
        print(f"Catatan: Lumbung tidak mencatat penerapan ({status}).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
