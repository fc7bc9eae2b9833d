"""A template's cookiecutter.json read into a parameter schema, and the template folder checked.

Only literal defaults are accepted: a template that computes values, runs hooks, loads extensions or
contains a link is refused here, before anything is rendered (see the package docstring).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.utils.translation import gettext as _

ParameterType = Literal["string", "choice", "boolean", "integer"]

CONFIG_FILE = "cookiecutter.json"
INTEGER_MIN = -(10**12)
INTEGER_MAX = 10**12
_JINJA_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Private keys of cookiecutter.json that change how cookiecutter renders; anything else private is skipped.
_SUPPORTED_PRIVATE = frozenset({"_copy_without_render", "_new_lines", "__prompts__"})
_REFUSED_PRIVATE = frozenset({"_extensions", "_jinja2_env_vars"})
_CONFIG_MAX_BYTES = 1024 * 1024


class TemplateDefinitionError(Exception):
    """The template itself is not one Lumbung renders (bad cookiecutter.json, hooks, symlinks...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parameter:
    """One variable of a template's cookiecutter.json, as a form or the API offers it."""

    name: str
    type: ParameterType
    default: str | int | bool
    choices: tuple[str, ...] = ()
    label: str = ""
    help: str = ""


@dataclass(frozen=True)
class TemplateSpec:
    template_dir: Path
    project_dir: Path
    parameters: list[Parameter]
    copy_without_render: tuple[str, ...]
    new_lines: str | None


def load_schema(template_dir: Path) -> list[Parameter]:
    """The parameters of the template in `template_dir`, in cookiecutter.json order.

    Raises TemplateDefinitionError for anything this renderer refuses: dict variables, computed defaults
    (Jinja in a default), floats, a ``hooks/`` folder, ``_extensions`` or ``_jinja2_env_vars``, or a symlink
    anywhere.
    """
    return read_template(Path(template_dir)).parameters


def parameter_schema_json(schema: Sequence[Parameter]) -> list[dict[str, Any]]:
    """The schema as JSON-serializable dicts, for the API."""
    return [
        {
            "name": parameter.name,
            "type": parameter.type,
            "default": parameter.default,
            "choices": list(parameter.choices),
            "label": parameter.label,
            "help": parameter.help,
        }
        for parameter in schema
    ]


def template_content_hash(template_dir: Path) -> str:
    """A sha256 over the template's relative file paths and bytes, stable across machines and runs.

    Only content counts (not modification times), so the same template always gives the same hash.
    """
    template_dir = Path(template_dir)
    digest = hashlib.sha256()
    for relative in sorted(_scan_tree(template_dir)):
        data = (template_dir / relative).read_bytes()
        hash_file(digest, relative, len(data), [data])
    return digest.hexdigest()


def hash_file(digest: Any, relative: str, size: int, chunks: Iterable[bytes]) -> None:
    """Add one file to a content hash (files in sorted order of their relative paths): the one definition
    that `template_content_hash` and the renderer's compiled-template cache share."""
    digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(size.to_bytes(8, "big"))
    for chunk in chunks:
        digest.update(chunk)


def _scan_tree(template_dir: Path) -> list[str]:
    """Relative paths of every file under template_dir; TemplateDefinitionError on a link or special file."""
    if template_dir.is_symlink() or not template_dir.is_dir():
        raise TemplateDefinitionError(_("%(path)s is not a template folder.") % {"path": template_dir})

    def refuse(error: OSError) -> None:
        raise TemplateDefinitionError(_("The template cannot be read: %(error)s") % {"error": error})

    files = []
    for dirpath, dirnames, filenames in os.walk(template_dir, onerror=refuse):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, template_dir).replace(os.sep, "/")
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise TemplateDefinitionError(
                    _("The template contains a symbolic link (%(path)s); templates may not contain links.")
                    % {"path": relative}
                )
            if stat.S_ISREG(mode):
                files.append(relative)
            elif not stat.S_ISDIR(mode):
                raise TemplateDefinitionError(
                    _("%(path)s is neither a file nor a folder; templates contain only files and folders.")
                    % {"path": relative}
                )
    return files


