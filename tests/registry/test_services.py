import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from registry import services
from registry.models import Membership, MoU, MoUNotice, MoUParty, Region
from tests import factories
from tests.conftest import member_of
from tests.registry.test_api import pdf_bytes

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def parties(*codes):
    return [
        services.PartyInput(
            region=factories.region(code), signatory_name=f"P{code}", signatory_title="Kepala Daerah"
        )
        for code in codes
    ]


def test_load_regions_counts_and_is_idempotent(regions):
    Region.objects.filter(code="33.74").update(name="Renamed")
    result = services.region_load_from_lokal()
    assert (result.provinces, result.regencies, result.cities) == (38, 416, 98)
    assert result.created == 0
    assert Region.objects.count() == 552
    assert Region.objects.get(code="33.74").name == "Kota Semarang"
    semarang = Region.objects.get(code="33.74")
    assert (semarang.kind, semarang.province_id) == ("city", "33")
    assert Region.objects.get(code="33.25").kind == "regency"
    assert not Region.objects.filter(kind="province", province__isnull=False).exists()


def test_load_regions_into_empty_table(regions):
    Region.objects.exclude(kind="province").delete()
    Region.objects.all().delete()
    assert services.region_load_from_lokal().created == 552


def test_mou_create_requires_two_distinct_parties(regions):
    with pytest.raises(ValidationError) as excinfo:
        services.mou_create(title="X", parties=parties("33.25"))
    assert "parties" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.mou_create(title="X", parties=parties("33.25", "33.25"))
    assert MoU.objects.count() == 0


def test_mou_create_rejects_agency_of_another_region(regions):
    agency = factories.AgencyFactory(region=factories.region("64.74"))
    bad = [services.PartyInput(factories.region("33.25"), "A", "Bupati", agency), *parties("33.74")]
    with pytest.raises(ValidationError):
        services.mou_create(title="X", parties=bad)
    assert MoU.objects.count() == 0


def test_mou_start_defaults_to_signing_date(regions):
    mou = services.mou_create(
        title="X", signed_on=datetime.date(2018, 9, 25), parties=parties("33.25", "33.74")
    )
    assert mou.starts_on == datetime.date(2018, 9, 25)


def test_failed_write_removes_the_stored_document(regions, media_root, monkeypatch):
    def explode(*args, **kwargs):
        raise IntegrityError("simulated failure after the file was stored")

    monkeypatch.setattr(MoUParty.objects, "bulk_create", explode)
    document = SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")
    with pytest.raises(IntegrityError):
        services.mou_create(title="X", parties=parties("33.25", "33.74"), document=document)
    assert MoU.objects.count() == 0
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_database_refuses_end_before_start(regions):
    mou = factories.MoUFactory()
    MoU.objects.filter(pk=mou.pk).update(starts_on=datetime.date(2024, 1, 1))
    with pytest.raises(IntegrityError):
        MoU.objects.filter(pk=mou.pk).update(ends_on=datetime.date(2023, 1, 1))


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"signed_on": None, "starts_on": None}, "draft"),
        ({"signed_on": datetime.date(2026, 5, 1), "starts_on": datetime.date(2026, 7, 1)}, "draft"),
        ({"signed_on": datetime.date(2025, 1, 1), "ends_on": None}, "active"),
        ({"signed_on": datetime.date(2025, 1, 1), "ends_on": TODAY}, "active"),
        ({"signed_on": datetime.date(2025, 1, 1), "ends_on": TODAY - datetime.timedelta(days=1)}, "expired"),
        ({"signed_on": datetime.date(2025, 1, 1), "terminated_on": TODAY}, "terminated"),
        (
            {"signed_on": datetime.date(2025, 1, 1), "terminated_on": TODAY + datetime.timedelta(days=3)},
            "active",
        ),
    ],
)
def test_status_derivation_agrees_in_python_and_sql(regions, fields, status):
    fields.setdefault("starts_on", fields.get("signed_on"))
    mou = factories.MoUFactory(**fields)
    assert mou.status_on(TODAY) == status
    assert MoU.objects.with_status(TODAY).get(pk=mou.pk).current_status == status


def test_membership_set_creates_user_and_updates_role(regions):
    batang = factories.region("33.25")
    membership, created = services.membership_set(
        username="ani", region=batang, role="developer", password="pw-12345"
    )
    assert created and membership.role == "developer"
    assert membership.user.check_password("pw-12345")
    membership, created = services.membership_set(username="ani", region=batang, role="editor")
    assert not created and membership.role == "editor"
    assert Membership.objects.count() == 1
    with pytest.raises(ValidationError):
        services.membership_set(username="ani", region=batang, role="emperor")


# Expiry notices --------------------------------------------------------------------------------


@pytest.fixture
def notified_members(regions):
    member_of("33.25", "editor", "editor-batang")
    member_of("33.74", "admin", "admin-semarang")
    member_of("33.74", "viewer", "viewer-semarang")
    member_of("33.74", "developer", "dev-semarang")
    member_of("64.74", "admin", "admin-bontang")


def test_expiring_mou_notifies_party_editors_and_admins_once(notified_members):
    mou = factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=20))
    assert services.mou_send_expiry_notices(today=TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["admin-semarang@example.test", "editor-batang@example.test"]
    assert mou.title in message.subject
    assert "berakhir" in message.subject.lower()  # written in Bahasa Indonesia
    assert services.mou_send_expiry_notices(today=TODAY) == 0
    assert services.mou_send_expiry_notices(today=TODAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_newly_expired_mou_gets_its_own_notice(notified_members):
    mou = factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=5))
    services.mou_send_expiry_notices(today=TODAY)
    services.mou_send_expiry_notices(today=TODAY + datetime.timedelta(days=6))
    services.mou_send_expiry_notices(today=TODAY + datetime.timedelta(days=7))
    assert [n.kind for n in MoUNotice.objects.filter(mou=mou).order_by("sent_at")] == ["expiring", "expired"]
    assert len(mail.outbox) == 2


def test_extended_mou_is_notified_again_for_its_new_end(notified_members):
    mou = factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=10))
    services.mou_send_expiry_notices(today=TODAY)
    services.mou_update(mou=mou, ends_on=TODAY + datetime.timedelta(days=25))
    assert services.mou_send_expiry_notices(today=TODAY) == 1


def test_no_notice_for_far_ends_long_expired_terminated_or_drafts(notified_members):
    factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=31))
    factories.MoUFactory(signed_on=datetime.date(2018, 1, 1), ends_on=datetime.date(2019, 1, 1))
    factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=3), terminated_on=TODAY)
    factories.MoUFactory(signed_on=None, starts_on=None, ends_on=TODAY + datetime.timedelta(days=3))
    assert services.mou_send_expiry_notices(today=TODAY) == 0
    assert mail.outbox == []


def test_mou_without_recipients_is_recorded_but_not_mailed(regions):
    mou = factories.MoUFactory(party_codes=("12", "33"), ends_on=TODAY + datetime.timedelta(days=3))
    assert services.mou_send_expiry_notices(today=TODAY) == 0
    assert MoUNotice.objects.get(mou=mou).recipients == []


def test_failed_send_is_retried_next_run(notified_members, monkeypatch):
    factories.MoUFactory(ends_on=TODAY + datetime.timedelta(days=3))

    def broken_send(self, fail_silently=False):
        raise OSError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken_send)
        with pytest.raises(OSError):
            services.mou_send_expiry_notices(today=TODAY)
    assert MoUNotice.objects.count() == 0
    assert services.mou_send_expiry_notices(today=TODAY) == 1
