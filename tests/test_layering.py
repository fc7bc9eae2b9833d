"""The dependency direction registry <- catalog <- replication <- templates_repo: a lower app imports
nothing of a higher one (a higher app adds to a lower app's page through registry.panels instead)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("registry", "catalog", "replication", "templates_repo")


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_a_lower_app_imports_nothing_of_a_higher_one(app):
    higher = LAYERS[LAYERS.index(app) + 1 :]
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, module in _imported_modules(path)
        if module.split(".")[0] in higher
    ]
    assert not found, f"{app} must not import {', '.join(higher)}:\n" + "\n".join(found)
