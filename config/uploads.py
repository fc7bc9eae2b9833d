"""Uploaded files: stored under names the site makes, served only by views that check who may see them.

An upload's own name is never kept: it may say `.html` for a PDF/HTML polyglot, or `../`. Stored files
are never served from MEDIA_URL; a view answers with the type the site checked, as an attachment for
documents, with `nosniff` and a sandboxing policy so that no browser runs anything found in them.
"""

import datetime
import posixpath
import re
import uuid

from django import forms
from django.db import transaction
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

IMAGE_TYPES = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "WEBP": ("webp", "image/webp")}
# For a file opened directly: nothing may run, load or be framed.
FILE_CSP = "default-src 'none'; sandbox"
# The base name of a stored file whose name the site made.
GENERATED = re.compile(r"[0-9a-f]{32}\.[a-z]+")


@deconstructible
class GeneratedName:
    """`upload_to` giving `<folder><uuid>.<extension>`; the folder may hold strftime codes ("mous/%Y/")."""

    def __init__(self, folder: str, extension: str):
        self.folder = folder
        self.extension = extension

    def __call__(self, instance, filename: str) -> str:
        return f"{_folder(self.folder)}{uuid.uuid4().hex}.{self.extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and vars(self) == vars(other)


@deconstructible
class GeneratedImageName:
    """`upload_to` giving `<folder><uuid>.<png|jpg|webp>`, the extension of the format found by decoding."""

    def __init__(self, folder: str, field: str):
        self.folder = folder
        self.field = field

    def __call__(self, instance, filename: str) -> str:
        extension, _type = image_type(getattr(instance, self.field))
        return f"{_folder(self.folder)}{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedImageName) and vars(self) == vars(other)


def _folder(pattern: str) -> str:
    return datetime.datetime.now().strftime(pattern)


def rename_stored_files(queryset, field: str, extension_of) -> int:
    """Give each file of `queryset` still stored under its uploader's name a generated one, in the same
    folder: for data migrations. The old file is removed once the transaction commits; a row whose file
    is missing from storage is left as it is. `extension_of(opened file)` says the extension."""
    renamed = 0
    for obj in queryset.exclude(**{field: ""}).iterator():
        file = getattr(obj, field)
        old, storage = file.name, file.storage
        if GENERATED.fullmatch(posixpath.basename(old)) or not storage.exists(old):
            continue
        with storage.open(old, "rb") as source:
            extension = extension_of(source)
            source.seek(0)
            new = storage.save(f"{posixpath.dirname(old)}/{uuid.uuid4().hex}.{extension}", source)
        type(obj)._default_manager.filter(pk=obj.pk).update(**{field: new})
        transaction.on_commit(lambda old=old, storage=storage: storage.delete(old))
        renamed += 1
    return renamed


def image_type(file) -> tuple[str, str]:
    """(extension, content type) of an image of an accepted format; ("bin", octet-stream) otherwise."""
    from PIL import Image, UnidentifiedImageError

    try:
        file.seek(0)
        with Image.open(file) as image:
            found = image.format
    except (UnidentifiedImageError, OSError, ValueError):
        found = None
    finally:
        file.seek(0)
    return IMAGE_TYPES.get(found, ("bin", "application/octet-stream"))


def file_response(file, *, content_type: str, filename: str, as_attachment: bool = True) -> FileResponse:
    """Stream a stored file with the type the site checked, never one guessed from its name or bytes."""
    response = FileResponse(
        file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


class _ServedFile:
    """A stored file as the admin's file input shows it: its name, linked to the view that serves it."""

    def __init__(self, file, url: str):
        self.name, self.url = file.name, url

    def __str__(self) -> str:
        return self.name


class ServedFileInput(forms.ClearableFileInput):
    """The admin's file input, linking the current file to `url_for(instance)` instead of MEDIA_URL
    (which serves nothing)."""

    def __init__(self, url_for, attrs=None):
        super().__init__(attrs)
        self.url_for = url_for

    def format_value(self, value):
        value = super().format_value(value)
        instance = getattr(value, "instance", None)
        if value and instance is not None and instance.pk is not None:
            return _ServedFile(value, self.url_for(instance))
        return value
