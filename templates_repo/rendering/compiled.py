"""A template's files read once per render, and the code Jinja compiles them to kept once per process.

A version never changes, so compiling its files again for every fork is wasted work (for pengaduan, 46 ms
of a 75 ms render, against 2 ms to run the code). What is kept is Python code only, per template name (a
file, or an include) and per path-name text, under a key of two parts:

- the content hash of the files the render reads (the sha256 of `template_content_hash`, so the same as
  the version's `TemplateVersion.content_hash`): computed here from the bytes being rendered, never taken
  from a caller, so two versions of a template, which differ in some byte, never share compiled code;
- the sandbox's settings (`GuardedSandbox.compile_key`): class, syntax, intercepted operators, filters.

Each render still builds its own `GuardedSandbox` with its own budget and runs the code in it
(`Template.from_code`), so every filter, call, operator and loop goes through that render's sandbox and
limits, as when it compiled the code itself. The store is bounded: the least recently used versions go
first, past `MAX_VERSIONS` versions or `MAX_SOURCE_CHARS` characters of compiled source.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from django.utils.translation import gettext as _
from jinja2.loaders import split_template_path

from .sandbox import GuardedSandbox
from .schema import TemplateDefinitionError, hash_file

# A version of the library's templates compiles about 210,000 characters of source into about 0.8 MB of
# code: 16 such versions hold some 13 MB per process; the bound on characters caps a larger template.
MAX_VERSIONS = 16
MAX_SOURCE_CHARS = 8 * 1024 * 1024
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    mode: int
    size: int
    data: bytes | None  # None: larger than one file may be, so never held whole (the render refuses it)


@dataclass(frozen=True)
class TemplateFiles:
    """Every file of a template folder, read once: by path relative to the folder (``/``-separated)."""

    root: Path
    files: dict[str, SourceFile]
    children: dict[str, tuple[tuple[str, bool], ...]]  # folder ("" for the root) -> (name, is a folder)
    content_hash: str

    def read(self, relative: str) -> bytes:
        data = self.files[relative].data
        if data is None:
            with _open(self.root / relative) as handle:
                data = handle.read()
        return data


def read_files(template_dir: Path, *, max_file_bytes: int) -> TemplateFiles:
    """Read the folder and hash it; TemplateDefinitionError on a link or a special file anywhere (the
    checks of `schema.read_template`, which then need not walk the folder again). Files larger than
    `max_file_bytes` are hashed as they stream and not kept."""
    root = Path(template_dir)
    if root.is_symlink() or not root.is_dir():
        raise TemplateDefinitionError(_("%(path)s is not a template folder.") % {"path": root})
    files: dict[str, SourceFile] = {}
    children: dict[str, tuple[tuple[str, bool], ...]] = {}

    def walk(folder: str) -> None:
        entries = []
        try:
            listing = sorted(os.scandir(root / folder if folder else root), key=lambda item: item.name)
        except OSError as exc:
            raise TemplateDefinitionError(
                _("The template cannot be read: %(error)s") % {"error": exc}
            ) from exc
        for entry in listing:
            relative = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_symlink():
                raise TemplateDefinitionError(
                    _("The template contains a symbolic link (%(path)s); templates may not contain links.")
                    % {"path": relative}
                )
            if entry.is_dir(follow_symlinks=False):
                entries.append((entry.name, True))
                walk(relative)
            elif entry.is_file(follow_symlinks=False):
                entries.append((entry.name, False))
                with _open(entry.path) as handle:
                    info = os.fstat(handle.fileno())
                    data = handle.read() if info.st_size <= max_file_bytes else None
                size = info.st_size if data is None else len(data)
                files[relative] = SourceFile(mode=info.st_mode, size=size, data=data)
            else:
                raise TemplateDefinitionError(
                    _("%(path)s is neither a file nor a folder; templates contain only files and folders.")
                    % {"path": relative}
                )
        children[folder] = tuple(entries)

    walk("")
    digest = hashlib.sha256()
    for relative in sorted(files):
        source = files[relative]
        chunks = [source.data] if source.data is not None else _chunks(root / relative)
        hash_file(digest, relative, source.size, chunks)
    return TemplateFiles(root=root, files=files, children=children, content_hash=digest.hexdigest())


def _open(path: Any):
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise TemplateDefinitionError(_("The template cannot be read: %(error)s") % {"error": exc}) from exc
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise TemplateDefinitionError(_("The template cannot be read: %(error)s") % {"error": path})
    return os.fdopen(descriptor, "rb")


def _chunks(path: Path) -> Iterator[bytes]:
    with _open(path) as handle:
        yield from iter(lambda: handle.read(_CHUNK), b"")


@dataclass(eq=False)
class CompiledVersion:
    """The code compiled for one version under one sandbox: by template name, and by path-name text."""

    key: tuple[str, tuple]
    files: dict[str, CodeType] = field(default_factory=dict)
    names: dict[str, CodeType] = field(default_factory=dict)
    chars: int = 0


class CompiledCache:
    """Per process, least recently used versions evicted first; safe to share between threads."""

    def __init__(self, *, max_versions: int = MAX_VERSIONS, max_source_chars: int = MAX_SOURCE_CHARS) -> None:
        self.max_versions = max_versions
        self.max_source_chars = max_source_chars
        self._versions: OrderedDict[tuple[str, tuple], CompiledVersion] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def version(self, content_hash: str, compile_key: tuple) -> CompiledVersion:
        key = (content_hash, compile_key)
        with self._lock:
            version = self._versions.get(key)
            if version is None:
                version = self._versions[key] = CompiledVersion(key)
            self._versions.move_to_end(key)
            self._evict(keep=version)
            return version

    def store(self, version: CompiledVersion, table: MutableMapping[str, CodeType], name: str,
              code: CodeType, chars: int) -> None:  # fmt: skip
        with self._lock:
            if self._versions.get(version.key) is not version:
                return  # evicted while it rendered: nothing to keep it for
            table[name] = code
            version.chars += chars
            self._chars += chars
            self._evict(keep=version)
            if self._chars > self.max_source_chars:  # this version alone is past the bound
                del table[name]
                version.chars -= chars
                self._chars -= chars

    def _evict(self, *, keep: CompiledVersion) -> None:
        while len(self._versions) > self.max_versions or self._chars > self.max_source_chars:
            oldest = next(iter(self._versions.values()))
            if oldest is keep:
                break
            del self._versions[oldest.key]
            self._chars -= oldest.chars

    def clear(self) -> None:
        with self._lock:
            self._versions.clear()
            self._chars = 0

    def snapshot(self) -> dict[tuple[str, tuple], CompiledVersion]:
        """The versions kept, oldest first (for tests and diagnostics)."""
        with self._lock:
            return dict(self._versions)


CACHE = CompiledCache()


class VersionLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader over the files already read (same search order and name checks), with
    the compiled code of each template kept in `version`."""

    def __init__(self, source: TemplateFiles, search: tuple[str, ...], version: CompiledVersion,
                 cache: CompiledCache) -> None:  # fmt: skip
        self.source = source
        self.search = search
        self.compiled = version
        self.cache = cache

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, None]:
        pieces = split_template_path(template)
        for base in self.search:
            relative = "/".join((base, *pieces))
            if pieces and relative in self.source.files:
                break
        else:
            raise jinja2.TemplateNotFound(template)
        if isinstance(environment, GuardedSandbox):
            environment.budget.check_file_size(self.source.files[relative].size)
        data = self.source.read(relative)
        # As FileSystemLoader reads it: UTF-8 text with universal newlines.
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"), relative, None

    def load(self, environment: jinja2.Environment, name: str, globals: Any = None) -> jinja2.Template:
        code = self.compiled.files.get(name)
        if code is None:
            source, filename, _uptodate = self.get_source(environment, name)
            code = environment.compile(source, name, filename)
            self.cache.store(self.compiled, self.compiled.files, name, code, len(source))
        globals = environment.make_globals(None) if globals is None else globals
        return environment.template_class.from_code(environment, code, globals, None)

    def name_template(self, environment: jinja2.Environment, raw: str) -> jinja2.Template:
        """`environment.from_string(raw)`, for a file or folder name, compiled once per version."""
        code = self.compiled.names.get(raw)
        if code is None:
            code = environment.compile(raw)
            self.cache.store(self.compiled, self.compiled.names, raw, code, len(raw))
        return environment.template_class.from_code(environment, code, environment.make_globals(None), None)
