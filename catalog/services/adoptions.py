"""Writes of adoptions: who records that a region uses an app, verified or not, and the counts.

Every change goes through `_apply`, which appends an AdoptionEvent (date, stage, evidence, source, who)
and never rewrites history: the adoption's `since` is the earliest event's date, and its evidence (with
its source) stays the first one recorded unless a later one is stronger (a URL over a note, a note over
nothing). Later evidence lives on its event.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.queries import count_of
from registry import permissions
from registry.models import Region

from ..cache import catalog_changed
from ..models import Adoption, AdoptionEvent, App
from .search import app_refresh_search

# What a caller may pass besides the adoption's own fields: they describe the event only.
EVENT_ONLY_FIELDS = ("date_precision", "link_url", "link_label")


def _evidence_strength(url: str, note: str) -> int:
    """A checkable address beats a note, a note beats nothing."""
    return 2 if url else 1 if note else 0


def _apply(adoption: Adoption, fields: dict, *, recorded_by, verified: bool) -> AdoptionEvent:
    """Set the adoption's stage, and its since and evidence only as the rules above allow, from
    `fields`; return the (unsaved) event that records the change."""
    fields = dict(fields)
    event_only = {name: fields.pop(name) for name in EVENT_ONLY_FIELDS if name in fields}
    since: datetime.date | None = fields.pop("since", None)
    url, note = fields.pop("evidence_url", "") or "", fields.pop("evidence_note", "") or ""
    source = fields.pop("source", None)
    new = adoption._state.adding
    for name, value in fields.items():  # the stage, and anything else that is the record's current state
        setattr(adoption, name, value)
    # "Since": the earliest date any event gives (an adoption recorded earlier keeps its date).
    if since is not None and (adoption.since is None or since < adoption.since):
        adoption.since = since
    # The evidence, with the source it came from: the first one, unless this one is stronger.
    if new or _evidence_strength(url, note) > _evidence_strength(
        adoption.evidence_url, adoption.evidence_note
    ):
        adoption.evidence_url, adoption.evidence_note = url, note
        if source is not None:
            adoption.source = source
    return AdoptionEvent(
        occurred_on=since,
        stage=adoption.stage,
        evidence_url=url,
        evidence_note=note,
        source=source if source is not None else "",
        recorded_by=recorded_by if recorded_by is not None and recorded_by.is_authenticated else None,
        verified=verified,
        **event_only,
    )


EVENT_IDENTITY = ("occurred_on", "stage", "evidence_url", "evidence_note", "source", "link_url")


def _save_event(adoption: Adoption, event: AdoptionEvent, *, existed: bool) -> AdoptionEvent | None:
    """Append `event` to the adoption's timeline, unless the same event is already on it (the demo
    data or an import run again, a client sending the same record twice)."""
    event.adoption = adoption
    event.full_clean(exclude=["adoption", "recorded_by"])
    if existed and adoption.events.filter(**{name: getattr(event, name) for name in EVENT_IDENTITY}).exists():
        return None
    event.save()
    return event


def recount_adoptions(*, app_ids: Iterable[int]) -> None:
    App.objects.filter(pk__in=list(app_ids)).update(adoption_count=count_of(Adoption, "app"))


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
    existed = adoption.pk is not None
    event = _apply(adoption, fields, recorded_by=recorded_by, verified=rights.verified)
    adoption.recorded_by = recorded_by
    adoption.verified = rights.verified
    # The app, region and user are loaded objects and the pair is looked up above: validate the values.
    adoption.full_clean(
        exclude=["app", "region", "recorded_by"], validate_unique=False, validate_constraints=False
    )
    adoption.save()
    _save_event(adoption, event, existed=existed)
    recount_adoptions(app_ids=[app.pk])
    app_refresh_search(app_ids=[app.pk])  # the regions reusing it are searched
    catalog_changed()
    return adoption


@transaction.atomic
def adoption_save_on_behalf(*, adoption: Adoption, recorded_by) -> Adoption:
    """Staff's edit of an adoption record (the admin): made on the region's behalf, so not verified.

    An explicit correction, so it is saved as entered (simple_history keeps the record's previous
    state); what it changed is appended to the timeline as an event, like every other change."""
    stored = None if adoption._state.adding else Adoption.objects.filter(pk=adoption.pk).first()
    adoption.recorded_by = recorded_by
    adoption.verified = False
    adoption.save()
    changed = stored is None or any(
        getattr(stored, name) != getattr(adoption, name)
        for name in ("stage", "since", "evidence_url", "evidence_note", "source")
    )
    if changed:
        since_changed = stored is None or stored.since != adoption.since
        event = AdoptionEvent(
            occurred_on=adoption.since if since_changed else None,
            stage=adoption.stage,
            recorded_by=recorded_by,
            verified=False,
            **{
                name: getattr(adoption, name)
                for name in ("evidence_url", "evidence_note", "source")
                if stored is None or getattr(stored, name) != getattr(adoption, name)
            },
        )
        _save_event(adoption, event, existed=stored is not None)
    recount_adoptions(app_ids=[adoption.app_id])
    app_refresh_search(app_ids=[adoption.app_id])
    catalog_changed()
    return adoption


@transaction.atomic
def adoption_note_event(*, adoption: Adoption, recorded_by=None, **fields) -> AdoptionEvent | None:
    """Add to the timeline of an adoption the region verified itself what someone else recorded (staff's
    copy of a template for the region): an unverified event; the record itself is left as it is."""
    event = AdoptionEvent(
        stage=adoption.stage,
        recorded_by=recorded_by if recorded_by is not None and recorded_by.is_authenticated else None,
        verified=False,
        **{("occurred_on" if name == "since" else name): value for name, value in fields.items()},
    )
    return _save_event(adoption, event, existed=True)


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
    existed = adoption.pk is not None
    event = _apply(adoption, fields, recorded_by=None, verified=False)
    adoption.verified = False
    adoption.full_clean()
    adoption.save()
    _save_event(adoption, event, existed=existed)
    recount_adoptions(app_ids=[app.pk])
    app_refresh_search(app_ids=[app.pk])  # the regions reusing it are searched
    catalog_changed()
    return adoption


@transaction.atomic
def adoption_confirm(*, adoption: Adoption, confirmed_by) -> Adoption:
    """A member of the adopting region confirms a record made on its behalf (by staff, from a news story
    or an import): the record, as it stands, becomes the region's own word (verified), and the
    confirmation is an event on the timeline. Confirming a verified record changes nothing."""
    if not permissions.adoption_rights(confirmed_by, adoption.region_id).verified:
        raise PermissionDenied(_("Only members of the adopting region can confirm its use of an app."))
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.verified:
        return adoption
    adoption.verified = True
    adoption.recorded_by = confirmed_by
    adoption.save(update_fields=["verified", "recorded_by", "updated_at"])
    AdoptionEvent.objects.create(
        adoption=adoption, stage=adoption.stage, recorded_by=confirmed_by, verified=True
    )
    catalog_changed()
    return adoption
