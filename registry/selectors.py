"""Reads shared by the web pages, the API, the admin and the tasks."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import MoUStatus
from .models import Agency, Membership, MoU, MoUParty, Region, StudyVisit

User = AbstractBaseUser | AnonymousUser


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("province").order_by("code")


class SubqueryCount(Subquery):
    """COUNT(*) of a subquery: one correlated count per row, without the joins of Count()."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def region_detail_queryset() -> QuerySet[Region]:
    """Regions with the counts their page shows, in one query."""
    here = OuterRef("pk")
    return region_list().annotate(
        agency_count=SubqueryCount(Agency.objects.filter(region=here).values("pk")),
        mou_count=SubqueryCount(MoUParty.objects.filter(region=here).values("pk")),
        partner_count=SubqueryCount(
            MoUParty.objects.filter(mou__parties__region=here)
            .exclude(region=here)
            .values("region")
            .distinct()
        ),
        visit_count=SubqueryCount(
            StudyVisit.objects.filter(Q(visiting_region=here) | Q(host_regions=here)).values("pk").distinct()
        ),
    )


def region_partners(region: Region) -> QuerySet[Region]:
    """Regions that share at least one MoU with `region`."""
    shared = MoUParty.objects.filter(mou__parties__region=region, region=OuterRef("pk"))
    return region_list().filter(Exists(shared)).exclude(pk=region.pk)


def region_agencies(region: Region) -> QuerySet[Agency]:
    return region.agencies.order_by("name")


def mou_list(*, today=None) -> QuerySet[MoU]:
    parties = MoUParty.objects.select_related("region", "agency").order_by("position", "id")
    return (
        MoU.objects.with_status(today)
        .select_related("created_by")
        .prefetch_related(Prefetch("parties", queryset=parties))
    )


def _party_changes(rows) -> list[str]:
    """What one save did to the parties, net: the services replace them all (removed, then added again)."""
    removed = {row.region_id: row for row in rows if row.history_type == "-"}
    added = {row.region_id: row for row in rows if row.history_type == "+"}
    changes = []
    for row in rows:
        code = row.region_id
        if row.history_type == "+" and code not in removed:
            changes.append(_("%(region)s added as a party") % {"region": row.region.name})
        elif row.history_type == "-" and code not in added:
            changes.append(_("%(region)s removed as a party") % {"region": row.region.name})
        elif row.history_type != "-" and (row.history_type == "~" or code in removed):
            before = removed.get(code) or row.prev_record
            fields = ("signatory_name", "signatory_title", "agency_id", "position")
            if before is None or any(getattr(before, name) != getattr(row, name) for name in fields):
                changes.append(
                    _("%(region)s: signed by %(name)s, %(title)s")
                    % {"region": row.region.name, "name": row.signatory_name, "title": row.signatory_title}
                )
    return changes


def mou_history(mou: MoU, *, limit: int = 50) -> list[dict]:
    """The MoU's audit trail, newest first: when, who, each field's old and new value, and what changed
    among the parties (each party change belongs to the MoU save just before it: the MoU is saved first)."""
    records = list(
        mou.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    party_rows: dict[int, list] = {}
    if records:
        rows = (
            MoUParty.history.filter(mou_id=mou.pk, history_date__gte=records[-1].history_date)
            .select_related("region")
            .order_by("history_date", "history_id")
        )
        for row in rows:
            owner = next((record for record in records if record.history_date <= row.history_date), None)
            if owner is not None:
                party_rows.setdefault(owner.history_id, []).append(row)
    entries = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at"])
            changes = [
                {
                    "field": change.field,
                    "label": MoU._meta.get_field(change.field).verbose_name,
                    "old": change.old,
                    "new": change.new,
                }
                for change in delta.changes
            ]
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": record.history_type,
                "changes": changes,
                "party_changes": _party_changes(party_rows.get(record.history_id, []))
                if record.history_type == "~"
                else [],
            }
        )
    return entries


def mous_of_region(region: Region) -> QuerySet[MoU]:
    return mou_list().filter(Exists(MoUParty.objects.filter(mou=OuterRef("pk"), region=region)))


def visit_list() -> QuerySet[StudyVisit]:
    return StudyVisit.objects.select_related("visiting_region", "created_by").prefetch_related(
        Prefetch("host_regions", queryset=Region.objects.order_by("code"))
    )


def visits_of_region(region: Region) -> QuerySet[StudyVisit]:
    return visit_list().filter(Q(visiting_region=region) | Q(host_regions=region)).distinct()


def workspace_memberships(user) -> QuerySet[Membership]:
    """The regions `user` acts for, with the role, by name: the workspaces they may open."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user.pk).select_related("region").order_by("region__name")


def mous_ending(region: Region, *, within_days: int, today: datetime.date | None = None) -> QuerySet[MoU]:
    """The region's active MoUs whose end date falls within the next `within_days` days, soonest first."""
    today = today or timezone.localdate()
    return (
        mous_of_region(region)
        .filter(
            current_status=MoUStatus.ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=within_days),
        )
        .order_by("ends_on", "pk")
    )
