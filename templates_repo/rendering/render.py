"""The renderer: a template folder and a validated context into a project, as cookiecutter would make it.

The project is rendered in memory first (`render_tree`): every path component rendered and checked on its
own, limits counted as it grows. `render_template` then writes it into a new folder (every file created,
never overwritten, never through a link, inside the output folder; a failed render leaves nothing behind);
`archive.render_archive` zips it without touching the disk. Jinja compiles each version's files once per
process (`compiled`).
"""

from __future__ import annotations

import fnmatch
import io
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from django.utils.translation import gettext as _

from . import compiled
from .sandbox import DEFAULT_LIMITS, Budget, GuardedSandbox, RenderError, RenderLimits
from .schema import TemplateSpec, read_template

_NAME_MAX_BYTES = 255


@dataclass(frozen=True)
class RenderResult:
    root: Path
    files: list[str]
    total_bytes: int


@dataclass
class RenderedTree:
    """A rendered project in memory: its folder's name, its files (path relative to that folder ->
    bytes and permission bits) and its folders (relative paths)."""

    root_name: str
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    total_bytes: int = 0

    def empty_dirs(self) -> list[str]:
        """The folders with nothing in them (what a zip of the folder lists as folder entries)."""
        parents = {path.rpartition("/")[0] for path in (*self.files, *self.dirs)}
        return sorted(self.dirs - parents)


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
    spec, source = _read(Path(template_dir), limits)  # a template refused leaves not even `out_dir` behind
    out_root = Path(out_dir)
    out_root.mkdir(parents=True, exist_ok=True)
    out_root = out_root.resolve(strict=True)
    tree = _render(spec, source, context, budget)
    root = out_root / tree.root_name
    if os.path.lexists(root):
        raise RenderError(_("The output folder %(name)s already exists.") % {"name": tree.root_name})
    os.mkdir(root)
    try:
        _write_tree(tree, root, out_root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return RenderResult(root=root, files=sorted(tree.files), total_bytes=tree.total_bytes)


def render_tree(
    template_dir: Path, context: Mapping[str, Any], *, limits: RenderLimits = DEFAULT_LIMITS
) -> RenderedTree:
    """The project `render_template` would write, in memory (same rendering, checks and limits)."""
    budget = Budget(limits)
    return _render(*_read(Path(template_dir), limits), context, budget)


def _read(template_dir: Path, limits: RenderLimits) -> tuple[TemplateSpec, compiled.TemplateFiles]:
    source = compiled.read_files(template_dir, max_file_bytes=limits.max_file_bytes)
    return read_template(template_dir, scanned=True), source


def _render(
    spec: TemplateSpec, source: compiled.TemplateFiles, context: Mapping[str, Any], budget: Budget
) -> RenderedTree:
    environment = GuardedSandbox(
        budget, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    project = spec.project_dir.name
    cache = compiled.CACHE
    loader = compiled.VersionLoader(
        source, (project, "templates"), cache.version(source.content_hash, environment.compile_key()), cache
    )
    environment.loader = loader
    renderer = _Renderer(spec, source, environment, loader, dict(context), budget)
    root_name = renderer.render_name(project, project)
    if not root_name:
        raise RenderError(_("The project folder name renders empty."))
    renderer.tree.root_name = root_name
    renderer.render_dir(project, "", "", root_name)
    renderer.tree.total_bytes = budget.bytes
    return renderer.tree


@dataclass
class _Renderer:
    spec: TemplateSpec
    source: compiled.TemplateFiles
    environment: GuardedSandbox
    loader: compiled.VersionLoader
    values: dict[str, Any]
    budget: Budget
    tree: RenderedTree = field(default_factory=lambda: RenderedTree(""))

    def render_dir(self, source: str, relative: str, destination: str, shown: str) -> None:
        """Render the folder `source` (at `relative` in the project template) into `destination`."""
        for entry, is_dir in self.source.children[source]:
            self.budget.check_time()
            entry_source = f"{source}/{entry}"
            entry_relative = f"{relative}/{entry}" if relative else entry
            copy_only = self._copy_only(entry_relative)
            name = self.render_name(entry, f"{shown}/{entry}")
            if is_dir:
                if not name:
                    raise RenderError(
                        _("The folder name %(path)s renders empty.") % {"path": f"{shown}/{entry}"}
                    )
                child = self._make_dir(destination, name)
                if copy_only:
                    self._copy_dir(entry_source, child)
                else:
                    self.render_dir(entry_source, entry_relative, child, f"{shown}/{name}")
            elif name:  # a file whose name renders empty is skipped, as in cookiecutter
                self._render_file(entry_source, entry_relative, _join(destination, name), copy_only)

    def render_name(self, raw: str, shown: str) -> str:
        """One rendered path component ("" for an empty name); RenderError if it is unsafe."""
        self.budget.current = shown
        if "{" in raw:
            name = self._render(
                lambda: self.loader.name_template(self.environment, raw).render(cookiecutter=self.values)
            )
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

    def _render_file(self, source: str, relative: str, destination: str, copy_only: bool) -> None:
        self.budget.current = self._shown(destination)
        file = self.source.files[source]
        self.budget.check_file_size(file.size)
        data = self.source.read(source)
        if not copy_only and b"\0" not in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass  # binary: copied as it is, like cookiecutter's binaryornot check
            else:
                data = self._render_text(relative, data)
        self._write(destination, data, file.mode)

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

    def _copy_dir(self, source: str, destination: str) -> None:
        """Copy a _copy_without_render folder: names and contents as they are, like shutil.copytree."""
        for entry, is_dir in self.source.children[source]:
            self.budget.check_time()
            if _unsafe_component(entry):
                message = _("%(name)r is not a safe file or folder name.")
                raise RenderError(message % {"name": entry[:100]})
            if is_dir:
                self._copy_dir(f"{source}/{entry}", self._make_dir(destination, entry))
            else:
                target = _join(destination, entry)
                self.budget.current = self._shown(target)
                file = self.source.files[f"{source}/{entry}"]
                self.budget.check_file_size(file.size)
                self._write(target, self.source.read(f"{source}/{entry}"), file.mode)

    def _make_dir(self, parent: str, name: str) -> str:
        if not name or _unsafe_component(name):
            raise RenderError(_("%(name)r is not a safe folder name.") % {"name": name[:100]})
        path = _join(parent, name)
        if path in self.tree.dirs or path in self.tree.files:
            raise RenderError(
                _("Two template folders render to the same path %(path)s.") % {"path": self._shown(path)}
            )
        self.tree.dirs.add(path)
        return path

    def _write(self, path: str, data: bytes, source_mode: int) -> None:
        self.budget.add_file(len(data))
        if path in self.tree.files or path in self.tree.dirs:
            raise RenderError(
                _("Two template files render to the same path %(path)s.") % {"path": self._shown(path)}
            )
        # Cookiecutter copies the template file's mode (shutil.copymode); special bits are dropped.
        self.tree.files[path] = (data, source_mode & 0o777)

    def _shown(self, path: str) -> str:
        return f"{self.tree.root_name}/{path}"


def _write_tree(tree: RenderedTree, root: Path, out_root: Path) -> None:
    """Write a rendered project into the new, empty folder `root` (inside `out_root`)."""
    for relative in sorted(tree.dirs):  # a folder sorts before what it holds
        path = root / relative
        _check_inside(path, out_root)
        os.mkdir(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for relative, (data, mode) in tree.files.items():
        path = root / relative
        _check_inside(path, out_root)
        descriptor = os.open(path, flags, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)


def _check_inside(path: Path, out_root: Path) -> None:
    # Components are already checked; resolving the parent also catches a symlink swapped in meanwhile.
    if not path.parent.resolve().is_relative_to(out_root) or path.is_symlink():
        raise RenderError(_("%(path)s would be written outside the output folder.") % {"path": path.name})


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


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
