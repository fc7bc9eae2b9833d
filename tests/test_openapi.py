"""The API against its own OpenAPI schema: schemathesis generates requests from /api/v1/schema/ and runs
every check on the answers (no server error, documented status codes and content types, bodies that match
the response schema, invalid requests rejected, valid requests accepted).

In-process through the WSGI app, on the test database with demo data: Batang (33.25), Semarang (33.74) and
Bontang (64.74), their apps, an MoU, study visits, the three templates and a developer of Batang whose token
goes with every request, so that the write endpoints are exercised too.
"""

import datetime
import re
import zlib
from collections import defaultdict

import jsonschema_rs
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from config.openapi import NOT_TRIMMED
from config.wsgi import application
from registry.models import Agency
from templates_repo import services as template_services
from templates_repo.choices import ForkStatus
from templates_repo.models import Fork
from tests import factories
from tests.conftest import member_of

# Fixed, so that a CI failure can be replayed; sized so the whole file takes about two minutes on 2 cores.
SEED = 20250909
MAX_EXAMPLES = 30

BATANG, SEMARANG, BONTANG = "33.25", "33.74", "64.74"
APPS = {"program-pelaporan-kota-semarang": SEMARANG, "e-santunan-kematian-batang": BATANG}
DEVELOPER = ("dev-batang", "secret-pass-123")
# Batang replicating Semarang's pelaporan app, and its mentor: ids far past any the run itself creates.
REPLICATION, MENTOR = 7001, 7001

# Loaded at collection: generating the schema reads no database. (A fixture through
# schemathesis.pytest.from_fixture would be the lazier way, but it breaks on pytest 9.2's node ids.)
# No NUL characters in generated text: the API refuses them in every request body (config.parsers, tested
# below), which a schema cannot say of each string.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict({"seed": SEED, "generation": {"allow-x00": False}}),
)


# What a schema cannot say -----------------------------------------------------------------------------
# The schema describes the shape of a request; which region codes, slugs and ids exist is data, and a few
# rules span fields (a visit's hosts exclude the visitor, a region does not adopt its own app). A request
# that is valid by the schema but names a missing object is rightly a 400, so positive cases name the demo
# objects instead; negative cases are left alone.


def _pick(options: list, seed) -> object:
    return options[zlib.crc32(repr(seed).encode()) % len(options)]


def _region(seed) -> str:
    return _pick([BATANG, SEMARANG, BONTANG], seed)


def _app_and_adopter(seed) -> tuple[str, str]:
    app = _pick(sorted(APPS), seed)
    return app, _pick([code for code in (BATANG, SEMARANG, BONTANG) if code != APPS[app]], seed)


def _party(code: str) -> dict:
    return {"region": code, "agency": None, "signatory_name": "Penandatangan", "signatory_title": "Bupati"}


