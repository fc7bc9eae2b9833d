"""A copy's service results: reporting keys (made by the region's members, shown once, stored hashed,
revocable, good for nothing but reporting for their copy), the report endpoint (idempotent per month;
bad input a 400 with field errors and nothing stored; a bad key a 401; too many requests a 429), and an
app's copies' results for everyone."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from templates_repo.api.results import ReportingKeyThrottle
from templates_repo.models import ReportingKey, ServiceReport
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

BATANG = "33.25"
GOOD = {
    "reports_received": 120,
    "reports_resolved": 100,
    "resolved_within_sla": 85.5,
    "median_hours_to_resolve": 30.5,
    "reports_per_channel.web": 80,
    "reports_per_channel.whatsapp": 40,
}


@pytest.fixture
def copy(regions):
    return factories.ForkFactory(region=factories.region(BATANG))


def keys_url(fork) -> str:
    return f"/api/v1/forks/{fork.pk}/reporting-keys/"


def results_url(fork) -> str:
    return f"/api/v1/forks/{fork.pk}/results/"


def make_key(api, fork, role="developer") -> str:
    api.force_authenticate(member_of(fork.region_id, role, username=f"{role}-{fork.pk.hex[:8]}"))
    answer = api.post(keys_url(fork), {"name": "server dinas"}, format="json")
    assert answer.status_code == 201, answer.content
    api.force_authenticate(None)
    return answer.json()["key"]


def report(api, fork, key, month="2026-10", figures=None):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    try:
        return api.post(results_url(fork), {"month": month, "figures": figures or GOOD}, format="json")
    finally:
        api.credentials()


# Keys -------------------------------------------------------------------------------------------------


def test_a_member_makes_a_key_shown_once_and_stored_hashed(api, copy):
    key = make_key(api, copy)
    assert key.startswith("lbk_") and len(key) > 40
    stored = ReportingKey.objects.get(fork=copy)
    assert stored.key_hash != key and key not in stored.key_hash and stored.prefix == key[:12]
    api.force_authenticate(member_of(BATANG, "viewer"))
    listed = api.get(keys_url(copy)).json()
    assert [(item["name"], item["prefix"]) for item in listed] == [("server dinas", key[:12])]
    assert "key" not in listed[0]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("viewer", 403), ("other-region", 404), ("developer", 201), ("staff", 201)],
)
def test_who_may_make_a_key(api, copy, staff, who, status):
    users = {
        "anonymous": None,
        "viewer": member_of(BATANG, "viewer"),
        "other-region": member_of("33.74", "admin"),
        "developer": member_of(BATANG, "developer"),
        "staff": staff,
    }
    api.force_authenticate(users[who])
    assert api.post(keys_url(copy), {}, format="json").status_code == status
    assert ReportingKey.objects.count() == (1 if status == 201 else 0)


def test_a_copy_that_has_not_finished_gets_no_key(api, regions):
    running = factories.ForkFactory(status="running")
    api.force_authenticate(member_of(BATANG, "editor"))
    answer = api.post(keys_url(running), {}, format="json")
    assert answer.status_code == 400 and "fork" in answer.json()
    assert not ReportingKey.objects.exists()


def test_a_revoked_key_reports_no_more(api, copy):
    key = make_key(api, copy)
    stored = ReportingKey.objects.get()
    api.force_authenticate(member_of(BATANG, "admin"))
    assert api.delete(f"{keys_url(copy)}{stored.pk}/").status_code == 204
    api.force_authenticate(None)
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    answer = report(api, copy, key)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert not ServiceReport.objects.exists()


def test_a_key_opens_nothing_but_its_copys_results(api, copy):
    key = make_key(api, copy)
    other = factories.ForkFactory(region=factories.region(BATANG))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/forks/").status_code == 401
    assert api.get(f"/api/v1/forks/{copy.pk}/").status_code == 401
    assert api.post(keys_url(copy), {}, format="json").status_code == 401
    assert (
        api.post(results_url(other), {"month": "2026-10", "figures": GOOD}, format="json").status_code == 401
    )
    assert api.get(results_url(copy)).status_code == 200
    api.credentials()
    assert ServiceReport.objects.count() == 0


# Reports ----------------------------------------------------------------------------------------------


def test_a_month_is_stored_then_replaced_when_sent_again(api, copy):
    key = make_key(api, copy)
    first = report(api, copy, key)
    assert first.status_code == 201, first.content
    assert first.json()["month"] == "2026-10" and first.json()["figures"]["reports_received"] == 120
    again = report(api, copy, key, figures={**GOOD, "reports_received": 130})
    assert again.status_code == 200
    stored = ServiceReport.objects.get()
    assert stored.month == datetime.date(2026, 10, 1) and stored.figures["reports_received"] == 130
    assert stored.version_number == copy.version.number and stored.key.fork_id == copy.pk
    assert ReportingKey.objects.get().last_used_at is not None


def test_the_current_month_and_nulls_for_a_month_with_nothing_resolved_are_accepted(api, copy):
    key = make_key(api, copy)
    month = datetime.date.today().strftime("%Y-%m")
    quiet = {**GOOD, "reports_resolved": 0, "resolved_within_sla": None, "median_hours_to_resolve": None}
    assert report(api, copy, key, month=month, figures=quiet).status_code == 201


NEXT_YEAR = f"{datetime.date.today().year + 1}-01"


@pytest.mark.parametrize(
    ("month", "figures", "field"),
    [
        (NEXT_YEAR, GOOD, "month"),
        ("2026-13", GOOD, "month"),
        ("Oktober", GOOD, "month"),
        ("1999-12", GOOD, "month"),
        ("2026-10", {**GOOD, "complaints_total": 5}, "figures"),
        ("2026-10", {**GOOD, "reports_received": -1}, "figures"),
        ("2026-10", {**GOOD, "resolved_within_sla": 100.5}, "figures"),
        ("2026-10", {**GOOD, "reports_received": 10.5}, "figures"),
        ("2026-10", {**GOOD, "reports_received": "120"}, "figures"),
        ("2026-10", {**GOOD, "reports_received": True}, "figures"),
        ("2026-10", {**GOOD, "reports_received": None}, "figures"),
        ("2026-10", {**GOOD, "reports_per_channel": 120}, "figures"),
        ("2026-10", {key: value for key, value in GOOD.items() if key != "reports_resolved"}, "figures"),
        ("2026-10", {**GOOD, "reports_received": 10**16}, "figures"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_nothing_stored(api, copy, month, figures, field):
    key = make_key(api, copy)
    answer = report(api, copy, key, month=month, figures=figures)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not ServiceReport.objects.exists()


def test_the_figure_errors_name_each_figure(api, copy):
    key = make_key(api, copy)
    answer = report(api, copy, key, figures={**GOOD, "reports_received": -1, "nik": 3374})
    assert set(answer.json()["figures"]) == {"reports_received", "nik"}


@pytest.mark.parametrize("body", [{}, {"month": "2026-10"}, {"month": "2026-10", "figures": [1, 2]},
                                  {"month": "2026-10", "figures": {}}])  # fmt: skip
def test_a_malformed_body_is_a_400(api, copy, body):
    key = make_key(api, copy)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = api.post(results_url(copy), body, format="json")
    assert answer.status_code == 400 and answer.json()
    assert not ServiceReport.objects.exists()


def test_a_copy_that_is_no_longer_succeeded_or_declares_nothing_is_refused(api, copy, regions):
    key = make_key(api, copy)
    copy.status = "cancelled"
    copy.save(update_fields=["status"])
    assert "fork" in report(api, copy, key).json()
    silent = factories.ForkFactory(version=factories.TemplateVersionFactory(figures=[]))
    silent_key = make_key(api, silent)
    answer = report(api, silent, silent_key)
    assert answer.status_code == 400 and "figures" in answer.json()
    assert not ServiceReport.objects.exists()


@pytest.mark.parametrize("header", ["Bearer", "Bearer lbk_wrong", "Bearer a b", "Bearer " + "x" * 200])
def test_a_wrong_key_is_a_401(api, copy, header):
    make_key(api, copy)
    api.credentials(HTTP_AUTHORIZATION=header)
    answer = api.post(results_url(copy), {"month": "2026-10", "figures": GOOD}, format="json")
    assert answer.status_code == 401
    assert not ServiceReport.objects.exists()


def test_without_a_key_anonymous_is_401_and_a_signed_in_member_403(api, copy):
    assert (
        api.post(results_url(copy), {"month": "2026-10", "figures": GOOD}, format="json").status_code == 401
    )
    api.force_authenticate(member_of(BATANG, "admin"))
    assert (
        api.post(results_url(copy), {"month": "2026-10", "figures": GOOD}, format="json").status_code == 403
    )
    assert not ServiceReport.objects.exists()


def test_too_many_reports_from_one_key_is_a_429(api, copy, monkeypatch):
    monkeypatch.setitem(ReportingKeyThrottle.THROTTLE_RATES, "reporting", "3/hour")
    cache.clear()
    key = make_key(api, copy)
    statuses = [report(api, copy, key, month=f"2026-0{month}").status_code for month in range(1, 6)]
    assert statuses == [201, 201, 201, 429, 429]
    assert ServiceReport.objects.count() == 3
    cache.clear()


def test_the_reports_are_read_by_members_and_the_key_and_by_no_one_else(api, copy):
    key = make_key(api, copy)
    report(api, copy, key)
    report(api, copy, key, month="2026-11")
    api.force_authenticate(member_of(BATANG, "viewer"))
    assert [item["month"] for item in api.get(results_url(copy)).json()] == ["2026-11", "2026-10"]
    api.force_authenticate(member_of("33.74", "admin"))
    assert api.get(results_url(copy)).status_code == 404
    api.force_authenticate(None)
    assert api.get(results_url(copy)).status_code == 401


# An app's copies ---------------------------------------------------------------------------------------


def test_an_apps_results_give_one_line_per_copy_in_the_pages_language(api, regions):
    version = factories.TemplateVersionFactory()
    for code in (BATANG, "64.74"):
        fork = factories.ForkFactory(version=version, region=factories.region(code))
        for month in (9, 10):
            factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, month, 1))
    url = f"/api/v1/apps/{version.template.app.slug}/results/"
    answer = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["months"] == ["2026-09", "2026-10"]
    assert [copy["region"]["name"] for copy in body["copies"]] == ["Kabupaten Batang", "Kota Bontang"]
    assert [item["month"] for item in body["copies"][0]["reports"]] == ["2026-09", "2026-10"]
    assert body["figures"][0]["label"] == "Reports received"
    assert body["figures"][4]["breakdown"][1] == {
        "key": "reports_per_channel.whatsapp",
        "label": "Reports per channel: WhatsApp",
    }
    indonesian = api.get(url, HTTP_ACCEPT_LANGUAGE="id").json()
    assert indonesian["figures"][0]["label"] == "Laporan masuk"
    assert api.get("/api/v1/apps/no-such-app/results/").status_code == 404


def test_an_apps_results_take_as_many_queries_for_one_copy_as_for_five(api, regions):
    version = factories.TemplateVersionFactory()
    url = f"/api/v1/apps/{version.template.app.slug}/results/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    factories.ServiceReportFactory(fork=factories.ForkFactory(version=version))
    one = queries()
    for code in ("33.74", "64.74", "33.21", "33.24"):
        factories.ServiceReportFactory(
            fork=factories.ForkFactory(version=version, region=factories.region(code))
        )
    assert queries() == one


def test_an_apps_results_as_csv_have_a_row_per_copy_and_month(api, regions):
    version = factories.TemplateVersionFactory()
    fork = factories.ForkFactory(version=version)
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 9, 1))
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 10, 1))
    answer = api.get(f"/api/v1/apps/{version.template.app.slug}/results/?format=csv")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    header, *rows = answer.content.decode().splitlines()
    assert header.startswith("region_code,region,demo,month,reports_received")
    assert [row.split(",")[3] for row in rows] == ["2026-09", "2026-10"]
    missing = api.get("/api/v1/apps/no-such-app/results/?format=csv")
    assert missing.status_code == 404 and missing.json()
