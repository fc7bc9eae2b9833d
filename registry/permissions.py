"""Who may do what: the one place that says it.

Lumbung's rights follow regions. A user acts for a region through a membership with a role; staff act
for every region. Three actions matter:

- `Action.VIEW`: reading. Public for almost everything; a model's queryset narrows it where a record is
  not public (a region's own copies of templates).
- `Action.CHANGE`: writing on a region's behalf: its apps, its MoUs (as a party), its study visits, its
  imports, its templates' mentors. Members with a role in `MAY_WRITE_FOR_REGION` (editor, admin).
- `Action.ADOPT`: taking something for a region: recording that it uses an app, forking a template for
  it, previewing that fork. Members with a role in `MAY_ADOPT_FOR_REGION` (developer, editor, admin).

Everything else asks here:

- `may(user, action, region_codes)` / `require(...)` for a write whose region comes from the request
  (a new app's owner, a new MoU's parties);
- `Model.objects.restrict(user, action)` (the querysets built on `RestrictedQuerySet`, in the spirit of
  NetBox's RestrictedQuerySet) for the rows a user may act on, in SQL;
- `RegionObjectPermission`, the DRF permission class of every viewset that writes, which checks an
  object through its queryset's `restrict`;
- `may_expression` where a query annotates the right (the fork request's one-query region lookup).

Services call `require` before they write; views and serializers only translate the refusal (Django's
`PermissionDenied`, a 403) into a page or a response. `tests/permissions/` walks every write
endpoint with every role against one table.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .choices import MemberRole

User = AbstractBaseUser | AnonymousUser

__all__ = [
    "HEAR_OF_NEW_VERSIONS",
    "MAY_ADOPT_FOR_REGION",
    "MAY_WRITE_FOR_REGION",
    "REPLICATION_RULES",
    "Action",
    "AdoptionRights",
    "RegionObjectPermission",
    "RestrictedQuerySet",
    "acting_side",
    "adoption_region_codes",
    "adoption_rights",
    "check_source_change",
    "may",
    "may_expression",
    "may_on_replication",
    "may_open_workspace",
    "may_read_history",
    "may_see_contact_details",
    "may_see_fleet",
    "member_region_codes",
    "member_regions",
    "members_who_may",
    "mou_document_visible",
    "new_version_recipients",
    "region_admins",
    "require",
    "require_on_replication",
    "user_can_set_source",
]


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CHANGE = "change", _("write for the region")
    ADOPT = "adopt", _("adopt or fork for the region")


# The roles, named for what they allow.
MAY_WRITE_FOR_REGION = frozenset({MemberRole.EDITOR, MemberRole.ADMIN})
MAY_ADOPT_FOR_REGION = frozenset({MemberRole.DEVELOPER, MemberRole.EDITOR, MemberRole.ADMIN})
_ROLES = {Action.CHANGE: MAY_WRITE_FOR_REGION, Action.ADOPT: MAY_ADOPT_FOR_REGION}


def _memberships():
    from .models import Membership  # models build their querysets on this module

    return Membership.objects


def member_region_codes(user: User, action: Action | None = None) -> set[str]:
    """Codes of the regions `user` is a member of; with `action`, only those it may do that for."""
    if not user.is_authenticated:
        return set()
    memberships = _memberships().filter(user=user.pk)
    if action is not None and action != Action.VIEW:
        memberships = memberships.filter(role__in=_ROLES[action])
    return set(memberships.order_by().values_list("region_id", flat=True))  # a set: no ordering, no join


def may(user: User | None, action: Action, region_codes: Iterable[str]) -> bool:
    """Whether `user` may `action` for one of `region_codes`: staff for any region, a member for its own
    with a role that allows it. Never for a pair of other regions (a member records an agreement only
    when one of its regions is a party)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or action == Action.VIEW:
        return True
    return bool(member_region_codes(user, action) & set(region_codes))


def require(user: User | None, action: Action, region_codes: Iterable[str], message: str) -> None:
    """Raise PermissionDenied(`message`) unless `may(user, action, region_codes)`."""
    if not may(user, action, region_codes):
        raise PermissionDenied(message)


def member_regions(user: User, action: Action | None = None):
    """The codes of `user`'s regions (with a role allowing `action`, when given) as a subquery, for
    querysets whose `visible` depends on membership."""
    memberships = _memberships().filter(user=user.pk if user.is_authenticated else None)
    if action is not None and action != Action.VIEW:
        memberships = memberships.filter(role__in=_ROLES[action])
    return memberships.values("region_id")


