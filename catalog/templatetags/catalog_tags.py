from django import template

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
