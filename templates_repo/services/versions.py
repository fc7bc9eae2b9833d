"""Template versions: registering the template folders, and a version's files ready to render."""

import contextlib
import json
import shutil
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from catalog import services as catalog_services
from catalog.models import App
from registry.models import Agency, Region

from .. import changelog, figures, rendering
from ..models import Template, TemplateVersion
from . import fleet

COOKIECUTTERS_DIR = Path(__file__).resolve().parent.parent / "cookiecutters"
RELEASES_DIR = Path(__file__).resolve().parent.parent / "releases"  # published versions, as zips
METADATA_FILE = "lumbung.json"


def _snapshot_bytes(template_dir: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lumbung-snapshot-") as tmp:
        archive = Path(tmp) / "snapshot.zip"
        rendering.archive_directory(template_dir, archive)
        return archive.read_bytes()


# What tools leave in a folder they run in (a developer running ruff or the tests inside a template):
# never part of a version, nor of its content hash.
CACHE_PATTERNS = ("__pycache__", "*.pyc", ".ruff_cache", ".pytest_cache", ".mypy_cache", ".DS_Store")


def _without_caches(folder: Path, tmp: Path) -> Path:
    """A copy of the template folder without tool caches (links are copied as links, and refused later)."""
    target = tmp / folder.name
    shutil.copytree(folder, target, symlinks=True, ignore=shutil.ignore_patterns(*CACHE_PATTERNS))
    return target


class TemplateSyncError(Exception):
    """A template folder or a published version that cannot be recorded as it is (the message says why)."""


def _register(folder: Path, meta: dict) -> Template:
    mentor_region = Region.objects.get(code=meta["mentor_region"])
    agency = (
        Agency.objects.filter(region=mentor_region, short_name=meta["mentor_agency"]).first()
        if meta.get("mentor_agency")
        else None
    )
    template, _created = Template.objects.update_or_create(
        slug=folder.name,
        defaults={
            "name": meta["name"],
            "description": meta["description"],
            "category": meta["category"],
            "app": App.objects.filter(slug=meta.get("app") or "").first(),
            "mentor_region": mentor_region,
            "mentor_agency": agency,
        },
    )
    template.full_clean()
    return template


def _changelog_of(folder: Path, number: int) -> str:
    """The version's section of the folder's CHANGELOG.md; for a first version published before the
    template had one, the note its lumbung.json carried."""
    path = folder / changelog.FILE_NAME
    if path.is_file():
        section = changelog.changelog_sections(path.read_text(encoding="utf-8")).get(number)
        if section:
            return section
    if number == 1:
        return json.loads((folder / METADATA_FILE).read_text(encoding="utf-8")).get("changelog", "")
    return ""


def _record(template: Template, folder: Path, *, number: int, content_hash: str, snapshot: bytes) -> str:
    """Record `folder` (the files of `snapshot`) as version `number` of `template`."""
    notes = _changelog_of(folder, number)
    if number > 1 and not notes:
        raise TemplateSyncError(
            f"{template.slug}: its files changed, which makes version {number}, but "
            f"{changelog.FILE_NAME} has no section '## Versi {number} — <date>' saying what changed. "
            "Add it, then run sync_templates again."
        )
    parameters = rendering.parameter_schema_json(rendering.load_schema(folder))
    try:
        declared = figures.parse_declaration(
            json.loads((folder / METADATA_FILE).read_text(encoding="utf-8")).get("figures")
        )
    except figures.DeclarationError as error:
        raise TemplateSyncError(f"{template.slug} v{number}: {METADATA_FILE}: {error}") from error
    previous = template.versions.order_by("-number").first()
    version = TemplateVersion(
        template=template,
        number=number,
        content_hash=content_hash,
        parameters=parameters,
        changelog=notes,
        figures=declared,
        parameter_changes=changelog.parameter_changes(previous.parameters, parameters) if previous else {},
    )
    version.snapshot.save(
        f"{template.slug}-v{number}-{content_hash[:12]}.zip", ContentFile(snapshot), save=False
    )
    version.full_clean()
    version.save()
    return f"{template.slug} v{number} (new)"


def _sync_releases(template: Template, releases: Path) -> list[str]:
    """Record the template's published versions (`<releases>/<slug>/<number>.zip`) the database lacks,
    oldest first."""
    done = []
    published = sorted((int(path.stem), path) for path in (releases / template.slug).glob("*.zip"))
    for number, archive in published:
        if template.versions.filter(number=number).exists():
            continue
        with tempfile.TemporaryDirectory(prefix="lumbung-release-") as tmp:
            rendering.extract_archive(archive, Path(tmp))
            folder = Path(tmp) / template.slug
            content_hash = rendering.template_content_hash(folder)
            if template.versions.filter(content_hash=content_hash).exists():
                raise TemplateSyncError(
                    f"{template.slug}: the published version {number} has the files of another version."
                )
            done.append(_record(template, folder, number=number, content_hash=content_hash,
                                snapshot=archive.read_bytes()))  # fmt: skip
    return done


@transaction.atomic
def template_sync(*, base_dir: Path = COOKIECUTTERS_DIR, releases_dir: Path = RELEASES_DIR) -> list[str]:
    """Register every template folder: first its published versions the database lacks (releases_dir),
    then the folder itself as a new version when its files changed, with its CHANGELOG.md section and
    the parameters it added, removed or changed. Idempotent; TemplateSyncError records nothing.

    Old versions keep their stored snapshot, so copies of them can be rendered again and updated.
    """
    done = []
    # The apps whose templates change: their search documents hold the templates' names and descriptions.
    searched_apps = set(Template.objects.exclude(app=None).values_list("app_id", flat=True))
    for folder in sorted(path for path in base_dir.iterdir() if (path / "cookiecutter.json").is_file()):
        template = _register(folder, json.loads((folder / METADATA_FILE).read_text(encoding="utf-8")))
        if template.app_id is not None:
            searched_apps.add(template.app_id)
        done += _sync_releases(template, releases_dir)
        with tempfile.TemporaryDirectory(prefix="lumbung-sync-") as tmp:
            clean = _without_caches(folder, Path(tmp))
            content_hash = rendering.template_content_hash(clean)
            version = template.versions.filter(content_hash=content_hash).first()
            if version is None:
                number = (
                    template.versions.order_by("-number").values_list("number", flat=True).first() or 0
                ) + 1
                done.append(_record(template, clean, number=number, content_hash=content_hash,
                                    snapshot=_snapshot_bytes(clean)))  # fmt: skip
                fleet.fleet_version_published(template=template, number=number)
            else:
                done.append(f"{folder.name} v{version.number}")
        if template.app is not None:
            catalog_services.app_set_has_template(app=template.app, has_template=True)
    if searched_apps:
        catalog_services.app_refresh_search(app_ids=searched_apps)
        catalog_services.catalog_changed()
    return done


def _extract_snapshot(version: TemplateVersion, destination: Path) -> Path:
    archive = destination / "snapshot.zip"
    with version.snapshot.open("rb") as source, archive.open("wb") as target:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            target.write(chunk)
    # Checked and extracted without following links, keeping the files' permission bits.
    rendering.extract_archive(archive, destination / "template")
    return destination / "template" / version.template.slug


def template_dir_of(version: TemplateVersion) -> Path:
    """The version's files, extracted once per machine and content hash (versions never change)."""
    cache_root = Path(tempfile.gettempdir()) / "lumbung-template-cache"
    target = cache_root / version.content_hash
    if not (target / version.template.slug / "cookiecutter.json").is_file():
        cache_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{version.content_hash[:12]}-", dir=cache_root))
        _extract_snapshot(version, staging)
        # Atomic: a concurrent worker either sees the whole folder or extracts its own (and loses the race).
        with contextlib.suppress(OSError):
            (staging / "template").rename(target)
        shutil.rmtree(staging, ignore_errors=True)
    return target / version.template.slug
