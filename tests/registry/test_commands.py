import pytest
from django.core.management import CommandError, call_command

from registry.models import Agency, Membership, MoU, StudyVisit

pytestmark = pytest.mark.django_db


def test_load_regions_command(regions, capsys):
    call_command("load_regions")
    assert "38 provinces, 416 regencies, 98 cities (0 new)" in capsys.readouterr().out


def test_add_member_creates_user_and_sets_role(regions, django_user_model):
    call_command("add_member", "wati", "33.25", "--role", "developer", "--password", "s3cret-pass")
    user = django_user_model.objects.get(username="wati")
    assert user.check_password("s3cret-pass")
    assert Membership.objects.get(user=user).role == "developer"
    call_command("add_member", "wati", "33.25", "--role", "admin")
    assert Membership.objects.get(user=user).role == "admin"
    assert user.check_password("s3cret-pass")


def test_add_member_unknown_region(regions):
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("add_member", "wati", "99.99", "--role", "viewer")


def test_load_demo_is_idempotent_and_names_its_sources(regions):
    call_command("load_demo")
    call_command("load_demo")
    assert MoU.objects.count() == 1
    mou = MoU.objects.get()
    assert sorted(mou.parties.values_list("region_id", "signatory_name")) == [
        ("33.25", "Wihaji"),
        ("33.74", "Hendrar Prihadi"),
    ]
    assert str(mou.signed_on) == "2018-09-25"
    assert StudyVisit.objects.count() == 3
    batang_visit = StudyVisit.objects.get(visiting_region="33.25")
    assert batang_visit.delegation_size == 90
    bontang = StudyVisit.objects.get(visiting_region="64.74")
    assert sorted(bontang.host_regions.values_list("code", flat=True)) == ["33", "33.74"]
    assert bontang.date_precision == "month"
    sumut = StudyVisit.objects.get(visiting_region="12")
    assert str(sumut.visited_on) == "2019-10-03"
    assert Agency.objects.filter(region="33.74", short_name="Diskominfo").exists()
    assert Agency.objects.filter(region="33.25", name="Dinas Sosial").exists()
    for record in [*Agency.objects.all(), *MoU.objects.all(), *StudyVisit.objects.all()]:
        assert record.source and "seeds/" not in record.source, record  # publisher and title only


def test_load_demo_needs_regions(transactional_db):
    from registry.models import Region

    Region.objects.exclude(kind="province").delete()
    Region.objects.all().delete()
    with pytest.raises(CommandError, match="load_regions"):
        call_command("load_demo")


def test_ensure_demo_users(regions, settings, django_user_model):
    settings.DEBUG = True
    call_command("ensure_demo_users")
    call_command("ensure_demo_users")
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("lumbung-admin")
    developer = django_user_model.objects.get(username="batang-dev")
    assert developer.check_password("lumbung-batang")
    assert list(developer.memberships.values_list("region_id", "role")) == [("33.25", "developer")]
    mentor = django_user_model.objects.get(username="semarang-editor")
    assert mentor.check_password("lumbung-semarang")
    assert list(mentor.memberships.values_list("region_id", "role")) == [("33.74", "editor")]


def test_ensure_demo_users_refuses_without_debug(regions, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("ensure_demo_users")
