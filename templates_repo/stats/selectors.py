"""The national figures, read from all four apps: what the dashboard, the home page, the app and region
pages draw and what `/api/v1/stats/` answers, so that every number on a chart is also the API's.

Each selector runs a fixed number of aggregate queries, whatever the number of apps, adoptions or copies
(grouped in the database; only the groups come back), and returns plain rows.

- Adoptions are dated by their "since" (the earliest event), else when they were recorded; copies are the
  succeeded forks (demo copies included: the fleet shows them too), dated when requested; replications
  are those not declined, dated when opened.
- A copy is "live and reporting" when it has a service report for this month or the two before (a month
  is reported once it is over, so a copy that reports every month always has one of them).
- The SLA share of a month: over that month's reports, for each figure its version declares with
  `"sla": true`, sum(share / 100 * the count it is a share of) / sum(that count); with the number of copies
  whose reports it covers.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DateField, F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from catalog.models import Adoption, App
from registry.choices import RegionKind
from registry.models import MoUParty, Region
from replication.choices import RequestState
from replication.models import Replication

from ..choices import ForkStatus
from ..models import Fork, ServiceReport, TemplateVersion
from .provinces_grid import GRID

MAX_MONTHS = 120  # a timeline reaches back ten years at most
SLA_MONTHS = 12
LIVE_MONTHS = 3  # this month and the two before


@dataclass(frozen=True)
class Scope:
    """What a chart is about: everything (the dashboard), one category, one app (its slug) or one region
    (its code). An app or region that does not exist is a scope with nothing in it, not an error."""

    category: str = ""
    app: str = ""
    region: str = ""


EVERYTHING = Scope()


def this_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def live_since(today: datetime.date | None = None) -> datetime.date:
    return add_months(this_month(today), -(LIVE_MONTHS - 1))


# The querysets of each kind, narrowed to a scope ---------------------------------------------------------


def _scoped(qs, scope: Scope, *, category: str, app: str, region: str):
    """`qs` narrowed to the scope; the arguments name the lookups of the category, app slug and region."""
    lookups = {category: scope.category, app: scope.app, region: scope.region}
    return qs.filter(**{lookup: value for lookup, value in lookups.items() if value})


def _adoptions(scope: Scope):
    return _scoped(
        Adoption.objects.all(), scope, category="app__category", app="app__slug", region="region_id"
    )


def _copies(scope: Scope):
    return _scoped(
        Fork.objects.filter(status=ForkStatus.SUCCEEDED), scope,
        category="template__category", app="template__app__slug", region="region_id",
    )  # fmt: skip


def _replications(scope: Scope):
    return _scoped(
        Replication.objects.exclude(request_state=RequestState.DECLINED), scope,
        category="app__category", app="app__slug", region="penerima_id",
    )  # fmt: skip


def _apps(scope: Scope):
    return _scoped(App.objects.all(), scope, category="category", app="slug", region="owner_region_id")


# Timeline --------------------------------------------------------------------------------------------


def _per_month(qs, date_expression) -> dict[datetime.date, int]:
    rows = (
        qs.annotate(month=TruncMonth(date_expression, output_field=DateField()))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        if row["month"] is not None:
            counts[row["month"]] += row["count"]
    return counts


def timeline(scope: Scope = EVERYTHING, *, today: datetime.date | None = None) -> list[dict]:
    """Adoptions, copies and replications per month, from the first month with any of them (ten years
    back at most) to this month, months without any included (three queries)."""
    adoptions = _per_month(_adoptions(scope), Coalesce("since", TruncDate("created_at")))
    copies = _per_month(_copies(scope), "created_at")
    replications = _per_month(_replications(scope), "created_at")
    last = this_month(today)
    seen = [month for counts in (adoptions, copies, replications) for month in counts if month <= last]
    if not seen:
        return []
    first = max(min(seen), add_months(last, -(MAX_MONTHS - 1)))
    return [
        {
            "month": month,
            "adoptions": adoptions.get(month, 0),
            "copies": copies.get(month, 0),
            "replications": replications.get(month, 0),
        }
        for month in month_range(first, last)
    ]


# Network ---------------------------------------------------------------------------------------------

MOU, REPLICATION, COPY = "mou", "replication", "copy"
LINK_KINDS = (MOU, REPLICATION, COPY)


def _built_per_region() -> dict[str, int]:
    """The apps each region built. COUNT(*), not COUNT(id): the database answers from the owner_region
    index alone, without reading the apps (ten times faster at 100,000 apps)."""
    return dict(App.objects.values_list("owner_region").annotate(count=Count("*")).order_by())


def network() -> dict:
    """Who learns from whom: a node per region that built an app or takes part in a link (its value:
    the apps it built and shares), a link per pair of regions and kind: an MoU both signed, a
    replication (from the originating region to the recipient), a copy of a template (from the mentor
    region to the region that made it), with how many (five queries)."""
    built = _built_per_region()
    links: list[dict] = []
    mou_pairs = (
        MoUParty.objects.filter(mou__parties__region__gt=F("region"))
        .values_list("region", "mou__parties__region")
        .annotate(count=Count("mou", distinct=True))
        .order_by()
    )
    links += [{"source": a, "target": b, "kind": MOU, "value": n} for a, b, n in mou_pairs]
    replications = (
        _replications(EVERYTHING).values_list("asal", "penerima").annotate(count=Count("pk")).order_by()
    )
    links += [
        {"source": a, "target": b, "kind": REPLICATION, "value": n} for a, b, n in replications if a != b
    ]
    copies = (
        _copies(EVERYTHING)
        .values_list("template__mentor_region", "region")
        .annotate(count=Count("pk"))
        .order_by()
    )
    links += [{"source": a, "target": b, "kind": COPY, "value": n} for a, b, n in copies if a != b]
    links.sort(key=lambda link: (LINK_KINDS.index(link["kind"]), link["source"], link["target"]))
    codes = set(built) | {link["source"] for link in links} | {link["target"] for link in links}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    nodes = [
        {"code": code, "name": names.get(code, code), "apps": built.get(code, 0)} for code in sorted(codes)
    ]
    return {"nodes": nodes, "links": links}


# Provinces -------------------------------------------------------------------------------------------


def _province_of(prefix: str):
    """A region's province code: its own for a province, its province's otherwise."""
    return Coalesce(f"{prefix}province", f"{prefix}code")


def provinces(scope: Scope = EVERYTHING, *, today: datetime.date | None = None) -> list[dict]:
    """For each of the 38 provinces, in the order of the tile grid: the apps built there, the apps
    reused there (distinct apps adopted by its regions), the live copies reporting there (four queries)."""
    names = dict(Region.objects.filter(kind=RegionKind.PROVINCE).values_list("code", "name"))
    # COUNT(*), not COUNT(id): unfiltered, the database answers from the owner_province index alone.
    built = dict(_apps(scope).values_list("owner_province").annotate(count=Count("*")).order_by())
    reused = dict(
        _adoptions(scope)
        .annotate(province=_province_of("region__"))
        .values_list("province")
        .annotate(count=Count("app", distinct=True))
        .order_by()
    )
    live = dict(
        _copies(scope)
        .filter(service_reports__month__gte=live_since(today))
        .annotate(province=_province_of("region__"))
        .values_list("province")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "short": short,
            "row": row,
            "column": column,
            "apps_built": built.get(code, 0),
            "apps_reused": reused.get(code, 0),
            "live_copies": live.get(code, 0),
        }
        for code, short, row, column in GRID
    ]


# SLA -------------------------------------------------------------------------------------------------


def sla(
    scope: Scope = EVERYTHING, *, today: datetime.date | None = None, months: int = SLA_MONTHS
) -> list[dict]:
    """The share of reports resolved within their SLA per month, for the last `months` complete months
    (oldest first), with the copies it covers; `share` is None for a month without such figures (two
    one query: the reports, each with the declaration of the version it was checked against)."""
    last = add_months(this_month(today), -1)
    first = add_months(last, -(months - 1))
    # Each report with the declaration of the version it was checked against, in the same query.
    declaration = TemplateVersion.objects.filter(
        template=OuterRef("fork__template"), number=OuterRef("version_number")
    ).values("figures")[:1]
    reports = (
        ServiceReport.objects.filter(month__gte=first, month__lte=last, fork__in=_copies(scope).values("pk"))
        .annotate(declaration=Subquery(declaration, output_field=JSONField()))
        .values_list("month", "fork_id", "figures", "declaration")
    )
    totals: dict[datetime.date, list] = {month: [0.0, 0.0, set()] for month in month_range(first, last)}
    for month, fork, figures, declared in reports:
        for figure in declared or ():
            if not (figure.get("sla") and figure.get("of")):
                continue
            share, of = figures.get(figure["key"]), figures.get(figure["of"])
            if share is None or not of:
                continue
            total = totals[month]
            total[0] += share / 100 * of
            total[1] += of
            total[2].add(fork)
    return [
        {
            "month": month,
            "share": round(within / counted * 100, 1) if counted else None,
            "resolved": int(counted),
            "copies": len(forks),
        }
        for month, (within, counted, forks) in totals.items()
    ]


# The national figures --------------------------------------------------------------------------------


def summary(*, today: datetime.date | None = None) -> dict:
    """The national figures of the home page and the dashboard (five queries)."""
    built = _built_per_region()
    copies = _copies(EVERYTHING).aggregate(
        copies=Count("pk", distinct=True),
        live=Count("pk", distinct=True, filter=Q(service_reports__month__gte=live_since(today))),
    )
    last_sla = sla(today=today, months=1)[0]
    return {
        "apps": sum(built.values()),
        "regions_building": len(built),
        "adoptions": Adoption.objects.count(),
        "copies": copies["copies"],
        "live_copies": copies["live"],
        "replications": _replications(EVERYTHING).count(),
        "sla_month": last_sla["month"],
        "sla_share": last_sla["share"],
        "sla_copies": last_sla["copies"],
    }


# A region --------------------------------------------------------------------------------------------


def region_categories(region: Region) -> list[dict]:
    """What a region built and what it reuses, per category of app (two queries). A province counts the
    apps of its own government only (its regencies and cities have their own pages)."""
    built = dict(
        App.objects.filter(owner_region=region).values_list("category").annotate(n=Count("pk")).order_by()
    )
    reused = dict(
        Adoption.objects.filter(region=region).values_list("app__category").annotate(n=Count("pk")).order_by()
    )
    return [
        {"category": category, "built": built.get(category, 0), "reused": reused.get(category, 0)}
        for category in sorted(set(built) | set(reused))
    ]
