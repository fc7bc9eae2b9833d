"""The demo's copy (`make run`): Batang's copy of the complaint template at version 1, made within its
mentoring by Semarang (the MoU of 25 September 2018: "copy-paste, and be mentored"). It stays at version
1, so the template's fleet shows it behind and its update can be tried. Marked demo data on its pages;
it records nothing in the catalog (the app page's timeline keeps to the news stories).

Not `demo.py`: `load_demo` loads every app's `demo.py` before the templates are synced and the demo users
exist; this runs after both (`load_demo_copies`, in `make setup`)."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .choices import ForkStatus
from .models import Fork
from .services import fork_request, fork_run

DEMO_COPIES = (("pengaduan", "33.25"),)  # (template, region)


def demo_copies_ensure(*, requester_username: str) -> list[str]:
    """Make the demo copies that are missing; idempotent. Returns a line per copy."""
    requester = get_user_model().objects.get(username=requester_username)
    done = []
    for slug, code in DEMO_COPIES:
        existing = Fork.objects.filter(template__slug=slug, region=code, demo=True).first()
        if existing is None or existing.status != ForkStatus.SUCCEEDED:
            fork, _created = fork_request(
                user=requester, template_slug=slug, region_code=code, context={}, version_number=1
            )
            Fork.objects.filter(pk=fork.pk).update(demo=True, catalog_recorded_at=timezone.now())
            fork_run(fork_id=fork.pk)
            existing = Fork.objects.get(pk=fork.pk)
        done.append(f"{slug} v{existing.version.number} for {code}: {existing.status}")
    return done
