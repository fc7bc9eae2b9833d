"""The files Lumbung adds to every copy besides the template's: `lumbung_update.py` (what `make
lumbung-update` runs). A copy's manifest lists those it was given (`tools`), so that its render can be
repeated byte for byte when it is updated; a tool's file never changes once shipped (a new one gets a
new name)."""

from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parent.parent / "copy_tools"
TOOLS = {"lumbung_update.py": (TOOLS_DIR / "lumbung_update.py").read_bytes()}


def tool_files(metadata: dict) -> dict[str, bytes]:
    """The tools a copy with this `.lumbung.json` holds (none for copies made before there were any)."""
    return {name: TOOLS[name] for name in metadata.get("tools", ()) if name in TOOLS}
