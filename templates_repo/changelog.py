"""A template's CHANGELOG.md: one section per version, newest first, each under a heading
``## Versi <number> — <date>`` (or ``## Version <number> ...``). The section of a version goes with it
when `sync_templates` records it; the changelog between two versions is their sections in between."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

FILE_NAME = "CHANGELOG.md"
_HEADING = re.compile(r"^##[ \t]+(?:Versi|Version)[ \t]+(\d+)\b[^\n]*$", re.MULTILINE | re.IGNORECASE)


def changelog_sections(text: str) -> dict[int, str]:
    """{version number: the section's text without its heading}; a number given twice keeps the first."""
    headings = list(_HEADING.finditer(text))
    sections: dict[int, str] = {}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(text)
        sections.setdefault(int(heading.group(1)), text[heading.end() : end].strip())
    return sections


def parameter_changes(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> dict:
    """What a version changed in the parameter schema against the previous one, by name: added, removed,
    and changed (type, default, choices, label or help differ), each as a sorted list of names."""
    before = {parameter["name"]: dict(parameter) for parameter in old}
    after = {parameter["name"]: dict(parameter) for parameter in new}
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(name for name in before.keys() & after.keys() if before[name] != after[name]),
    }