def read_template(template_dir: Path, *, scanned: bool = False) -> TemplateSpec:
    """The template's spec; `scanned` when the caller has already refused links and special files in the
    whole folder (the renderer's `compiled.read_files` does)."""
    if not scanned:
        _scan_tree(template_dir)
    if os.path.lexists(template_dir / "hooks"):
        raise TemplateDefinitionError(
            _("The template has a hooks/ folder; Lumbung does not run template hooks.")
        )
    config_path = template_dir / CONFIG_FILE
    if not config_path.is_file() or config_path.stat().st_size > _CONFIG_MAX_BYTES:
        raise TemplateDefinitionError(_("The template has no readable cookiecutter.json."))
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TemplateDefinitionError(
            _("cookiecutter.json is not valid JSON: %(error)s") % {"error": exc}
        ) from exc
    if not isinstance(config, dict):
        raise TemplateDefinitionError(_("cookiecutter.json must be a JSON object."))

    prompts = config.get("__prompts__", {})
    if not isinstance(prompts, dict):
        raise TemplateDefinitionError(_("__prompts__ in cookiecutter.json must be an object."))
    parameters = []
    for name, raw in config.items():
        if name in _REFUSED_PRIVATE:
            raise TemplateDefinitionError(
                _("cookiecutter.json sets %(key)s, which Lumbung does not support.") % {"key": name}
            )
        if name.startswith("__") and name not in _SUPPORTED_PRIVATE:
            # Cookiecutter renders "__" variables as templates: they would be computed values.
            raise TemplateDefinitionError(
                _("cookiecutter.json computes the variable %(key)s; templates may not compute values.")
                % {"key": name}
            )
        if name.startswith("_"):
            continue
        parameters.append(_parameter(name, raw, prompts.get(name)))

    copy_without_render = config.get("_copy_without_render", [])
    if not isinstance(copy_without_render, list) or not all(isinstance(p, str) for p in copy_without_render):
        raise TemplateDefinitionError(
            _("_copy_without_render in cookiecutter.json must be a list of patterns.")
        )
    new_lines = config.get("_new_lines") or None
    if new_lines not in (None, "\n", "\r\n", "\r"):
        raise TemplateDefinitionError(_("_new_lines in cookiecutter.json must be a line ending."))

    # Cookiecutter takes the first entry whose name holds "cookiecutter", "{{" and "}}"; with no order
    # to os.listdir, more than one would make the choice arbitrary.
    candidates = sorted(
        entry
        for entry in os.listdir(template_dir)
        if "cookiecutter" in entry and "{{" in entry and "}}" in entry
    )
    if len(candidates) != 1 or not (template_dir / candidates[0]).is_dir():
        raise TemplateDefinitionError(
            _("The template needs exactly one project folder such as {{cookiecutter.project_slug}}.")
        )
    return TemplateSpec(
        template_dir=template_dir,
        project_dir=template_dir / candidates[0],
        parameters=parameters,
        copy_without_render=tuple(copy_without_render),
        new_lines=new_lines,
    )


def _parameter(name: str, raw: Any, prompt: Any) -> Parameter:
    if not _PARAMETER_NAME.fullmatch(name):
        raise TemplateDefinitionError(_("%(key)s is not a valid parameter name.") % {"key": name})
    label = name
    option_labels: dict[str, Any] = {}
    if isinstance(prompt, str):
        label = prompt
    elif isinstance(prompt, dict):
        label = str(prompt.get("__prompt__", name))
        option_labels = prompt

    def literal(value: str) -> str:
        if jinja_delimiter(value):
            raise TemplateDefinitionError(
                _("The default of %(key)s contains Jinja; defaults must be literal values.") % {"key": name}
            )
        return value

    if isinstance(raw, bool):
        return Parameter(name=name, type="boolean", default=raw, label=label)
    if isinstance(raw, int):
        if not INTEGER_MIN <= raw <= INTEGER_MAX:
            raise TemplateDefinitionError(_("The default of %(key)s is out of range.") % {"key": name})
        return Parameter(name=name, type="integer", default=raw, label=label)
    if isinstance(raw, str):
        return Parameter(name=name, type="string", default=literal(raw), label=label)
    if isinstance(raw, list):
        if not raw or not all(isinstance(choice, str) for choice in raw) or len(set(raw)) != len(raw):
            raise TemplateDefinitionError(
                _("The choices of %(key)s must be a non-empty list of distinct texts.") % {"key": name}
            )
        choices = tuple(literal(choice) for choice in raw)
        help_text = "; ".join(
            f"{choice}: {option_labels[choice]}"
            for choice in choices
            if isinstance(option_labels.get(choice), str)
        )
        return Parameter(
            name=name, type="choice", default=choices[0], choices=choices, label=label, help=help_text
        )
    if isinstance(raw, float):
        raise TemplateDefinitionError(
            _("The default of %(key)s is a decimal number; use a whole number.") % {"key": name}
        )
    if isinstance(raw, dict):
        raise TemplateDefinitionError(
            _("%(key)s is a dictionary variable, which Lumbung does not support.") % {"key": name}
        )
    raise TemplateDefinitionError(_("The default of %(key)s has an unsupported type.") % {"key": name})


def jinja_delimiter(value: str) -> str:
    return next((delimiter for delimiter in _JINJA_DELIMITERS if delimiter in value), "")
