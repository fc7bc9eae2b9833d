"""A succeeded fork recorded in the catalog: the region's adoption of the template's app, and the MoU
between the region and the mentor. Off the developer's path: right after the render, or by the sweeper."""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.choices import AdoptionStage
from registry import permissions
from registry.choices import MoUStatus
from registry.models import MoU, MoUParty, Region

from ..choices import ForkStatus
from ..models import Fork


def _active_mou_between(region: Region, other: Region) -> MoU | None:
    def party(code):
        return Exists(MoUParty.objects.filter(mou=OuterRef("pk"), region=code))

    return (
        MoU.objects.with_status()
        .filter(current_status=MoUStatus.ACTIVE)
        .filter(party(region.code), party(other.code))
        .order_by("-signed_on")
        .first()
    )


def fork_record_in_catalog(*, fork_id) -> bool:
    """Record a succeeded fork in the catalog: the region's verified adoption of the template's app (stage
    "in development"), and the active MoU between the region and the mentor, linked to the fork and the app.

    It runs right after the fork is marked succeeded, in its own transaction, so the copy is ready to
    download without waiting for the catalog; if the worker dies in between, the sweeper runs it again.
    Idempotent: a fork is recorded once.
    """
    with transaction.atomic():
        fork = (
            Fork.objects.select_for_update(of=("self",))
            .select_related("template__mentor_region", "template__app", "version", "region", "requested_by")
            .filter(pk=fork_id, status=ForkStatus.SUCCEEDED, catalog_recorded_at__isnull=True)
            .first()
        )
        if fork is None:
            return False
        mou = _active_mou_between(fork.region, fork.template.mentor_region)
        _record_adoption(fork, mou)
        Fork.objects.filter(pk=fork.pk).update(mou=mou, catalog_recorded_at=timezone.now())
    return True


def fork_event_label(fork: Fork) -> str:
    """How the app page's timeline names a copy: the template, its version and the day, never the fork's
    id (e.g. "Salinan templat Pengaduan v3 (2 Des 2026)")."""
    return _("Copy of template %(template)s v%(version)s (%(date)s)") % {
        "template": fork.template.name,
        "version": fork.version.number,
        "date": date_format(timezone.localdate(fork.created_at), "j M Y"),
    }


def _record_adoption(fork: Fork, mou: MoU | None) -> None:
    app = fork.template.app
    if app is None or app.owner_region_id == fork.region_id:
        return
    # Stored in the site's language: the timeline is public and read in the regions' offices.
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Own copy made from template %(template)s v%(version)s, mentored by %(mentor)s.") % {
            "template": fork.template.name,
            "version": fork.version.number,
            "mentor": fork.template.mentor_region.name,
        }
        label = fork_event_label(fork)
    # The copy is an event on the adoption's timeline: it never moves "since" later nor replaces the
    # evidence already recorded (catalog.services.adoptions). It links to the template's page, which
    # anyone may read; the fork's own page is for the region's members only.
    fields = {
        "stage": AdoptionStage.IN_DEVELOPMENT,
        "since": timezone.localdate(fork.created_at),
        "evidence_note": note,
        "link_url": fork.template.get_absolute_url(),
        "link_label": label,
    }
    # Locked until the fork's transaction ends: the check below holds for the write that follows it.
    existing = app.adoptions.select_for_update().filter(region=fork.region).first()
    if existing is not None and existing.stage in (AdoptionStage.LIVE, AdoptionStage.IN_DEVELOPMENT):
        fields["stage"] = existing.stage
    # A requester who may adopt for the region as its member records it verified; staff record it on the
    # region's behalf, unverified. A record the region verified itself is never downgraded, and a requester
    # who has since lost the right records as a public source would: unverified, over no verified record.
    rights = permissions.adoption_rights(fork.requested_by, fork.region_id)
    verified_by_region = existing is not None and existing.verified
    if rights.may_record and (rights.verified or not verified_by_region):
        catalog_services.adoption_record(app=app, region=fork.region, recorded_by=fork.requested_by, **fields)
    elif verified_by_region:
        # The copy still shows on the region's timeline, as recorded on its behalf.
        fields.pop("stage")
        catalog_services.adoption_note_event(adoption=existing, recorded_by=fork.requested_by, **fields)
    else:
        catalog_services.adoption_record_unverified(app=app, region=fork.region, **fields)
    if mou is not None and mou.parties.filter(region=app.owner_region_id).exists():
        # Only an agreement the app's owner signed covers it (the template's mentor may not be the owner).
        app.mous.add(mou)
