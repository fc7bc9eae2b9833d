"""The safe renderer: schema, context validation, sandboxed rendering, limits and archives.

Every test works on real files in tmp_path; none touches the database.
"""

import hashlib
import json
import os
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from templates_repo.rendering import (
    ArchiveError,
    Parameter,
    RenderError,
    RenderLimitExceeded,
    RenderLimits,
    TemplateDefinitionError,
    archive_directory,
    check_archive,
    extract_archive,
    load_schema,
    parameter_schema_json,
    render_template,
    template_content_hash,
    validate_context,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_repo" / "cookiecutters"
PROJECT = "{{cookiecutter.project_slug}}"
EXPLOIT = "{{ cycler.__init__.__globals__.os.system('id') }}"

COMMON = {
    "project_name": "string",
    "project_slug": "string",
    "region_name": "string",
    "region_code": "string",
    "province_name": "string",
    "mentor_region_name": "string",
    "primary_color": "string",
    "accent_color": "string",
    "agencies": "string",
}
EXPECTED_SCHEMAS = {
    "pengaduan": {
        **COMMON,
        "sla_hours": "integer",
        "escalation_officer": "string",
        "allow_anonymous_reports": "boolean",
        "photo_max_mb": "integer",
    },
    "e-santunan": {
        **COMMON,
        "benefit_amount": "integer",
        "require_death_certificate": "boolean",
        "paying_agency": "string",
        "max_upload_mb": "integer",
    },
    "perencanaan": {
        **COMMON,
        "fiscal_year": "integer",
        "default_ceiling": "integer",
        "rounds": "choice",
        "allow_kelurahan": "boolean",
    },
}
EXPECTED_DEFAULTS = {
    "pengaduan": {
        "project_slug": "pengaduan_semarang",
        "region_code": "33.74",
        "primary_color": "#1f4e79",
        "sla_hours": 72,
        "allow_anonymous_reports": True,
        "photo_max_mb": 5,
    },
    "e-santunan": {
        "project_slug": "esantunan_batang",
        "region_code": "33.25",
        "benefit_amount": 1000000,
        "require_death_certificate": True,
        "paying_agency": "Dinas Sosial",
    },
    "perencanaan": {
        "project_slug": "eplanning_batang",
        "fiscal_year": 2027,
        "default_ceiling": 5000000000,
        "rounds": "desa-kecamatan-kabupaten",
        "allow_kelurahan": True,
    },
}


def make_template(root: Path, files: dict[str, str | bytes], config: dict | None = None) -> Path:
    """A template in `root`: cookiecutter.json and `files` (paths relative to the project folder)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cookiecutter.json").write_text(json.dumps(config or {"project_slug": "demo_app"}))
    for relative, content in files.items():
        path = root / PROJECT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (root / PROJECT).mkdir(exist_ok=True)
    return root


def everything_under(path: Path) -> set[str]:
    return {str(item.relative_to(path)) for item in path.rglob("*")}


@pytest.fixture(autouse=True)
def english():
    # Some tests read messages; the msgids are English, whatever the site's default language.
    with translation.override("en"):
        yield


@pytest.fixture
def pengaduan_schema():
    return load_schema(TEMPLATES / "pengaduan")


# Schema -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(EXPECTED_SCHEMAS))
def test_schema_of_the_real_templates(slug):
    schema = load_schema(TEMPLATES / slug)
    assert {parameter.name: parameter.type for parameter in schema} == EXPECTED_SCHEMAS[slug]
    assert [parameter.name for parameter in schema] == list(EXPECTED_SCHEMAS[slug])  # cookiecutter.json order
    defaults = {parameter.name: parameter.default for parameter in schema}
    for name, value in EXPECTED_DEFAULTS[slug].items():
        assert defaults[name] == value and type(defaults[name]) is type(value)
    config = json.loads((TEMPLATES / slug / "cookiecutter.json").read_text())
    for parameter in schema:
        assert parameter.label and parameter.label != parameter.name, parameter.name
        if parameter.type != "choice":
            assert parameter.label == config["__prompts__"][parameter.name]
            assert parameter.choices == ()
            assert parameter.help == ""


def test_choice_parameter_of_perencanaan():
    rounds = next(p for p in load_schema(TEMPLATES / "perencanaan") if p.name == "rounds")
    assert rounds == Parameter(
        name="rounds",
        type="choice",
        default="desa-kecamatan-kabupaten",
        choices=("desa-kecamatan-kabupaten", "kecamatan-kabupaten"),
        label="Tahapan musrenbang yang dipakai",
        help="desa-kecamatan-kabupaten: Desa/Kelurahan → Kecamatan → Kabupaten/Kota; "
        "kecamatan-kabupaten: Kecamatan → Kabupaten/Kota",
    )


def test_parameter_schema_json_round_trips():
    schema = load_schema(TEMPLATES / "perencanaan")
    data = json.loads(json.dumps(parameter_schema_json(schema)))
    assert [item["name"] for item in data] == [p.name for p in schema]
    rounds = next(item for item in data if item["name"] == "rounds")
    assert rounds["choices"] == ["desa-kecamatan-kabupaten", "kecamatan-kabupaten"]
    fiscal_year = next(item for item in data if item["name"] == "fiscal_year")
    assert fiscal_year == {
        "name": "fiscal_year",
        "type": "integer",
        "default": 2027,
        "choices": [],
        "label": "Tahun anggaran yang direncanakan",
        "help": "",
    }


def test_template_content_hash_is_stable_and_follows_content(tmp_path):
    original = template_content_hash(TEMPLATES / "pengaduan")
    assert len(original) == 64 and original == template_content_hash(TEMPLATES / "pengaduan")
    copy = tmp_path / "copy"
    shutil.copytree(TEMPLATES / "pengaduan", copy)
    os.utime(copy / "cookiecutter.json", (0, 0))  # times do not count
    assert template_content_hash(copy) == original
    readme = copy / PROJECT / "README.md"
    readme.write_bytes(readme.read_bytes() + b" ")
    assert template_content_hash(copy) != original
    readme.write_bytes(readme.read_bytes()[:-1])
    assert template_content_hash(copy) == original
    readme.rename(readme.with_name("README.txt"))
    assert template_content_hash(copy) != original
    assert len({template_content_hash(TEMPLATES / slug) for slug in EXPECTED_SCHEMAS}) == 3


@pytest.mark.parametrize(
    "config",
    [
        {"project_slug": "demo_app", "options": {"a": 1}},
        {"project_slug": "demo_app", "name": "{{ cookiecutter.project_slug|upper }}"},
        {"project_slug": "demo_app", "name": "{% if 1 %}x{% endif %}"},
        {"project_slug": "demo_app", "ratio": 1.5},
        {"project_slug": "demo_app", "kind": ["a", "{{ cookiecutter.project_slug }}"]},
        {"project_slug": "demo_app", "kind": []},
        {"project_slug": "demo_app", "_extensions": ["jinja2.ext.do"]},
        {"project_slug": "demo_app", "_jinja2_env_vars": {"variable_start_string": "<<"}},
        {"project_slug": "demo_app", "__computed": "{{ cookiecutter.project_slug }}"},
        {"project_slug": "demo_app", "nothing": None},
        {"project_slug": "demo_app", "big": 10**13},
        {"project_slug": "demo_app", "bad name": "x"},
    ],
    ids=[
        "dict", "jinja-variable", "jinja-block", "float", "jinja-choice", "empty-choice", "extensions",
        "env-vars", "computed", "null", "out-of-range", "bad-name",
    ],
)  # fmt: skip
def test_load_schema_refuses(tmp_path, config):
    with pytest.raises(TemplateDefinitionError):
        load_schema(make_template(tmp_path / "t", {"a.txt": "a"}, config))


def test_load_schema_refuses_hooks_and_links(tmp_path):
    hooks = make_template(tmp_path / "hooks", {"a.txt": "a"})
    (hooks / "hooks").mkdir()
    (hooks / "hooks" / "post_gen_project.py").write_text("import os; os.system('id')")
    with pytest.raises(TemplateDefinitionError, match="hooks"):
        load_schema(hooks)

    file_link = make_template(tmp_path / "file_link", {"a.txt": "a"})
    (file_link / PROJECT / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(TemplateDefinitionError, match="symbolic link"):
        load_schema(file_link)

    dir_link = make_template(tmp_path / "dir_link", {"a.txt": "a"})
    (dir_link / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(TemplateDefinitionError, match="symbolic link"):
        load_schema(dir_link)
    with pytest.raises(TemplateDefinitionError):
        template_content_hash(dir_link)


def test_load_schema_needs_exactly_one_project_folder(tmp_path):
    template = make_template(tmp_path / "t", {"a.txt": "a"})
    (template / "{{cookiecutter.other}}").mkdir()
    with pytest.raises(TemplateDefinitionError, match="exactly one project folder"):
        load_schema(template)
    with pytest.raises(TemplateDefinitionError):
        load_schema(tmp_path / "missing")


def test_private_keys_and_missing_prompts(tmp_path):
    config = {"project_slug": "demo_app", "count": 3, "_copy_without_render": ["x"], "_private": 1}
    schema = load_schema(make_template(tmp_path / "t", {"a.txt": "a"}, config))
    assert [(p.name, p.type, p.default, p.label) for p in schema] == [
        ("project_slug", "string", "demo_app", "project_slug"),
        ("count", "integer", 3, "count"),
    ]


# Context validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(EXPECTED_SCHEMAS))
def test_validate_context_fills_in_the_defaults(slug):
    schema = load_schema(TEMPLATES / slug)
    assert validate_context(schema, {}) == {parameter.name: parameter.default for parameter in schema}


def test_validate_context_coerces(pengaduan_schema):
    cleaned = validate_context(
        pengaduan_schema, {"sla_hours": "24", "photo_max_mb": " 3 ", "allow_anonymous_reports": "false"}
    )
    assert cleaned["sla_hours"] == 24 and cleaned["photo_max_mb"] == 3
    assert cleaned["allow_anonymous_reports"] is False
    assert cleaned["project_slug"] == "pengaduan_semarang"
    for word, expected in [("yes", True), ("no", False), ("TRUE", True), (True, True), (False, False)]:
        cleaned = validate_context(pengaduan_schema, {"allow_anonymous_reports": word})
        assert cleaned["allow_anonymous_reports"] is expected
    assert validate_context(pengaduan_schema, {"sla_hours": -(10**12)})["sla_hours"] == -(10**12)
    rounds = validate_context(load_schema(TEMPLATES / "perencanaan"), {"rounds": "kecamatan-kabupaten"})
    assert rounds["rounds"] == "kecamatan-kabupaten"


def field_errors(schema, context, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        validate_context(schema, context, **options)
    return {field: [error.code for error in errors] for field, errors in raised.value.error_dict.items()}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("project_name", EXPLOIT, "template_delimiter"),
        ("project_name", "{% raw %}x{% endraw %}", "template_delimiter"),
        ("project_name", "{# c #}", "template_delimiter"),
        ("project_name", "x}}", "template_delimiter"),
        ("project_name", "100%} done", "template_delimiter"),
        ("escalation_officer", "#}", "template_delimiter"),
        ("project_name", "a\x00b", "control_character"),
        ("project_name", "a\nb", "control_character"),
        ("project_name", "a\tb", "control_character"),
        ("project_name", "a\rb", "control_character"),
        ("project_name", "a\x7fb", "control_character"),
        ("project_name", "a\ud800b", "unsafe_character"),
        ("project_name", "admin\u202e", "unsafe_character"),
        ("project_name", "x" * 10_000, "max_length"),
        ("project_name", {"a": 1}, "invalid_type"),
        ("project_name", ["a"], "invalid_type"),
        ("project_name", 12, "invalid_type"),
        ("project_name", None, "null"),
        ("project_name", "   ", "blank"),
        ("project_slug", "../../x", "invalid_slug"),
        ("project_slug", "/etc/passwd", "invalid_slug"),
        ("project_slug", "a", "invalid_slug"),
        ("project_slug", "Abc", "invalid_slug"),
        ("project_slug", "1abc", "invalid_slug"),
        ("project_slug", "abc-def", "invalid_slug"),
        ("project_slug", "a" * 41, "invalid_slug"),
        ("project_slug", "abc\n", "control_character"),
        ("sla_hours", "abc", "invalid_integer"),
        ("sla_hours", 1.5, "invalid_integer"),
        ("sla_hours", 2.0, "invalid_integer"),
        ("sla_hours", "1.5", "invalid_integer"),
        ("sla_hours", "٣", "invalid_integer"),
        ("sla_hours", True, "invalid_integer"),
        ("sla_hours", [24], "invalid_type"),
        ("sla_hours", {"h": 24}, "invalid_type"),
        ("sla_hours", 10**12 + 1, "out_of_range"),
        ("sla_hours", "-1000000000001", "out_of_range"),
        ("sla_hours", "9" * 5000, "max_length"),
        ("allow_anonymous_reports", "maybe", "invalid_boolean"),
        ("allow_anonymous_reports", 1, "invalid_boolean"),
        ("region_code", "../33", "invalid_region_code"),
        ("region_code", "33.7", "invalid_region_code"),
        ("region_code", "33.74.01", "invalid_region_code"),
        ("region_code", "٣٣", "invalid_region_code"),
        ("primary_color", "red", "invalid_color"),
        ("accent_color", "#fff", "invalid_color"),
        ("primary_color", "#00558c;}body{", "invalid_color"),
    ],
)
def test_validate_context_refuses(pengaduan_schema, field, value, code):
    assert field_errors(pengaduan_schema, {field: value}) == {field: [code]}


def test_unknown_keys_and_choices(pengaduan_schema):
    assert field_errors(pengaduan_schema, {"__class__": "x", "sla_hours": "x"}) == {
        "__class__": ["unknown"],
        "sla_hours": ["invalid_integer"],
    }
    schema = load_schema(TEMPLATES / "perencanaan")
    assert field_errors(schema, {"rounds": "desa"}) == {"rounds": ["invalid_choice"]}
    assert field_errors(schema, {"rounds": 1}) == {"rounds": ["invalid_type"]}
    with pytest.raises(ValidationError):
        validate_context(schema, ["rounds"])


def test_length_limits(pengaduan_schema):
    agencies = ";".join(["Dinas Kesehatan"] * 125)  # 1999 characters
    assert validate_context(pengaduan_schema, {"agencies": agencies})["agencies"] == agencies
    assert field_errors(pengaduan_schema, {"agencies": agencies + "xx"}) == {"agencies": ["max_length"]}
    assert validate_context(pengaduan_schema, {"project_name": "x" * 200})
    assert field_errors(pengaduan_schema, {"project_name": "x" * 201}) == {"project_name": ["max_length"]}
    assert field_errors(pengaduan_schema, {"project_name": "x" * 21}, max_length=20)


def test_messages_are_specific_english(pengaduan_schema):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_context(
            pengaduan_schema,
            {"project_slug": "../../x", "project_name": EXPLOIT, "sla_hours": "abc", "typo": 1},
        )
    messages = raised.value.message_dict
    assert "lowercase letters" in messages["project_slug"][0]
    assert messages["project_name"] == ["“{{” is a template delimiter and is not allowed in values."]
    assert messages["sla_hours"] == ["Enter a whole number."]
    assert messages["typo"] == ["This template has no parameter with this name."]


# Rendering --------------------------------------------------------------------------------------------


def test_render_basics(tmp_path):
    template = make_template(
        tmp_path / "t",
        {
            "{{cookiecutter.package}}/__init__.py": "NAME = {{ cookiecutter.title|tojson }}\n",
            "run.sh": "#!/bin/sh\necho {{ cookiecutter.package }}\n",
            "crlf.txt": "line {{ cookiecutter.count }}\r\nsecond\r\n",
            "no-newline.txt": "{{ cookiecutter.flag }}",
            "{% if cookiecutter.flag %}{% endif %}": "skipped: the name renders empty",
            "image.png": b"\x89PNG\r\n\x1a\n{{ cookiecutter.title }}\xff\x00",
        },
        {"project_slug": "demo_app", "package": "core", "title": 'Kota "Bontang"', "count": 3, "flag": False},
    )
    (template / PROJECT / "run.sh").chmod(0o755)
    context = validate_context(load_schema(template), {"title": "Kota Bontang", "count": "7"})
    out = tmp_path / "out"
    result = render_template(template, context, out)

    root = out / "demo_app"
    assert result.root == root
    assert result.files == ["core/__init__.py", "crlf.txt", "image.png", "no-newline.txt", "run.sh"]
    assert result.total_bytes == sum((root / name).stat().st_size for name in result.files)
    assert (root / "core" / "__init__.py").read_text() == 'NAME = "Kota Bontang"\n'
    assert (root / "crlf.txt").read_bytes() == b"line 7\r\nsecond\r\n"
    assert (root / "no-newline.txt").read_bytes() == b"False"
    assert (root / "image.png").read_bytes() == (template / PROJECT / "image.png").read_bytes()
    assert os.access(root / "run.sh", os.X_OK)
    assert stat.S_IMODE((root / "run.sh").stat().st_mode) == 0o755
    assert not os.access(root / "crlf.txt", os.X_OK)


def test_copy_without_render(tmp_path):
    raw = "{{ cookiecutter.title }} {% raw %}"
    template = make_template(
        tmp_path / "t",
        {
            "app/templates/base.html": raw,
            "app/templates/{{cookiecutter.package}}/page.html": raw,
            "app/static/{{cookiecutter.package}}.css": raw,
            "app/views.py": "TITLE = {{ cookiecutter.title|tojson }}\n",
        },
        {
            "project_slug": "demo_app",
            "package": "core",
            "title": "Bontang",
            "_copy_without_render": ["app/templates/*", "app/static/*.css"],
        },
    )
    result = render_template(template, validate_context(load_schema(template), {}), tmp_path / "out")
    assert result.files == [
        "app/static/core.css",  # a matching file keeps its content but its name is rendered
        "app/templates/base.html",
        "app/templates/core/page.html",  # the matching folder's own name is rendered ...
        "app/views.py",
    ]
    for name in result.files[:3]:
        assert (result.root / name).read_text() == raw
    assert (result.root / "app" / "views.py").read_text() == 'TITLE = "Bontang"\n'

    template_2 = make_template(
        tmp_path / "t2",
        {"static/{{cookiecutter.package}}/{{x}}.txt": raw},
        {"project_slug": "demo_app", "package": "core", "_copy_without_render": ["static/*"]},
    )
    result = render_template(template_2, {"project_slug": "demo_app", "package": "core"}, tmp_path / "o2")
    assert result.files == ["static/core/{{x}}.txt"]  # ... but not the names inside it, as in cookiecutter


def test_sandbox_stops_code_execution(tmp_path):
    marker = tmp_path / "pwned"
    template = make_template(
        tmp_path / "t",
        {
            "a.txt": "safe",
            "b.txt": "{{ cycler.__init__.__globals__.os.system('touch ' ~ cookiecutter.marker) }}",
        },
        {"project_slug": "demo_app", "marker": "x"},
    )
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="sandbox") as raised:
        render_template(template, {"project_slug": "demo_app", "marker": str(marker)}, out)
    assert not isinstance(raised.value, RenderLimitExceeded)
    assert not marker.exists()
    assert list(out.iterdir()) == []  # a.txt, written before, is gone too


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ self.__init__.__globals__ }}",
        "{{ cookiecutter.__class__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ range.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__['os'] }}",
        "{{ ''|attr('__class__') }}",
        "{{ '{0.__class__}'.format('') }}",
    ],
)
def test_sandbox_refuses_internals(tmp_path, expression):
    template = make_template(tmp_path / "t", {"a.txt": expression})
    with pytest.raises(RenderError):
        render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("files", "context"),
    [
        ({"{{ cookiecutter.name }}/a.txt": "x"}, {"name": "../escape"}),
        ({"{{ cookiecutter.name }}/a.txt": "x"}, {"name": ".."}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "../escape"}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "/tmp/escape"}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "..\\escape"}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "a\x00b"}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "."}),
        ({"{{ cookiecutter.name }}/a.txt": "x"}, {"name": ""}),
        ({"{{ cookiecutter.name }}": "x"}, {"name": "x" * 300}),
    ],
)
def test_rendered_paths_stay_inside(tmp_path, files, context):
    template = make_template(tmp_path / "t", files, {"project_slug": "demo_app", "name": "x"})
    before = everything_under(tmp_path)
    # render_template does not validate the context: the path checks hold on their own.
    with pytest.raises(RenderError):
        render_template(template, {"project_slug": "demo_app", **context}, tmp_path / "out")
    assert everything_under(tmp_path) == before | {"out"}
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("slug", ["../../x", "/etc/passwd", "..", "", "a/b"])
def test_project_folder_name_stays_inside(tmp_path, slug):
    template = make_template(tmp_path / "t", {"a.txt": "x"})
    before = everything_under(tmp_path)
    with pytest.raises(RenderError):
        render_template(template, {"project_slug": slug}, tmp_path / "out")
    assert everything_under(tmp_path) == before | {"out"}


def test_existing_output_folder_is_refused(tmp_path):
    template = make_template(tmp_path / "t", {"a.txt": "new"})
    existing = tmp_path / "out" / "demo_app"
    existing.mkdir(parents=True)
    (existing / "a.txt").write_text("old")
    with pytest.raises(RenderError, match="already exists"):
        render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert (existing / "a.txt").read_text() == "old"
    existing.rename(tmp_path / "moved")
    (tmp_path / "out" / "demo_app").symlink_to(tmp_path / "moved")
    with pytest.raises(RenderError, match="already exists"):
        render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert (tmp_path / "moved" / "a.txt").read_text() == "old"


def test_two_files_rendering_to_one_path_is_an_error(tmp_path):
    template = make_template(
        tmp_path / "t",
        {"{{ cookiecutter.a }}.txt": "1", "{{ cookiecutter.b }}.txt": "2"},
        {"project_slug": "x"},
    )
    with pytest.raises(RenderError, match="same path"):
        render_template(template, {"project_slug": "demo_app", "a": "same", "b": "same"}, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_template_with_a_symlink_or_hooks_is_refused(tmp_path):
    linked = make_template(tmp_path / "linked", {"a.txt": "x"})
    (linked / PROJECT / "secret").symlink_to("/etc/passwd")
    with pytest.raises(TemplateDefinitionError):
        render_template(linked, {"project_slug": "demo_app"}, tmp_path / "out")
    hooked = make_template(tmp_path / "hooked", {"a.txt": "x"})
    (hooked / "hooks").mkdir()
    (hooked / "hooks" / "pre_gen_project.sh").write_text("touch /tmp/pwned")
    with pytest.raises(TemplateDefinitionError):
        render_template(hooked, {"project_slug": "demo_app"}, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything is written


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{{ cookiecutter.missing }}", "undefined"),
        ("{% if %}", "syntax error on line 1"),
        ("{{ 1 // 0 }}", "failed"),
        ("{% include 'nowhere.txt' %}", "failed"),
        ("{{ 'a' + 1 }}", "failed"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "failed"),
    ],
)
def test_template_errors_leave_nothing(tmp_path, content, match):
    template = make_template(tmp_path / "t", {"a.txt": "fine", "b/c.txt": "fine", "z.txt": content})
    with pytest.raises(RenderError, match=match) as raised:
        render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert "z.txt" in raised.value.message
    assert list((tmp_path / "out").iterdir()) == []


def test_include_reads_from_the_template_only(tmp_path):
    template = make_template(tmp_path / "t", {"a.txt": "{% include 'part.txt' %}!", "part.txt": "P"})
    result = render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert (result.root / "a.txt").read_text() == "P!"
    escape = make_template(tmp_path / "t2", {"a.txt": "{% include '../../../../etc/passwd' %}"})
    with pytest.raises(RenderError):
        render_template(escape, {"project_slug": "demo_app"}, tmp_path / "out2")


def test_no_cookiecutter_home_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    schema = load_schema(TEMPLATES / "pengaduan")
    render_template(TEMPLATES / "pengaduan", validate_context(schema, {}), tmp_path / "out")
    assert list((tmp_path / "home").iterdir()) == []


def test_real_template_with_a_custom_context(tmp_path):
    schema = load_schema(TEMPLATES / "perencanaan")
    context = validate_context(
        schema,
        {
            "project_slug": "eplanning_bontang",
            "region_name": "Kota Bontang",
            "region_code": "64.74",
            "fiscal_year": "2028",
            "rounds": "kecamatan-kabupaten",
            "allow_kelurahan": "no",
            "project_name": 'E-Planning "Bontang" <b>',
        },
    )
    result = render_template(TEMPLATES / "perencanaan", context, tmp_path / "out")
    region = (result.root / "config" / "region.py").read_text()
    assert 'REGION_CODE = "64.74"' in region
    assert "FISCAL_YEAR = 2028" in region
    assert 'ROUNDS_OPTION = "kecamatan-kabupaten"' in region
    assert "ALLOW_KELURAHAN = False" in region
    # tojson escapes quotes and HTML, so a name cannot break out of the Python string.
    assert 'PROJECT_NAME = "E-Planning \\"Bontang\\" \\u003cb\\u003e"' in region
    # _copy_without_render: the Django templates keep their own {{ }} untouched.
    base = result.root / "perencanaan" / "templates" / "base.html"
    source = TEMPLATES / "perencanaan" / PROJECT / "perencanaan" / "templates" / "base.html"
    assert base.read_bytes() == source.read_bytes()


# Limits -----------------------------------------------------------------------------------------------


def five_files(tmp_path, size=10):
    return make_template(tmp_path / "t", {f"f{i}.txt": "x" * size for i in range(5)})


def test_max_files(tmp_path):
    with pytest.raises(RenderLimitExceeded, match="more than 3 files") as raised:
        render_template(
            five_files(tmp_path),
            {"project_slug": "demo_app"},
            tmp_path / "out",
            limits=RenderLimits(max_files=3),
        )
    assert raised.value.limit == "max_files" and raised.value.reason == raised.value.message
    assert list((tmp_path / "out").iterdir()) == []
    result = render_template(
        five_files(tmp_path), {"project_slug": "demo_app"}, tmp_path / "out", limits=RenderLimits(max_files=5)
    )
    assert len(result.files) == 5


def test_max_bytes(tmp_path):
    with pytest.raises(RenderLimitExceeded) as raised:
        render_template(
            five_files(tmp_path, size=1000),
            {"project_slug": "demo_app"},
            tmp_path / "out",
            limits=RenderLimits(max_bytes=4500),
        )
    assert raised.value.limit == "max_bytes"
    assert list((tmp_path / "out").iterdir()) == []


def test_max_file_bytes_for_a_copied_file(tmp_path):
    template = make_template(tmp_path / "t", {"big.bin": b"\xff" * 5000})
    with pytest.raises(RenderLimitExceeded) as raised:
        render_template(
            template, {"project_slug": "demo_app"}, tmp_path / "out", limits=RenderLimits(max_file_bytes=4096)
        )
    assert raised.value.limit == "max_file_bytes"


BUILDS = "builds a value larger than"  # refused before the value is built
RENDERS = "renders to more than"  # stopped while the output streams


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{{ "x" * 10000000 }}', BUILDS),
        ('{{ 10000000 * "x" }}', BUILDS),
        ("{{ [0] * 10000000 }}", BUILDS),
        ("{% for i in range(100000) %}{{ 'xxxxxxxxxx' * 10 }}{% endfor %}", RENDERS),
        ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", RENDERS),
        ("{{ 'x'|center(1000000000) }}", BUILDS),
        ("{{ 'x'.center(1000000000) }}", BUILDS),
        ("{{ 'x'.ljust(1000000000) }}", BUILDS),
        ("{{ '%01000000000d' % 1 }}", BUILDS),
        ("{{ '%*d' % (1000000000, 1) }}", BUILDS),
        ("{{ '%01000000000d'|format(1) }}", BUILDS),
        ("{{ '{:>1000000000}'.format(1) }}", BUILDS),
        ("{{ '{:>{}}'.format(1, 1000000000) }}", BUILDS),
        ("{{ 10 ** 100000000 }}", BUILDS),
        ("{{ (['x' * 2000000] * 1000)|join }}", BUILDS),
        ("{{ ''.join(['x' * 2000000] * 1000) }}", BUILDS),
        ("{{ ('x' * 1000000)|replace('x', 'yyyyyy') }}", BUILDS),
        ("{{ ('x' * 1000000).replace('x', 'yyyyyy') }}", BUILDS),
        ("{{ ('x\n' * 1000000)|indent(100) }}", BUILDS),
        ("{{ ('\t' * 1000000).expandtabs(100) }}", BUILDS),
    ],
)
def test_one_file_cannot_blow_up(tmp_path, content, message):
    template = make_template(tmp_path / "t", {"a.txt": "fine", "big.txt": content})
    started = time.monotonic()
    with translation.override("en"), pytest.raises(RenderLimitExceeded, match=r"big\.txt") as raised:
        render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert raised.value.limit == "max_file_bytes"
    assert message in raised.value.reason
    assert time.monotonic() - started < 10
    assert list((tmp_path / "out").iterdir()) == []


def test_the_sandbox_still_allows_ordinary_expressions(tmp_path):
    content = (
        "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%05d' % 42 }} {{ '{:>4}'.format(7) }} {{ 'x'|center(5) }}|"
        "{{ ['a', 'b']|join(',') }} {{ 'a-b'.replace('-', '+') }} {{ range(3)|list }} {{ range(3)|length }} "
        "{{ 'a;b'.split(';')|join('/') }} {{ 7 % 3 }}"
    )
    template = make_template(tmp_path / "t", {"a.txt": content})
    result = render_template(template, {"project_slug": "demo_app"}, tmp_path / "out")
    assert (result.root / "a.txt").read_text() == "ababab 1024 00042    7   x  |a,b a+b [0, 1, 2] 3 a/b 1"


def test_max_seconds(tmp_path):
    with pytest.raises(RenderLimitExceeded, match="seconds") as raised:
        render_template(
            five_files(tmp_path),
            {"project_slug": "demo_app"},
            tmp_path / "out",
            limits=RenderLimits(max_seconds=0),
        )
    assert raised.value.limit == "max_seconds"
    assert list((tmp_path / "out").iterdir()) == []


def test_max_seconds_inside_one_file(tmp_path):
    # 10**10 iterations that print nothing: only the clock can stop them.
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    template = make_template(tmp_path / "t", {"a.txt": "fine", "slow.txt": loop})
    started = time.monotonic()
    with pytest.raises(RenderLimitExceeded) as raised:
        render_template(
            template, {"project_slug": "demo_app"}, tmp_path / "out", limits=RenderLimits(max_seconds=0.5)
        )
    assert raised.value.limit == "max_seconds"
    assert time.monotonic() - started < 5
    assert list((tmp_path / "out").iterdir()) == []


# Archives ---------------------------------------------------------------------------------------------


@pytest.fixture
def rendered(tmp_path):
    schema = load_schema(TEMPLATES / "pengaduan")
    return render_template(TEMPLATES / "pengaduan", validate_context(schema, {}), tmp_path / "out")


def test_archive_directory(tmp_path, rendered):
    (rendered.root / "empty").mkdir()
    metadata = json.dumps({"template": "pengaduan"}).encode()
    archive = tmp_path / "pengaduan.zip"
    info = archive_directory(rendered.root, archive, extra_files={".lumbung.json": metadata})

    assert info.size == archive.stat().st_size
    assert info.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert info.file_count == len(rendered.files) + 1
    assert not archive.with_name("pengaduan.zip.part").exists()
    check_archive(archive)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert sorted(name for name in names if not name.endswith("/")) == sorted(
            [f"pengaduan_semarang/{name}" for name in rendered.files] + ["pengaduan_semarang/.lumbung.json"]
        )
        assert "pengaduan_semarang/empty/" in names
        assert zipped.read("pengaduan_semarang/.lumbung.json") == metadata
        assert (
            zipped.read("pengaduan_semarang/config/region.py")
            == (rendered.root / "config" / "region.py").read_bytes()
        )
        assert all(item.compress_type == zipfile.ZIP_DEFLATED for item in zipped.infolist() if item.file_size)
        manage = zipped.getinfo("pengaduan_semarang/manage.py")
        assert (manage.external_attr >> 16) & stat.S_IXUSR
        assert zipped.testzip() is None

    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(extracted)
    assert (extracted / "pengaduan_semarang" / "README.md").read_bytes() == (
        rendered.root / "README.md"
    ).read_bytes()


def test_archive_directory_refuses(tmp_path, rendered):
    archive = tmp_path / "a.zip"
    for name in ["../x", "/etc/x", "a/../../x", "", "README.md"]:
        with pytest.raises(ArchiveError):
            archive_directory(rendered.root, archive, extra_files={name: b"x"})
    (rendered.root / "link").symlink_to("/etc/passwd")
    with pytest.raises(ArchiveError, match="symbolic link"):
        archive_directory(rendered.root, archive)
    assert not archive.exists() and not archive.with_name("a.zip.part").exists()


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x", "a//b"])
def test_check_archive_refuses_unsafe_names(tmp_path, name):
    archive = tmp_path / "crafted.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("project/ok.txt", "ok")
        zipped.writestr(zipfile.ZipInfo(name), "x")
    with pytest.raises(ArchiveError):
        check_archive(archive)


def test_check_archive_refuses_symlinks_and_garbage(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        link = zipfile.ZipInfo("project/passwd")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="symbolic link"):
        check_archive(archive)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError):
        check_archive(garbage)


def test_extract_archive_keeps_modes_so_a_snapshot_renders_the_same(tmp_path):
    # The snapshot path: template folder -> zip -> extracted folder -> render.
    snapshot = tmp_path / "snapshot.zip"
    archive_directory(TEMPLATES / "pengaduan", snapshot)
    extract_archive(snapshot, tmp_path / "extracted")
    extracted = tmp_path / "extracted" / "pengaduan"
    assert template_content_hash(extracted) == template_content_hash(TEMPLATES / "pengaduan")
    context = validate_context(load_schema(extracted), {})
    direct = render_template(TEMPLATES / "pengaduan", context, tmp_path / "direct")
    via_snapshot = render_template(extracted, context, tmp_path / "via")
    assert via_snapshot.files == direct.files
    for name in direct.files:
        ours, theirs = via_snapshot.root / name, direct.root / name
        assert ours.read_bytes() == theirs.read_bytes()
        assert ours.stat().st_mode == theirs.stat().st_mode, name
    assert os.access(via_snapshot.root / "manage.py", os.X_OK)


def test_extract_archive_refuses_unsafe_archives(tmp_path):
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(crafted, "w") as zipped:
        zipped.writestr("../escape.txt", "x")
    with pytest.raises(ArchiveError):
        extract_archive(crafted, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as zipped:
        zipped.writestr("p/a.txt", "1")
        with pytest.warns(UserWarning):
            zipped.writestr("p/a.txt", "2")
    with pytest.raises(ArchiveError):
        extract_archive(twice, tmp_path / "out2")


@pytest.mark.parametrize("slug", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_reserved_device_names_are_refused_as_project_slugs(pengaduan_schema, slug):
    # Windows cannot create (or unzip) a folder with these names, whatever its letters' case.
    assert field_errors(pengaduan_schema, {"project_slug": slug}) == {"project_slug": ["reserved_name"]}


def test_names_that_only_start_like_reserved_ones_are_fine(pengaduan_schema):
    for slug in ("con_batang", "auxiliary", "com10", "nullable"):
        assert validate_context(pengaduan_schema, {"project_slug": slug})["project_slug"] == slug
