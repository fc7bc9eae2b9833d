"""A copy's service results on its page: the months it reported, its reporting keys (made and revoked by
the region's developers, editors and admins; a new key is shown once, then only its prefix), and how the
copy sends them (`manage.py report_to_lumbung`). The API's twin is api/results.py; both write through
services.reporting_key_create / reporting_key_revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry import permissions
from replication.models import Replication

from .. import selectors, services
from ..models import Fork, ReportingKey

SESSION_KEY = "lumbung_new_reporting_key"  # {fork id: key}, shown once on the copy's page


def results_section(request, fork: Fork) -> dict:
    """The copy page's "Hasil layanan" section: reports with the figures' labels, keys for those who
    manage them, and a key just made (taken out of the session: it is shown once)."""
    _number, declaration = services.results.declaration_of(fork)
    figures = selectors.localized_figures(declaration, get_language() or "id")
    columns = [(column["key"], column["label"]) for figure in figures
               for column in (figure.get("breakdown") or [figure])]  # fmt: skip
    reports = [
        {"month": report.month, "demo": report.demo, "reported_at": report.reported_at,
         "cells": [(label, report.figures.get(key)) for key, label in columns]}
        for report in selectors.fork_reports(fork)[:24]
    ]  # fmt: skip
    may_manage = permissions.may(request.user, permissions.Action.ADOPT, [fork.region_id])
    new_keys = request.session.get(SESSION_KEY) or {}
    new_key = new_keys.pop(str(fork.pk), None)
    if new_key is not None:
        request.session[SESSION_KEY] = new_keys
    return {
        "result_columns": [label for _key, label in columns],
        "result_reports": reports,
        "reports_declared": bool(declaration),
        "may_manage_keys": may_manage,
        "reporting_keys": fork.reporting_keys.select_related("created_by") if may_manage else (),
        "new_reporting_key": new_key,
        "results_api_url": request.build_absolute_uri(reverse("api:fork-results", kwargs={"pk": fork.pk})),
    }


def _fork_for_keys(request, pk) -> Fork:
    return get_object_or_404(Fork.objects.restrict(request.user).select_related("region"), pk=pk)


def _back(fork: Fork):
    return redirect(f"{fork.get_absolute_url()}#hasil-layanan")


@require_POST
@login_required
def reporting_key_create(request, pk):
    """ "Buat kunci laporan": back to the copy's page, which shows the key this once."""
    fork = _fork_for_keys(request, pk)
    try:
        _key, raw = services.reporting_key_create(
            user=request.user, fork=fork, name=request.POST.get("name", "")[:100]
        )
    except PermissionDenied as exc:
        raise PermissionDenied(services.results.key_permission_message()) from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back(fork)
    request.session[SESSION_KEY] = {**(request.session.get(SESSION_KEY) or {}), str(fork.pk): raw}
    return _back(fork)


@require_POST
@login_required
def reporting_key_revoke(request, pk, key_id):
    fork = _fork_for_keys(request, pk)
    key = get_object_or_404(ReportingKey.objects.select_related("fork"), pk=key_id, fork=fork)
    try:
        services.reporting_key_revoke(user=request.user, key=key)
    except PermissionDenied as exc:
        raise PermissionDenied(services.results.key_permission_message()) from exc
    messages.success(request, _("The key %(prefix)s… is revoked.") % {"prefix": key.prefix})
    return _back(fork)


@require_POST
@login_required
def evaluation_from_reports(request, pk):
    """The replication page's "use these figures": back to its evaluation, or with the errors shown."""
    replication = get_object_or_404(Replication, pk=pk)
    try:
        services.evaluation_from_reports(
            user=request.user,
            replication=replication,
            before=request.POST.get("before", ""),
            after=request.POST.get("after", ""),
        )
    except PermissionDenied as exc:
        raise PermissionDenied(_("Only the recipient region's editors and administrators evaluate.")) from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The evaluation now has the figures the copy reported."))
    return redirect(f"{replication.get_absolute_url()}#evaluasi")
