"""Catalog pages. The browse page filters with AppFilterSet, the same class as the API."""

from itertools import islice, takewhile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from config.errors import form_errors
from config.uploads import IMAGE_TYPES, file_response, image_type
from registry import permissions
from registry.models import Region

from . import selectors, services
from .cache import cached
from .choices import AppCategory, ContactRole, DevelopmentStatus, SortOrder
from .forms import AppForm
from .models import Adoption, App, Screenshot

PAGE_SIZE = 20
SCREENSHOT_TYPES = {content_type for _extension, content_type in IMAGE_TYPES.values()}


class AppBrowseView(TemplateView):
    """The browse page. Results and facets are rendered once per query and catalog version, then
    reused; the rest of the page (header, language form with its CSRF token) is rendered per request."""

    template_name = "catalog/app_list.html"
    results_template = "catalog/includes/browse_results.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        filterset = selectors.app_filterset(params)
        selected = {key: params.getlist(key) for key in filterset.base_filters}
        results = cached(
            ("browse", self.request.get_full_path(), get_language()),
            lambda: render_to_string(self.results_template, self._results(filterset, selected), self.request),
        )
        return super().get_context_data(
            results=results,
            selected=selected,
            sort_choices=SortOrder.choices,
            search=params.get("search", ""),
            **kwargs,
        )

    def _results(self, filterset, selected) -> dict:
        params = self.request.GET
        valid = filterset.is_valid()
        apps = selectors.filtered_apps(filterset) if valid else selectors.app_queryset().none()
        paginator = selectors.AppPaginator(apps, PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        search = params.get("search", "").strip()
        return {
            "search": search,
            # Queries of their own only when a search found nothing.
            "search_help": selectors.search_help(search)
            if search and valid and not paginator.count
            else None,
            "filter_errors": filterset.errors if not valid else None,
            "page_obj": page,
            "paginator": paginator,
            "apps": _with_labels(page.object_list),
            "facets": selectors.app_facets(filterset) if valid else {},
            "facet_titles": facet_titles(),
            "selected": selected,
        }


def _with_labels(rows: list[dict]) -> list[dict]:
    categories, statuses = dict(AppCategory.choices), dict(DevelopmentStatus.choices)
    for row in rows:
        row["category_label"] = categories.get(row["category"], row["category"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    return rows


def facet_titles() -> dict[str, str]:
    return {
        "category": _("Category"),
        "dimension": _("Smart city dimension"),
        "province": _("Province"),
        "region": _("Owner region"),
        "status": _("Development status"),
        "spbe_type": _("SPBE type"),
        "has_template": _("Template"),
        "license": _("Licence"),
    }


class AppDetailView(DetailView):
    template_name = "catalog/app_detail.html"
    context_object_name = "app"

    def get_queryset(self):
        return selectors.app_detail_queryset()

    def get_context_data(self, **kwargs):
        app = self.object
        lineage = takewhile(lambda ancestor: ancestor.pk != app.pk, app.ancestors())
        contacts = list(app.contacts.all())
        # Mentors are replication's mentor contacts, shown by its panel (with personal details for
        # officials only); the catalog lists the maintainers.
        return super().get_context_data(
            lineage=list(islice(lineage, 10)),
            maintainers=[c for c in contacts if c.role != ContactRole.MENTOR],
            may_change=permissions.may(self.request.user, permissions.Action.CHANGE, [app.owner_region_id]),
            **kwargs,
        )


def screenshot_image(request, slug: str, pk: int):
    """A screenshot, with the type found by decoding it (never by its name: older uploads kept theirs),
    inline for <img>; a stored file that is no accepted image is not served at all."""
    shot = get_object_or_404(Screenshot, app__slug=slug, pk=pk)
    if not shot.image:
        raise Http404
    try:
        extension, content_type = image_type(shot.image)
    except FileNotFoundError:
        raise Http404 from None
    if content_type not in SCREENSHOT_TYPES:
        raise Http404
    filename = f"{slug}-{shot.pk}.{extension}"
    return file_response(shot.image, content_type=content_type, filename=filename, as_attachment=False)


# A region's own writes from the web: its apps, its adoptions ------------------------------------------


class AppFormView(LoginRequiredMixin, View):
    """Adding the region's app to the catalog (`/wilayah-saya/<code>/aplikasi-baru/`) or changing it
    (`/aplikasi/<slug>/ubah/`): the owner region's editors and administrators, and staff."""

    template_name = "catalog/app_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.app, self.region = self.get_objects(**kwargs)
        if not permissions.may(request.user, permissions.Action.CHANGE, [self.region.code]):
            raise PermissionDenied(_("Only the region's editors and administrators can write its apps."))
        return super().dispatch(request, *args, **kwargs)

    def get_objects(self, **kwargs) -> tuple[App | None, Region]:
        if "slug" in kwargs:
            app = get_object_or_404(App.objects.select_related("owner_region"), slug=kwargs["slug"])
            return app, app.owner_region
        return None, get_object_or_404(Region, code=kwargs["code"])

    def _render(self, form, status=200):
        context = {"form": form, "app": self.app, "region": self.region}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        return self._render(AppForm(instance=self.app, region=self.region))

    def post(self, request, **kwargs):
        form = AppForm(request.POST, instance=self.app, region=self.region)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            mous = list(data.pop("mous"))
            try:
                if self.app is None:
                    app = services.app_create(
                        owner_region=self.region, created_by=request.user, mous=mous, **data
                    )
                else:
                    app = services.app_update(app=self.app, mous=mous, **data)
            except ValidationError as exc:
                for field, errors in form_errors(exc).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The app is saved in the catalog."))
                return redirect(app.get_absolute_url())
        return self._render(form, status=400)


@require_POST
@login_required
def adoption_confirm(request, code: str, pk: int):
    """A member of the adopting region confirms a use of an app recorded on its behalf."""
    adoption = get_object_or_404(Adoption.objects.select_related("app", "region"), pk=pk, region=code)
    services.adoption_confirm(adoption=adoption, confirmed_by=request.user)
    messages.success(
        request,
        _("Confirmed: %(region)s uses %(app)s.") % {"region": adoption.region.name, "app": adoption.app.name},
    )
    return redirect(reverse("registry:workspace", kwargs={"code": code}) + "#adopsi")
