"""Text in the page's language. Records are written in Bahasa Indonesia; some have an English twin
(`<field>_en`). An English page shows the twin when there is one, and otherwise the Indonesian text
marked as such (`lang="id"` and a visible "(Bahasa Indonesia)"), never silently."""

from collections.abc import Mapping
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

RECORD_LANGUAGE = "id"


def page_is_in_record_language() -> bool:
    return (get_language() or RECORD_LANGUAGE).split("-")[0] == RECORD_LANGUAGE


def _get(obj: Any, field: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(field)
    return getattr(obj, field, None)


def marker() -> SafeString:
    return format_html('<small class="lang-note">{}</small>', _("(Bahasa Indonesia)"))


def indonesian(text: Any, *, block: bool = False) -> SafeString:
    """Text that exists only in Indonesian: as it is on an Indonesian page, marked on any other. `block`
    for text already rendered as paragraphs (`linebreaks`)."""
    if text in (None, ""):
        return mark_safe("")
    if page_is_in_record_language():
        return conditional_escape(text)
    if block:
        return format_html('<div lang="id">{}</div><p>{}</p>', text, marker())
    return format_html('<span lang="id">{}</span> {}', text, marker())


def localized_value(obj: Any, field: str) -> tuple[Any, bool]:
    """(the value to show, whether it is the Indonesian fallback on a page in another language)."""
    value = _get(obj, field)
    if page_is_in_record_language():
        return value, False
    english = _get(obj, f"{field}_en")
    if english:
        return english, False
    return value, bool(value)


def localized(obj: Any, field: str) -> SafeString:
    """`obj.<field>` in the page's language: its English twin on an English page, else the Indonesian,
    marked when the page is not Indonesian."""
    value, fallback = localized_value(obj, field)
    return indonesian(value) if fallback else conditional_escape(value or "")
