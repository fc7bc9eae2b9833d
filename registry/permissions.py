"""Who may do what: the role sets and the checks that every app asks, in one place.

Services ask these before they write; views only translate a refusal into a status code. The rule
for writing on a region's behalf (`user_can_write_for_regions`) and the fork rule (templates_repo's
`user_can_fork`) are older and still live in registry.selectors and templates_repo; they move here
with the rest of the permissions later.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import WRITER_ROLES, MemberRole
from .selectors import User, user_can_write_for_regions, user_region_codes

__all__ = [
    "ADOPTER_ROLES",
    "WRITER_ROLES",
    "AdoptionRights",
    "adoption_region_codes",
    "adoption_rights",
    "check_source_change",
    "user_can_set_source",
    "user_can_write_for_region",
]

# Members who may record their own region's use of an app (a developer forking a template does).
ADOPTER_ROLES = (MemberRole.DEVELOPER, MemberRole.EDITOR, MemberRole.ADMIN)


def user_can_write_for_region(user: User, region_code: str) -> bool:
    """Staff, or an editor or admin member of the region: its apps, agreements and visits."""
    return user_can_write_for_regions(user, [region_code])


@dataclass(frozen=True)
class AdoptionRights:
    """What `user` may do with a region's record of using an app."""

    may_record: bool  # staff, or a developer, editor or admin member of the adopting region
    verified: bool  # a member speaks for the region itself; staff record on its behalf, unverified


def adoption_rights(user: User | None, region_code: str) -> AdoptionRights:
    if user is None or not user.is_authenticated:
        return AdoptionRights(may_record=False, verified=False)
    is_member = region_code in user_region_codes(user, roles=ADOPTER_ROLES)
    return AdoptionRights(may_record=is_member or user.is_staff, verified=is_member)


def adoption_region_codes(user: User, region_codes: Iterable[str]) -> set[str]:
    """Of `region_codes`, those `user` may record adoptions for (the rule of `adoption_rights`)."""
    codes = set(region_codes)
    if not user.is_authenticated:
        return set()
    if user.is_staff:
        return codes
    return codes & user_region_codes(user, roles=ADOPTER_ROLES)


def user_can_set_source(user: User) -> bool:
    """Where a record comes from (a news story, a register) is the curators' word: staff only."""
    return bool(user.is_authenticated and user.is_staff)


def check_source_change(user: User, *, new: str | None, current: str = "") -> None:
    """Refuse (ValidationError on `source`) a change of a record's source by anyone but staff. Sending
    back the source the record already has (or none) is no change."""
    if new is not None and new != current and not user_can_set_source(user):
        raise ValidationError({"source": [_("Only staff can set where a record comes from.")]})
