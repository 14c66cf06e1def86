"""The zoo: module classes written the way users write them, as recipes any target can build.

A blueprint ``module`` node may carry a *style* (``NodeSpec.style``); the empty style is the
plain blueprint ``Node``.  Every other style names a recipe here: Python source for one class
deriving from the target's own ``Node`` (so through the target's ``Module`` base, with the
``bump`` method every blueprint module has).  The recipes never change which attributes a node
has: its children are still exactly the blueprint's entries, so every law that takes a graph
runs over them unchanged; only the observed type name differs (``class_name(style)``).

The recipes cover what real code does to a Module class: overridden ``__setattr__`` /
``__delattr__`` (logging and delegating; routing straight into the instance dict and refusing
private names), ``__getattr__`` (answering misses from a table) and ``__getattribute__``
(delegating), properties and other descriptors, class-level defaults shadowed by instances,
``@dataclasses.dataclass`` on a Module (every two instances equal, unhashable), ``__eq__`` /
``__hash__`` overrides, unhashable nodes, the ``experimental_pytree=True`` class keyword
(``pytree=True`` from flax 0.10.7), a
deep subclass chain with cooperative ``__init__`` / ``__init_subclass__``, and an ``__init__``
that requires arguments (so nothing may rebuild a node by calling it).

Hooks report to ``log_hook``: inside ``recording()`` every call of a recipe's ``__setattr__``,
``__delattr__`` or ``__getattr__`` is appended as ``(class name, hook, attribute name)``; outside
it nothing is kept.  The HOOK laws read that log.

This module imports nothing but the standard library, so ``spec.blueprint`` can use ``STYLES``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = [
    "HOOKED_STYLES",
    "KEYWORDS_SOURCE",
    "LOG_SOURCE",
    "RECIPES",
    "STYLES",
    "Recipe",
    "class_name",
    "constructor",
    "define_class",
    "log_hook",
    "new_instance",
    "node_keywords",
    "recipe_source",
    "recording",
    "zoo_class",
]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One user-written class: its name, its source (over ``Node``, ``nnx``, ``log_hook``,
    ``dataclasses``, ``KEYWORDS``, the class keywords that keep a subclass in ``Node``'s
    module mode, and ``PYTREE_KEYWORDS``, those that declare it a jax pytree) and the positional
    arguments its constructor needs."""

    name: str
    source: str
    args: tuple[int, ...] = ()


