"""The service figures a template's copies report back, as its `lumbung.json` declares them, and the check
of a month's report against that declaration.

A declaration is a list of figures::

    {"key": "reports_resolved", "label": {"id": "Laporan selesai", "en": "Reports resolved"},
     "unit": {"id": "laporan", "en": "reports"}, "aggregate": "count"}

- `aggregate` says what the number is and how figures of several copies combine: `count` and
  `rupiah_total` (whole numbers, summed), `percentage` (0-100; `of` names the count it is a share of, so
  that shares combine weighted; `sla: true` marks the share resolved within the service level),
  `median_hours` and `median_days` (non-negative; shown per copy, never summed).
- `breakdown` (counts only) splits a count by a closed list of parts, each with its labels: the report
  then carries `<key>.<part>` for the parts it has, and no `<key>` itself.

A report carries every declared figure that is not a breakdown; a percentage or a median may be null
(nothing was resolved that month). Numbers and declared keys only: nothing else is accepted.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

COUNT, PERCENTAGE, MEDIAN_HOURS, MEDIAN_DAYS, RUPIAH_TOTAL = (
    "count",
    "percentage",
    "median_hours",
    "median_days",
    "rupiah_total",
)
AGGREGATES = (COUNT, PERCENTAGE, MEDIAN_HOURS, MEDIAN_DAYS, RUPIAH_TOTAL)
WHOLE = (COUNT, RUPIAH_TOTAL)  # whole numbers, summed across copies
MAY_BE_NULL = (PERCENTAGE, MEDIAN_HOURS, MEDIAN_DAYS)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_VALUE = 10**15  # a Rupiah total of a region fits; anything larger is a mistake


class DeclarationError(ValueError):
    """A `figures` declaration that cannot be used (the message says which figure and why)."""


def _labels(value, where: str) -> dict:
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                              for lang in ("id", "en")):  # fmt: skip
        raise DeclarationError(f"{where}: needs an 'id' and an 'en' text")
    return {"id": value["id"].strip(), "en": value["en"].strip()}


def parse_declaration(raw) -> list[dict]:
    """The declaration of a `lumbung.json` (its "figures"), checked and normalised; [] when absent."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DeclarationError("figures: must be a list")
    figures, seen = [], set()
    for index, item in enumerate(raw):
        where = f"figures[{index}]"
        if not isinstance(item, dict) or not KEY_PATTERN.match(str(item.get("key", ""))):
            raise DeclarationError(f"{where}: needs a 'key' of lower-case letters, digits and '_'")
        key = item["key"]
        if key in seen:
            raise DeclarationError(f"{where}: '{key}' is declared twice")
        seen.add(key)
        aggregate = item.get("aggregate")
        if aggregate not in AGGREGATES:
            raise DeclarationError(f"{where}: 'aggregate' must be one of {', '.join(AGGREGATES)}")
        figure = {"key": key, "aggregate": aggregate, "label": _labels(item.get("label"), f"{where}.label")}
        if "unit" in item:
            figure["unit"] = _labels(item["unit"], f"{where}.unit")
        if aggregate == PERCENTAGE:
            figure["of"] = item.get("of") or ""
            figure["sla"] = bool(item.get("sla", False))
        if "breakdown" in item:
            parts = item["breakdown"]
            if aggregate != COUNT or not isinstance(parts, dict) or not parts:
                raise DeclarationError(f"{where}: a breakdown is a non-empty object, for a count")
            for part in parts:
                if not KEY_PATTERN.match(part):
                    raise DeclarationError(f"{where}.breakdown: '{part}' is not a valid part name")
            figure["breakdown"] = {part: _labels(labels, f"{where}.breakdown.{part}")
                                   for part, labels in parts.items()}  # fmt: skip
        figures.append(figure)
    for figure in figures:
        if figure.get("of") and figure["of"] not in {f["key"] for f in figures if f["aggregate"] == COUNT}:
            raise DeclarationError(f"figure '{figure['key']}': 'of' must name a declared count")
    return figures


def report_keys(declaration: list[dict]) -> dict[str, dict]:
    """Every key a report may carry, with the figure it belongs to."""
    keys = {}
    for figure in declaration:
        if "breakdown" in figure:
            keys.update({f"{figure['key']}.{part}": figure for part in figure["breakdown"]})
        else:
            keys[figure["key"]] = figure
    return keys


@dataclass(frozen=True)
class Checked:
    figures: dict
    errors: dict


def check_report(declaration: list[dict], raw) -> Checked:
    """The figures of a report normalised (ints for whole numbers), or the errors per key."""
    if not isinstance(raw, dict) or not raw:
        return Checked({}, {"figures": [_("Send an object of {key: number} with the declared figures.")]})
    allowed = report_keys(declaration)
    figures, errors = {}, {}
    for key, value in raw.items():
        figure = allowed.get(key)
        if figure is None:
            errors[key] = [_("This copy's template declares no such figure.")]
            continue
        problem = _problem(figure["aggregate"], value)
        if problem:
            errors[key] = [problem]
        else:
            figures[key] = int(value) if figure["aggregate"] in WHOLE else value
    for key, figure in allowed.items():
        if "breakdown" not in figure and key not in raw:
            errors[key] = [_("This figure is required (null for a percentage or a median without data).")]
    return Checked(figures if not errors else {}, errors)


def _problem(aggregate: str, value) -> str | None:
    if value is None:
        return None if aggregate in MAY_BE_NULL else _("Must be a number.")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return _("Must be a number.")
    if value < 0:
        return _("Must not be negative.")
    if aggregate in WHOLE and value != int(value):
        return _("Must be a whole number.")
    if aggregate == PERCENTAGE and value > 100:
        return _("A percentage cannot be more than 100.")
    if value > MAX_VALUE:
        return _("Too large.")
    return None
