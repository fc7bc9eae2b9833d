"""Panels that show what copies report back (registered by templates_repo/panels.py): an app's copies'
results month by month on the catalog's app page (one line per region, from `selectors.app_results`, the
selector `GET /api/v1/apps/{slug}/results/` answers from)."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import App
from config.charts import series_chart

from . import figures as declared_figures
from . import selectors

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
