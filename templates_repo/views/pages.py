"""Pages of the template library: the template with its "spin up a copy" form, and a fork's progress."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from config.errors import form_errors
from config.uploads import file_response
from registry import permissions
from registry.choices import RegionKind
from registry.models import Region
from replication import panels as replication_panels

from .. import selectors, services
from ..choices import ForkStatus
from ..filtersets import FleetFilterSet
from ..forms import ForkForm
from ..models import Fork, Template
from . import results, updates


class TemplateListView(ListView):
    template_name = "templates_repo/template_list.html"
    context_object_name = "templates"

    def get_queryset(self):
        return Template.objects.select_related("app", "mentor_region").prefetch_related("versions")


class TemplateDetailView(DetailView):
    template_name = "templates_repo/template_detail.html"
    context_object_name = "template"

    def get_queryset(self):
        return Template.objects.select_related("app", "mentor_region", "mentor_agency").prefetch_related(
            "versions"
        )

    def _regions(self):
        return Region.objects.restrict(self.request.user, permissions.Action.ADOPT).order_by("code")

    @cached_property
    def version(self):
        return selectors.template_version_get(template_slug=self.object.slug)

    def _form(self, data=None):
        version = self.version
        regions = self._regions()
        first = regions.first()
        initial = services.region_defaults(template=self.object, region=first) if first else {}
        return ForkForm(
            data, schema=selectors.version_schema(version), regions=regions, initial_context=initial,
            initial={"region": first.code if first else None},
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self._form())
        version = self.version
        forks = (
            Fork.objects.restrict(self.request.user)
            .filter(template=self.object)
            .select_related("region")[:10]
        )
        # Whom to ask about the app this template reproduces: the replication app's panel, as on the app page.
        contacts = replication_panels.app_contacts(self.request, self.object.app) if self.object.app else None
        return super().get_context_data(version=version, forks=forks, contacts=contacts, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not request.user.is_authenticated:
            return redirect(f"{request.build_absolute_uri(reverse('login'))}?next={request.path}")
        form = self._form(request.POST)
        if form.is_valid():
            try:
                fork, _created = services.fork_request(
                    user=request.user,
                    template_slug=self.object.slug,
                    region_code=form.cleaned_data["region"].code,
                    context=form.context_values(),
                )
            except PermissionDenied:
                form.add_error("region", services.fork_permission_message())
            except ValidationError as exc:
                form.add_context_errors(form_errors(exc))
            else:
                return redirect(fork.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ForkDetailView(LoginRequiredMixin, DetailView):
    template_name = "templates_repo/fork_detail.html"
    context_object_name = "fork"

    def get_queryset(self):
        return Fork.objects.restrict(self.request.user).select_related(
            "template", "version", "region", "current_version"
        )

    def get_context_data(self, **kwargs):
        status = self.object.status
        if status == ForkStatus.SUCCEEDED:
            kwargs.update(updates.update_offer(self.request, self.object))
            kwargs["may_update"] = permissions.may(
                self.request.user, permissions.Action.ADOPT, [self.object.region_id]
            )
            kwargs.update(results.results_section(self.request, self.object))
        return super().get_context_data(
            running=status in (ForkStatus.QUEUED, ForkStatus.RUNNING),
            succeeded=status == ForkStatus.SUCCEEDED,
            failed=status == ForkStatus.FAILED,
            **kwargs,
        )


def fork_archive(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    fork = get_object_or_404(Fork.objects.restrict(request.user), pk=pk, status=ForkStatus.SUCCEEDED)
    filename = services.fork_archive_filename(fork)
    return file_response(fork.archive, content_type="application/zip", filename=filename)


class TemplateFleetView(DetailView):
    """The "Salinan" page: every copy of a template the user may see (selectors.fleet) under the fleet's
    filters (FleetFilterSet, as the API), with the public counts per version; a bad filter is a 400."""

    template_name = "templates_repo/fleet.html"
    context_object_name = "template"

    def get_queryset(self):
        return Template.objects.select_related("mentor_region")

    def get_context_data(self, **kwargs):
        template, user = self.object, self.request.user
        filterset = FleetFilterSet(self.request.GET or None, queryset=selectors.fleet(template, user=user))
        self.filter_valid = not filterset.is_bound or filterset.is_valid()
        provinces = (
            Region.objects.filter(kind=RegionKind.PROVINCE).order_by("name").values_list("code", "name")
        )
        return super().get_context_data(
            filter=filterset,
            copies=list(filterset.qs) if self.filter_valid else [],
            summary=selectors.fleet_summary(template),
            sees_all=permissions.may_see_fleet(user, template.mentor_region_id),
            provinces=list(provinces),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        if not self.filter_valid:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)
