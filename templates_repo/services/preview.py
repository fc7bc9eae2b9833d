"""A preview of a fork: the template rendered with a context, its file tree and README; nothing stored."""

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry import permissions
from registry.models import Region

from .. import rendering, selectors
from ..models import Template
from .contexts import ContextError, fork_context
from .versions import template_dir_of

# Tighter than a fork's: a preview is rendered while the developer waits, and thrown away.
PREVIEW_LIMITS = rendering.RenderLimits(max_files=500, max_bytes=5 * 1024 * 1024, max_seconds=10.0)


@dataclass(frozen=True)
class Preview:
    version: int
    files: list[str]
    total_bytes: int
    readme: str


def fork_preview(
    *,
    user,
    template: Template,
    context: Mapping,
    region: Region | None = None,
    version_number: int | None = None,
) -> Preview:
    """Render `template` (its newest version unless `version_number` says otherwise) for `region` (the
    template's mentor region unless given) with `context`, as a fork would be, within PREVIEW_LIMITS.

    The fork rule applies (`permissions.Action.ADOPT` for the region): PermissionDenied otherwise.
    ValidationError on `version`; ContextError for a context the schema refuses or that does not render.
    """
    version = selectors.template_version_get(template_slug=template.slug, number=version_number)
    if version is None:
        raise ValidationError({"version": [_("This template has no such version.")]})
    region = region or template.mentor_region
    permissions.require(
        user,
        permissions.Action.ADOPT,
        [region.code],
        _("Only the region's developers, editors and administrators can preview templates for it."),
    )
    full_context = fork_context(version=version, region=region, requested=context)
    with tempfile.TemporaryDirectory(prefix="lumbung-preview-") as tmp:
        try:
            result = rendering.render_template(
                template_dir_of(version), full_context, Path(tmp) / "out", limits=PREVIEW_LIMITS
            )
        except (rendering.RenderError, rendering.TemplateDefinitionError) as exc:
            raise ContextError([ValidationError(str(exc))]) from exc
        readme = result.root / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return Preview(version=version.number, files=result.files, total_bytes=result.total_bytes, readme=text)
