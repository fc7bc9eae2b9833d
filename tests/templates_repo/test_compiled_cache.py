"""The compiled-template cache: Jinja compiles a version once per process, and nothing else changes.

Every render still runs in its own sandbox with its own limits; two versions never share compiled code;
the output is the same byte for byte, warm or cold, on disk or zipped in memory. No database.
"""

import shutil
import stat
import zipfile
from io import BytesIO
from pathlib import Path

import jinja2
import pytest
from django.utils import translation

from templates_repo.rendering import (
    RenderError,
    RenderLimitExceeded,
    RenderLimits,
    compiled,
    load_schema,
    render_archive,
    render_template,
    render_tree,
    template_content_hash,
    validate_context,
)
from templates_repo.rendering.sandbox import Budget, GuardedSandbox

from .test_rendering import PROJECT, TEMPLATES, make_template


@pytest.fixture(autouse=True)
def cache(monkeypatch):
    """A fresh cache of the default size for each test (the process's own is left as it was)."""
    fresh = compiled.CompiledCache()
    monkeypatch.setattr(compiled, "CACHE", fresh)
    with translation.override("en"):
        yield fresh


@pytest.fixture
def compiles(monkeypatch):
    """The texts Jinja compiles, in order."""
    seen: list[str] = []
    original = GuardedSandbox.compile

    def counting(self, source, *args, **kwargs):
        seen.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(GuardedSandbox, "compile", counting)
    return seen


CONTEXT = {"project_slug": "demo_app", "title": "Bontang"}


def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    """Version 1 and 2 of one template: the same file names, one file changed, one the same."""
    files = {
        "changed.txt": "v1 {{ cookiecutter.title }}\n",
        "same.txt": "same {{ cookiecutter.title }}\n",
        "{{ cookiecutter.project_slug }}.txt": "{{ cookiecutter.project_slug }}\n",
    }
    config = {"project_slug": "demo_app", "title": "x"}
    first = make_template(tmp_path / "v1" / "t", files, config)
    second = make_template(
        tmp_path / "v2" / "t", {**files, "changed.txt": "v2 {{ cookiecutter.title }}\n"}, config
    )
    return first, second


def test_two_versions_of_one_template_never_share_compiled_files(tmp_path, cache):
    first, second = two_versions(tmp_path)
    outputs = []
    for n, template in enumerate([first, second, first, second]):
        result = render_template(template, CONTEXT, tmp_path / f"out{n}")
        outputs.append((result.root / "changed.txt").read_text())
    assert outputs == ["v1 Bontang\n", "v2 Bontang\n", "v1 Bontang\n", "v2 Bontang\n"]

    versions = list(cache.snapshot().values())
    assert [version.key[0] for version in versions] == [
        template_content_hash(first),
        template_content_hash(second),
    ]
    one, two = versions
    assert one.key[1] == two.key[1]  # same sandbox: only the content hash tells them apart
    assert (
        set(one.files) == set(two.files) == {"changed.txt", "same.txt", "{{ cookiecutter.project_slug }}.txt"}
    )
    # Even the file both versions have unchanged was compiled for each: no code object is shared.
    assert not {id(code) for code in one.files.values()} & {id(code) for code in two.files.values()}
    assert not {id(code) for code in one.names.values()} & {id(code) for code in two.names.values()}


def test_a_version_is_compiled_once_and_renders_the_same_bytes(tmp_path, compiles):
    template = TEMPLATES / "pengaduan"
    context = validate_context(load_schema(template), {})
    cold = render_template(template, context, tmp_path / "cold")
    compiled_once = len(compiles)
    assert compiled_once > 40  # every text file and every templated name
    warm = render_template(template, context, tmp_path / "warm")
    assert len(compiles) == compiled_once  # nothing compiled again
    assert warm.files == cold.files and warm.total_bytes == cold.total_bytes
    for name in cold.files:
        ours, theirs = warm.root / name, cold.root / name
        assert ours.read_bytes() == theirs.read_bytes(), name
        assert ours.stat().st_mode == theirs.stat().st_mode, name

    # Another context with the same version: the same code, the new values.
    other = validate_context(
        load_schema(template), {"project_slug": "pengaduan_bontang", "region_code": "64.74"}
    )
    result = render_template(template, other, tmp_path / "other")
    assert len(compiles) == compiled_once
    assert 'REGION_CODE = "64.74"' in (result.root / "config" / "region.py").read_text()


def test_copied_and_binary_files_are_not_compiled(tmp_path, cache, compiles):
    template = make_template(
        tmp_path / "t",
        {
            "static/{{ cookiecutter.title }}.css": "{{ not_rendered }}",
            "logo.png": b"\x89PNG\r\n\x1a\n{{ cookiecutter.title }}\xff\x00",
            "a.txt": "{{ cookiecutter.title }}",
        },
        {"project_slug": "demo_app", "title": "x", "_copy_without_render": ["static/*"]},
    )
    render_template(template, CONTEXT, tmp_path / "out")
    (version,) = cache.snapshot().values()
    assert set(version.files) == {"a.txt"}
    assert set(version.names) == {PROJECT, "{{ cookiecutter.title }}.css"}
    assert "{{ not_rendered }}" not in compiles


