"""What a page hands to `includes/chart.html`: a chart's data for `config/static/lumbung/charts.js` and the
same numbers as a table (for screen readers, and for people who would rather read), with the link to its
CSV. Every app may build one (config is below every app); the numbers come from the app's selectors, the
same ones its API answers from, and every label is translated here, on the server, in the page's language.

    chart = series_chart("timeline", kind="line", title=_("Adoptions per month"), label=_("Month"),
                         categories=["2025-01", ...], series=[(_("Adoptions"), [3, 0, ...])],
                         csv_url=reverse(...) + "?format=csv")
    {% include "includes/chart.html" with chart=chart %}
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from numbers import Number

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SERIES_KINDS = ("line", "bar")
SIZES = ("", "small", "tall")


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence]

    def body(self) -> SafeString:
        """The rows as <tr>s: the first cell a row header, None as a dash, a decimal with the page's
        separator. Written here with plain string work, not a template loop or format_html: a network
        has thousands of rows."""
        separator = get_format("DECIMAL_SEPARATOR")

        def cell(value) -> str:
            if value is None:
                return "\u2013"  # an en dash
            if isinstance(value, float):
                return str(value).replace(".", separator)
            return str(value) if isinstance(value, int) else escape(value)

        # Each cell carries its column's name, which a phone shows beside the number (rows stack there).
        labels = [f' data-label="{escape(column)}"' for column in self.columns[1:]]

        def tr(row) -> str:
            values = "".join(
                f'<td class="num"{label}>{cell(value)}</td>' if value is None or isinstance(value, Number)
                else f"<td{label}>{cell(value)}</td>"
                for label, value in zip(labels, row[1:], strict=False)
            )  # fmt: skip
            return f'<tr><th scope="row">{cell(row[0])}</th>{values}</tr>'

        return mark_safe("".join(tr(row) for row in self.rows))  # noqa: S308 (every text escaped in cell())


@dataclass(frozen=True)
class Chart:
    """One chart and its table. `id` is unique on the page (element ids derive from it); `data` is what
    charts.js draws (its `kind` says how); `size` is "" (320 px high), "small" (220) or "tall" (480)."""

    id: str
    title: str
    data: dict
    table: Table
    csv_url: str = ""
    description: str = ""
    size: str = ""
    legend: Sequence[tuple[str, int]] = field(default=())  # an HTML legend: (label, palette index)

    @property
    def empty(self) -> bool:
        return bool(self.data.get("empty"))

    @property
    def island_id(self) -> str:
        return f"chart-{self.id}-data"


def series_chart(
    id: str,
    *,
    kind: str,
    title: str,
    label: str,
    categories: Sequence[str],
    series: Iterable[tuple[str, Sequence[float | None]]],
    csv_url: str = "",
    description: str = "",
    stack: bool = False,
    percent: bool = False,
    size: str = "",
) -> Chart:
    """A line or bar chart: one value per category (a month, a category of app) in each series; the
    table has a row per category and a column per series. Empty when every value is 0 or missing."""
    assert kind in SERIES_KINDS and size in SIZES
    series = [(name, list(values)) for name, values in series]
    empty = not categories or not any(value for _name, values in series for value in values)
    data = {
        "kind": kind,
        "title": title,
        "empty": empty,
        "categories": list(categories),
        "series": [{"name": name, "data": values} for name, values in series],
        "stack": stack,
        "percent": percent,
    }
    rows = [[category, *(values[i] for _name, values in series)] for i, category in enumerate(categories)]
    table = Table([label, *(name for name, _values in series)], rows)
    return Chart(id, title, data, table, csv_url, description, size)


def graph_chart(
    id: str,
    *,
    title: str,
    nodes: Sequence[dict],
    links: Sequence[dict],
    kinds: Sequence[tuple[str, str]],
    csv_url: str = "",
    description: str = "",
) -> Chart:
    """A network: nodes {id, name, value, url} sized by value, links {source, target, kind, value}
    coloured by kind; `kinds` is (key, label) in palette order. The table lists the links."""
    names = {node["id"]: node["name"] for node in nodes}
    labels = dict(kinds)
    data = {
        "kind": "graph",
        "title": title,
        "empty": not nodes,
        "nodes": list(nodes),
        "links": list(links),
        "kinds": [{"key": key, "name": label} for key, label in kinds],
    }
    rows = [
        [names.get(link["source"], link["source"]), names.get(link["target"], link["target"]),
         labels.get(link["kind"], link["kind"]), link["value"]]
        for link in links
    ]  # fmt: skip
    table = Table([_("From"), _("To"), _("Kind"), _("Number")], rows)
    legend = [(label, index) for index, (_key, label) in enumerate(kinds)]
    return Chart(id, title, data, table, csv_url, description, "tall", legend)


def tile_map_chart(
    id: str,
    *,
    title: str,
    label: str,
    cells: Sequence[dict],
    measures: Sequence[str],
    rows: int,
    cols: int,
    csv_url: str = "",
    description: str = "",
    measure_label: str = "",
    measure: int = 0,
) -> Chart:
    """A tile-grid map: cells {code, name, short, row, col, url, values: [one per measure]}; the chart
    shows one measure at a time (`measure` first; a select switches), the table all of them, a row per
    cell."""
    data = {
        "kind": "tilemap",
        "title": title,
        "empty": not any(value for cell in cells for value in cell["values"]),
        "cells": list(cells),
        "measures": list(measures),
        "measureLabel": measure_label or _("Show"),
        "measure": measure,
        "rows": rows,
        "cols": cols,
    }
    table = Table([label, *measures], [[cell["name"], *cell["values"]] for cell in cells])
    return Chart(id, title, data, table, csv_url, description, "tall")
