"""Import rules between the parts (a bug must be made twice to hide):

* ``spec.model``, ``spec.blueprint``, ``spec.filters``, ``spec.semantics`` import neither jax,
  hypothesis nor ``reference``;
* ``spec`` (outside ``spec.targets``) never imports ``reference``;
* ``reference`` imports nothing from ``spec`` or ``strategies``;
* ``strategies`` never imports ``reference``;
* the oracle stands apart from the adapter layer: ``spec.semantics`` imports only the model
  (``spec.model``), the blueprints, the errors and the neutral languages its operations take
  (``spec.filters``, ``spec.program``), and those import no ``spec.target``; ``spec.model``
  imports the adapter layer for type hints only (``observe`` reads a live graph through a target);
* the laws (``spec.laws``) import neither ``reference``, ``strategies``, hypothesis nor flax.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in (
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    )


def imports_of(path: Path, *, runtime_only: bool = False) -> set[str]:
    """The modules ``path`` imports (absolute imports); ``runtime_only`` skips ``if
    TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if runtime_only:
        for node in ast.walk(tree):
            for field in ("body", "orelse"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    block[:] = [n for n in block if not _is_type_checking(n)]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "spec" and node.level == 0:
            found.update(f"spec.{alias.name}" for alias in node.names)  # from spec import codec
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
    pure = [
        ROOT / "spec" / f
        for f in ("model.py", "blueprint.py", "filters.py", "codec.py", "errors.py")
    ]
    pure += modules("spec/semantics")
    assert offenders(pure, ("jax", "hypothesis", "reference", "strategies")) == []


def test_the_spec_never_imports_the_reference_outside_its_adapter() -> None:
    paths = [p for p in modules("spec") if "targets" not in p.parts]
    assert offenders(paths, ("reference",)) == []


def test_the_reference_stands_alone() -> None:
    assert offenders(modules("reference"), ("spec", "strategies", "hypothesis", "flax")) == []


def test_strategies_never_import_the_reference() -> None:
    assert offenders(modules("strategies"), ("reference", "flax")) == []


ORACLE_MAY_IMPORT = (
    "spec.model",
    "spec.blueprint",
    "spec.errors",
    "spec.filters",
    "spec.program",
    "spec.semantics",
    "spec.codec",
)

ADAPTER_LAYER = (
    "spec.target",
    "spec.targets",
    "spec.live_program",
    "spec.build",
    "spec.runner",
    "spec.laws",
)
"""What touches live objects or runs laws: the oracle's inputs must not depend on it."""


def _spec_imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    return {
        name
        for name in imports_of(path, runtime_only=runtime_only)
        if name == "spec" or name.startswith("spec.")
    }


def test_the_oracle_imports_only_the_model_and_its_languages() -> None:
    found = {
        f"{p.relative_to(ROOT)} imports {name}"
        for p in modules("spec/semantics")
        for name in _spec_imports(p)
        if not any(name == ok or name.startswith(ok + ".") for ok in ORACLE_MAY_IMPORT)
    }
    assert found == set()


def test_the_oracles_languages_and_the_model_import_no_adapter_layer() -> None:
    paths = [
        ROOT / "spec" / f
        for f in ("model.py", "blueprint.py", "filters.py", "program.py", "codec.py", "errors.py")
    ]
    found = {
        f"{p.relative_to(ROOT)} imports {name}"
        for p in paths
        for name in _spec_imports(p, runtime_only=True)
        if any(name == bad or name.startswith(bad + ".") for bad in ADAPTER_LAYER)
    }
    assert found == set()


def test_the_laws_import_no_implementation_and_no_input_drawing() -> None:
    assert offenders(modules("spec/laws"), ("reference", "strategies", "hypothesis", "flax")) == []


def test_the_check_sees_an_import_under_type_checking_only_when_asked(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from spec.target import Target\n",
        encoding="utf-8",
    )
    assert "spec.target" in imports_of(source)
    assert "spec.target" not in imports_of(source, runtime_only=True)
