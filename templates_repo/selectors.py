"""Reads of the template library that several callers need."""

from dataclasses import fields as dataclass_fields

from django.db.models import F, OuterRef, QuerySet

from registry import permissions
from registry.models import Region

from . import rendering
from .models import Fork, Template, TemplateVersion


def template_version_get(*, template_slug: str, number: int | None = None) -> TemplateVersion | None:
    """A template's version (the newest when `number` is None) with its template, the template's mentor
    region and the slug of the catalog app it reproduces (`app_slug`), in one query; None when the
    template or that version does not exist."""
    versions = (
        TemplateVersion.objects.select_related("template__mentor_region")
        .annotate(app_slug=F("template__app__slug"))
        .filter(template__slug=template_slug)
    )
    if number is not None:
        return versions.filter(number=number).first()
    return versions.order_by("-number").first()


def version_schema(version: TemplateVersion) -> list[rendering.Parameter]:
    """The version's parameter schema (stored as `rendering.parameter_schema_json` wrote it)."""
    names = {field.name for field in dataclass_fields(rendering.Parameter)}
    return [
        rendering.Parameter(
            **{key: tuple(value) if key == "choices" else value for key, value in item.items()}
        )
        for item in version.parameters
        if set(item) <= names
    ]


def fork_region_get(*, code: str, user) -> Region | None:
    """The region with its province and `user_may_fork`: whether `user` may fork for it
    (`permissions.Action.ADOPT`), in one query; None when no region has this code."""
    may_fork = permissions.may_expression(user, permissions.Action.ADOPT, OuterRef("pk"))
    return (
        Region.objects.select_related("province").annotate(user_may_fork=may_fork).filter(code=code).first()
    )


def fork_for_render(*, fork_id) -> Fork | None:
    """A fork with what its worker reads besides the fork itself: the template and the version. The rest
    of what the archive says (regions, mentor, app) is in the fork's manifest."""
    try:
        return Fork.objects.select_related("template", "version").get(pk=fork_id)
    except Fork.DoesNotExist:
        return None


def app_templates(app) -> list[Template]:
    """The templates that reproduce a catalog app, with their mentor regions, for the app's page."""
    return list(app.templates.select_related("mentor_region"))


def region_forks(region) -> QuerySet[Fork]:
    """The region's copies, newest first, with their template and version."""
    return (
        Fork.objects.filter(region=region).select_related("template", "version").order_by("-created_at", "pk")
    )
