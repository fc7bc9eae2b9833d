"""The renderer: a template folder and a validated context into a project folder, as cookiecutter would.

Every path component is rendered and checked on its own, every file is created (never overwritten, never
through a link) inside the output folder, and a failed render leaves nothing behind.
"""

from __future__ import annotations

import fnmatch
import io
import os
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from django.utils.translation import gettext as _

from .sandbox import DEFAULT_LIMITS, Budget, GuardedSandbox, RenderError, RenderLimits
from .schema import TemplateSpec, read_template

_NAME_MAX_BYTES = 255


@dataclass(frozen=True)
class RenderResult:
    root: Path
    files: list[str]
    total_bytes: int


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

    Raises TemplateDefinitionError for a template this renderer refuses, RenderError for a template that
    fails (sandbox violation, undefined variable, syntax error, unsafe path, existing output folder) and
    RenderLimitExceeded past a limit. On any error, the project folder is removed.
    """
    budget = Budget(limits)
    spec = read_template(Path(template_dir))
    values = dict(context)
    environment = GuardedSandbox(
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
    spec: TemplateSpec
    environment: GuardedSandbox
    values: dict[str, Any]
    budget: Budget
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
