"""Demo service results (`make run`): a year of monthly figures for the demo copies at the newest
template version, so that the app pages, the region pages and the dashboard have something to draw.

Every figure here is INVENTED: generated from a fixed seed with plausible shapes (a complaint service
that gets faster, claims paid within days, musrenbang proposals in the planning season), stored with
`demo=True` and shown everywhere as demo data. None of it is a fact of the news stories, which give no
such monthly numbers. Each month is checked against the copy's declared figures like a real report.
"""

import datetime
import random

from django.utils import timezone

from . import figures as declared_figures
from .models import Fork, ServiceReport
from .services.results import declaration_of

DEMO_MONTHS = 12
CHANNEL_SHARES = {"web": 0.38, "whatsapp": 0.34, "media_sosial": 0.14, "sms": 0.04, "langsung": 0.10}


def _months_back(count: int, today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def _complaints(rng: random.Random, step: int) -> dict:
    received = int(rng.gauss(420 + 18 * step, 35))
    resolved = int(received * rng.uniform(0.82, 0.95))
    within = min(97.0, round(71 + 1.8 * step + rng.uniform(-3, 3), 1))
    channels = {f"reports_by_channel.{name}": int(received * share) for name, share in CHANNEL_SHARES.items()}
    channels["reports_by_channel.web"] += received - sum(channels.values())
    return {
        "reports_received": received,
        "reports_resolved": resolved,
        "resolved_within_sla": within,
        "median_hours_to_resolve": round(max(8.0, 46 - 2.1 * step + rng.uniform(-4, 4)), 1),
        **channels,
    }


def _claims(rng: random.Random, step: int) -> dict:
    filed = int(rng.gauss(55, 9))
    rejected = int(filed * rng.uniform(0.03, 0.08))
    paid = int((filed - rejected) * rng.uniform(0.85, 0.97))
    return {
        "claims_filed": filed,
        "claims_paid": paid,
        "claims_rejected": rejected,
        "median_days_to_payment": round(max(3.0, 11 - 0.5 * step + rng.uniform(-1.5, 1.5)), 1),
        "amount_paid": paid * 1_000_000,
    }


def _proposals(rng: random.Random, step: int, month: datetime.date) -> dict:
    season = month.month in (1, 2, 3)  # musrenbang runs early in the year
    received = int(rng.gauss(900 if season else 60, 80 if season else 15))
    approved = int(received * rng.uniform(0.25, 0.4))
    return {
        "proposals_received": received,
        "proposals_approved": approved,
        "approved_budget": approved * int(rng.uniform(80, 140)) * 1_000_000,
    }


GENERATORS = {
    "pengaduan": lambda rng, step, month: _complaints(rng, step),
    "e-santunan": lambda rng, step, month: _claims(rng, step),
    "perencanaan": _proposals,
}


def demo_reports_ensure(*, forks: list[Fork], today: datetime.date | None = None) -> list[str]:
    """A year of invented months for each demo copy whose version declares figures; idempotent (a month
    already there is kept). Returns a line per copy."""
    today = today or timezone.localdate()
    done = []
    for fork in forks:
        number, declaration = declaration_of(fork)
        generate = GENERATORS.get(fork.template.slug)
        if not declaration or generate is None or not fork.demo:
            continue
        rng = random.Random(f"{fork.template.slug}:{fork.region_id}")  # noqa: S311 (demo figures, not security)
        made = 0
        for step, month in enumerate(_months_back(DEMO_MONTHS, today)):
            checked = declared_figures.check_report(declaration, generate(rng, step, month))
            if checked.errors:
                raise ValueError(
                    f"demo figures of {fork.template.slug} do not match its declaration: {checked.errors}"
                )
            _report, created = ServiceReport.objects.get_or_create(
                fork=fork, month=month,
                defaults={"figures": checked.figures, "version_number": number, "demo": True},
            )  # fmt: skip
            made += created
        done.append(f"{fork.template.slug} for {fork.region_id}: {made} demo months added")
    return done
