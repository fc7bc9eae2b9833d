"""Login throttling (django-axes): five wrong passwords in a row lock a username on one IP address."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db

WRONG = "wrong-password"
RIGHT = "secret-pass-123"


@pytest.fixture
def alice(regions):
    return factories.StaffFactory(username="alice")


def web_login(client, path, password, **extra):
    return client.post(path, {"username": "alice", "password": password}, **extra)


def api_login(api, password, **extra):
    return api.post("/api/v1/auth/token/", {"username": "alice", "password": password}, **extra)


def test_login_page_locks_after_five_wrong_passwords(client, alice):
    for _ in range(4):
        assert web_login(client, "/masuk/", WRONG).status_code == 200
    web_login(client, "/masuk/", WRONG)
    response = web_login(client, "/masuk/", WRONG)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    # Locked: even the right password is not checked.
    response = web_login(client, "/masuk/", RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_message_in_english(client, alice):
    for _ in range(6):
        response = web_login(client, "/masuk/", WRONG, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_admin_login_locks_after_five_wrong_passwords(client, alice):
    for _ in range(4):
        assert web_login(client, "/admin/login/", WRONG).status_code == 200
    web_login(client, "/admin/login/", WRONG)
    response = web_login(client, "/admin/login/", WRONG)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert web_login(client, "/admin/login/", RIGHT).status_code == 429


def test_api_token_locks_after_five_wrong_passwords(api, alice):
    for _ in range(4):
        assert api_login(api, WRONG).status_code == 400
    api_login(api, WRONG)
    response = api_login(api, WRONG)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "Terlalu banyak percobaan masuk yang gagal" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    response = api_login(api, RIGHT)
    assert response.status_code == 429 and "token" not in response.json()


def test_lockout_is_per_username_and_ip(client, alice, api):
    factories.UserFactory(username="bob")
    for _ in range(6):
        web_login(client, "/masuk/", WRONG, REMOTE_ADDR="10.0.0.1")
    assert web_login(client, "/masuk/", RIGHT, REMOTE_ADDR="10.0.0.1").status_code == 429
    # The same user from another address, and another user from the same address, still sign in.
    assert api_login(api, RIGHT, REMOTE_ADDR="10.0.0.2").status_code == 200
    response = client.post("/masuk/", {"username": "bob", "password": RIGHT}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, alice):
    for _ in range(4):
        web_login(client, "/masuk/", WRONG)
    assert web_login(client, "/masuk/", RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        assert web_login(client, "/masuk/", WRONG).status_code == 200


def test_staff_unlocks_in_the_admin(client, alice, api):
    for _ in range(6):
        api_login(api, WRONG)
    assert api_login(api, RIGHT).status_code == 429
    attempt = AccessAttempt.objects.get(username="alice")
    root = factories.StaffFactory(username="root", is_superuser=True)
    client.force_login(root)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert api_login(api, RIGHT).status_code == 200


def test_staff_unlocks_with_the_command(api, alice):
    for _ in range(6):
        api_login(api, WRONG)
    assert api_login(api, RIGHT).status_code == 429
    call_command("axes_reset_username", "alice")
    assert api_login(api, RIGHT).status_code == 200