# Replication (mentoring): what each side of a replication may do, and with which role set. The sides
# are the replication's regions: "asal" (originating), "penerima" (recipient), "fasilitator".
REPLICATION_RULES = {
    "request": (Action.CHANGE, ("penerima",)),  # ask to be mentored, edit the request
    "answer_request": (Action.CHANGE, ("asal",)),  # accept (naming a mentor) or decline
    "move_phase": (Action.CHANGE, ("asal", "penerima")),  # advance, go back with a reason, cancel
    "plan": (Action.CHANGE, ("asal", "penerima", "fasilitator")),  # the action plan
    "schedule": (Action.CHANGE, ("asal", "fasilitator")),  # bimtek sessions and their materials
    "ask": (Action.ADOPT, ("penerima",)),  # questions: the recipient's developers too
    "answer": (Action.ADOPT, ("asal", "fasilitator")),  # answers: the mentors' developers too
    "evaluate": (Action.CHANGE, ("penerima",)),  # before/after figures, lessons, service live
}


def replication_sides(replication) -> dict[str, str | None]:
    return {
        "asal": replication.asal_id,
        "penerima": replication.penerima_id,
        "fasilitator": replication.fasilitator_id,
    }


def may_on_replication(user: User | None, what: str, replication) -> bool:
    """Whether `user` may do `what` (a key of REPLICATION_RULES) on `replication`."""
    action, sides = REPLICATION_RULES[what]
    regions = replication_sides(replication)
    return may(user, action, [regions[side] for side in sides if regions[side]])


def acting_side(user: User | None, what: str, replication) -> str | None:
    """The side (of the rule `what`) that `user` acts for on `replication`: the first of the rule's
    sides whose region they may act for (staff: the rule's first side); None if they may not."""
    action, sides = REPLICATION_RULES[what]
    regions = replication_sides(replication)
    for side in sides:
        if regions[side] and may(user, action, [regions[side]]):
            return side
    return None


def require_on_replication(user: User | None, what: str, replication, message: str) -> None:
    if not may_on_replication(user, what, replication):
        raise PermissionDenied(message)


def may_expression(user: User, action: Action, region_ref: OuterRef):
    """The rule of `may` as an SQL expression over one region (`region_ref`, e.g. OuterRef("pk")), for
    a query that reads a region and the right together."""
    if user.is_authenticated and user.is_staff:
        return Value(True, output_field=BooleanField())
    if not user.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(_memberships().filter(user=user.pk, region=region_ref, role__in=_ROLES[action]))


def members_who_may(action: Action, region_codes: Iterable[str]):
    """Memberships (active users) that may `action` for one of `region_codes`: who hears about it."""
    return _memberships().filter(region__in=list(region_codes), role__in=_ROLES[action], user__is_active=True)


def region_admins(region_codes: Iterable[str]):
    """Memberships (active users) of the administrators of `region_codes`: who answers for the region
    when something waits too long."""
    return _memberships().filter(region__in=list(region_codes), role=MemberRole.ADMIN, user__is_active=True)


# Who hears that a template their region copied has a new version: those who take it into the copy.
HEAR_OF_NEW_VERSIONS = frozenset({MemberRole.DEVELOPER, MemberRole.ADMIN})


def new_version_recipients(region_codes: Iterable[str]):
    """Memberships (active users) of the developers and administrators of `region_codes`: who is told
    that a template the region copied has a newer version than the copy."""
    return _memberships().filter(
        region__in=list(region_codes), role__in=HEAR_OF_NEW_VERSIONS, user__is_active=True
    )


