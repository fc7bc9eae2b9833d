"""Fixtures of the inventory import tests (tests/catalog/test_import*.py)."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from catalog.models import App
from tests import factories


@pytest.fixture
def batang(regions):
    """Kabupaten Batang with two agencies (OPD) that inventories name."""
    region = factories.region("33.25")
    factories.AgencyFactory(region=region, name="Dinas Komunikasi dan Informatika", short_name="Diskominfo")
    factories.AgencyFactory(region=region, name="Dinas Sosial", short_name="Dinsos")
    return region


@pytest.fixture
def model_admin():
    return admin.site._registry.get(App) or ModelAdmin(App, admin.site)


@pytest.fixture
def superuser(regions):
    return factories.StaffFactory(username="root", is_superuser=True)
