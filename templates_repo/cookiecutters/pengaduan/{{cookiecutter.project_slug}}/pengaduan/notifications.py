"""Pemberitahuan kepada pelapor saat status laporannya berubah: e-mail dan SMS/WhatsApp.

E-mail dikirim lewat backend e-mail Django (``EMAIL_BACKEND``). Pesan ke nomor HP dikirim lewat *gateway*
yang ditunjuk ``PENGADUAN_SMS_GATEWAY``: jalur bertitik ke sebuah kelas atau fungsi. Kelas dibuat tanpa argumen
lalu metode ``send(*, to, message)`` dipanggil; fungsi dipanggil langsung sebagai ``fungsi(*, to, message)``.
``to`` berformat +62…. Bawaannya ``ConsoleSmsGateway`` yang hanya mencetak pesan ke log dan layar.

Kegagalan pengiriman dicatat di log dan tidak pernah membatalkan perubahan status.
"""

import logging
import sys

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import StatusChange

logger = logging.getLogger(__name__)

DEFAULT_SMS_GATEWAY = "pengaduan.notifications.ConsoleSmsGateway"


class ConsoleSmsGateway:
    """Gateway bawaan untuk pengembangan: tidak mengirim apa pun, hanya menulis pesan ke log dan stdout."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to, message):
        logger.info("SMS/WhatsApp (konsol) ke %s: %s", to, message)
        self.stream.write(f"--- SMS/WhatsApp ke {to} ---\n{message}\n")
        self.stream.flush()


def sms_gateway():
    """Fungsi pengirim ``(*, to, message)`` dari pengaturan ``PENGADUAN_SMS_GATEWAY``."""
    target = import_string(getattr(settings, "PENGADUAN_SMS_GATEWAY", "") or DEFAULT_SMS_GATEWAY)
    if isinstance(target, type):
        target = target()
    return getattr(target, "send", target)


def tracking_link(ticket_code):
    """Alamat lengkap halaman lacak, atau "" bila ``PENGADUAN_SITE_URL`` belum diisi (alamat tanpa domain tidak
    berguna di SMS)."""
    base = getattr(settings, "PENGADUAN_SITE_URL", "").rstrip("/")
    return f"{base}{reverse('pengaduan:track_detail', args=[ticket_code])}" if base else ""


def status_change_message(change):
    """Subjek e-mail dan isi pesan (tanpa data pribadi) untuk satu perubahan status."""
    report = change.report
    status = change.get_to_status_display()
    subject = f"[{settings.PROJECT_NAME}] Laporan {report.ticket_code}: {status}"
    lines = [f"Status laporan {report.ticket_code} kini: {status}."]
    if change.note:
        lines.append(f"Keterangan petugas: {change.note}")
    link = tracking_link(report.ticket_code)
    if link:
        lines.append(f"Lacak laporan Anda: {link}")
    else:
        lines.append(f"Lacak laporan Anda di menu Lacak dengan kode tiket {report.ticket_code}.")
    lines.append(f"— {settings.PROJECT_NAME}")
    return subject, "\n".join(lines)


def status_change_notify(*, status_change_id):
    """Beri tahu pelapor tentang satu perubahan status, paling banyak sekali. Dipanggil setelah commit.

    Mengembalikan daftar saluran yang berhasil (``"email"``, ``"sms"``).
    """
    # Klaim perubahan ini lebih dulu, agar panggilan ganda (mis. dijalankan ulang) tidak mengirim dua kali.
    claimed = StatusChange.objects.filter(pk=status_change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return []
    change = StatusChange.objects.select_related("report").get(pk=status_change_id)
    report = change.report
    subject, message = status_change_message(change)
    sent = []
    if report.reporter_email:
        try:
            send_mail(subject, message, None, [report.reporter_email], fail_silently=False)
        except Exception:
            logger.exception("Gagal mengirim e-mail status laporan %s.", report.ticket_code)
        else:
            sent.append("email")
    if report.reporter_phone:
        try:
            sms_gateway()(to=report.reporter_phone, message=message)
        except Exception:
            logger.exception("Gagal mengirim SMS/WhatsApp status laporan %s.", report.ticket_code)
        else:
            sent.append("sms")
    return sent
