"""The demo's copies (`make run`): Batang's copy of the complaint template at version 1, made within its
mentoring by Semarang (the MoU of 25 September 2018: "copy-paste, and be mentored"). It stays at version
1, so the template's fleet shows it behind and its update can be tried. Three more copies at the newest
version report a year of invented monthly figures (`demo_reports.py`), so that the charts are not empty:
the complaint app for Kota Bontang, the death-benefit claims for Kota Bontang, the planning app for
Sumatera Utara (regions of the stories; the copies and their figures are demo data, not facts). Marked
demo data on their pages; they record nothing in the catalog (the app page's timeline keeps to the news
stories).

Not `demo.py`: `load_demo` loads every app's `demo.py` before the templates are synced and the demo users
exist; this runs after both (`load_demo_copies`, in `make setup`)."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from replication.models import Replication

from .choices import ForkStatus
from .demo_reports import demo_reports_ensure
from .models import Fork
from .services import fork_request, fork_run

# (template, region, version: None for the newest, requester: None for the demo developer)
DEMO_COPIES = (
    ("pengaduan", "33.25", 1, None),
    ("pengaduan", "64.74", None, "admin"),
    ("e-santunan", "64.74", None, "admin"),
    ("perencanaan", "12", None, "admin"),
)


def demo_copies_ensure(*, requester_username: str) -> list[str]:
    """Make the demo copies that are missing, and the demo months of those that report; idempotent.
    Returns a line per copy."""
    users = get_user_model().objects
    done, copies = [], []
    for slug, code, number, username in DEMO_COPIES:
        mine = Fork.objects.filter(template__slug=slug, region=code, demo=True)
        existing = (
            mine.filter(version__number=number) if number else mine.exclude(version__number=1)
        ).first()
        if existing is None or existing.status != ForkStatus.SUCCEEDED:
            requester = users.get(username=username or requester_username)
            fork, _created = fork_request(
                user=requester, template_slug=slug, region_code=code, context={}, version_number=number
            )
            Fork.objects.filter(pk=fork.pk).update(demo=True, catalog_recorded_at=timezone.now())
            fork_run(fork_id=fork.pk)
            existing = Fork.objects.get(pk=fork.pk)
            _mark_opened_replication(existing, requester)
        copies.append(
            Fork.objects.select_related("template", "version", "current_version").get(pk=existing.pk)
        )
        done.append(f"{slug} v{existing.version.number} for {code}: {existing.status}")
    return done + demo_reports_ensure(forks=copies)


DEMO_REPLICATION_SOURCE = (
    "Data demo Lumbung: replikasi mandiri yang dibuka oleh salinan contoh, bukan fakta dari berita."
)


def _mark_opened_replication(fork: Fork, requester) -> None:
    """A demo copy that opened an independent replication (none of the stories' was open) says so on it."""
    Replication.objects.filter(pk=fork.replication_id, requested_by=requester, source="").update(
        source=DEMO_REPLICATION_SOURCE
    )
