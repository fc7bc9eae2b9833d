"""Template helpers shared by every app's pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced: keeps every filter in the URL."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def rupiah(amount) -> str:
    """Whole Rupiah as "Rp 1.000.000"."""
    if amount in (None, ""):
        return ""
    return "Rp " + intcomma(int(amount), use_l10n=False).replace(",", ".")


@register.filter
def fuzzy_date(value, precision: str = "day") -> str:
    """A date shown no more precisely than its source gives it."""
    if not value:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return date_format(value, "F Y")
    return date_format(value, "j F Y")
