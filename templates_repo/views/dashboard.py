"""The national dashboard (`/dasbor/`) and the search over apps, templates and regions (`/cari/`): pages
that read every app, so they live in the top one. The charts come from the same selectors as
`/api/v1/stats/` (templates_repo/stats/)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from catalog import selectors as catalog_selectors
from catalog.choices import AppCategory
from registry.models import Region

from .. import stats
from ..models import Template
from ..stats import charts

SEARCH_LIMIT = 20


class DashboardView(TemplateView):
    """Adoptions, copies and replications over time (of one category, `?category=`), who learns from
    whom, the tile map of the provinces and the share of reports resolved within their SLA (cached for a
    minute under the same keys as the API's answers: stats/cache.py)."""

    template_name = "templates_repo/dashboard.html"

    def get_context_data(self, **kwargs):
        category = self.request.GET.get("category", "")
        if category not in AppCategory.values:
            category = ""
        scope = stats.Scope(category=category)
        label = AppCategory(category).label if category else ""
        return super().get_context_data(
            categories=AppCategory.choices,
            category=category,
            figures=stats.cached("summary", stats.EVERYTHING, stats.summary),
            timeline_chart=charts.timeline_chart(
                stats.cached("timeline", scope, lambda: stats.timeline(scope)),
                title=_("Adoptions, copies and replications per month: %(category)s") % {"category": label}
                if category
                else "",
                category=category,
            ),
            network_chart=charts.network_chart(stats.cached("network", stats.EVERYTHING, stats.network)),
            provinces_chart=charts.provinces_chart(
                stats.cached("provinces", scope, lambda: stats.provinces(scope)), category=category
            ),
            sla_chart=charts.sla_chart(stats.cached("sla", stats.EVERYTHING, stats.sla)),
            **kwargs,
        )


class SearchView(TemplateView):
    """One search box over apps (the catalog's own search), templates and regions (by name or code),
    grouped, the first twenty of each."""

    template_name = "templates_repo/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        results = {"apps": [], "templates": [], "regions": []}
        if query:
            apps = catalog_selectors.app_filterset({"search": query}).qs
            results["apps"] = list(apps.select_related("owner_region")[:SEARCH_LIMIT])
            results["templates"] = list(
                Template.objects.filter(Q(name__icontains=query) | Q(description__icontains=query))
                .select_related("mentor_region")
                .order_by("name")[:SEARCH_LIMIT]
            )
            results["regions"] = list(
                Region.objects.filter(Q(name__icontains=query) | Q(code__startswith=query)).order_by("code")[
                    :SEARCH_LIMIT
                ]
            )
        return super().get_context_data(
            query=query,
            total=sum(len(found) for found in results.values()),
            limit=SEARCH_LIMIT,
            **results,
            **kwargs,
        )
