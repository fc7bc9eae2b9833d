"""Who may write what: every write endpoint of the API and the pages, with every role, against one
table. The rules themselves live in registry/permissions.py; this table is how they read to a user.

A write endpoint that is added to the API without a row here fails `test_every_write_is_in_the_table`.
"""

import pytest
from django.core.cache import cache

from tests import factories
from tests.conftest import member_of

from . import cases, replication_cases
from .cases import HOME, OTHER

pytestmark = pytest.mark.django_db

ROLES = ("viewer", "developer", "editor", "admin")
WHO = ("anonymous", *(f"other-{role}" for role in ROLES), *(f"home-{role}" for role in ROLES), "staff")


def expect(*, anonymous=401, other=403, viewer=403, developer=403, editor, admin=None, staff) -> dict:
    """Expected status per WHO; other-region members get `other` whatever their role."""
    admin = editor if admin is None else admin
    home = {"viewer": viewer, "developer": developer, "editor": editor, "admin": admin}
    table = {"anonymous": anonymous, "staff": staff}
    table.update({f"other-{role}": other for role in ROLES})
    table.update({f"home-{role}": home[role] for role in ROLES})
    return table


WRITE = expect(editor=200, staff=200)  # a region's own record: its editors and admins, and staff

# case name -> (method, OpenAPI path or page, expected statuses)
TABLE = {
    # Catalog: the owner region writes its apps.
    "app_create": ("POST", "/api/v1/apps/", expect(editor=201, staff=201)),
    "app_patch": ("PATCH", "/api/v1/apps/{slug}/", WRITE),
    "app_delete": ("DELETE", "/api/v1/apps/{slug}/", expect(editor=204, staff=204)),
    "app_patch_own_mou": ("PATCH", "/api/v1/apps/{slug}/", WRITE),
    "app_patch_foreign_mou": ("PATCH", "/api/v1/apps/{slug}/", expect(editor=400, staff=400)),
    "app_source": ("PATCH", "/api/v1/apps/{slug}/", expect(editor=400, staff=200)),
    "import_used_by": ("POST", "/api/v1/apps/import-publiccode/", expect(editor=201, staff=201)),
    # Adoptions: the adopting region's developers, editors and admins (verified), or staff (not).
    "adoption_create": ("POST", "/api/v1/adoptions/", expect(developer=201, editor=201, staff=201)),
    "adoption_over_verified": ("POST", "/api/v1/adoptions/", expect(developer=201, editor=201, staff=403)),
    # Confirming a use recorded on the region's behalf: its own members only (staff cannot speak for it).
    "adoption_confirm": (
        "POST",
        "/api/v1/adoptions/{id}/confirm/",
        expect(developer=200, editor=200, staff=403),
    ),
    # The workspace's pages: 302 to the login page, or back to the workspace / to the app; 403 refused.
    "adoption_confirm_page": (
        "POST",
        "/wilayah-saya/<code>/adopsi/<pk>/konfirmasi/",
        expect(anonymous=302, developer=302, editor=302, staff=403),
    ),
    "app_create_page": (
        "POST",
        "/wilayah-saya/<code>/aplikasi-baru/",
        expect(anonymous=302, editor=302, staff=302),
    ),
    "app_update_page": ("POST", "/aplikasi/<slug>/ubah/", expect(anonymous=302, editor=302, staff=302)),
    # Registry: a party (MoU) or the visiting region (visit) records; only staff set sources.
    "mou_create": ("POST", "/api/v1/mous/", expect(editor=201, staff=201)),
    "mou_patch": ("PATCH", "/api/v1/mous/{id}/", WRITE),
    "mou_delete": ("DELETE", "/api/v1/mous/{id}/", expect(editor=204, staff=204)),
    "mou_source": ("PATCH", "/api/v1/mous/{id}/", expect(editor=400, staff=200)),
    "visit_create": ("POST", "/api/v1/visits/", expect(editor=201, staff=201)),
    # Templates: the region's developers, editors and admins fork and preview, or staff. A region's
    # copies are seen by its members only: another region's members get 404 for them.
    "template_preview": (
        "POST",
        "/api/v1/templates/{slug}/preview/",
        expect(developer=200, editor=200, staff=200),
    ),
    "fork_create": ("POST", "/api/v1/forks/", expect(developer=202, editor=202, staff=202)),
    "fork_cancel": (
        "POST",
        "/api/v1/forks/{id}/cancel/",
        expect(other=404, developer=200, editor=200, staff=200),
    ),
    "fork_retry": (
        "POST",
        "/api/v1/forks/{id}/retry/",
        expect(other=404, developer=202, editor=202, staff=202),  # queued again
    ),
    "update_request": (
        "POST",
        "/api/v1/forks/{id}/updates/",
        expect(other=404, developer=202, editor=202, staff=202),
    ),
    "update_applied": (
        "POST",
        "/api/v1/updates/{id}/applied/",
        expect(other=404, developer=200, editor=200, staff=200),
    ),
    # The fork form on the template page: 302 to the login page, or to the new copy; 400 with the form.
    "fork_page": (
        "POST",
        "/templat/<slug>/",
        expect(anonymous=302, other=400, viewer=400, developer=302, editor=302, staff=302),
    ),
    # A copy's reporting keys: its region's developers, editors and admins, or staff. Its results are
    # sent with a key only: a signed-in user without one is refused whatever the role.
    "reporting_key_create": (
        "POST",
        "/api/v1/forks/{id}/reporting-keys/",
        expect(other=404, developer=201, editor=201, staff=201),
    ),
    "reporting_key_revoke": (
        "DELETE",
        "/api/v1/forks/{id}/reporting-keys/{key_id}/",
        expect(other=404, developer=204, editor=204, staff=204),
    ),
    "results_report": ("POST", "/api/v1/forks/{id}/results/", expect(editor=403, staff=403)),
    # A replication's evaluation from its copy's reports: the evaluation's rule (the recipient's editors).
    "evaluation_from_reports": (
        "POST",
        "/api/v1/replications/{id}/evaluation/from-reports/",
        WRITE,
    ),
    # Replication (registry.permissions.REPLICATION_RULES; cases in replication_cases.py). HOME plays the
    # side that acts: penerima (request, phase, evaluation, plan, ask, close), asal (accept, decline,
    # contacts, sessions, answer) or fasilitator; `*_by_penerima` rows are the other side's writes.
    # What only the sides read (the action plan, open questions) is a 404 for other regions.
    "replication_request": ("POST", "/api/v1/replications/", expect(editor=201, staff=201)),
    "replication_phase": ("POST", "/api/v1/replications/{id}/phase/", WRITE),
    "replication_accept": ("POST", "/api/v1/replications/{id}/accept/", WRITE),
    "replication_accept_by_penerima": (
        "POST",
        "/api/v1/replications/{id}/accept/",
        expect(editor=403, staff=200),
    ),
    "replication_decline": ("POST", "/api/v1/replications/{id}/decline/", WRITE),
    "replication_evaluation": ("PUT", "/api/v1/replications/{id}/evaluation/", WRITE),
    "mentor_contact_create": ("POST", "/api/v1/mentor-contacts/", expect(editor=201, staff=201)),
    "mentor_contact_patch": ("PATCH", "/api/v1/mentor-contacts/{id}/", WRITE),
    "mentor_contact_delete": ("DELETE", "/api/v1/mentor-contacts/{id}/", expect(editor=204, staff=204)),
    "action_item_create": ("POST", "/api/v1/action-items/", expect(editor=201, staff=201)),
    "action_item_patch": ("PATCH", "/api/v1/action-items/{id}/", expect(other=404, editor=200, staff=200)),
    "action_item_delete": (
        "DELETE",
        "/api/v1/action-items/{id}/",
        expect(other=404, editor=204, staff=204),
    ),
    "session_create": ("POST", "/api/v1/mentoring-sessions/", expect(editor=201, staff=201)),
    "session_create_by_penerima": ("POST", "/api/v1/mentoring-sessions/", expect(editor=403, staff=201)),
    "session_create_by_fasilitator": ("POST", "/api/v1/mentoring-sessions/", expect(editor=201, staff=201)),
    "session_patch": ("PATCH", "/api/v1/mentoring-sessions/{id}/", WRITE),
    "session_delete": ("DELETE", "/api/v1/mentoring-sessions/{id}/", expect(editor=204, staff=204)),
    "session_material": (
        "POST",
        "/api/v1/mentoring-sessions/{id}/materials/",
        expect(editor=201, staff=201),
    ),
    "question_ask": ("POST", "/api/v1/questions/", expect(developer=201, editor=201, staff=201)),
    "question_answer": (
        "POST",
        "/api/v1/questions/{id}/answers/",
        expect(other=404, developer=201, editor=201, staff=201),
    ),
    "question_answer_by_fasilitator": (
        "POST",
        "/api/v1/questions/{id}/answers/",
        expect(other=404, developer=201, editor=201, staff=201),
    ),
    "question_close": (
        "POST",
        "/api/v1/questions/{id}/close/",
        expect(other=404, developer=200, editor=200, staff=200),
    ),
}
# Writes that act on no region's behalf.
NOT_REGION_WRITES = {("POST", "/api/v1/auth/token/")}  # signing in (tests/test_login_lockout.py)

