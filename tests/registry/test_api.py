import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfWriter
from rest_framework.authtoken.models import Token

from registry.models import MoU, MoUParty, StudyVisit
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def mou_payload(**overrides):
    payload = {
        "title": "Kerja sama smart city",
        "number": "119/01/2025",
        "signed_on": "2025-01-10",
        "starts_on": "2025-01-10",
        "ends_on": "2027-01-09",
        "scope": "Replikasi aplikasi pengaduan.",
        "parties": [
            {"region": "33.25", "signatory_name": "Bupati A", "signatory_title": "Bupati Batang"},
            {"region": "33.74", "signatory_name": "Wali Kota B", "signatory_title": "Wali Kota Semarang"},
        ],
    }
    payload.update(overrides)
    return payload


def assert_nothing_saved(media_root=None):
    assert MoU.objects.count() == 0
    assert MoUParty.objects.count() == 0
    if media_root is not None:
        assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


# Regions --------------------------------------------------------------------------------------


def test_province_count_is_38_and_regencies_and_cities_514(api, regions):
    provinces = api.get("/api/v1/regions/", {"kind": "province"}).json()
    regencies = api.get("/api/v1/regions/", {"kind": "regency"}).json()
    cities = api.get("/api/v1/regions/", {"kind": "city"}).json()
    assert provinces["count"] == 38
    assert regencies["count"] + cities["count"] == 514
    assert (regencies["count"], cities["count"]) == (416, 98)


def test_region_detail_semarang(api, regions):
    factories.AgencyFactory(region=factories.region("33.74"), name="Dinas Komunikasi dan Informatika")
    factories.MoUFactory(party_codes=("33.25", "33.74"))
    body = api.get("/api/v1/regions/33.74/").json()
    assert (body["code"], body["name"], body["kind"], body["province"]) == (
        "33.74",
        "Kota Semarang",
        "city",
        "33",
    )
    assert [a["name"] for a in body["agencies"]] == ["Dinas Komunikasi dan Informatika"]
    assert [p["code"] for p in body["partners"]] == ["33.25"]
    assert body["counts"] == {"agencies": 1, "mous": 1, "partners": 1, "visits": 0}


def test_province_detail_and_unknown_code(api, regions):
    assert api.get("/api/v1/regions/33/").json()["name"] == "Jawa Tengah"
    assert api.get("/api/v1/regions/99.99/").status_code == 404


def test_region_filters(api, regions):
    in_jateng = api.get("/api/v1/regions/", {"province": "33", "page_size": 1000}).json()
    assert in_jateng["count"] == 36  # the province, 29 regencies and 6 cities
    assert {r["code"] for r in in_jateng["results"]} >= {"33", "33.25", "33.74"}
    by_name = api.get("/api/v1/regions/", {"search": "bontang"}).json()
    assert [r["code"] for r in by_name["results"]] == ["64.74"]
    by_code = api.get("/api/v1/regions/", {"search": "33.74"}).json()
    assert [r["name"] for r in by_code["results"]] == ["Kota Semarang"]


def test_region_page_size_is_capped_at_1000(api, regions):
    body = api.get("/api/v1/regions/", {"page_size": 5000}).json()
    assert body["count"] == 552
    assert len(body["results"]) == 552
    assert body["next"] is None
    assert len(api.get("/api/v1/regions/", {"page_size": 7}).json()["results"]) == 7


@pytest.mark.parametrize(
    "url",
    ["/api/v1/regions/", "/api/v1/mous/", "/api/v1/visits/"],
)
def test_list_endpoints_run_constant_queries(api, regions, url):
    for code in ("33.25", "64.74", "12", "35.73", "33"):
        factories.MoUFactory(party_codes=("33.74", code))
        factories.StudyVisitFactory(visiting_region=factories.region(code), host_codes=("33.74", "33"))
    counts = []
    for page_size in (1, 5, 1000):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url, {"page_size": page_size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts


# Authentication -------------------------------------------------------------------------------


def test_token_endpoint(api, batang_editor):
    response = api.post("/api/v1/auth/token/", {"username": "editor-33.25", "password": "secret-pass-123"})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=batang_editor).key
    assert (
        api.post("/api/v1/auth/token/", {"username": "editor-33.25", "password": "wrong"}).status_code == 400
    )


