"""The catalog's admin keeps the rules the API keeps."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory

from catalog.models import App
from tests import factories

pytestmark = pytest.mark.django_db


def _form_for(app, staff, **changes):
    model_admin = admin.site._registry[App]
    request = RequestFactory().post("/")
    request.user = staff
    form_class = model_admin.get_form(request, app, change=True)
    data = {k: v for k, v in model_to_dict(app).items() if v is not None}
    data["mous"] = [mou.pk for mou in data.get("mous", [])]
    data.update(changes)
    return form_class(data=data, instance=app)


def test_staff_cannot_link_an_app_to_an_mou_its_owner_did_not_sign(regions, admin_user):
    from django.core.management import call_command

    call_command("load_demo")
    batang_app = App.objects.filter(owner_region="33.25").first()
    foreign = factories.MoUFactory(party_codes=["64.74", "33.74"])
    own = factories.MoUFactory(party_codes=["33.25", "33.74"])
    valid = _form_for(batang_app, admin_user, mous=[own.pk])
    assert valid.is_valid(), valid.errors
    form = _form_for(batang_app, admin_user, mous=[foreign.pk])
    assert not form.is_valid()
    assert "mous" in form.errors
