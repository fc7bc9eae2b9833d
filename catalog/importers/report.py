"""What an import did, or why it did nothing; also stored as JSON on a background ImportJob."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.models import Region

from .columns import column_label


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong type, too large, bad columns...)."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: per-row errors `{row: {field: [messages]}}`."""

    region: Region | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    def error_items(self) -> list[tuple[int, str, str]]:
        """(row number, column, message) for every row error, in file order."""
        items = []
        for number in sorted(self.errors):
            for name, messages in self.errors[number].items():
                items.extend((number, column_label(name), message) for message in messages)
        return items

    def summary(self) -> str:
        params = {
            "region": self.region.name if self.region else "",
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.file_errors:
            return _("Nothing was saved: the file cannot be imported.")
        if self.errors:
            return ngettext(
                "Nothing was saved: %(count)d of %(rows)d rows has errors.",
                "Nothing was saved: %(count)d of %(rows)d rows have errors.",
                len(self.errors),
            ) % {"count": len(self.errors), "rows": self.rows}
        if self.dry_run:
            return (
                _(
                    "Check only, nothing saved. %(region)s: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged."
                )
                % params
            )
        return _("%(region)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % params

    def text_lines(self) -> list[str]:
        """The report as plain text lines: file errors, then row errors row by row, then a summary."""
        lines = [_("File: %(message)s") % {"message": message} for message in self.file_errors]
        for number, column, message in self.error_items():
            if column:
                lines.append(
                    _("Row %(row)d, %(column)s: %(message)s")
                    % {"row": number, "column": column, "message": message}
                )
            else:
                lines.append(_("Row %(row)d: %(message)s") % {"row": number, "message": message})
        lines.append(self.summary())
        return lines

    def to_json(self) -> dict:
        """The report without its region, as stored on an ImportJob (JSON keys are strings)."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": {str(number): errors for number, errors in self.errors.items()},
            "file_errors": list(self.file_errors),
        }

    @classmethod
    def from_json(cls, data: dict, *, region: Region | None = None) -> "ImportReport":
        return cls(
            region=region,
            rows=data.get("rows", 0),
            created=data.get("created", 0),
            updated=data.get("updated", 0),
            unchanged=data.get("unchanged", 0),
            dry_run=data.get("dry_run", False),
            errors={int(number): errors for number, errors in (data.get("errors") or {}).items()},
            file_errors=list(data.get("file_errors") or ()),
        )
