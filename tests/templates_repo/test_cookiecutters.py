"""The three templates of the library, rendered by our renderer and by the real cookiecutter CLI.

For each template: our output is byte-for-byte what ``cookiecutter --no-input`` produces with the same
defaults, and the generated project's own test suite (``make test``) passes, with the defaults and with
another region's context. Slow (each generated suite takes a few seconds), hence the marker.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from templates_repo.rendering import load_schema, render_template, validate_context

pytestmark = pytest.mark.generated

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_repo" / "cookiecutters"
PROJECT = "{{cookiecutter.project_slug}}"

BONTANG = {
    "region_name": "Kota Bontang",
    "region_code": "64.74",
    "province_name": "Kalimantan Timur",
    "primary_color": "#00558c",
}
CONTEXTS = {
    "pengaduan": {
        **BONTANG,
        "project_name": "Pengaduan Kota Bontang",
        "project_slug": "pengaduan_bontang",
        "sla_hours": 24,
    },
    "e-santunan": {
        **BONTANG,
        "project_name": "E-Santunan Kematian Kota Bontang",
        "project_slug": "esantunan_bontang",
        "benefit_amount": 1500000,
    },
    "perencanaan": {
        **BONTANG,
        "project_name": "E-Planning Kota Bontang",
        "project_slug": "eplanning_bontang",
        "fiscal_year": 2028,
        "rounds": "kecamatan-kabupaten",
    },
}


def run_cookiecutter(template_dir: Path, tmp_path: Path) -> Path:
    """The plain cookiecutter CLI, with its cache, replay and home folders all inside tmp_path."""
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cookiecutters'}\nreplay_dir: {tmp_path / 'cookiecutter_replay'}\n"
    )
    out = tmp_path / "by-cookiecutter"
    completed = subprocess.run(
        [
            sys.executable, "-m", "cookiecutter", str(template_dir), "--no-input",
            "-o", str(out), "--config-file", str(config),
        ],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (root,) = out.iterdir()
    return root


def tree(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under root: (bytes or None for a folder, permission bits of files)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_dir():
            entries[relative + "/"] = (None, 0)
        else:
            entries[relative] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return entries


def assert_same_tree(ours: Path, theirs: Path) -> None:
    assert ours.name == theirs.name
    ours_tree, theirs_tree = tree(ours), tree(theirs)
    assert sorted(ours_tree) == sorted(theirs_tree)
    different = [name for name in ours_tree if ours_tree[name] != theirs_tree[name]]
    assert different == []


def render(slug: str, overrides: dict, out: Path):
    template_dir = TEMPLATES / slug
    context = validate_context(load_schema(template_dir), overrides)
    return render_template(template_dir, context, out)


@pytest.mark.parametrize("slug", sorted(CONTEXTS))
def test_same_output_as_cookiecutter(tmp_path, slug):
    theirs = run_cookiecutter(TEMPLATES / slug, tmp_path)
    ours = render(slug, {}, tmp_path / "ours")
    assert_same_tree(ours.root, theirs)
    assert len(ours.files) > 40


def test_same_output_as_cookiecutter_for_the_edge_cases(tmp_path):
    """Copy-only files and folders, line endings, binary files, modes, empty names, empty folders."""
    template = tmp_path / "edge"
    config = {
        "project_slug": "edge_app",
        "package": "core",
        "title": "Kota Bontang — “Taman”",
        "count": 3,
        "flag": False,
        "kind": ["alpha", "beta"],
        "_copy_without_render": ["{{cookiecutter.package}}/templates/*", "*.css"],
    }
    files: dict[str, bytes] = {
        "{{cookiecutter.package}}/__init__.py": b"NAME = {{ cookiecutter.title|tojson }}\n"
        b"KIND = {{ cookiecutter.kind|tojson }}\nCOUNT = {{ cookiecutter.count|int + 1 }}\n",
        "{{cookiecutter.package}}/templates/page.html": b"{{ not_rendered }}{% raw %}\n",
        "{{cookiecutter.package}}/templates/{{cookiecutter.package}}/{{cookiecutter.kind}}.html": b"{{ x }}",
        "{{cookiecutter.package}}/{{cookiecutter.kind}}/{{cookiecutter.count}}.txt": (
            b"{{ cookiecutter.flag }}"
        ),
        "static/site.css": b"body { color: {{ nope }}; }\n",
        "run.sh": b"#!/bin/sh\necho {{ cookiecutter.project_slug }}\n",
        "crlf.txt": b"one {{ cookiecutter.count }}\r\ntwo\r\n{% if true %}\r\nthree\r\n{% endif %}\r\n",
        "cr.txt": b"one\rtwo {{ cookiecutter.kind }}\r",
        "mixed.txt": b"one\ntwo\r\nthree\n",
        "no-newline.txt": b"{{ cookiecutter.title }}",
        "trailing.txt": b"{{ cookiecutter.count }}\n\n",
        "{% if cookiecutter.flag %}optional.txt{% endif %}": b"left out when flag is false",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR{{ cookiecutter.title }}\xff\xfe",
        ".hidden": b"{{ cookiecutter.package|upper }}{# a comment #}\n",
    }
    template.mkdir()
    (template / "cookiecutter.json").write_text(json.dumps(config))
    for relative, content in files.items():
        path = template / PROJECT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (template / PROJECT / "run.sh").chmod(0o755)
    (template / PROJECT / "mixed.txt").chmod(0o600)
    (template / PROJECT / "empty-{{cookiecutter.package}}").mkdir()

    theirs = run_cookiecutter(template, tmp_path)
    ours = render_template(template, validate_context(load_schema(template), {}), tmp_path / "ours")
    assert_same_tree(ours.root, theirs)
    # The cases really happened: a copied folder kept its inner names, the optional file is absent.
    assert (ours.root / "core" / "templates" / "core" / "{{cookiecutter.kind}}.html").exists()
    assert not (ours.root / "optional.txt").exists()
    assert (ours.root / "crlf.txt").read_bytes() == b"one 3\r\ntwo\r\n\r\nthree\r\n\r\n"


def run_generated_tests(project: Path, tmp_path: Path) -> None:
    """`make test` in the generated project, on the interpreter running this suite (no download)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        # The venv already has what requirements.txt asks for; never fetch anything into it.
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    completed = subprocess.run(
        ["make", "test", f"VENV={sys.prefix}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    print(output)


@pytest.mark.parametrize("variant", ["defaults", "bontang"])
@pytest.mark.parametrize("slug", sorted(CONTEXTS))
def test_generated_project_tests_pass(tmp_path, slug, variant):
    overrides = CONTEXTS[slug] if variant == "bontang" else {}
    result = render(slug, overrides, tmp_path / "out")
    if variant == "bontang":
        assert result.root.name == CONTEXTS[slug]["project_slug"]
        assert 'REGION_CODE = "64.74"' in (result.root / "config" / "region.py").read_text()
    run_generated_tests(result.root, tmp_path)
