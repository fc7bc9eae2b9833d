"""Eskalasikan laporan yang melewati SLA. Idempoten, cocok untuk cron, mis. setiap jam:

    0 * * * *  cd /srv/aplikasi && .venv/bin/python manage.py escalate_overdue
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from pengaduan import services


class Command(BaseCommand):
    help = "Eskalasikan laporan terbuka yang melewati batas waktu SLA kepada pejabat eskalasi."

    def handle(self, *args, **options):
        created = services.reports_escalate_overdue()
        for escalation in created:
            self.stdout.write(f"- {escalation.report.ticket_code}: terlambat {escalation.hours_overdue} jam")
        self.stdout.write(f"{len(created)} laporan dieskalasikan kepada {settings.ESCALATION_OFFICER}.")
