"""Server-rendered pages of the registry. They filter with the same FilterSets as the API."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from config.uploads import file_response

from . import permissions, selectors
from .choices import MoUStatus, RegionKind
from .filtersets import MoUFilterSet, RegionFilterSet, StudyVisitFilterSet
from .models import MoU, Region


def _province_options() -> list[tuple[str, str]]:
    """(code, name) of the 38 provinces, by name: a filter's choices."""
    return list(Region.objects.filter(kind=RegionKind.PROVINCE).order_by("name").values_list("code", "name"))


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        mous = selectors.mou_list()
        return super().get_context_data(
            region_count=Region.objects.count(),
            province_count=Region.objects.filter(kind=RegionKind.PROVINCE).count(),
            active_mou_count=mous.filter(current_status=MoUStatus.ACTIVE).count(),
            latest_mous=mous[:5],
            latest_visits=selectors.visit_list()[:5],
            **kwargs,
        )


class FilteredListView(FilterView):
    """A list page whose filters, when invalid, answer 400 with the form's errors shown (as the API does)."""

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class RegionListView(FilteredListView):
    filterset_class = RegionFilterSet
    queryset = selectors.region_list()
    # 25 rows: on a phone each region is a card of four labelled lines (50 made a 6,600 px page).
    paginate_by = 25
    template_name = "registry/region_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(provinces=_province_options(), kinds=RegionKind.choices, **kwargs)


class RegionDetailView(DetailView):
    template_name = "registry/region_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    context_object_name = "region"

    def get_queryset(self):
        return selectors.region_detail_queryset()

    def get_context_data(self, **kwargs):
        region = self.object
        return super().get_context_data(
            agencies=selectors.region_agencies(region),
            mous=selectors.mous_of_region(region),
            partners=selectors.region_partners(region),
            visits=selectors.visits_of_region(region),
            regencies=region.regencies.order_by("code") if region.kind == RegionKind.PROVINCE else None,
            may_open_workspace=permissions.may_open_workspace(self.request.user, region.code),
            **kwargs,
        )


class MoUListView(FilteredListView):
    filterset_class = MoUFilterSet
    paginate_by = 20
    template_name = "registry/mou_list.html"

    def get_queryset(self):
        return selectors.mou_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(provinces=_province_options(), statuses=MoUStatus.choices, **kwargs)


class MoUDetailView(DetailView):
    template_name = "registry/mou_detail.html"
    context_object_name = "mou"

    def get_queryset(self):
        return selectors.mou_list()

    def get_context_data(self, **kwargs):
        visible = permissions.mou_document_visible(self.request.user, self.object)
        if permissions.may_read_history(self.request.user):
            kwargs["mou_history"] = selectors.mou_history(self.object)
        return super().get_context_data(document_visible=visible, **kwargs)


def mou_document(request, pk: int):
    """The signed PDF, from whatever storage holds it, to those who may see it (404 to anyone else).

    Always as an attachment of type application/pdf under a name made here: the stored name of an
    older upload may still be the uploader's own (poly.html).
    """
    mou = get_object_or_404(MoU.objects.prefetch_related("parties"), pk=pk)
    if not permissions.mou_document_visible(request.user, mou):
        raise Http404
    filename = f"mou-{mou.pk}-{slugify(mou.title)[:60] or 'dokumen'}.pdf"
    return file_response(mou.document, content_type="application/pdf", filename=filename)


class StudyVisitListView(FilteredListView):
    filterset_class = StudyVisitFilterSet
    paginate_by = 20
    template_name = "registry/visit_list.html"

    def get_queryset(self):
        return selectors.visit_list()


# "Wilayah saya": a member's region after sign-in ------------------------------------------------------

MOU_ENDING_DAYS = 90


class WorkspaceIndexView(LoginRequiredMixin, TemplateView):
    """Where sign-in lands: straight to the workspace of the member's region, or a choice among the
    regions they act for; a user of no region is told so (staff reach any region's from its page)."""

    template_name = "registry/workspace_index.html"

    def get(self, request, *args, **kwargs):
        memberships = list(selectors.workspace_memberships(request.user))
        if len(memberships) == 1:
            return redirect("registry:workspace", code=memberships[0].region_id)
        return self.render_to_response(self.get_context_data(memberships=memberships))


class WorkspaceView(LoginRequiredMixin, DetailView):
    """A region's workspace: what waits for its members (questions to answer, action items due, adoptions
    to confirm, MoUs ending) and what it has (replications, copies, apps). The sections of other apps are
    their panels on "registry:workspace:todo" and "registry:workspace"."""

    template_name = "registry/workspace.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    context_object_name = "region"
    queryset = Region.objects.select_related("province")

    def get_object(self, queryset=None):
        region = super().get_object(queryset)
        if not permissions.may_open_workspace(self.request.user, region.code):
            raise PermissionDenied(_("Only the region's members can open its workspace."))
        return region

    def get_context_data(self, **kwargs):
        region = self.object
        return super().get_context_data(
            memberships=selectors.workspace_memberships(self.request.user),
            mous_ending=selectors.mous_ending(region, within_days=MOU_ENDING_DAYS),
            mou_ending_days=MOU_ENDING_DAYS,
            **kwargs,
        )