def _real_objects(method: str, path: str, body: dict) -> dict:
    body = dict(body)
    for key in ("region", "owner_region"):
        if key in body:
            body[key] = _region(body[key])
    if "app" in body:
        body["app"], body["region"] = _app_and_adopter(body["app"])
    for key in ("owner_agency", "agency", "based_on"):
        if key in body:
            body[key] = None
    if "mous" in body:
        body["mous"] = []
    if "license" in body:
        body["license"] = _pick(["MIT", "GPL-3.0-or-later", "Apache-2.0 OR MIT"], body["license"])
    for key in body:
        if key.endswith("_url"):
            body[key] = "https://lumbung.example.go.id/"  # Django's URL check is stricter than format: uri
    if "source" in body:
        body["source"] = ""  # only staff name a record's source
    if "document" in body:
        del body["document"]
    if "parties" in body:
        body["parties"] = [_party(BATANG), _party(_pick([SEMARANG, BONTANG], body["parties"]))]
    if "visiting_region" in body:
        body["visiting_region"] = BATANG
        body["host_regions"] = [SEMARANG, BONTANG][: 1 + len(repr(body.get("host_regions"))) % 2]
    if "starts_on" in body or "ends_on" in body:
        body["ends_on"] = None
    if "template" in body:
        body["template"] = _pick(["pengaduan", "e-santunan", "perencanaan"], body["template"])
    if path.startswith("/api/v1/forks") or path.endswith("/preview/"):
        body.pop("version", None)
        body["context"] = {}
    if path == "/api/v1/auth/token/":
        body["username"], body["password"] = DEVELOPER
    # Mentoring: the demo replication and its mentor; a session that ends after it starts.
    if "penerima" in body:
        body["penerima"], body["fasilitator"], body["mou"] = body.pop("region", BATANG), None, None
    if "replication" in body:
        body["replication"] = REPLICATION
    if "mentor" in body:
        body["mentor"] = MENTOR
    for key in ("mentors", "agencies"):
        if key in body:
            body[key] = []
    if "study_visit" in body:
        body["study_visit"] = None
    if "starts_at" in body or "ends_at" in body:
        body["starts_at"], body["ends_at"] = "2026-12-10T09:00:00+07:00", "2026-12-10T11:00:00+07:00"
    if "email" in body:
        body["email"] = "mentor@semarangkota.go.id"
    if "phone" in body:
        body["phone"] = "0812 3456 7890"
    return body


@schema.hook
def map_case(context, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if isinstance(case.body, dict):
        case.body = _real_objects(case.method, case.operation.path, case.body)
    if isinstance(case.query, dict):
        # Filters that name a region or a province must name one that exists.
        if "region" in case.query:
            case.query["region"] = _region(case.query["region"])
        if "province" in case.query:
            case.query["province"] = _pick(["33", "64"], case.query["province"])
        # Two versions a template has (each has 1 and 2), in either order.
        if case.operation.path.endswith("/compare/"):
            first = _pick([1, 2], case.query.get("from"))
            case.query["from"], case.query["to"] = first, 3 - first
    return case


@schema.hook
def before_add_examples(context, examples):
    for case in examples:
        if isinstance(case.body, dict):
            case.body = _real_objects(case.method, case.operation.path, case.body)


# The run --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_cache():
    """The app lists and details are cached; neither this file's answers nor another's may leak across."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI app keep the test's database connection (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(monkeypatch):
    """Thousands of requests in two minutes: the rate limits (tested on their own) would answer most of
    them 429, which the schema documents but which would leave the endpoints themselves untested."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", defaultdict(lambda: "1000000/minute"))


@pytest.fixture
def demo(regions, media_root, in_process_requests, unthrottled):
    batang, semarang = factories.region(BATANG), factories.region(SEMARANG)
    Agency.objects.create(region=batang, name="Dinas Komunikasi dan Informatika", short_name="Diskominfo")
    diskominfo = Agency.objects.create(
        region=semarang, name="Dinas Komunikasi dan Informatika", short_name="Diskominfo"
    )
    pelaporan = factories.AppFactory(
        slug="program-pelaporan-kota-semarang",
        name="Program Pelaporan Kota Semarang",
        owner_agency=diskominfo,
    )
    factories.AppFactory(slug="e-santunan-kematian-batang", name="E-Santunan Kematian", owner_region=batang)
    factories.AdoptionFactory(app=pelaporan, region=batang)
    factories.MoUFactory(party_codes=(BATANG, SEMARANG))
    factories.StudyVisitFactory(visiting_region=factories.region(BONTANG), host_codes=(SEMARANG,))
    factories.StudyVisitFactory(
        visiting_region=batang, host_codes=(SEMARANG,), visited_on=datetime.date(2019, 3, 14)
    )
    mentor = factories.MentorContactFactory(pk=MENTOR, app=pelaporan)
    factories.ReplicationFactory(pk=REPLICATION, app=pelaporan, mentor=mentor)
    template_services.template_sync()
    developer = member_of(BATANG, "developer", DEVELOPER[0])
    developer.set_password(DEVELOPER[1])
    developer.save()
    return {"token": Token.objects.create(user=developer).key}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, demo):
    case.call_and_validate(headers={"Authorization": f"Token {demo['token']}"})


