"""Import rules between the parts (a bug must be made twice to hide):

* ``spec.model``, ``spec.blueprint``, ``spec.filters``, ``spec.semantics`` import neither jax,
  hypothesis nor ``reference``;
* ``spec`` (outside ``spec.targets``) never imports ``reference``;
* ``reference`` imports nothing from ``spec`` or ``strategies``;
* ``strategies`` never imports ``reference``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def offenders(paths: list[Path], banned: tuple[str, ...]) -> list[str]:
    return [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in paths
        for name in sorted(imports_of(p))
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


def test_the_pure_spec_imports_no_jax_hypothesis_or_reference() -> None:
    pure = [ROOT / "spec" / f for f in ("model.py", "blueprint.py", "filters.py", "codec.py", "errors.py")]
    pure += modules("spec/semantics")
    assert offenders(pure, ("jax", "hypothesis", "reference", "strategies")) == []


def test_the_spec_never_imports_the_reference_outside_its_adapter() -> None:
    paths = [p for p in modules("spec") if "targets" not in p.parts]
    assert offenders(paths, ("reference",)) == []


def test_the_reference_stands_alone() -> None:
    assert offenders(modules("reference"), ("spec", "strategies", "hypothesis", "flax")) == []


def test_strategies_never_import_the_reference() -> None:
    assert offenders(modules("strategies"), ("reference", "flax")) == []
