"""The safe cookiecutter renderer of the template library.

Lumbung never calls cookiecutter's own machinery to generate a project. Cookiecutter 2.7.1 renders every
context value as a Jinja template in an unsandboxed environment (a value such as
``{{ cycler.__init__.__globals__.os.system('id') }}`` runs a shell command), lets a slug like ``../../x``
or an absolute path write outside the output folder, and keeps a shared replay folder in the home
directory. This module reads the same template layout (``cookiecutter.json`` and a
``{{cookiecutter.project_slug}}/`` folder) and produces the same files as
``cookiecutter <template> --no-input`` for the same context, but:

- context values are validated data, never templates: they cannot contain Jinja delimiters at all;
- file names and contents are rendered in Jinja's ``SandboxedEnvironment``;
- every output path is checked component by component and stays inside the output folder; no symlink is
  followed or created;
- files, bytes, the size of one file and the time spent are limited;
- nothing is written to ``~/.cookiecutters`` or ``~/.cookiecutter_replay``: there is no replay at all.

The deliberate differences from cookiecutter are listed in the docstring of :func:`render_template`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import stat
import string
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import jinja2
import pathvalidate
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from jinja2 import filters as jinja_filters
from jinja2.sandbox import SandboxedEnvironment, safe_range

ParameterType = Literal["string", "choice", "boolean", "integer"]

CONFIG_FILE = "cookiecutter.json"
INTEGER_MIN = -(10**12)
INTEGER_MAX = 10**12
# Parameters whose text may be longer than `max_length` (a list of agencies separated by semicolons).
LONG_TEXT_LIMITS: Mapping[str, int] = MappingProxyType({"agencies": 2000})

_JINJA_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")
# Unicode bidirectional embeddings, overrides and isolates ("Trojan Source"): invisible, and able to make
# generated code read differently from what runs.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SLUG = re.compile(r"[a-z][a-z0-9_]{2,39}")
_REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2})?")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
# The words cookiecutter's yes/no prompt accepts.
_TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})
# Private keys of cookiecutter.json that change how cookiecutter renders; anything else private is skipped.
_SUPPORTED_PRIVATE = frozenset({"_copy_without_render", "_new_lines", "__prompts__"})
_REFUSED_PRIVATE = frozenset({"_extensions", "_jinja2_env_vars"})
_CONFIG_MAX_BYTES = 1024 * 1024
_NAME_MAX_BYTES = 255
_WIDTH_SPEC = re.compile(r"[0-9]+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|[0-9]+)?(?:\.(\*|[0-9]+))?")


class TemplateError(Exception):
    """The template itself is not one Lumbung renders (bad cookiecutter.json, hooks, symlinks...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RenderError(Exception):
    """Rendering failed; nothing of the project is left on disk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RenderLimitExceeded(RenderError):
    """A render limit was reached; `limit` names it (a field of RenderLimits) for callers and tests."""

    def __init__(self, reason: str, *, limit: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class RenderCancelled(RenderError):
    """The caller asked the render to stop (its `RenderLimits.should_stop` answered true)."""


class ArchiveError(Exception):
    """A zip archive would contain, or contains, an entry that is unsafe to extract."""

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
class RenderLimits:
    max_files: int = 500
    max_bytes: int = 20 * 1024 * 1024
    max_seconds: float = 60.0
    # One file: bounds the memory a single template (or a single expression in it) can take.
    max_file_bytes: int = 2 * 1024 * 1024
    # Asked as often as the clock: true stops the render (a fork whose worker lost its lease).
    should_stop: Callable[[], bool] | None = field(default=None, compare=False)


DEFAULT_LIMITS = RenderLimits()


@dataclass(frozen=True)
class RenderResult:
    root: Path
    files: list[str]
    total_bytes: int


@dataclass(frozen=True)
class ArchiveInfo:
    size: int
    sha256: str
    file_count: int


@dataclass(frozen=True)
class _TemplateSpec:
    template_dir: Path
    project_dir: Path
    parameters: list[Parameter]
    copy_without_render: tuple[str, ...]
    new_lines: str | None


# Schema -----------------------------------------------------------------------------------------------


def load_schema(template_dir: Path) -> list[Parameter]:
    """The parameters of the template in `template_dir`, in cookiecutter.json order.

    Raises TemplateError for anything this renderer refuses: dict variables, computed defaults (Jinja in a
    default), floats, a ``hooks/`` folder, ``_extensions`` or ``_jinja2_env_vars``, or a symlink anywhere.
    """
    return _read_template(Path(template_dir)).parameters


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
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _scan_tree(template_dir: Path) -> list[str]:
    """Relative paths of every file under template_dir; TemplateError on a symlink or a special file."""
    if template_dir.is_symlink() or not template_dir.is_dir():
        raise TemplateError(_("%(path)s is not a template folder.") % {"path": template_dir})

    def refuse(error: OSError) -> None:
        raise TemplateError(_("The template cannot be read: %(error)s") % {"error": error})

    files = []
    for dirpath, dirnames, filenames in os.walk(template_dir, onerror=refuse):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, template_dir).replace(os.sep, "/")
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise TemplateError(
                    _("The template contains a symbolic link (%(path)s); templates may not contain links.")
                    % {"path": relative}
                )
            if stat.S_ISREG(mode):
                files.append(relative)
            elif not stat.S_ISDIR(mode):
                raise TemplateError(
                    _("%(path)s is neither a file nor a folder; templates contain only files and folders.")
                    % {"path": relative}
                )
    return files


def _read_template(template_dir: Path) -> _TemplateSpec:
    _scan_tree(template_dir)
    if os.path.lexists(template_dir / "hooks"):
        raise TemplateError(_("The template has a hooks/ folder; Lumbung does not run template hooks."))
    config_path = template_dir / CONFIG_FILE
    if not config_path.is_file() or config_path.stat().st_size > _CONFIG_MAX_BYTES:
        raise TemplateError(_("The template has no readable cookiecutter.json."))
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TemplateError(_("cookiecutter.json is not valid JSON: %(error)s") % {"error": exc}) from exc
    if not isinstance(config, dict):
        raise TemplateError(_("cookiecutter.json must be a JSON object."))

    prompts = config.get("__prompts__", {})
    if not isinstance(prompts, dict):
        raise TemplateError(_("__prompts__ in cookiecutter.json must be an object."))
    parameters = []
    for name, raw in config.items():
        if name in _REFUSED_PRIVATE:
            raise TemplateError(
                _("cookiecutter.json sets %(key)s, which Lumbung does not support.") % {"key": name}
            )
        if name.startswith("__") and name not in _SUPPORTED_PRIVATE:
            # Cookiecutter renders "__" variables as templates: they would be computed values.
            raise TemplateError(
                _("cookiecutter.json computes the variable %(key)s; templates may not compute values.")
                % {"key": name}
            )
        if name.startswith("_"):
            continue
        parameters.append(_parameter(name, raw, prompts.get(name)))

    copy_without_render = config.get("_copy_without_render", [])
    if not isinstance(copy_without_render, list) or not all(isinstance(p, str) for p in copy_without_render):
        raise TemplateError(_("_copy_without_render in cookiecutter.json must be a list of patterns."))
    new_lines = config.get("_new_lines") or None
    if new_lines not in (None, "\n", "\r\n", "\r"):
        raise TemplateError(_("_new_lines in cookiecutter.json must be a line ending."))

    # Cookiecutter takes the first entry whose name holds "cookiecutter", "{{" and "}}"; with no order
    # to os.listdir, more than one would make the choice arbitrary.
    candidates = sorted(
        entry
        for entry in os.listdir(template_dir)
        if "cookiecutter" in entry and "{{" in entry and "}}" in entry
    )
    if len(candidates) != 1 or not (template_dir / candidates[0]).is_dir():
        raise TemplateError(
            _("The template needs exactly one project folder such as {{cookiecutter.project_slug}}.")
        )
    return _TemplateSpec(
        template_dir=template_dir,
        project_dir=template_dir / candidates[0],
        parameters=parameters,
        copy_without_render=tuple(copy_without_render),
        new_lines=new_lines,
    )


def _parameter(name: str, raw: Any, prompt: Any) -> Parameter:
    if not _PARAMETER_NAME.fullmatch(name):
        raise TemplateError(_("%(key)s is not a valid parameter name.") % {"key": name})
    label = name
    option_labels: dict[str, Any] = {}
    if isinstance(prompt, str):
        label = prompt
    elif isinstance(prompt, dict):
        label = str(prompt.get("__prompt__", name))
        option_labels = prompt

    def literal(value: str) -> str:
        if _jinja_delimiter(value):
            raise TemplateError(
                _("The default of %(key)s contains Jinja; defaults must be literal values.") % {"key": name}
            )
        return value

    if isinstance(raw, bool):
        return Parameter(name=name, type="boolean", default=raw, label=label)
    if isinstance(raw, int):
        if not INTEGER_MIN <= raw <= INTEGER_MAX:
            raise TemplateError(_("The default of %(key)s is out of range.") % {"key": name})
        return Parameter(name=name, type="integer", default=raw, label=label)
    if isinstance(raw, str):
        return Parameter(name=name, type="string", default=literal(raw), label=label)
    if isinstance(raw, list):
        if not raw or not all(isinstance(choice, str) for choice in raw) or len(set(raw)) != len(raw):
            raise TemplateError(
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
        raise TemplateError(
            _("The default of %(key)s is a decimal number; use a whole number.") % {"key": name}
        )
    if isinstance(raw, dict):
        raise TemplateError(
            _("%(key)s is a dictionary variable, which Lumbung does not support.") % {"key": name}
        )
    raise TemplateError(_("The default of %(key)s has an unsupported type.") % {"key": name})


# Context validation -----------------------------------------------------------------------------------


def validate_context(
    schema: Sequence[Parameter], context: Mapping[str, Any], *, max_length: int = 200
) -> dict[str, Any]:
    """The full context for `schema` (defaults filled in, values coerced), or ValidationError by field.

    Integers accept whole numbers and their text ("24"); booleans accept true/false and the words
    cookiecutter's yes/no prompt takes (yes/no, y/n, on/off, 1/0). No value may contain Jinja delimiters,
    control characters (line breaks and tabs included), invalid Unicode or bidirectional overrides: values
    reach generated source code, and must stay plain data.
    """
    if not isinstance(context, Mapping):
        raise ValidationError({NON_FIELD_ERRORS: [_("The parameters must be a mapping of names to values.")]})
    known = {parameter.name for parameter in schema}
    errors: dict[str, list[ValidationError]] = {}
    for key in context:
        if key not in known:
            errors[str(key)[:100]] = [
                ValidationError(_("This template has no parameter with this name."), code="unknown")
            ]
    cleaned: dict[str, Any] = {}
    for parameter in schema:
        value = context.get(parameter.name, parameter.default)
        limit = max(max_length, LONG_TEXT_LIMITS.get(parameter.name, 0))
        try:
            cleaned[parameter.name] = _clean_value(parameter, value, limit)
        except ValidationError as exc:
            errors[parameter.name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(parameter: Parameter, value: Any, max_length: int) -> Any:
    if value is None:
        raise ValidationError(_("A value is required."), code="null")
    if isinstance(value, str):
        if len(value) > max_length:
            raise ValidationError(
                _("At most %(limit)d characters are allowed (this has %(length)d)."),
                code="max_length",
                params={"limit": max_length, "length": len(value)},
            )
        _check_plain_text(value)
    elif not isinstance(value, bool | int | float):
        # Lists, dicts and other objects: their str() is not a value anyone meant to type.
        raise ValidationError(_("This must be a single value, not a list or an object."), code="invalid_type")

    if parameter.type == "integer":
        return _clean_integer(value)
    if parameter.type == "boolean":
        return _clean_boolean(value)
    if not isinstance(value, str):
        raise ValidationError(_("This must be text."), code="invalid_type")
    if parameter.type == "choice":
        if value not in parameter.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s."),
                code="invalid_choice",
                params={"choices": ", ".join(parameter.choices)},
            )
        return value
    if not value.strip():
        raise ValidationError(_("This cannot be empty."), code="blank")
    if parameter.name == "project_slug" and not _SLUG.fullmatch(value):
        raise ValidationError(
            _("Use 3 to 40 characters: lowercase letters, digits and underscores, starting with a letter."),
            code="invalid_slug",
        )
    if parameter.name == "project_slug" and not pathvalidate.is_valid_filename(value, platform="universal"):
        # The project folder: con, nul, aux, com1... cannot be created (or unzipped) on Windows.
        raise ValidationError(
            _("“%(slug)s” is a reserved name on some operating systems; choose another."),
            code="reserved_name",
            params={"slug": value},
        )
    if parameter.name == "region_code" and not _REGION_CODE.fullmatch(value):
        raise ValidationError(
            _("Enter a Kemendagri region code: 33 for a province, 33.74 for a regency or city."),
            code="invalid_region_code",
        )
    if parameter.name.endswith("_color") and not _COLOR.fullmatch(value):
        raise ValidationError(_("Enter a colour as #rrggbb, for example #1f4e79."), code="invalid_color")
    return value


def _check_plain_text(value: str) -> None:
    found = _jinja_delimiter(value)
    if found:
        raise ValidationError(
            _("“%(delimiter)s” is a template delimiter and is not allowed in values."),
            code="template_delimiter",
            params={"delimiter": found},
        )
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            raise ValidationError(
                _("Control characters (line breaks, tabs, NUL...) are not allowed in values."),
                code="control_character",
            )
        if category == "Cs" or char in _BIDI_CONTROLS:
            raise ValidationError(
                _("Invalid or direction-changing Unicode characters are not allowed in values."),
                code="unsafe_character",
            )


def _jinja_delimiter(value: str) -> str:
    return next((delimiter for delimiter in _JINJA_DELIMITERS if delimiter in value), "")


def _clean_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."), code="invalid_integer")
    if isinstance(value, float):
        raise ValidationError(_("Enter a whole number, without decimals."), code="invalid_integer")
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER_TEXT.fullmatch(text):
            raise ValidationError(_("Enter a whole number."), code="invalid_integer")
        value = int(text)
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise ValidationError(
            _("Enter a number between %(min)s and %(max)s."),
            code="out_of_range",
            params={"min": f"{INTEGER_MIN:,}", "max": f"{INTEGER_MAX:,}"},
        )
    return value


def _clean_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValidationError(_("Enter true or false (or yes or no)."), code="invalid_boolean")


# Rendering --------------------------------------------------------------------------------------------


class _Budget:
    """Counts what a render has written and how long it has run; raises RenderLimitExceeded past a limit."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.files = 0
        self.bytes = 0
        self.current = ""

    def check_time(self) -> None:
        if self.limits.should_stop is not None and self.limits.should_stop():
            raise RenderCancelled(_("The render was stopped: this worker no longer holds the fork."))
        if time.monotonic() > self.deadline:
            raise RenderLimitExceeded(
                _("Rendering took longer than the limit of %(seconds)s seconds.")
                % {"seconds": f"{self.limits.max_seconds:g}"},
                limit="max_seconds",
            )

    def check_file_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise RenderLimitExceeded(
                _("%(path)s renders to more than %(limit)s, the limit for one file.")
                % {"path": self.current, "limit": filesizeformat(self.limits.max_file_bytes)},
                limit="max_file_bytes",
            )

    def check_value_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise RenderLimitExceeded(
                _("%(path)s builds a value larger than %(limit)s, the limit for one file.")
                % {"path": self.current, "limit": filesizeformat(self.limits.max_file_bytes)},
                limit="max_file_bytes",
            )

    def add_file(self, size: int) -> None:
        self.check_time()
        self.check_file_size(size)
        if self.files + 1 > self.limits.max_files:
            raise RenderLimitExceeded(
                _("The project has more than %(limit)d files, the limit for one render.")
                % {"limit": self.limits.max_files},
                limit="max_files",
            )
        if self.bytes + size > self.limits.max_bytes:
            raise RenderLimitExceeded(
                _("The project is larger than %(limit)s, the limit for one render.")
                % {"limit": filesizeformat(self.limits.max_bytes)},
                limit="max_bytes",
            )
        self.files += 1
        self.bytes += size


class _TimedRange(Sequence):
    """range() for templates that checks the clock while a loop runs, even a loop that prints nothing."""

    def __init__(self, numbers: range, budget: _Budget) -> None:
        self._numbers = numbers
        self._budget = budget

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index):
        item = self._numbers[index]
        return _TimedRange(item, self._budget) if isinstance(item, range) else item

    def __iter__(self) -> Iterator[int]:
        for position, number in enumerate(self._numbers):
            if not position % 1024:
                self._budget.check_time()
            yield number

    def __contains__(self, value: object) -> bool:
        return value in self._numbers

    def __str__(self) -> str:
        return str(self._numbers)

    __repr__ = __str__


