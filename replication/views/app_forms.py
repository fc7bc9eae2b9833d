"""The forms reached from an app's page: asking to be mentored, adding a mentor contact."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from catalog.models import App
from registry import permissions
from registry.models import Region

from .. import selectors, services
from ..forms import MentorContactForm, RequestForm
from .writes import add_errors


class RequestView(View):
    """The "ask to be mentored" form of an app (the app page's panel links here)."""

    template_name = "replication/request_form.html"

    def _form(self, request, app, data=None):
        return RequestForm(
            data,
            regions=selectors.request_regions(request.user, app),
            # The 38 provinces first (the usual facilitators), then regencies and cities by province.
            facilitators=Region.objects.order_by(F("province").asc(nulls_first=True), "name"),
            mous=selectors.request_mous(request.user, app),
        )

    def _render(self, request, app, form, status=200):
        return render(request, self.template_name, {"app": app, "form": form}, status=status)

    def dispatch(self, request, slug: str):
        app = get_object_or_404(App.objects.select_related("owner_region"), slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            return self.post(request, app)
        if request.method in ("GET", "HEAD"):
            return self._render(request, app, self._form(request, app))
        return self.http_method_not_allowed(request)

    def post(self, request, app):
        form = self._form(request, app, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                replication = services.replication_request(
                    user=request.user,
                    app=app,
                    penerima=data["region"],
                    model=data["model"],
                    message=data["message"],
                    fasilitator=data["fasilitator"],
                    fasilitator_name=data["fasilitator_name"],
                    mou=data["mou"],
                )
            except ValidationError as exc:
                exc = _rename(exc, {"penerima": "region"})
                add_errors(form, exc)
            else:
                messages.success(request, _("Your request is sent to the originating region."))
                return redirect(replication.get_absolute_url())
        return self._render(request, app, form, status=400)


class MentorContactCreateView(View):
    """Add a mentor contact to an app: its owner region's editors and administrators."""

    template_name = "replication/contact_form.html"

    def dispatch(self, request, slug: str):
        app = get_object_or_404(App.objects.select_related("owner_region"), slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.may(request.user, permissions.Action.CHANGE, [app.owner_region_id]):
            raise PermissionDenied
        agencies = app.owner_region.agencies.order_by("name")
        if request.method == "POST":
            form = MentorContactForm(request.POST, agencies=agencies)
            if form.is_valid():
                try:
                    services.mentor_contact_create(user=request.user, app=app, **form.cleaned_data)
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, _("The mentor contact is added."))
                    back = request.POST.get("next", "")
                    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
                    return redirect(back if back.startswith("/") and safe else app.get_absolute_url())
            context = {"app": app, "form": form, "next": request.POST.get("next", "")}
            return render(request, self.template_name, context, status=400)
        if request.method in ("GET", "HEAD"):
            form = MentorContactForm(agencies=agencies)
            context = {"app": app, "form": form, "next": request.GET.get("next", "")}
            return render(request, self.template_name, context)
        return self.http_method_not_allowed(request)


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def request_url(app: App) -> str:
    return reverse("replication:replication-request", kwargs={"slug": app.slug})