def test_token_authenticates_writes(api, batang_editor):
    token = Token.objects.create(user=batang_editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/mous/", mou_payload(), format="json").status_code == 201


# MoU writes ----------------------------------------------------------------------------------


def test_member_records_mou_of_their_region(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/mous/", mou_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "active"
    assert [p["region"] for p in body["parties"]] == ["33.25", "33.74"]
    assert body["created_by"] == "editor-33.25"
    mou = MoU.objects.get()
    assert mou.created_by == batang_editor
    assert api.get(f"/api/v1/mous/{mou.pk}/").json()["title"] == "Kerja sama smart city"


def test_staff_records_mou_between_any_regions(api, staff):
    api.force_authenticate(staff)
    payload = mou_payload(
        parties=[
            {"region": "64.74", "signatory_name": "A", "signatory_title": "Wali Kota Bontang"},
            {"region": "12", "signatory_name": "B", "signatory_title": "Gubernur Sumatera Utara"},
            {"region": "33", "signatory_name": "C", "signatory_title": "Gubernur Jawa Tengah"},
        ]
    )
    assert api.post("/api/v1/mous/", payload, format="json").status_code == 201
    assert MoUParty.objects.count() == 3


def test_unknown_region_code_is_400_naming_the_field(api, batang_editor):
    api.force_authenticate(batang_editor)
    payload = mou_payload()
    payload["parties"][1]["region"] = "99.99"
    response = api.post("/api/v1/mous/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["parties"]["1"]["region"] == ["Unknown Kemendagri region code: 99.99."]
    assert_nothing_saved()


def test_ends_before_starts_is_400(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/mous/", mou_payload(ends_on="2024-12-31"), format="json")
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert_nothing_saved()


@pytest.mark.parametrize(
    "parties",
    [
        [{"region": "33.25", "signatory_name": "A", "signatory_title": "Bupati"}],
        [
            {"region": "33.25", "signatory_name": "A", "signatory_title": "Bupati"},
            {"region": "33.25", "signatory_name": "B", "signatory_title": "Wakil Bupati"},
        ],
        [],
    ],
    ids=["one-party", "same-region-twice", "none"],
)
def test_fewer_than_two_distinct_parties_is_400(api, batang_editor, parties):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/mous/", mou_payload(parties=parties), format="json")
    assert response.status_code == 400
    assert "parties" in response.json()
    assert_nothing_saved()


def test_document_must_be_a_pdf(api, batang_editor, media_root):
    api.force_authenticate(batang_editor)
    payload = mou_payload()
    fake = SimpleUploadedFile("mou.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = api.post(
        "/api/v1/mous/",
        {**payload, "parties": json.dumps(payload["parties"]), "document": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.json()
    assert_nothing_saved(media_root)


def test_document_with_pdf_header_but_broken_body_is_400(api, batang_editor, media_root):
    api.force_authenticate(batang_editor)
    payload = mou_payload()
    fake = SimpleUploadedFile("mou.pdf", b"%PDF-1.7\ngarbage", content_type="application/pdf")
    response = api.post(
        "/api/v1/mous/",
        {**payload, "parties": json.dumps(payload["parties"]), "document": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.json()
    assert_nothing_saved(media_root)


def test_document_over_10_mb_is_400(api, batang_editor, media_root):
    api.force_authenticate(batang_editor)
    payload = mou_payload()
    big = SimpleUploadedFile(
        "mou.pdf", pdf_bytes() + b"\0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    response = api.post(
        "/api/v1/mous/",
        {**payload, "parties": json.dumps(payload["parties"]), "document": big},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.json()
    assert_nothing_saved(media_root)


def test_pdf_upload_is_stored_and_downloadable(api, client, batang_editor, media_root):
    api.force_authenticate(batang_editor)
    payload = mou_payload()
    document = SimpleUploadedFile("scan.pdf", pdf_bytes(2), content_type="application/pdf")
    response = api.post(
        "/api/v1/mous/",
        {**payload, "parties": json.dumps(payload["parties"]), "document": document},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    mou = MoU.objects.get()
    assert mou.document.name.startswith("mous/")
    download = client.get(f"/mou/{mou.pk}/dokumen/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_malformed_parties_json_in_multipart_is_400(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/mous/", {**mou_payload(), "parties": "[{oops"}, format="multipart")
    assert response.status_code == 400
    assert "parties" in response.json()
    assert_nothing_saved()


def test_anonymous_write_is_401(api, regions):
    response = api.post("/api/v1/mous/", mou_payload(), format="json")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert api.post("/api/v1/visits/", {}, format="json").status_code == 401
    assert_nothing_saved()


def test_member_cannot_record_mou_between_two_other_regions(api, batang_editor):
    api.force_authenticate(batang_editor)
    payload = mou_payload(
        parties=[
            {"region": "64.74", "signatory_name": "A", "signatory_title": "Wali Kota Bontang"},
            {"region": "33.74", "signatory_name": "B", "signatory_title": "Wali Kota Semarang"},
        ]
    )
    assert api.post("/api/v1/mous/", payload, format="json").status_code == 403
    assert_nothing_saved()


@pytest.mark.parametrize("role", ["viewer", "developer"])
def test_viewers_and_developers_cannot_record_mous(api, regions, role):
    api.force_authenticate(member_of("33.25", role))
    assert api.post("/api/v1/mous/", mou_payload(), format="json").status_code == 403
    assert_nothing_saved()


def test_patch_by_party_member_and_refused_for_others(api, batang_editor, regions):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"))
    api.force_authenticate(batang_editor)
    response = api.patch(f"/api/v1/mous/{mou.pk}/", {"terminated_on": "2025-02-01"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "terminated"

    other = factories.MoUFactory(party_codes=("64.74", "33.74"))
    assert api.patch(f"/api/v1/mous/{other.pk}/", {"title": "X"}, format="json").status_code == 403
    other.refresh_from_db()
    assert other.title != "X"


def test_patch_cannot_move_mou_to_other_regions(api, batang_editor, regions):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"))
    api.force_authenticate(batang_editor)
    parties = [
        {"region": "64.74", "signatory_name": "A", "signatory_title": "Wali Kota Bontang"},
        {"region": "33.74", "signatory_name": "B", "signatory_title": "Wali Kota Semarang"},
    ]
    assert api.patch(f"/api/v1/mous/{mou.pk}/", {"parties": parties}, format="json").status_code == 403
    assert sorted(mou.parties.values_list("region_id", flat=True)) == ["33.25", "33.74"]


def test_patch_ends_before_starts_keeps_old_values(api, batang_editor, regions):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"), ends_on=None)
    api.force_authenticate(batang_editor)
    response = api.patch(f"/api/v1/mous/{mou.pk}/", {"ends_on": "2020-01-01"}, format="json")
    assert response.status_code == 400
    assert "ends_on" in response.json()
    mou.refresh_from_db()
    assert mou.ends_on is None


def test_delete_by_party_member(api, batang_editor, regions):
    mine = factories.MoUFactory(party_codes=("33.25", "33.74"))
    theirs = factories.MoUFactory(party_codes=("64.74", "33.74"))
    api.force_authenticate(batang_editor)
    assert api.delete(f"/api/v1/mous/{theirs.pk}/").status_code == 403
    assert api.delete(f"/api/v1/mous/{mine.pk}/").status_code == 204
    assert list(MoU.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_validation_messages_follow_the_request_language(api, batang_editor):
    api.force_authenticate(batang_editor)
    payload = mou_payload(ends_on="2024-12-31")
    indonesian = api.post("/api/v1/mous/", payload, format="json", HTTP_ACCEPT_LANGUAGE="id")
    english = api.post("/api/v1/mous/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["ends_on"] == ["The end date cannot be before the start date."]
    assert indonesian.json()["ends_on"] == ["Tanggal berakhir tidak boleh sebelum tanggal mulai."]


# MoU reads and filters ----------------------------------------------------------------------


def test_mou_filters(api, regions):
    import datetime

    today = datetime.date.today()
    active = factories.MoUFactory(
        title="Aktif", party_codes=("33.25", "33.74"), signed_on=datetime.date(2023, 3, 1)
    )
    expired = factories.MoUFactory(
        title="Kedaluwarsa",
        party_codes=("64.74", "33.74"),
        signed_on=datetime.date(2019, 3, 1),
        ends_on=datetime.date(2020, 3, 1),
    )
    draft = factories.MoUFactory(title="Rancangan", party_codes=("12", "33"), signed_on=None, starts_on=None)
    terminated = factories.MoUFactory(
        title="Diakhiri", party_codes=("33.25", "12"), terminated_on=today - datetime.timedelta(days=1)
    )

    def titles(**params):
        return sorted(m["title"] for m in api.get("/api/v1/mous/", params).json()["results"])

    assert titles(region="33.74") == sorted([active.title, expired.title])
    assert titles(status="expired") == [expired.title]
    assert titles(status="draft") == [draft.title]
    assert titles(status="terminated") == [terminated.title]
    assert titles(status="active") == [active.title]
    assert titles(year=2019) == [expired.title]
    assert titles(search="bontang") == [expired.title]
    assert titles(search="rancang") == [draft.title]
    assert titles(province="12") == sorted([draft.title, terminated.title])
    assert api.get("/api/v1/mous/", {"status": "nonsense"}).status_code == 400


# Visits --------------------------------------------------------------------------------------


def visit_payload(**overrides):
    payload = {
        "visiting_region": "33.25",
        "host_regions": ["33.74"],
        "visited_on": "2025-03-04",
        "purpose": "Studi banding command center.",
        "delegation_size": 12,
    }
    payload.update(overrides)
    return payload


def test_member_records_visit_of_their_region(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/visits/", visit_payload(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["host_regions"] == ["33.74"]
    assert StudyVisit.objects.get().created_by == batang_editor


def test_member_cannot_record_visit_of_another_region(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/visits/", visit_payload(visiting_region="64.74"), format="json")
    assert response.status_code == 403
    assert StudyVisit.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visiting_region": "00.00"}, "visiting_region"),
        ({"host_regions": ["33.74", "98.76"]}, "host_regions"),
        ({"host_regions": []}, "host_regions"),
        ({"host_regions": ["33.25"]}, "host_regions"),
        ({"delegation_size": 0}, "delegation_size"),
        ({"visited_on": "kemarin"}, "visited_on"),
    ],
)
def test_visit_bad_input_is_400(api, batang_editor, overrides, field):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/visits/", visit_payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert StudyVisit.objects.count() == 0


def test_visit_filters(api, regions):
    factories.StudyVisitFactory(visiting_region=factories.region("64.74"), host_codes=("33.74", "33"))
    factories.StudyVisitFactory(visiting_region=factories.region("12"), host_codes=("33",))
    assert api.get("/api/v1/visits/", {"region": "33.74"}).json()["count"] == 1
    assert api.get("/api/v1/visits/", {"region": "33"}).json()["count"] == 2
    assert api.get("/api/v1/visits/", {"region": "12"}).json()["count"] == 1


def test_schema_and_docs_are_served(api, regions):
    assert api.get("/api/v1/schema/").status_code == 200
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
