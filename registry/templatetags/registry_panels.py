"""``{% page_panels "<page>" object %}``: the panels other apps registered for a page (registry.panels)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from registry.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, page: str, obj) -> SafeString:
    """Each panel's template rendered in the page's own context (request, user, language) plus the
    panel's; a panel whose context function returns None is left out."""
    engine = context.template.engine
    parts = []
    for panel in panels_for(page):
        values = panel.context(getattr(context, "request", None), obj)
        if values is None:
            continue
        with context.push(values):
            parts.append(engine.get_template(panel.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 (templates rendered with autoescaping)
