"""Writes of adoptions: who records that a region uses an app, verified or not, and the counts."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from registry import permissions
from registry.models import Region

from ..cache import catalog_changed
from ..models import Adoption, App


def recount_adoptions(*, app_ids: Iterable[int]) -> None:
    counts = (
        Adoption.objects.filter(app=OuterRef("pk"))
        .order_by()
        .values("app")
        .annotate(n=Count("pk"))
        .values("n")
    )
    App.objects.filter(pk__in=list(app_ids)).update(adoption_count=Coalesce(Subquery(counts), 0))


@transaction.atomic
def adoption_record(*, app: App, region: Region, recorded_by, **fields) -> Adoption:
    """Record (or update) that `region` uses `app`.

    Staff may record on a region's behalf (not verified); a developer, editor or admin member of
    the adopting region records its own use (verified). Anyone else is refused, and so is staff over
    a record the region verified itself: a verified record is never downgraded by an unverified one.
    """
    if region.code == app.owner_region_id:
        raise ValidationError({"region": _("A region does not adopt its own app.")})
    rights = permissions.adoption_rights(recorded_by, region.code)
    if not rights.may_record:
        raise PermissionDenied(
            _("Only members of the adopting region, or staff, can record its use of an app.")
        )
    # Locked: a member verifying the record at the same moment is not overwritten unseen.
    adoption = Adoption.objects.select_for_update().filter(app=app, region=region).first() or Adoption(
        app=app, region=region
    )
    if adoption.verified and not rights.verified:
        raise PermissionDenied(
            _("%(region)s verified its own use of this app; only its members can change that record.")
            % {"region": region.name}
        )
    for name, value in fields.items():
        setattr(adoption, name, value)
    adoption.recorded_by = recorded_by
    adoption.verified = rights.verified
    # The app, region and user are loaded objects and the pair is looked up above: validate the values.
    adoption.full_clean(
        exclude=["app", "region", "recorded_by"], validate_unique=False, validate_constraints=False
    )
    adoption.save()
    recount_adoptions(app_ids=[app.pk])
    catalog_changed()
    return adoption


@transaction.atomic
def adoption_save_on_behalf(*, adoption: Adoption, recorded_by) -> Adoption:
    """Staff's edit of an adoption record (the admin): made on the region's behalf, so not verified."""
    adoption.recorded_by = recorded_by
    adoption.verified = False
    adoption.save()
    recount_adoptions(app_ids=[adoption.app_id])
    catalog_changed()
    return adoption


@transaction.atomic
def adoption_record_unverified(*, app: App, region: Region, **fields) -> Adoption:
    """Record an adoption from a public source (demo data, imports): never verified, so a record the
    region verified itself is left as it is (and returned)."""
    if region.code == app.owner_region_id:
        raise ValidationError({"region": _("A region does not adopt its own app.")})
    adoption = Adoption.objects.select_for_update().filter(app=app, region=region).first() or Adoption(
        app=app, region=region
    )
    if adoption.verified:
        return adoption
    for name, value in fields.items():
        setattr(adoption, name, value)
    adoption.verified = False
    adoption.full_clean()
    adoption.save()
    recount_adoptions(app_ids=[app.pk])
    catalog_changed()
    return adoption
