"""The parts written to be read stay readable: no function or method over 60 lines.

Covers the reference (``reference/``), the oracle (``spec/semantics/``, ``spec/model.py``) and the
law catalogue (``spec/laws/``).  A function's length is counted from its ``def`` (decorators
excluded) to its last line, docstring and comments included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60
CHECKED = ("reference", "spec/semantics", "spec/laws", "spec/model.py")


def _sources(part: str) -> list[Path]:
    path = ROOT / part
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def long_functions(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line name (N lines)`` for every function of ``path`` longer than ``LIMIT``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > LIMIT:
                where = path.relative_to(root)
                out.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return out


@pytest.mark.parametrize("part", CHECKED)
def test_no_function_over_the_limit(part: str) -> None:
    found = [line for path in _sources(part) for line in long_functions(path)]
    assert found == [], f"functions over {LIMIT} lines: {found}"


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    source = tmp_path / "long.py"
    source.write_text(f"def too_long() -> None:\n{body}\n", encoding="utf-8")
    assert long_functions(source, tmp_path) == [f"long.py:1 too_long ({LIMIT + 1} lines)"]
