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

from .. import rendering
from ..models import Template, TemplateVersion

COOKIECUTTERS_DIR = Path(__file__).resolve().parent.parent / "cookiecutters"
METADATA_FILE = "lumbung.json"


def _snapshot_bytes(template_dir: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lumbung-snapshot-") as tmp:
        archive = Path(tmp) / "snapshot.zip"
        rendering.archive_directory(template_dir, archive)
        return archive.read_bytes()


@transaction.atomic
def template_sync(*, base_dir: Path = COOKIECUTTERS_DIR) -> list[str]:
    """Register every template folder, and a new version of each whose files changed. Idempotent.

    Old versions keep their stored snapshot, so forks of them can be rendered again later.
    """
    done = []
    for folder in sorted(path for path in base_dir.iterdir() if (path / "cookiecutter.json").is_file()):
        meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        schema = rendering.load_schema(folder)
        content_hash = rendering.template_content_hash(folder)
        mentor_region = Region.objects.get(code=meta["mentor_region"])
        agency = (
            Agency.objects.filter(region=mentor_region, short_name=meta["mentor_agency"]).first()
            if meta.get("mentor_agency")
            else None
        )
        app = App.objects.filter(slug=meta.get("app") or "").first()
        template, _created = Template.objects.update_or_create(
            slug=folder.name,
            defaults={
                "name": meta["name"],
                "description": meta["description"],
                "category": meta["category"],
                "app": app,
                "mentor_region": mentor_region,
                "mentor_agency": agency,
            },
        )
        template.full_clean()
        version = template.versions.filter(content_hash=content_hash).first()
        if version is None:
            number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            version = TemplateVersion(
                template=template,
                number=number,
                content_hash=content_hash,
                parameters=rendering.parameter_schema_json(schema),
                changelog=meta.get("changelog", ""),
            )
            version.snapshot.save(
                f"{folder.name}-v{number}-{content_hash[:12]}.zip",
                ContentFile(_snapshot_bytes(folder)),
                save=False,
            )
            version.full_clean()
            version.save()
            done.append(f"{folder.name} v{number} (new)")
        else:
            done.append(f"{folder.name} v{version.number}")
        if app is not None:
            catalog_services.app_set_has_template(app=app, has_template=True)
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
