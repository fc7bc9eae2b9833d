"""sync_templates records versions: the published ones first (templates_repo/releases/<slug>/<n>.zip),
then the folder when its files changed, with its CHANGELOG.md section and the parameters it added,
removed or changed; a changed folder without a new changelog section is refused, nothing recorded."""

import json
from pathlib import Path

import pytest

from templates_repo import rendering
from templates_repo.changelog import changelog_sections
from templates_repo.models import Template, TemplateVersion
from templates_repo.services import TemplateSyncError, template_dir_of, template_sync

pytestmark = pytest.mark.django_db

META = {
    "name": "Contoh",
    "description": "Templat contoh.",
    "category": "pengaduan",
    "mentor_region": "33.74",
    "changelog": "Versi pertama.",
}


def make_template(base: Path, *, greeting: str = "Halo", parameters: dict | None = None) -> Path:
    folder = base / "contoh"
    project = folder / "{{cookiecutter.project_slug}}"
    project.mkdir(parents=True, exist_ok=True)
    (folder / "cookiecutter.json").write_text(
        json.dumps({"project_slug": "contoh", "region_name": "Kota Semarang", **(parameters or {})})
    )
    (folder / "lumbung.json").write_text(json.dumps(META))
    (project / "README.md").write_text(f"{greeting}, {{{{ cookiecutter.region_name }}}}\n")
    return folder


def write_changelog(folder: Path, *sections: tuple[int, str]) -> None:
    body = "\n\n".join(f"## Versi {number} — 2026-12-0{number}\n\n- {text}" for number, text in sections)
    (folder / "CHANGELOG.md").write_text(f"# Catatan perubahan\n\n{body}\n")


def sync(base: Path, releases: Path) -> list[str]:
    return template_sync(base_dir=base, releases_dir=releases)


def test_changelog_sections_are_read_by_version():
    text = "# Catatan\n\n## Versi 2 — 2026-12-02\n\n- Dua.\n\n## Version 1 (2026-11-30)\n\n- Satu.\n"
    assert changelog_sections(text) == {2: "- Dua.", 1: "- Satu."}


def test_a_new_version_needs_its_changelog_section(regions, tmp_path):
    base, releases = tmp_path / "cookiecutters", tmp_path / "releases"
    folder = make_template(base)
    assert sync(base, releases) == ["contoh v1 (new)"]
    assert (
        TemplateVersion.objects.get().changelog == "Versi pertama."
    )  # from lumbung.json, before CHANGELOG.md

    make_template(base, greeting="Selamat datang")
    with pytest.raises(TemplateSyncError, match="no section '## Versi 2"):
        sync(base, releases)
    assert TemplateVersion.objects.count() == 1

    write_changelog(folder, (2, "Sapaan yang lebih ramah."), (1, "Versi pertama."))
    make_template(base, greeting="Selamat datang", parameters={"sla_hours": 72})
    assert sync(base, releases) == ["contoh v2 (new)"]
    v2 = TemplateVersion.objects.get(number=2)
    assert v2.changelog == "- Sapaan yang lebih ramah."
    assert v2.parameter_changes == {"added": ["sla_hours"], "removed": [], "changed": []}
    assert sync(base, releases) == ["contoh v2"]  # idempotent


def test_a_fresh_database_gets_the_published_versions_first(regions, tmp_path):
    base, releases = tmp_path / "cookiecutters", tmp_path / "releases"
    v1_folder = make_template(tmp_path / "v1")
    (releases / "contoh").mkdir(parents=True)
    rendering.archive_directory(v1_folder, releases / "contoh" / "1.zip")
    folder = make_template(base, greeting="Selamat datang", parameters={"region_name": "Kota Batang"})
    write_changelog(folder, (2, "Sapaan baru."), (1, "Versi pertama."))

    assert sync(base, releases) == ["contoh v1 (new)", "contoh v2 (new)"]
    v1, v2 = TemplateVersion.objects.order_by("number")
    assert v1.content_hash == rendering.template_content_hash(v1_folder)
    assert (
        (template_dir_of(v1) / "{{cookiecutter.project_slug}}" / "README.md").read_text().startswith("Halo")
    )
    assert v2.parameter_changes == {"added": [], "removed": [], "changed": ["region_name"]}
    assert sync(base, releases) == ["contoh v2"]


def test_the_repositorys_published_versions_match_their_folders_history(regions, tmp_path):
    """Every zip under templates_repo/releases/ is a version of a template of the library, and a fresh
    sync records them all, then the folder as the newest (with its changelog section)."""
    root = Path(__file__).resolve().parents[2] / "templates_repo"
    sync(root / "cookiecutters", root / "releases")
    assert Template.objects.count() == 3
    for template in Template.objects.all():
        numbers = list(template.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), template.slug
        assert all(version.changelog for version in template.versions.all()), template.slug


def test_tool_caches_in_a_template_folder_are_no_part_of_a_version(regions, tmp_path):
    base, releases = tmp_path / "cookiecutters", tmp_path / "releases"
    folder = make_template(base)
    sync(base, releases)
    project = folder / "{{cookiecutter.project_slug}}"
    (project / "__pycache__").mkdir()
    (project / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (project / ".ruff_cache").mkdir()
    (project / ".ruff_cache" / "CACHEDIR.TAG").write_text("x")
    assert sync(base, releases) == ["contoh v1"]  # unchanged: no new version, no changelog asked for