class RestrictedQuerySet(models.QuerySet):
    """`restrict(user, action)`: the rows `user` may `action`.

    A subclass names `region_lookup`, the path from its model to the region that acts for a row (an
    app's owner region, an MoU's party regions), or a tuple of paths any of which may act (the sides
    of a replication); `visible(user)` narrows reading where rows are not public.
    """

    region_lookup: str | tuple[str, ...] = ""

    def _of_regions(self, codes) -> "RestrictedQuerySet":
        lookups = (self.region_lookup,) if isinstance(self.region_lookup, str) else self.region_lookup
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{f"{lookup}__in": codes})
        if not any("__" in lookup for lookup in lookups):
            return self.filter(condition)
        # A many-valued path (an MoU's parties): a subquery, so that no row repeats and no DISTINCT
        # meets the caller's annotations.
        return self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))

    def visible(self, user: User) -> "RestrictedQuerySet":
        return self.all()

    def of_member_regions(self, user: User) -> "RestrictedQuerySet":
        """For `visible` where rows are a region's own: those of the regions `user` is a member of,
        any role (all of them for staff, none for anonymous visitors)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self._of_regions(member_regions(user))

    def restrict(self, user: User | None, action: Action = Action.VIEW) -> "RestrictedQuerySet":
        user = user or AnonymousUser()
        if action == Action.VIEW:
            return self.visible(user)
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self._of_regions(member_regions(user, action))


class RegionObjectPermission(BasePermission):
    """DRF, after IsAuthenticatedOrReadOnly (the default pair in settings: reads open, writes signed in,
    401 otherwise): writing one object needs its queryset's `restrict(user, view.write_action)` to hold
    it (403 with the view's `denied_messages[request.method]` otherwise). Writes that create (no object
    yet) check the regions named in the request with `require`."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "write_action", Action.CHANGE)
        if type(obj)._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists():
            return True
        message = getattr(view, "denied_messages", {}).get(request.method)
        if message:
            self.message = message
        return False


@dataclass(frozen=True)
class AdoptionRights:
    """What `user` may do with a region's record of using an app."""

    may_record: bool  # staff, or a member of the adopting region with a MAY_ADOPT_FOR_REGION role
    verified: bool  # a member speaks for the region itself; staff record on its behalf, unverified


def adoption_rights(user: User | None, region_code: str) -> AdoptionRights:
    if user is None or not user.is_authenticated:
        return AdoptionRights(may_record=False, verified=False)
    is_member = region_code in member_region_codes(user, Action.ADOPT)
    return AdoptionRights(may_record=is_member or user.is_staff, verified=is_member)


def adoption_region_codes(user: User, region_codes: Iterable[str]) -> set[str]:
    """Of `region_codes`, those `user` may record adoptions for (the rule of `adoption_rights`)."""
    codes = set(region_codes)
    if not user.is_authenticated:
        return set()
    if user.is_staff:
        return codes
    return codes & member_region_codes(user, Action.ADOPT)


def may_open_workspace(user: User | None, region_code: str) -> bool:
    """A region's workspace ("Wilayah saya": its copies, replications, questions and deadlines) is for
    its members, whatever their role, and staff."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or region_code in member_region_codes(user))


def may_see_fleet(user: User | None, mentor_region_code: str) -> bool:
    """Whether `user` sees every region's copy of a template whose mentor region is `mentor_region_code`
    (which region is at which version, behind by how much): staff and members (any role) of the mentor
    region. Others see their own regions' copies (`Fork.objects.restrict(user)`) and the public counts."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or mentor_region_code in member_region_codes(user))


def may_read_history(user: User) -> bool:
    """The audit trail (who changed what, and when) is for staff only."""
    return bool(user.is_authenticated and user.is_staff)


def may_see_contact_details(user: User) -> bool:
    """A person's e-mail and telephone (mentor contacts) are for officials: staff and signed-in members
    of any region, never anonymous visitors."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or _memberships().filter(user=user.pk).exists())


def user_can_set_source(user: User) -> bool:
    """Where a record comes from (a news story, a register) is the curators' word: staff only."""
    return bool(user.is_authenticated and user.is_staff)


def check_source_change(user: User, *, new: str | None, current: str = "") -> None:
    """Refuse (ValidationError on `source`) a change of a record's source by anyone but staff. Sending
    back the source the record already has (or none) is no change."""
    if new is not None and new != current and not user_can_set_source(user):
        raise ValidationError({"source": [_("Only staff can set where a record comes from.")]})


def mou_document_visible(user: User, mou, *, region_codes: set[str] | None = None) -> bool:
    """Whether `user` may download the MoU's document: anyone once it is signed; before, while it is
    still being negotiated, only staff and members (any role) of a party region.

    `mou.parties` is read (prefetched by mou_list); `region_codes` may carry member_region_codes(user)
    when many MoUs are checked for one user.
    """
    if not mou.document:
        return False
    if mou.signed_on is not None or (user.is_authenticated and user.is_staff):
        return True
    if region_codes is None:
        region_codes = member_region_codes(user)
    return any(party.region_id in region_codes for party in mou.parties.all())
