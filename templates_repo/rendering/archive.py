"""Zip archives of rendered projects and template snapshots: writing, checking and extracting them.

No entry may be absolute, climb out with ``..`` or be a link, when written as when read. A fork's archive
is rendered and zipped in memory (`render_archive`): nothing of it touches the disk before it is stored.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from .render import RenderedTree, render_tree
from .sandbox import DEFAULT_LIMITS, RenderLimits


@dataclass(frozen=True)
class ArchiveInfo:
    size: int
    sha256: str
    file_count: int


class ArchiveError(Exception):
    """A zip archive would contain, or contains, an entry that is unsafe to extract."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


@dataclass(frozen=True)
class RenderedArchive:
    """A project rendered and zipped in memory: the zip's bytes, what `archive_directory` would say of
    it, and the rendered files (relative to the project folder, without the extra files)."""

    data: bytes
    info: ArchiveInfo
    files: list[str]
    total_bytes: int


def render_archive(
    template_dir: Path,
    context: Mapping[str, Any],
    *,
    limits: RenderLimits = DEFAULT_LIMITS,
    extra_files: Mapping[str, bytes] = MappingProxyType({}),
) -> RenderedArchive:
    """`render_template` then `archive_directory` with `extra_files`, the same files and checks, without
    writing the project or the zip to disk. Raises what both raise."""
    tree = render_tree(template_dir, context, limits=limits)
    data, info = zip_tree(tree, extra_files=extra_files)
    return RenderedArchive(data=data, info=info, files=sorted(tree.files), total_bytes=tree.total_bytes)


def zip_tree(
    tree: RenderedTree, *, extra_files: Mapping[str, bytes] = MappingProxyType({})
) -> tuple[bytes, ArchiveInfo]:
    """The zip `archive_directory` would write for the rendered project `tree` (every entry dated now)."""
    prefix = tree.root_name
    _check_member_name(prefix)
    members: dict[str, tuple[bytes, int]] = {}
    for relative, (data, mode) in tree.files.items():
        member = f"{prefix}/{relative}"
        _check_member_name(member)
        members[member] = (data, stat.S_IFREG | mode)
    for name, data in extra_files.items():
        member = f"{prefix}/{name}"
        _check_member_name(member)
        if member in members:
            raise ArchiveError(_("%(path)s is already in the folder.") % {"path": member})
        members[member] = (bytes(data), stat.S_IFREG | 0o644)
    folders = [f"{prefix}/{relative}/" for relative in tree.empty_dirs()]
    now = _zip_now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted([*members, *folders]):
            info = zipfile.ZipInfo(member, date_time=now)
            if member in members:
                data, mode = members[member]
                info.external_attr = mode << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
            else:
                info.external_attr = ((stat.S_IFDIR | 0o755) << 16) | 0x10  # 0x10: MS-DOS directory
                archive.writestr(info, b"")
    data = buffer.getvalue()
    return data, ArchiveInfo(size=len(data), sha256=hashlib.sha256(data).hexdigest(), file_count=len(members))


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
