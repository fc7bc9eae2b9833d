"""Panels that show what copies report back (registered by templates_repo/panels.py): an app's copies'
results month by month on the catalog's app page (one line per region, from `selectors.app_results`, the
selector `GET /api/v1/apps/{slug}/results/` answers from); a replication's copies' months on its page,
with the form that takes two of them into the evaluation."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import App
from config.charts import series_chart
from config.languages import page_is_in_record_language
from registry import permissions
from replication.choices import Phase

from . import figures as declared_figures
from . import selectors
from .choices import ForkStatus
from .models import ServiceReport

CHARTED = 2  # the first declared figure and the SLA share (or the second figure): the rest in the table


def _charted(figures: list[dict]) -> list[dict]:
    plain = [figure for figure in figures if "breakdown" not in figure]
    chosen = plain[:1] + [figure for figure in plain[1:] if figure["sla"]][:1]
    return chosen if len(chosen) == CHARTED else plain[:CHARTED]


def _copy_name(copy: dict) -> str:
    name = copy["region"]["name"]
    return f"{name} ({_('demo data')})" if copy["demo"] else name


def _value(report: dict | None, key: str):
    return None if report is None else report["figures"].get(key)


def app_results(request, app: App) -> dict | None:
    """Charts of the headline figures (a line per copy), and the newest month of every copy with all its
    figures; nothing when no copy of the app has reported."""
    results = selectors.app_results(app=app, language=get_language() or "id")
    if not results["copies"]:
        return None
    months, figures = results["months"], results["figures"]
    by_month = [{report["month"]: report for report in copy["reports"]} for copy in results["copies"]]
    csv_url = reverse("api:app-results", kwargs={"slug": app.slug}) + "?format=csv"
    demo = any(copy["demo"] for copy in results["copies"])
    charts = [
        series_chart(
            f"results-{figure['key']}",
            kind="line",
            title=f"{figure['label']}" + (f" ({figure['unit']})" if figure["unit"] else ""),
            label=_("Month"),
            categories=months,
            series=[
                (_copy_name(copy), [_value(reports.get(month), figure["key"]) for month in months])
                for copy, reports in zip(results["copies"], by_month, strict=True)
            ],
            csv_url=csv_url,
            percent=figure["aggregate"] == declared_figures.PERCENTAGE,
            description=_("Demo data: invented figures of the demo copies, not a region's report.")
            if demo
            else "",
        )
        for figure in _charted(figures)
    ]
    columns = [(column["key"], column["label"], figure.get("unit", ""))
               for figure in figures for column in (figure.get("breakdown") or [figure])]  # fmt: skip
    latest = [
        {"copy": _copy_name(copy), "month": copy["reports"][-1]["month"],
         "cells": [(label, unit, _value(copy["reports"][-1], key)) for key, label, unit in columns]}
        for copy in results["copies"]
    ]  # fmt: skip
    return {
        "result_charts": charts,
        "result_columns": columns,
        "result_latest": latest,
        "results_csv": csv_url,
    }


def replication_reports(request, replication) -> dict | None:
    """On a replication's page: what its copies reported, month by month, and (for who evaluates, in the
    evaluation phase) the form that takes two of those months as the evaluation's before/after figures."""
    rows = list(
        ServiceReport.objects.filter(fork__replication=replication, fork__status=ForkStatus.SUCCEEDED)
        .select_related("fork__region", "fork__version", "fork__current_version")
        .order_by("-month", "fork__region__name")[:36]
    )
    if not rows:
        return None
    language = get_language() or "id"
    version = rows[0].fork.current_version or rows[0].fork.version
    figures = [
        figure
        for figure in selectors.localized_figures(version.figures, language)
        if "breakdown" not in figure
    ]
    reports = [
        {"copy": _copy_name({"region": {"name": row.fork.region.name}, "demo": row.demo}), "month": row.month,
         "cells": [(figure["label"], row.figures.get(figure["key"])) for figure in figures]}
        for row in rows
    ]  # fmt: skip
    may_take = replication.phase == Phase.EVALUASI and permissions.may_on_replication(
        getattr(request, "user", None), "evaluate", replication
    )
    months = sorted({row.month.strftime("%Y-%m") for row in rows})
    return {
        "replication": replication,
        "report_labels": [figure["label"] for figure in figures],
        "replication_reports": reports,
        "report_months": months if may_take else (),
    }


def region_results(request, region) -> dict | None:
    """On a region's page and its workspace: what its copies reported, a chart of each copy's headline
    figure and its months as a table; nothing when none of its copies reports."""
    copies = selectors.region_results(region=region, language=get_language() or "id")
    if not copies:
        return None
    for copy in copies:
        # A template's name exists in Indonesian only: said so on a page in another language.
        name = copy["template"].name
        copy["template_name"] = name if page_is_in_record_language() else f"{name} {_('(Bahasa Indonesia)')}"
        headline = copy["figures"][0] if copy["figures"] else None
        months = list(reversed(copy["months"]))
        demo = any(row["demo"] for row in months)
        values = [row["cells"][0][1] if row["cells"] else None for row in months]
        copy["chart"] = series_chart(
            f"region-results-{copy['fork'].pk.hex[:8]}",
            kind="bar",
            title=f"{copy['template_name']}: {headline['label']}" if headline else copy["template_name"],
            label=_("Month"),
            categories=[row["month"].strftime("%Y-%m") for row in months],
            series=[(headline["label"] if headline else "", values)],
            size="small",
            description=_("Demo data: invented figures of a demo copy, not the region's report.")
            if demo
            else "",
        )
    return {"region_copies_results": copies}