def test_limits_and_the_sandbox_apply_to_each_render_with_a_warm_cache(tmp_path, compiles):
    template = make_template(
        tmp_path / "t",
        {f"f{i}.txt": "{{ cookiecutter.title * cookiecutter.times }}" for i in range(5)},
        {"project_slug": "demo_app", "title": "x", "times": 1},
    )
    context = {"project_slug": "demo_app", "title": "ab", "times": 1000}
    render_template(template, context, tmp_path / "warm")
    warmed = len(compiles)
    # The cached code calls the sandbox of the render running it, with that render's own budget.
    with pytest.raises(RenderLimitExceeded, match="builds a value larger") as raised:
        render_template(template, context, tmp_path / "o1", limits=RenderLimits(max_file_bytes=1000))
    assert raised.value.limit == "max_file_bytes"
    for limits, limit in [
        (RenderLimits(max_files=3), "max_files"),
        (RenderLimits(max_bytes=4500), "max_bytes"),
        (RenderLimits(max_seconds=0), "max_seconds"),
    ]:
        with pytest.raises(RenderLimitExceeded) as raised:
            render_archive(template, context, limits=limits)
        assert raised.value.limit == limit
    assert len(compiles) == warmed
    assert list((tmp_path / "o1").iterdir()) == []

    # A render that is stopped by the clock inside one file, twice: the second run's code is cached.
    nested = "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}"
    loop = make_template(tmp_path / "loop", {"slow.txt": nested})
    for _attempt in range(2):
        with pytest.raises(RenderLimitExceeded) as raised:
            render_archive(loop, {"project_slug": "demo_app"}, limits=RenderLimits(max_seconds=0.3))
        assert raised.value.limit == "max_seconds"

    hostile = make_template(tmp_path / "h", {"a.txt": "{{ cycler.__init__.__globals__.os.system('id') }}"})
    for _attempt in range(2):
        with pytest.raises(RenderError, match="sandbox"):
            render_archive(hostile, {"project_slug": "demo_app"})


def test_the_key_holds_the_sandbox_settings():
    def sandbox(cls=GuardedSandbox, **options):
        options = {"undefined": jinja2.StrictUndefined, "keep_trailing_newline": True, **options}
        return cls(Budget(RenderLimits()), **options)

    assert sandbox().compile_key() == sandbox().compile_key()  # the budget is not part of it

    class Wider(GuardedSandbox):
        intercepted_binops = frozenset({"*", "**", "%", "+"})

    assert sandbox(Wider).compile_key() != sandbox().compile_key()
    assert sandbox(keep_trailing_newline=False).compile_key() != sandbox().compile_key()
    assert sandbox(autoescape=True).compile_key() != sandbox().compile_key()
    changed = sandbox()
    changed.filters["jsonify"] = jinja2.pass_context(lambda context, value: value)
    assert changed.compile_key() != sandbox().compile_key()


def test_the_cache_is_bounded_least_recently_used_first(tmp_path, monkeypatch):
    small = compiled.CompiledCache(max_versions=2)
    monkeypatch.setattr(compiled, "CACHE", small)
    templates = [
        make_template(tmp_path / f"v{n}", {"a.txt": f"{n} {{{{ cookiecutter.project_slug }}}}"})
        for n in range(3)
    ]
    hashes = [template_content_hash(template) for template in templates]
    for n in (0, 1, 0, 2):  # 1 is now the least recently used
        tree = render_tree(templates[n], {"project_slug": "demo_app"})
        assert tree.files["a.txt"][0] == f"{n} demo_app".encode()
    assert [key[0] for key in small.snapshot()] == [hashes[0], hashes[2]]
    assert render_tree(templates[1], {"project_slug": "demo_app"}).files["a.txt"][0] == b"1 demo_app"
    assert [key[0] for key in small.snapshot()] == [hashes[2], hashes[1]]

    tiny = compiled.CompiledCache(max_source_chars=40)
    monkeypatch.setattr(compiled, "CACHE", tiny)
    big = make_template(
        tmp_path / "big", {f"f{i}.txt": f"{i:02d} {{{{ cookiecutter.project_slug }}}}" for i in range(6)}
    )
    tree = render_tree(big, {"project_slug": "demo_app"})
    assert tree.files["f5.txt"][0] == b"05 demo_app"
    (version,) = tiny.snapshot().values()
    assert 0 < version.chars <= 40 and len(version.files) < 6  # what did not fit is compiled each time


def test_render_archive_zips_what_render_template_writes(tmp_path):
    template = TEMPLATES / "perencanaan"
    context = validate_context(load_schema(template), {})
    shutil.copytree(template, tmp_path / "t")
    (tmp_path / "t" / PROJECT / "empty-{{cookiecutter.project_slug}}").mkdir()
    on_disk = render_template(tmp_path / "t", context, tmp_path / "out")
    extra = {".lumbung.json": b"{}"}
    archive = render_archive(tmp_path / "t", context, extra_files=extra)
    assert archive.files == on_disk.files and archive.total_bytes == on_disk.total_bytes
    assert archive.info.size == len(archive.data) and archive.info.file_count == len(on_disk.files) + 1
    root = on_disk.root.name
    with zipfile.ZipFile(BytesIO(archive.data)) as zipped:
        assert zipped.testzip() is None
        infos = {info.filename: info for info in zipped.infolist()}
        assert sorted(infos) == sorted(
            [f"{root}/{name}" for name in on_disk.files] + [f"{root}/.lumbung.json", f"{root}/empty-{root}/"]
        )
        for name in on_disk.files:
            path = on_disk.root / name
            assert zipped.read(f"{root}/{name}") == path.read_bytes(), name
            assert infos[f"{root}/{name}"].external_attr >> 16 == stat.S_IFREG | stat.S_IMODE(
                path.stat().st_mode
            )
        assert zipped.read(f"{root}/.lumbung.json") == b"{}"