RECIPES: dict[str, Recipe] = {
    "setattr_logging": Recipe(
        "ZooSetattrLogging",
        '''
class ZooSetattrLogging(Node, **KEYWORDS):
    """Logs every attribute write and delete, then delegates to the Module base."""

    def __setattr__(self, name, value):
        log_hook(self, "__setattr__", name)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        log_hook(self, "__delattr__", name)
        super().__delattr__(name)
''',
    ),
    "setattr_routing": Recipe(
        "ZooSetattrRouting",
        '''
class ZooSetattrRouting(Node, **KEYWORDS):
    """Routes public attribute writes straight into the instance dict (skipping the Module
    base) and refuses every other name, as dict-backed containers do."""

    def __setattr__(self, name, value):
        log_hook(self, "__setattr__", name)
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} stores public names only, not {name!r}")
        vars(self)[name] = value

    def __delattr__(self, name):
        log_hook(self, "__delattr__", name)
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} stores public names only, not {name!r}")
        del vars(self)[name]
''',
    ),
    "getattr_fallback": Recipe(
        "ZooGetattrFallback",
        '''
class ZooGetattrFallback(Node, **KEYWORDS):
    """Answers reads of missing attributes from a class-level table, logging every miss."""

    fallback = {"features": 4, "dtype": "float32"}

    def __getattr__(self, name):
        log_hook(self, "__getattr__", name)
        try:
            return type(self).fallback[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}") from None
''',
    ),
    "getattribute_delegating": Recipe(
        "ZooGetattribute",
        '''
class ZooGetattribute(Node, **KEYWORDS):
    """Intercepts every attribute read and delegates it to the Module base."""

    def __getattribute__(self, name):
        if name == "secret_answer":
            return 42
        return super().__getattribute__(name)
''',
    ),
    "descriptors": Recipe(
        "ZooDescriptors",
        '''
class _Constant:
    """A non-data descriptor: the same value on the class and on every instance."""

    def __init__(self, value):
        self.value = value

    def __get__(self, obj, owner=None):
        return self.value


class ZooDescriptors(Node, **KEYWORDS):
    """Computed properties, a property with a setter that refuses writes, and a descriptor."""

    kind_label = _Constant("zoo")

    @property
    def attribute_count(self):
        return len(vars(self))

    @property
    def scale(self):
        return 1.0

    @scale.setter
    def scale(self, value):
        raise AttributeError("scale is fixed")
''',
    ),
    "class_defaults": Recipe(
        "ZooClassDefaults",
        '''
class ZooClassDefaults(Node, **KEYWORDS):
    """Class-level defaults, some with the names blueprints use, shadowed by instances."""

    a = 0
    b = "default"
    k = None
    rate = 0.5
    layers = ()
''',
    ),
    "dataclass": Recipe(
        "ZooDataclass",
        '''
@dataclasses.dataclass(repr=False)
class ZooDataclass(Node, **KEYWORDS):
    """A Module decorated with @dataclass: its generated __eq__ makes every two instances with
    the same note equal, and leaves the class unhashable."""

    __annotations__ = {"note": str}  # not `note: str`: scripts may run with string annotations
    note = dataclasses.field(default="zoo", init=False)
''',
    ),
    "eq_hash": Recipe(
        "ZooEqHash",
        '''
class ZooEqHash(Node, **KEYWORDS):
    """Every two instances compare equal and hash alike: identity must never be judged by ==."""

    def __eq__(self, other):
        return isinstance(other, ZooEqHash)

    def __hash__(self):
        return 0
''',
    ),
    "unhashable": Recipe(
        "ZooUnhashable",
        '''
class ZooUnhashable(Node, **KEYWORDS):
    """Instances cannot be hashed (``__hash__ = None``)."""

    __hash__ = None
''',
    ),
    "pytree_keyword": Recipe(
        "ZooPytreeKeyword",
        '''
class ZooPytreeKeyword(Node, **PYTREE_KEYWORDS):
    """A Module declared a jax pytree by its class keyword: ``experimental_pytree=True``, spelled
    ``pytree=True`` where the release renamed it (flax >= 0.10.7)."""
''',
    ),
    "deep_chain": Recipe(
        "ZooDeepChain",
        '''
class _ZooLevel1(Node, **KEYWORDS):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class _ZooLevel2(_ZooLevel1, **KEYWORDS):
    def describe(self):
        return type(self).__name__


class _ZooLevel3(_ZooLevel2, **KEYWORDS):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.level = getattr(cls, "level", 3) + 1


class _ZooLevel4(_ZooLevel3, **KEYWORDS):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class ZooDeepChain(_ZooLevel4, **KEYWORDS):
    """Five classes below the blueprint Node, with cooperative __init__ and __init_subclass__."""
''',
    ),
    "init_args": Recipe(
        "ZooInitArgs",
        '''
class ZooInitArgs(Node, **KEYWORDS):
    """__init__ requires arguments and keeps none of them: nothing may rebuild it by calling it."""

    def __init__(self, features, *, dtype=None):
        super().__init__()
        if not isinstance(features, int):
            raise TypeError("features must be an int")
''',
        (3,),
    ),
}
"""Style -> recipe.  Never rename a style: vectors name them."""

STYLES: tuple[str, ...] = tuple(RECIPES)
"""The styles a blueprint module may carry (besides the plain ``""``)."""

HOOKED_STYLES: tuple[str, ...] = ("setattr_logging", "setattr_routing", "getattr_fallback")
"""Styles whose ``__setattr__`` / ``__delattr__`` / ``__getattr__`` report to ``log_hook``."""


def class_name(style: str) -> str:
    """Return the class name a module of ``style`` has (``Node`` for the plain style)."""
    return RECIPES[style].name if style else "Node"


def constructor(style: str) -> str:
    """Return the Python expression that makes one instance of ``style`` (``Node()`` if plain)."""
    args = RECIPES[style].args if style else ()
    return f"{class_name(style)}({', '.join(map(repr, args))})"


