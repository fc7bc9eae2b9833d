"""Every model in the admin opens, lists, searches and offers its add form (where adding is allowed)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from templates_repo import services as template_services
from tests import factories

pytestmark = pytest.mark.django_db

READ_ONLY = {
    "registry.Region",
    "registry.MoUNotice",
    "replication.Notice",
    "templates_repo.Fork",
    # django-axes' records of sign-in attempts: staff delete them (unlock) but never add them.
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
}
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def admin_client(client, regions, media_root):
    call_command("load_demo")
    template_services.template_sync()
    client.force_login(factories.StaffFactory(username="root", is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])
def test_admin_pages_open(admin_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "semarang"}).status_code == 200
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Read-only models (regions, notices, forks) refuse adding; every other one shows its form.
    assert add.status_code == (403 if opts.label in READ_ONLY else 200)
    first = model._default_manager.first()
    if first is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        assert admin_client.get(change).status_code == 200