# What the run found, one test each ---------------------------------------------------------------------

NUL = "Text in the request cannot contain NUL characters."


@pytest.mark.django_db
def test_a_path_under_the_api_that_names_nothing_is_a_json_404(api):
    response = api.get("/api/v1/apps/a/b/c/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Data tidak ditemukan."}


@pytest.mark.django_db
def test_a_page_that_does_not_exist_outside_the_api_is_still_the_site_404_page(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("page_size", ["null", "0", "-1", "1.5"])
def test_a_page_size_that_is_not_a_positive_number_is_a_400(api, regions, page_size):
    response = api.get("/api/v1/regions/", {"page_size": page_size}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number of at least 1."]}


def test_a_page_size_above_the_maximum_is_reduced_to_it(api, regions):
    response = api.get("/api/v1/regions/", {"page_size": 5000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 552


@pytest.mark.parametrize(
    ("path", "name"), [("/api/v1/apps/", "has_template"), ("/api/v1/adoptions/", "verified")]
)
def test_a_true_false_filter_refuses_other_values(api, regions, path, name):
    factories.AdoptionFactory()
    for value in ("null", "1", "TRUE"):
        refused = api.get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 400
        assert refused.json() == {name: ["Use true or false."]}
    assert api.get(path, {name: "true"}).json()["count"] == (0 if name == "has_template" else 1)
    assert api.get(path, {name: ""}).json()["count"] == 1


def test_a_publiccode_import_whose_body_is_not_an_object_is_a_400(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/import-publiccode/", [None, None], format="json")
    assert response.status_code == 400
    assert "region" in response.json()


def test_the_schema_documents_the_facets_filters_as_the_list_does():
    operations = {
        path: schema.raw_schema["paths"][path]["get"] for path in ("/api/v1/apps/", "/api/v1/apps/facets/")
    }
    list_parameters = [
        p for p in operations["/api/v1/apps/"]["parameters"] if p["name"] not in ("page", "page_size")
    ]
    assert operations["/api/v1/apps/facets/"]["parameters"] == list_parameters
    category = next(p for p in list_parameters if p["name"] == "category")
    assert category["schema"]["type"] == "array"
    assert "enum" in category["schema"]["items"]


def test_the_schema_types_a_forks_context_and_log():
    fork = schema.raw_schema["components"]["schemas"]["Fork"]["properties"]
    assert fork["context"]["type"] == "object"
    assert fork["log"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": fork["log"]["description"],
    }
    request = schema.raw_schema["components"]["schemas"]["ForkRequestRequest"]["properties"]
    assert request["context"]["type"] == "object"


def test_the_schema_documents_the_errors_views_raise_themselves():
    paths = schema.raw_schema["paths"]
    responses = {
        "create a fork": paths["/api/v1/forks/"]["post"]["responses"],
        "cancel a fork": paths["/api/v1/forks/{id}/cancel/"]["post"]["responses"],
        "retry a fork": paths["/api/v1/forks/{id}/retry/"]["post"]["responses"],
    }
    error = {"$ref": "#/components/schemas/Error"}
    assert responses["create a fork"]["409"]["content"]["application/json"]["schema"] == error
    for name in ("cancel a fork", "retry a fork"):
        assert responses[name]["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationError"
        }


def test_a_fork_that_has_finished_cannot_be_cancelled_and_the_schema_says_so(api, regions, media_root):
    template_services.template_sync()
    developer = member_of(BATANG, "developer", DEVELOPER[0])
    fork, _created = template_services.fork_request(
        user=developer, template_slug="pengaduan", region_code=BATANG, context={}
    )
    Fork.objects.filter(pk=fork.pk).update(status=ForkStatus.SUCCEEDED)
    api.force_authenticate(developer)
    response = api.post(f"/api/v1/forks/{fork.pk}/cancel/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"status": ["This fork has already finished."]}
    assert "400" in schema.raw_schema["paths"]["/api/v1/forks/{id}/cancel/"]["post"]["responses"]


@pytest.mark.parametrize(
    ("path", "body", "form", "errors"),
    [
        ("/api/v1/adoptions/", {"app": "a\x00b", "region": BATANG}, "json", {"app": [NUL]}),
        (
            "/api/v1/visits/",
            {"visiting_region": "3\x003", "host_regions": [SEMARANG]},
            "json",
            {"visiting_region": [NUL]},
        ),
        (
            "/api/v1/visits/",
            {"visiting_region": BATANG, "host_regions": ["3\x003"]},
            "json",
            {"host_regions": [NUL]},
        ),
        ("/api/v1/forks/", {"template": "pengaduan", "context": {"a\x00": 1}}, "json", {"context": [NUL]}),
        (
            "/api/v1/forks/",
            {"template": "pengaduan", "context": {"a": "\x00"}},
            "json",
            {"context": {"a": [NUL]}},
        ),
        ("/api/v1/adoptions/", {"app": "a\x00b", "region": BATANG}, "multipart", {"app": [NUL]}),
    ],
)
def test_text_with_a_nul_character_is_a_field_error_not_a_500(
    api, batang_developer, path, body, form, errors
):
    # On PostgreSQL a related field's lookup with a NUL raised DataError.
    api.force_authenticate(batang_developer)
    response = api.post(path, body, format=form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize("path", ["/api/v1/apps/a%00b/", "/api/v1/templates/a%00b/"])
def test_a_slug_with_a_nul_character_names_nothing(api, regions, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_schema_says_what_a_figure_value_is():
    pattern = re.compile(
        schema.raw_schema["components"]["schemas"]["FigureRequest"]["properties"]["value"]["pattern"]
    )
    assert [value for value in ("", "-", ".", "1.", "1.234") if pattern.search(value)] == []
    assert all(pattern.search(value) for value in ("1000000", "-1.5", ".5", "999999999999.99"))


def test_the_schema_lets_a_single_choice_filter_be_empty_as_the_api_does(api, regions):
    kind = next(
        p for p in schema.raw_schema["paths"]["/api/v1/regions/"]["get"]["parameters"] if p["name"] == "kind"
    )
    assert "" in kind["schema"]["enum"]
    assert api.get("/api/v1/regions/", {"kind": ""}).json()["count"] == 552


def test_the_schema_says_required_text_needs_more_than_spaces(api, batang_editor):
    field = schema.raw_schema["components"]["schemas"]["AppWriteRequest"]["properties"]["long_description"]
    assert field["pattern"] == NOT_TRIMMED
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/", {"long_description": "   "}, format="json")
    assert response.status_code == 400
    assert "long_description" in response.json()


def test_the_not_blank_pattern_is_what_drf_keeps_in_both_regex_dialects():
    # Python's `re` and jsonschema_rs (an ECMA engine, as JSON Schema says) both accept a character exactly
    # when str.strip() keeps it; "\\S" alone let "\\x1d" through, which DRF strips to a blank name (ST202).
    ecma = jsonschema_rs.validator_for({"type": "string", "pattern": NOT_TRIMMED})
    characters = [chr(i) for i in range(0x10000) if not 0xD800 <= i <= 0xDFFF]
    assert [c for c in characters if bool(re.search(NOT_TRIMMED, c)) != bool(c.strip())] == []
    assert [c for c in characters if ecma.is_valid(c) != bool(c.strip())] == []
    assert ecma.is_valid("\x1dBatang") and not ecma.is_valid("\x1d \x85")
