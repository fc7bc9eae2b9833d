"""The national dashboard (`/dasbor/`) and the search over apps, templates and regions (`/cari/`): pages
that read every app, so they live in the top one. The charts come from the same selectors as
`/api/v1/stats/` (templates_repo/stats/)."""

from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from catalog import search
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
    """One search box over apps, templates and regions, grouped, the first twenty of each. Apps through the
    catalog's own search (AppFilterSet: synonyms, stemming, typos); templates by name, description or the
    app they reproduce; regions by name (with the same synonyms: "jateng") or code. A word found nowhere is
    corrected to the closest known word, as the app search does; when nothing is found at all, the page
    suggests other searches and the categories."""

    template_name = "templates_repo/search.html"

    def get_context_data(self, **kwargs):
        query = " ".join(self.request.GET.get("q", "").split())[:100]
        results = {"apps": [], "templates": [], "regions": []}
        help_ = None
        if query:
            parsed = search.parse(query)
            apps = catalog_selectors.app_filterset({"search": query}).qs
            results["apps"] = list(apps.select_related("owner_region")[:SEARCH_LIMIT])
            results["templates"] = self._templates(parsed, apps, results["apps"]) if parsed else []
            results["regions"] = self._regions(parsed, query)
            if not any(results.values()):
                help_ = catalog_selectors.search_help(query)
        return super().get_context_data(
            query=query,
            total=sum(len(found) for found in results.values()),
            limit=SEARCH_LIMIT,
            search_help=help_,
            **results,
            **kwargs,
        )

    @staticmethod
    def _first_found(queryset, condition_of, parsed):
        found = list(queryset.filter(condition_of(parsed))[:SEARCH_LIMIT])
        if not found:
            corrected = search.correct(parsed)
            if corrected is not parsed:
                found = list(queryset.filter(condition_of(corrected))[:SEARCH_LIMIT])
        return found

    def _templates(self, parsed, apps, shown_apps):
        found_apps = apps.order_by().values("pk")
        # The words typed themselves in the name, then in the description, then in the order of the apps
        # found (the catalog's ranking), then the rest.
        typed = parsed.as_typed()
        order = Case(
            When(search.matches(typed, "name"), then=Value(0)),
            When(search.matches(typed, "name", "description"), then=Value(1)),
            *(When(app_id=app.pk, then=Value(2 + i)) for i, app in enumerate(shown_apps)),
            default=Value(2 + len(shown_apps)),
        )
        return self._first_found(
            Template.objects.select_related("mentor_region").annotate(order=order).order_by("order", "name"),
            lambda q: search.matches(q, "name", "description") | Q(app__in=found_apps),
            parsed,
        )

    def _regions(self, parsed, query):
        regions = Region.objects.order_by("code")
        if not parsed:
            return list(regions.filter(code__startswith=query)[:SEARCH_LIMIT])
        return self._first_found(
            regions, lambda q: search.matches(q, "name") | Q(code__startswith=query), parsed
        )
