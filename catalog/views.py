"""Catalog pages. The browse page filters with AppFilterSet, the same class as the API."""

from itertools import islice, takewhile

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from config.uploads import IMAGE_TYPES, file_response, image_type

from . import selectors
from .cache import cached
from .choices import AppCategory, ContactRole, DevelopmentStatus, SortOrder
from .models import Screenshot

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
        queryset = filterset.qs if valid else selectors.app_queryset().none()
        paginator = selectors.CachedCountPaginator(queryset, PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        return {
            "filter_errors": filterset.errors if not valid else None,
            "page_obj": page,
            "paginator": paginator,
            "apps": _with_labels(selectors.app_rows(page.object_list)),
            "facets": selectors.app_facets(params) if valid else {},
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
