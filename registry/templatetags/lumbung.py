"""Template helpers shared by every app's pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import linebreaks_filter
from django.utils.formats import date_format
from django.utils.html import conditional_escape

from config import languages

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


# Text in the page's language (config/languages.py) -------------------------------------------------


@register.simple_tag
def localized(obj, field: str, block: bool = False):
    """`{% localized app "short_description" %}`: the English twin on an English page, else the
    Indonesian (marked as such on a page in another language); `block=True` renders paragraphs."""
    value, fallback = languages.localized_value(obj, field)
    if block:
        rendered = linebreaks_filter(value or "", autoescape=True)
        return languages.indonesian(rendered, block=True) if fallback else rendered
    return languages.indonesian(value) if fallback else conditional_escape(value or "")


@register.simple_tag
def localized_list(obj, field: str) -> dict:
    """`{% localized_list app "features" as features %}`: {"items": [...], "marked": fallback}."""
    value, fallback = languages.localized_value(obj, field)
    return {"items": value or [], "marked": fallback}


@register.filter
def indonesian(text, arg: str = ""):
    """Text that exists only in Indonesian (a template's prompt, a figure's label): marked as such on a
    page in another language. `|indonesian:"block"` for text rendered as paragraphs."""
    return languages.indonesian(text, block=arg == "block")


@register.simple_tag
def indonesian_marker():
    """The visible "(Bahasa Indonesia)" on a page in another language; nothing on an Indonesian page."""
    return "" if languages.page_is_in_record_language() else languages.marker()