KEYWORDS_SOURCE = '''
def class_keywords(node):
    """The class keywords that keep a subclass of node in its module mode (flax >= 0.11 makes
    every Module subclass a pytree unless it says pytree=False again; flax 0.11.1 - 0.11.2 keep
    no flag to read it from, and the blueprint Node there is declared pytree=False), and the ones
    that declare a subclass a jax pytree (experimental_pytree=True, pytree=True from 0.10.7)."""
    import inspect

    takes_pytree = "pytree" in inspect.signature(node.__init_subclass__).parameters
    mode = getattr(node, "_pytree__is_pytree", getattr(node, "_object__is_pytree", None))
    keep = {"pytree": False} if mode is False or (mode is None and takes_pytree) else {}
    return keep, {"pytree": True} if takes_pytree else {"experimental_pytree": True}
'''
"""The source of ``class_keywords(node)``: ``(KEYWORDS, PYTREE_KEYWORDS)`` for the recipes (run by
``node_keywords`` and written into every reproducer that builds a recipe)."""

LOG_SOURCE = (
    KEYWORDS_SOURCE
    + """
KEYWORDS, PYTREE_KEYWORDS = class_keywords(Node)
hook_log = []


def log_hook(node, hook, name):
    hook_log.append((type(node).__name__, hook, name))
"""
)
"""The ``log_hook`` a reproducer script defines for the recipes (it keeps every call)."""


def recipe_source(styles: Iterable[str]) -> str:
    """Return the source of the recipes of ``styles`` (each once, in ``STYLES`` order), for a
    script that has defined ``Node``, ``nnx``, ``dataclasses`` and ``log_hook`` (``LOG_SOURCE``)."""
    wanted = set(styles)
    return "\n".join(RECIPES[s].source for s in STYLES if s in wanted)


# --- the hook log ------------------------------------------------------------------------------

_LOCK = threading.Lock()
_RECORDING: list[list[tuple[str, str, str]]] = []


def log_hook(node: object, hook: str, name: str) -> None:
    """Record one hook call while ``recording()`` is active (a no-op otherwise)."""
    if _RECORDING:
        with _LOCK:
            for log in _RECORDING:
                log.append((type(node).__name__, hook, name))


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, str, str]]]:
    """Collect every hook call made while the block runs, as ``(class, hook, name)``."""
    log: list[tuple[str, str, str]] = []
    with _LOCK:
        _RECORDING.append(log)
    try:
        yield log
    finally:
        with _LOCK:
            _RECORDING.remove(log)


# --- building ----------------------------------------------------------------------------------


def node_keywords(node: type) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(KEYWORDS, PYTREE_KEYWORDS)`` for subclasses of ``node`` (``KEYWORDS_SOURCE``):
    the class keywords that keep one in ``node``'s module mode, and those that make one a jax
    pytree."""
    namespace: dict[str, Any] = {}
    exec(compile(KEYWORDS_SOURCE, "<zoo class keywords>", "exec", dont_inherit=True), namespace)
    keep, pytree = namespace["class_keywords"](node)
    return dict(keep), dict(pytree)


@functools.cache
def _namespace(node: type, nnx: Any) -> dict[str, Any]:
    return {
        "Node": node,
        "nnx": nnx,
        "log_hook": log_hook,
        "dataclasses": dataclasses,
        "KEYWORDS": node_keywords(node)[0],
        "PYTREE_KEYWORDS": node_keywords(node)[1],
        "__name__": __name__,
    }


def define_class(node: type, nnx: Any, style: str) -> type:
    """Define the class of ``style`` anew over the target's blueprint ``node`` class and its
    ``nnx`` namespace.

    Raises whatever the target raises while the class is defined (e.g. a class keyword its
    Module base does not take): that is the target's answer to user code.
    """
    recipe = RECIPES[style]
    namespace = dict(_namespace(node, nnx))
    exec(compile(recipe.source, f"<zoo recipe {style}>", "exec", dont_inherit=True), namespace)
    cls: type = namespace[recipe.name]
    return cls


zoo_class = functools.cache(define_class)
"""``define_class``, once per ``(node, nnx, style)``: equal blueprints give equal types and equal
graphdefs."""


def new_instance(node: type, nnx: Any, style: str, *, fresh: bool = False) -> object:
    """Return a new, attribute-free instance of ``style`` (its constructor's arguments given);
    with ``fresh``, of a class defined just now (what a class definition does is then observed
    under the target as it is at this moment)."""
    cls = define_class(node, nnx, style) if fresh else zoo_class(node, nnx, style)
    instance: object = cls(*RECIPES[style].args)
    return instance
