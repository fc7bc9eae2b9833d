"""Reads of the template library that several callers need."""

from django.db.models import F

from .models import Fork, TemplateVersion


def template_version_get(*, template_slug: str, number: int | None = None) -> TemplateVersion | None:
    """A template's version (the newest when `number` is None) with its template and the template's
    mentor region, in one query; None when the template or that version does not exist."""
    versions = TemplateVersion.objects.select_related("template__mentor_region").filter(
        template__slug=template_slug
    )
    if number is not None:
        return versions.filter(number=number).first()
    return versions.order_by("-number").first()


def fork_for_render(*, fork_id) -> Fork | None:
    """A fork with everything its worker reads, in one query: the template and its mentor region, the
    version, the region, and the slug of the catalog app the template reproduces (`app_slug`)."""
    return (
        Fork.objects.select_related("template__mentor_region", "version", "region")
        .annotate(app_slug=F("template__app__slug"))
        .filter(pk=fork_id)
        .first()
    )