CASES = [(name, who, status) for name, (_m, _p, row) in TABLE.items() for who, status in row.items()]


def user_for(who: str):
    if who == "anonymous":
        return None
    if who == "staff":
        return factories.StaffFactory(username="staff")
    side, role = who.split("-")
    return member_of(HOME if side == "home" else OTHER, role, username=who)


@pytest.mark.parametrize(("case", "who", "status"), CASES, ids=[f"{c}:{w}" for c, w, _ in CASES])
def test_permission_table(api, client, regions, media_root, tmp_path, case, who, status):
    if case in cases.NEEDS_TEMPLATE:
        cases.pengaduan_template(tmp_path)
    cache.clear()  # no throttle history from another case
    user = user_for(who)
    _method, path, _row = TABLE[case]
    web = not path.startswith("/api/")
    if user is not None:
        client.force_login(user) if web else api.force_authenticate(user)
    run = getattr(cases, case, None) or getattr(replication_cases, case)
    arguments = {"staff": who == "staff"} if case == "import_used_by" else {}
    response = run(client if web else api, status, **arguments)
    assert response.status_code == status, response.content[:500]


def test_every_write_is_in_the_table():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }
    covered = {(method, path) for method, path, _row in TABLE.values()}
    assert writes - NOT_REGION_WRITES <= covered, sorted(writes - NOT_REGION_WRITES - covered)
