"""Reading a publiccode.yml upload: UTF-8, at most PUBLICCODE_MAX_BYTES, YAML within yaml_loader's bounds,
a mapping; and the errors of a document, by key path."""

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from ..yaml_loader import YAMLLimitError, bounded_load
from .vocabulary import PUBLICCODE_MAX_BYTES


class PathErrors:
    """Messages collected by key path, raised together as one ValidationError."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def document_error(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def load(text: str | bytes) -> dict:
    if isinstance(text, bytes):
        if len(text) > PUBLICCODE_MAX_BYTES:
            raise _too_large()
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise document_error(_("The file is not UTF-8 text.")) from exc
    if not isinstance(text, str):
        raise document_error(_("The document must be text."))
    if len(text) > PUBLICCODE_MAX_BYTES or len(text.encode("utf-8")) > PUBLICCODE_MAX_BYTES:
        raise _too_large()
    try:
        doc = bounded_load(text.removeprefix("\ufeff"))
    except YAMLLimitError as exc:
        mark = exc.problem_mark
        message = _("Line %(line)d, column %(column)d: %(problem)s") % {
            "line": mark.line + 1,
            "column": mark.column + 1,
            "problem": exc.message,
        }
        raise document_error(message) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            message = _("The file is not valid YAML (line %(line)d, column %(column)d): %(problem)s.") % {
                "line": mark.line + 1,
                "column": mark.column + 1,
                "problem": problem,
            }
        else:
            message = _("The file is not valid YAML: %(problem)s.") % {"problem": problem}
        raise document_error(message) from exc
    if not isinstance(doc, dict):
        raise document_error(_("A publiccode.yml document must be a mapping of keys to values."))
    return doc


def _too_large() -> ValidationError:
    return document_error(
        _("The document is larger than %(max)d KB.") % {"max": PUBLICCODE_MAX_BYTES // 1024}
    )