class _GuardedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus size and time checks on the ways one expression can build a huge value.

    The sandbox stops attribute tricks (``__globals__``...), but happily evaluates ``"x" * 10**10``.
    String repetition, powers, %-formatting, str.format widths, padding and the joining filters are
    checked before they allocate; every call and operator also checks the clock. This bounds the usual
    cases, not every conceivable one: a template that loops without output or calls (or doubles a string
    with ``~`` in a loop) is only stopped by the worker's own time and memory limits.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, budget: _Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.globals.pop("lipsum", None)  # n paragraphs of any size, and useless in project templates
        self.globals["range"] = lambda *args: _TimedRange(safe_range(*args), budget)
        self.filters.update(
            center=self._filter_center,
            indent=self._filter_indent,
            format=self._filter_format,
            join=self._filter_join,
            replace=self._filter_replace,
            # Cookiecutter's own filter, kept for templates that serialize values.
            jsonify=lambda value, indent=4: json.dumps(value, sort_keys=True, indent=indent),
        )

    # Operators and calls.

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.check_time()
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | bytes | list | tuple) and isinstance(count, int):
                    self.budget.check_value_size(len(sequence) * count)
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                self.budget.check_value_size(right * abs(left).bit_length() // 3)
        elif operator == "%" and isinstance(left, str):
            self._check_percent_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.budget.check_time()
        target = getattr(obj, "__wrapped__", obj)
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            args = self._check_str_method(owner, getattr(target, "__name__", ""), args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        if isinstance(result, str | bytes | list | tuple):
            self.budget.check_value_size(len(result))
        return result

    def _check_str_method(self, text: str, name: str, args: tuple, kwargs: dict) -> tuple:
        first = args[0] if args else next(iter(kwargs.values()), None)
        if name in {"center", "ljust", "rjust", "zfill"} and isinstance(first, int):
            self.budget.check_value_size(first)
        elif name == "expandtabs":
            tab_size = first if isinstance(first, int) else 8
            self.budget.check_value_size(len(text) + text.count("\t") * tab_size)
        elif name == "replace" and len(args) >= 2:
            self._check_replace(text, args[0], args[1], args[2] if len(args) > 2 else None)
        elif name == "join" and args:
            items = list(args[0])
            self._check_join(text, items)
            args = (items, *args[1:])
        elif name in {"format", "format_map"}:
            self._check_format_widths(text, (*args, *kwargs.values()))
        return args

    def _check_format_widths(self, text: str, arguments: Sequence[Any]) -> None:
        for _literal, _field, spec, _conversion in string.Formatter().parse(text):
            for digits in _WIDTH_SPEC.findall(spec or ""):
                self.budget.check_value_size(int(digits))
        for argument in arguments:
            if isinstance(argument, int) and not isinstance(argument, bool):
                # A nested width ("{:{}}") comes from the arguments.
                self.budget.check_value_size(argument)

    def _check_percent_format(self, text: str, arguments: Any) -> None:
        for match in _PERCENT_SPEC.finditer(text):
            for part in match.groups():
                if part and part != "*":
                    self.budget.check_value_size(int(part))
                elif part == "*":
                    values = arguments if isinstance(arguments, tuple) else (arguments,)
                    for value in values:
                        if isinstance(value, int):
                            self.budget.check_value_size(value)

    def _check_replace(self, text: Any, old: Any, new: Any, count: Any) -> None:
        text, old, new = str(text), str(old), str(new)
        if len(new) > len(old):
            occurrences = text.count(old) if old else len(text) + 1
            if isinstance(count, int) and count >= 0:
                occurrences = min(occurrences, count)
            self.budget.check_value_size(len(text) + occurrences * (len(new) - len(old)))

    def _check_join(self, separator: Any, items: list) -> None:
        size = len(str(separator)) * max(len(items) - 1, 0)
        for item in items:
            size += len(item) if isinstance(item, str) else len(str(item))
            self.budget.check_value_size(size)

    # Filters that can grow a value, checked before they run.

    def _filter_center(self, value: Any, width: int = 80) -> str:
        if isinstance(width, int):
            self.budget.check_value_size(width)
        return jinja_filters.do_center(value, width)

    def _filter_indent(
        self, value: Any, width: int | str = 4, first: bool = False, blank: bool = False
    ) -> str:
        text = str(value)
        pad = width if isinstance(width, int) else len(str(width))
        self.budget.check_value_size(len(text) + (text.count("\n") + 1) * pad)
        return jinja_filters.do_indent(text, width, first, blank)

    def _filter_format(self, value: Any, *args: Any, **kwargs: Any) -> str:
        self._check_percent_format(str(value), tuple(kwargs.values()) or args)
        return jinja_filters.do_format(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def _filter_join(self, eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        if attribute is None:
            self._check_join(d, items)
        result = jinja_filters.do_join(eval_ctx, items, d, attribute)
        self.budget.check_value_size(len(result))
        return result

    @jinja2.pass_eval_context
    def _filter_replace(self, eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> str:
        self._check_replace(s, old, new, count)
        return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def render_template(
    template_dir: Path,
    context: Mapping[str, Any],
    out_dir: Path,
    *,
    limits: RenderLimits = DEFAULT_LIMITS,
) -> RenderResult:
    """Render the template into a new folder under `out_dir`, as ``cookiecutter --no-input`` would.

    `context` must come from :func:`validate_context` (its values are passed to templates unchanged as
    the variable ``cookiecutter``). Like cookiecutter: file and folder names and text files are rendered
    with ``keep_trailing_newline``; paths matching ``_copy_without_render`` (relative to the project
    folder, with fnmatch) are copied as they are (a matching folder keeps the names inside it unrendered);
    a file whose name renders empty is skipped; each text file is written with the line ending of its
    first line (or ``_new_lines``); permission bits, the executable bit included, are copied from the
    template file. Files that are not UTF-8 (or contain NUL) are copied, not rendered.

    Unlike cookiecutter: names are rendered one path component at a time and each must be non-empty, not
    ``.``/``..`` and free of ``/``, ``\\`` and NUL; setuid/setgid/sticky bits are dropped; two files
    rendering to the same path is an error, not an overwrite; hooks, extensions, ``lipsum`` and the
    random/uuid/time/slugify extensions are not available (``jsonify`` is); nothing is written outside
    `out_dir`, and no replay file is written anywhere (``~/.cookiecutter_replay`` and ``~/.cookiecutters``
    are never touched).

    Raises TemplateError for a template this renderer refuses, RenderError for a template that fails
    (sandbox violation, undefined variable, syntax error, unsafe path, existing output folder) and
    RenderLimitExceeded past a limit. On any error, the project folder is removed.
    """
    budget = _Budget(limits)
    spec = _read_template(Path(template_dir))
    values = dict(context)
    environment = _GuardedSandbox(
        budget,
        loader=jinja2.FileSystemLoader([spec.project_dir, spec.template_dir / "templates"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    out_root = Path(out_dir)
    out_root.mkdir(parents=True, exist_ok=True)
    out_root = out_root.resolve(strict=True)
    renderer = _Renderer(spec, environment, values, budget, out_root)
    root_name = renderer.render_name(spec.project_dir.name, spec.project_dir.name)
    if not root_name:
        raise RenderError(_("The project folder name renders empty."))
    root = out_root / root_name
    if os.path.lexists(root):
        raise RenderError(_("The output folder %(name)s already exists.") % {"name": root_name})
    os.mkdir(root)
    try:
        renderer.render_dir(spec.project_dir, "", root, root_name)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return RenderResult(root=root, files=sorted(renderer.written), total_bytes=budget.bytes)


@dataclass
class _Renderer:
    spec: _TemplateSpec
    environment: _GuardedSandbox
    values: dict[str, Any]
    budget: _Budget
    out_root: Path
    written: list[str] = field(default_factory=list)

    def render_dir(self, source: Path, relative: str, destination: Path, shown: str) -> None:
        """Render the folder `source` (at `relative` in the project template) into `destination`."""
        for entry in sorted(os.scandir(source), key=lambda item: item.name):
            self.budget.check_time()
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            copy_only = self._copy_only(entry_relative)
            name = self.render_name(entry.name, f"{shown}/{entry.name}")
            if entry.is_dir(follow_symlinks=False):
                if not name:
                    raise RenderError(
                        _("The folder name %(path)s renders empty.") % {"path": f"{shown}/{entry.name}"}
                    )
                child = self._make_dir(destination, name)
                if copy_only:
                    self._copy_dir(Path(entry.path), child, f"{shown}/{name}")
                else:
                    self.render_dir(Path(entry.path), entry_relative, child, f"{shown}/{name}")
            elif name:  # a file whose name renders empty is skipped, as in cookiecutter
                self._render_file(Path(entry.path), entry_relative, destination, name, copy_only)

    def render_name(self, raw: str, shown: str) -> str:
        """One rendered path component ("" for an empty name); RenderError if it is unsafe."""
        self.budget.current = shown
        if "{" in raw:
            name = self._render(lambda: self.environment.from_string(raw).render(cookiecutter=self.values))
        else:
            name = raw  # nothing to render: Jinja would return it unchanged
        if name and _unsafe_component(name):
            raise RenderError(
                _("The name %(path)s renders to %(name)r, which is not a safe file or folder name.")
                % {"path": shown, "name": name[:100]}
            )
        return name

    def _copy_only(self, relative: str) -> bool:
        # fnmatch, as cookiecutter does: "*" also matches "/", so "app/templates/*" covers the whole tree.
        return any(fnmatch.fnmatch(relative, pattern) for pattern in self.spec.copy_without_render)

    def _render_file(self, source: Path, relative: str, folder: Path, name: str, copy_only: bool) -> None:
        destination = folder / name
        shown = self._shown(destination)
        self.budget.current = shown
        info = os.lstat(source)
        self.budget.check_file_size(info.st_size)
        data = source.read_bytes()
        if not copy_only and b"\0" not in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass  # binary: copied as it is, like cookiecutter's binaryornot check
            else:
                data = self._render_text(relative, data)
        self._write(destination, data, info.st_mode)

    def _render_text(self, relative: str, data: bytes) -> bytes:
        template = self._render(lambda: self.environment.get_template(relative))
        rendered = b"".join(self._render(lambda: list(self._stream(template))))
        newline = self.spec.new_lines or _first_newline(data)
        if newline in ("\r\n", "\r"):
            rendered = rendered.replace(b"\n", newline.encode())
        self.budget.check_file_size(len(rendered))
        return rendered

    def _stream(self, template: jinja2.Template) -> Iterator[bytes]:
        # Streaming keeps a runaway loop from growing a string past the limit before we look at it.
        size = 0
        for piece in template.generate(cookiecutter=self.values):
            encoded = piece.encode("utf-8")
            size += len(encoded)
            self.budget.check_file_size(size)
            self.budget.check_time()
            yield encoded

    def _render(self, produce: Callable[[], Any]) -> Any:
        shown = self.budget.current
        try:
            return produce()
        except RenderError:
            raise
        except jinja2.exceptions.SecurityError as exc:
            raise RenderError(
                _("%(path)s tried something the template sandbox does not allow: %(error)s")
                % {"path": shown, "error": exc}
            ) from exc
        except jinja2.exceptions.UndefinedError as exc:
            raise RenderError(
                _("%(path)s uses an undefined value: %(error)s") % {"path": shown, "error": exc}
            ) from exc
        except jinja2.exceptions.TemplateSyntaxError as exc:
            raise RenderError(
                _("%(path)s has a template syntax error on line %(line)s: %(error)s")
                % {"path": shown, "line": exc.lineno, "error": exc.message}
            ) from exc
        except (jinja2.exceptions.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                RecursionError, MemoryError, UnicodeError) as exc:  # fmt: skip
            raise RenderError(
                _("Rendering %(path)s failed: %(error)s") % {"path": shown, "error": exc}
            ) from exc

    def _copy_dir(self, source: Path, destination: Path, shown: str) -> None:
        """Copy a _copy_without_render folder: names and contents as they are, like shutil.copytree."""
        for entry in sorted(os.scandir(source), key=lambda item: item.name):
            self.budget.check_time()
            if _unsafe_component(entry.name):
                message = _("%(name)r is not a safe file or folder name.")
                raise RenderError(message % {"name": entry.name[:100]})
            if entry.is_dir(follow_symlinks=False):
                child = self._make_dir(destination, entry.name)
                self._copy_dir(Path(entry.path), child, f"{shown}/{entry.name}")
            else:
                target = destination / entry.name
                self.budget.current = self._shown(target)
                info = os.lstat(entry.path)
                self.budget.check_file_size(info.st_size)
                self._write(target, Path(entry.path).read_bytes(), info.st_mode)

    def _make_dir(self, parent: Path, name: str) -> Path:
        if not name or _unsafe_component(name):
            raise RenderError(_("%(name)r is not a safe folder name.") % {"name": name[:100]})
        path = parent / name
        self._check_inside(path)
        try:
            os.mkdir(path)
        except FileExistsError as exc:
            raise RenderError(
                _("Two template folders render to the same path %(path)s.") % {"path": self._shown(path)}
            ) from exc
        return path

    def _write(self, path: Path, data: bytes, source_mode: int) -> None:
        self.budget.add_file(len(data))
        self._check_inside(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            descriptor = os.open(path, flags, 0o600)
        except FileExistsError as exc:
            raise RenderError(
                _("Two template files render to the same path %(path)s.") % {"path": self._shown(path)}
            ) from exc
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            # Cookiecutter copies the template file's mode (shutil.copymode); special bits are dropped.
            os.fchmod(handle.fileno(), stat.S_IMODE(source_mode) & 0o777)
        self.written.append(self._shown(path).split("/", 1)[1])

    def _check_inside(self, path: Path) -> None:
        # Components are already checked; resolving the parent also catches a symlink swapped in meanwhile.
        if not path.parent.resolve().is_relative_to(self.out_root) or path.is_symlink():
            raise RenderError(_("%(path)s would be written outside the output folder.") % {"path": path.name})

    def _shown(self, path: Path) -> str:
        return path.relative_to(self.out_root).as_posix()


def _unsafe_component(name: str) -> bool:
    return (
        name in {"", ".", ".."}
        or any(char in name for char in "/\\\0")
        or len(name.encode("utf-8", "surrogateescape")) > _NAME_MAX_BYTES
    )


def _first_newline(data: bytes) -> str | None:
    """The newline cookiecutter writes a rendered file with: what Python sees reading its first line."""
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8") as reader:
        reader.readline()
        newlines = reader.newlines
    return newlines[0] if isinstance(newlines, tuple) else newlines


# Archives ---------------------------------------------------------------------------------------------


def _zip_now() -> tuple[int, ...]:
    # Zip timestamps carry no time zone. UTC never lies in the future for anyone unzipping in Indonesia
    # (UTC+7..+9) or on a UTC server, where a local WIB time would (make then warns of clock skew).
    return time.gmtime()[:6]


def archive_directory(
    root: Path, archive_path: Path, *, extra_files: Mapping[str, bytes] = MappingProxyType({})
) -> ArchiveInfo:
    """Zip `root` (deflated) as ``<root.name>/<relative path>`` entries, plus `extra_files` in that folder.

    Refuses symlinks and special files in `root`, and any entry name that is absolute or has a ``..``
    component. Permission bits are stored, so executable files stay executable when unzipped. The archive
    is written next to `archive_path` and moved into place when complete.
    """
    root = Path(root)
    archive_path = Path(archive_path)
    if root.is_symlink() or not root.is_dir():
        raise ArchiveError(_("%(path)s is not a folder.") % {"path": root.name})
    prefix = root.name
    _check_member_name(prefix)

    def refuse(error: OSError) -> None:
        raise ArchiveError(_("The folder cannot be read: %(error)s") % {"error": error})

    files: dict[str, Path] = {}
    empty_dirs: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=refuse):
        relative_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        base = prefix if relative_dir == "." else f"{prefix}/{relative_dir}"
        if not dirnames and not filenames and relative_dir != ".":
            empty_dirs.append(f"{base}/")
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise ArchiveError(
                    _("%(path)s is a symbolic link; archives may not contain links.")
                    % {"path": f"{base}/{name}"}
                )
            if stat.S_ISREG(mode):
                files[f"{base}/{name}"] = path
            elif not stat.S_ISDIR(mode):
                raise ArchiveError(_("%(path)s is not a regular file.") % {"path": f"{base}/{name}"})
    extras: dict[str, bytes] = {}
    for name, data in extra_files.items():
        member = f"{prefix}/{name}"
        _check_member_name(member)
        if member in files or member in extras:
            raise ArchiveError(_("%(path)s is already in the folder.") % {"path": member})
        extras[member] = bytes(data)
    for member in files:
        _check_member_name(member)

    partial = archive_path.with_name(f"{archive_path.name}.part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, strict_timestamps=False) as archive:
            for member in sorted([*files, *extras, *empty_dirs]):
                if member in files:
                    source = files[member]
                    info = zipfile.ZipInfo.from_file(source, member, strict_timestamps=False)
                    info.date_time = max((1980, 1, 1, 0, 0, 0), time.gmtime(os.stat(source).st_mtime)[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with open(source, "rb") as reader, archive.open(info, "w") as writer:
                        shutil.copyfileobj(reader, writer, 1 << 20)
                elif member in extras:
                    info = zipfile.ZipInfo(member, date_time=_zip_now())
                    info.external_attr = (stat.S_IFREG | 0o644) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, extras[member])
                else:
                    info = zipfile.ZipInfo(member, date_time=_zip_now())
                    info.external_attr = ((stat.S_IFDIR | 0o755) << 16) | 0x10  # 0x10: MS-DOS directory
                    archive.writestr(info, b"")
        os.replace(partial, archive_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with archive_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return ArchiveInfo(
        size=archive_path.stat().st_size, sha256=digest.hexdigest(), file_count=len(files) + len(extras)
    )


def check_archive(archive_path: Path) -> None:
    """Raise ArchiveError if the zip has an absolute entry, a ``..`` component or a symlink entry."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for info in archive.infolist():
                _check_member_name(info.filename.removesuffix("/") if info.is_dir() else info.filename)
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise ArchiveError(
                        _("The archive entry %(name)s is a symbolic link.") % {"name": info.filename[:200]}
                    )
    except zipfile.BadZipFile as exc:
        raise ArchiveError(_("The file is not a valid zip archive.")) from exc


def extract_archive(archive_path: Path, destination: Path) -> None:
    """Extract a zip into `destination` after check_archive, keeping the files' permission bits.

    zipfile's own extractall() drops permissions, so a template snapshot extracted with it renders a
    ``manage.py`` that is no longer executable (cookiecutter keeps the bit). Files are created, never
    overwritten, and never through a symlink.
    """
    check_archive(archive_path)
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    base = destination.resolve(strict=True)
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            target = base.joinpath(*info.filename.rstrip("/").split("/"))
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.parent.resolve().is_relative_to(base):
                raise ArchiveError(
                    _("The archive entry %(name)s is not safe.") % {"name": info.filename[:200]}
                )
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                descriptor = os.open(target, flags, 0o600)
            except FileExistsError as exc:
                raise ArchiveError(
                    _("The archive has %(name)s twice.") % {"name": info.filename[:200]}
                ) from exc
            with os.fdopen(descriptor, "wb") as handle, archive.open(info) as source:
                shutil.copyfileobj(source, handle, 1024 * 1024)
                os.fchmod(handle.fileno(), (info.external_attr >> 16) & 0o777 or 0o644)


def _check_member_name(name: str) -> None:
    parts = re.split(r"[/\\]", name)
    if (
        not name
        or "\0" in name
        or name.startswith(("/", "\\"))
        or re.match(r"[A-Za-z]:", name)
        or any(part in {"", ".", ".."} for part in parts)
    ):
        raise ArchiveError(_("The archive entry name %(name)r is not safe.") % {"name": name[:200]})
