"""``{{ text|changelog }}``: a template's CHANGELOG.md section as HTML. Markdown (CommonMark, no raw
HTML: markdown-it escapes it and refuses javascript: links), then sanitized with nh3 (Ammonia) all the
same: the text comes from a template folder, and a page must never run what a file says."""

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "a", "h3", "h4", "blockquote", "br"}


@register.filter
def changelog(text: str) -> SafeString:
    html = _markdown.render(text or "")
    html = (
        html.replace("<h1>", "<h3>")
        .replace("</h1>", "</h3>")
        .replace("<h2>", "<h3>")
        .replace("</h2>", "</h3>")
    )
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 (sanitized by nh3 just above)
