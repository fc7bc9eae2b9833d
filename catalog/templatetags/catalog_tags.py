from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from catalog.choices import UNKNOWN_LICENSE
from config import languages

register = template.Library()

# Facets whose filter takes several values at once (OR within the facet).
MULTI_VALUE = {"category", "dimension", "status"}


@register.simple_tag(takes_context=True)
def facet_toggle(context, key: str, value: str) -> str:
    """The current query string with `key=value` switched on or off; back to the first page."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    values = query.getlist(key)
    if value in values:
        query.setlist(key, [v for v in values if v != value])
    elif key in MULTI_VALUE:
        query.setlist(key, [*values, value])
    else:
        query.setlist(key, [value])
    return query.urlencode()


@register.filter
def is_selected(selected: dict, key_value: str) -> bool:
    key, _, value = key_value.partition("=")
    return value in selected.get(key, [])


@register.simple_tag
def pair(key, value) -> str:
    return f"{key}={value}"


@register.filter
def licence(value: str):
    """An app's licence as people read it: its SPDX expression, or "Licence unknown"."""
    if not value or value == UNKNOWN_LICENSE:
        return format_html('<span class="meta">{}</span>', _("Licence unknown"))
    return format_html("<code>{}</code>", value)


# Units a service figure is recorded in (in Indonesian, as the sources give them), in the page's language.
FIGURE_UNITS = {
    "jam": _lazy("hours"),
    "hari": _lazy("days"),
    "menit": _lazy("minutes"),
    "bulan": _lazy("months"),
    "tahun": _lazy("years"),
    "laporan": _lazy("reports"),
    "orang": _lazy("people"),
    "desa": _lazy("villages"),
    "persen": "%",
    "rupiah": "Rupiah",
}


@register.filter
def figure_unit(unit: str):
    """A figure's unit in the page's language: as recorded on an Indonesian page; elsewhere Lumbung's word
    for it, or the recorded unit marked as Indonesian."""
    if not unit or languages.page_is_in_record_language():
        return unit or ""
    known = FIGURE_UNITS.get(unit.strip().lower())
    if known is not None:
        return str(known)
    if not any(character.isalpha() for character in unit):
        return unit  # a symbol (%, m², ...)
    return languages.indonesian(unit)
