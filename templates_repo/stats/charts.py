"""The charts of the stats selectors' rows (config.charts), labelled in the request's language: what the
dashboard, the home page and the panels include with `includes/chart.html`."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from catalog.choices import AppCategory
from config.charts import Chart, graph_chart, series_chart, tile_map_chart

from .provinces_grid import COLUMNS, ROWS
from .selectors import COPY, MOU, REPLICATION


def csv_url(name: str, **params) -> str:
    """The stats API's CSV of the same rows (`?format=csv`), with the chart's filters."""
    query = {key: value for key, value in params.items() if value}
    return f"{reverse(f'api:stats-{name}')}?{urlencode({**query, 'format': 'csv'})}"


def month_label(month) -> str:
    return date_format(month, "M Y")


def timeline_chart(rows: list[dict], *, id: str = "timeline", title: str = "", **params) -> Chart:
    return series_chart(
        id,
        kind="line",
        title=title or _("Adoptions, copies and replications per month"),
        label=_("Month"),
        categories=[month_label(row["month"]) for row in rows],
        series=[
            (_("Adoptions"), [row["adoptions"] for row in rows]),
            (_("Copies"), [row["copies"] for row in rows]),
            (_("Replications"), [row["replications"] for row in rows]),
        ],
        csv_url=csv_url("timeline", **params),
    )


def link_kinds() -> list[tuple[str, str]]:
    return [(MOU, _("MoU")), (REPLICATION, _("Replication")), (COPY, _("Copy of a template"))]


def network_chart(data: dict, *, id: str = "network") -> Chart:
    nodes = [
        {
            "id": node["code"],
            "name": node["name"],
            "value": node["apps"],
            "url": reverse("registry:region-detail", kwargs={"code": node["code"]}),
        }
        for node in data["nodes"]
    ]
    return graph_chart(
        id,
        title=_("Who learns from whom"),
        description=_(
            "Regions sized by the apps they share; lines for MoUs, replications and copies. "
            "Open a region by clicking it."
        ),
        nodes=nodes,
        links=data["links"],
        kinds=link_kinds(),
        csv_url=csv_url("network"),
    )


def province_measures() -> list[str]:
    return [_("Apps built"), _("Apps reused"), _("Live copies reporting")]


def provinces_chart(
    rows: list[dict], *, id: str = "provinces", title: str = "", measure: int = 0, **params
) -> Chart:
    cells = [
        {
            "code": row["code"],
            "name": row["name"],
            "short": row["short"],
            "row": row["row"],
            "col": row["column"],
            "url": reverse("registry:region-detail", kwargs={"code": row["code"]}),
            "values": [row["apps_built"], row["apps_reused"], row["live_copies"]],
        }
        for row in rows
    ]
    return tile_map_chart(
        id,
        title=title or _("Apps by province"),
        label=_("Province"),
        cells=cells,
        measures=province_measures(),
        rows=ROWS,
        cols=COLUMNS,
        csv_url=csv_url("provinces", **params),
        measure_label=_("Show"),
        measure=measure,
    )


def sla_chart(rows: list[dict], *, id: str = "sla") -> Chart:
    chart = series_chart(
        id,
        kind="line",
        title=_("Reports resolved within the SLA"),
        description=_("Share of the reports that copies resolved within their service level, per month."),
        label=_("Month"),
        categories=[month_label(row["month"]) for row in rows],
        series=[(_("Within the SLA (%)"), [row["share"] for row in rows])],
        csv_url=csv_url("sla"),
        percent=True,
    )
    # The table also says how many copies and reports each month's share covers.
    chart.table.columns.extend([_("Copies reporting"), _("Reports resolved")])  # type: ignore[attr-defined]
    for table_row, row in zip(chart.table.rows, rows, strict=True):
        table_row.extend([row["copies"], row["resolved"]])  # type: ignore[attr-defined]
    return chart


def region_chart(rows: list[dict], *, id: str = "region-apps", code: str = "") -> Chart:
    labels = dict(AppCategory.choices)
    return series_chart(
        id,
        kind="bar",
        title=_("Apps built and reused, by category"),
        label=_("Category"),
        categories=[str(labels.get(row["category"], row["category"])) for row in rows],
        series=[(_("Built"), [row["built"] for row in rows]), (_("Reused"), [row["reused"] for row in rows])],
        csv_url=f"{reverse('api:stats-region', kwargs={'code': code})}?format=csv" if code else "",
        size="small",
    )
