"""Comparing two versions of a template, as rendered with the template's defaults: the files added,
removed or changed, and each file's diff. Two renders and a patch (`patches.make_patch`) the first time a
pair is asked for; versions never change, so the answer is kept in the cache by their content hashes."""

import tempfile
from pathlib import Path

from django.core.cache import cache

from .. import rendering, selectors
from ..models import TemplateVersion
from . import patches
from .runs import _limits
from .versions import template_dir_of

CACHE_SECONDS = 30 * 24 * 3600


def _render_defaults(version: TemplateVersion, out: Path) -> Path:
    context = rendering.validate_context(selectors.version_schema(version), {})
    return patches.render_tree(template_dir_of(version), context, out, extra_files={}, limits=_limits())


def version_compare(old: TemplateVersion, new: TemplateVersion) -> dict:
    """{"files": [{path, change, old_path, binary}], "diffs": {path: text}} from `old` to `new`."""
    key = f"lumbung:template-compare:{old.content_hash}:{new.content_hash}"
    found = cache.get(key)
    if found is not None:
        return found
    with tempfile.TemporaryDirectory(prefix="lumbung-compare-") as tmp:
        workdir = Path(tmp)
        patch = patches.make_patch(
            _render_defaults(old, workdir / "old"), _render_defaults(new, workdir / "new"),
            workdir=workdir / "git", subject=f"v{old.number} -> v{new.number}", body="",
            date="2000-01-01T00:00:00+00:00",
        )  # fmt: skip
    text = patch.text.decode("utf-8", "replace")
    result = {
        "files": [change.as_json() for change in patch.files],
        "diffs": {
            path: section
            for path, section in patches.split_patch(text).items()
            if not any(change.path == path and change.binary for change in patch.files)
        },
    }
    cache.set(key, result, CACHE_SECONDS)
    return result
