"""Installing a mutant into the running process: reversible monkeypatches of ``reference``.

A ``Patcher`` records every change it makes, so ``undo`` puts the reference back exactly as it
was (tests install a mutant, check a law, and undo it).  Three kinds of change:

* ``replace(module, name, new)``: replace a module-level function (or other object) *everywhere
  it was imported*: every ``reference`` module (and ``reference`` itself) whose attribute is the
  very same object gets ``new``, so ``from reference._flatten import flatten_graph`` in another
  module is patched too.
* ``set_attr(owner, name, new)``: replace one attribute of a class or object (methods, globals
  holding instances).
* ``replace_hook(field, original, new)``: replace a node-type hook (``flatten``, ``init`` ...) in
  every registry entry that holds ``original``; types registered while the patch is installed
  get ``new`` too (``register_graph_node_type`` is wrapped), and are fixed up by ``undo``.

Only public names are replaced: module-level functions and classes' public methods (a
leading underscore is refused), and the registries' entries.

Nothing is written to disk; everything is undone by ``undo`` or dies with the process.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Patcher"]

_MISSING = object()


def _reference_modules() -> list[Any]:
    import reference  # noqa: F401  (makes sure the package and its modules are loaded)

    return [
        m
        for name, m in list(sys.modules.items())
        if m is not None and (name == "reference" or name.startswith("reference."))
    ]


class Patcher:
    """A log of reversible changes to the ``reference`` package (see the module docstring)."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def set_attr(self, owner: object, name: str, new: object) -> None:
        """Set the public ``owner.name = new``, remembering the old value (or its absence)."""
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            raise ValueError(f"mutants set public names only, not {name}")
        self._set(owner, name, new)

    def _set(self, owner: object, name: str, new: object) -> None:
        old = (
            owner.__dict__.get(name, _MISSING)
            if isinstance(owner, type)
            else getattr(owner, name, _MISSING)
        )
        setattr(owner, name, new)

        def undo() -> None:
            if old is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, old)

        self._undo.append(undo)

    def replace(self, module: str, name: str, new: object) -> object:
        """Replace the public ``module.name`` in every reference module that holds the same
        object; return the original (so the mutant can call it)."""
        if name.startswith("_"):
            raise ValueError(f"mutants replace public names only, not {module}.{name}")
        return self.swap_function(module, name, new)

    def swap_function(self, module: str, name: str, new: object) -> object:
        """``replace`` for any name, private ones included: only for the automated AST pass,
        which recompiles a reference module's own source with one change and swaps in every
        function of it (hand-written mutants use ``replace``)."""
        original = getattr(
            sys.modules[module] if module in sys.modules else __import__(module, fromlist=["_"]),
            name,
        )
        for m in _reference_modules():
            for attr, value in list(vars(m).items()):
                if value is original:
                    self._set(m, attr, new)
        return original

    def replace_hook(
        self, field: str, original: Callable[..., Any], new: Callable[..., Any]
    ) -> None:
        """Replace the ``field`` hook of every registered graph / pytree node type holding
        ``original`` by ``new`` (the registries hold frozen impl records: they are rebuilt)."""
        from reference import _registry

        registries: tuple[dict[type, Any], ...] = (
            _registry.GRAPH_REGISTRY,
            _registry.PYTREE_REGISTRY,
            _registry.IMPLS,
        )

        saved: list[tuple[dict[type, Any], type, object]] = []
        for registry in registries:
            for t, impl in list(registry.items()):
                if getattr(impl, field, None) is original:
                    saved.append((registry, t, impl))
                    registry[t] = dataclasses.replace(impl, **{field: new})

        def undo() -> None:
            for registry, t, impl in saved:  # the very records that were there
                registry[t] = impl
            for registry in registries:  # types registered while the patch was installed
                for t, impl in list(registry.items()):
                    if getattr(impl, field, None) is new:
                        registry[t] = dataclasses.replace(impl, **{field: original})

        self._undo.append(undo)
        self._later_registrations(field, original, new)

    def _later_registrations(
        self, field: str, original: Callable[..., Any], new: Callable[..., Any]
    ) -> None:
        """Make graph node types registered from now on get ``new`` where they pass ``original``."""
        from reference import _registry

        register = _registry.register_graph_node_type
        graph: dict[type, Any] = _registry.GRAPH_REGISTRY
        impls: dict[type, Any] = _registry.IMPLS

        def register_graph_node_type(*args: Any, **kwargs: Any) -> None:
            register(*args, **kwargs)
            t = args[0] if args else kwargs.get("type")
            impl = graph.get(t) if isinstance(t, type) else None
            if isinstance(t, type) and impl is not None and getattr(impl, field, None) is original:
                graph[t] = impls[t] = dataclasses.replace(impl, **{field: new})

        self.replace("reference._registry", "register_graph_node_type", register_graph_node_type)

    def on_undo(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` when the patches are undone (for caches a mutant fills)."""
        self._undo.append(fn)

    def undo(self) -> None:
        """Undo every change, last first."""
        while self._undo:
            self._undo.pop()()
