"""Reproducers: a case printed as a standalone Python script for one target.

A script is the target's ``reproducer_prelude()`` (which defines ``nnx``, ``Node``,
``UserVariable``, ``namedtuple_type``, ``dataclass_type`` and ``values``), then the graph built
into ``x`` exactly as ``spec.build.build`` builds it, the filters as ``fs``, the mutation program
as ``run_program(x)``, and the law's failing step in plain code (``strategies._plain_steps``, or
``Law.repro``); definitions nothing uses are pruned.  A law whose step is not a plain call
sequence raises ``NoPlainStep``: the runner then writes a script that replays the case through
nnxspec (``spec.runner.inputs.generic_reproducer``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from spec import zoo
from spec.blueprint import (
    Blueprint,
    Edge,
    Key,
    MetaValue,
    NodeSpec,
    StaticValue,
    ToNode,
    ToVar,
    Unhashable,
    VarSpec,
)
from spec.build import blueprint_model
from spec.filters import (
    AllOf,
    AnyOf,
    CallableFilter,
    FilterSpec,
    NotOf,
    OfType,
    Seq,
    TypeFilter,
    WithTag,
    describe,
)
from spec.laws._registry import Case, Law
from spec.model import Model, NodeSlot
from spec.program import (
    AddNode,
    AddVariable,
    Alias,
    DeleteAttr,
    Edit,
    PointToAncestor,
    SetStatic,
    TransformValues,
)
from spec.semantics import apply
from spec.target import Path, Target
from strategies._plain_steps import NoPlainStep, plain_step

__all__ = [
    "CALLABLE_SOURCES",
    "TRANSFORM_SOURCES",
    "filters_source",
    "graph_source",
    "program_source",
    "prune",
    "reproducer",
]

CALLABLE_SOURCES: dict[str, str] = {
    "even_depth": "lambda path, x: len(path) % 2 == 0",
    "last_key_before_m": "lambda path, x: str(path[-1]) < 'm' if path else False",
    "under_int_key": "lambda path, x: any(isinstance(k, int) for k in path)",
}
"""``spec.filters.CALLABLES`` as source, in the ``(path, x) -> bool`` form targets take."""

TRANSFORM_SOURCES: dict[str, str] = {
    "add_one": "def add_one(v):\n    return ~v if v.dtype == bool else v + 1\n",
    "double": "def double(v):\n    return v if v.dtype == bool else v * 2\n",
    "negate": "def negate(v):\n    return ~v if v.dtype == bool else -v\n",
}
"""``spec.program.TRANSFORMS`` as source."""

ALL_VARIABLES_SOURCE = '''def all_variables(x):
    """Every distinct Variable reachable from x, by plain traversal (not through the graph API)."""
    import dataclasses

    found, seen, stack = [], set(), [x]
    while stack:
        y = stack.pop()
        if id(y) in seen:
            continue
        seen.add(id(y))
        if isinstance(y, nnx.Variable):
            found.append(y)
        elif isinstance(y, dict):
            stack.extend(y.values())
        elif isinstance(y, (list, tuple)):
            stack.extend(y)
        elif dataclasses.is_dataclass(y):
            stack.extend(getattr(y, f.name) for f in dataclasses.fields(y))
        elif hasattr(y, "__dict__"):
            stack.extend(v for k, v in vars(y).items() if not k.startswith("_"))
    return found
'''


# --- Values ------------------------------------------------------------------------------------


def _static(value: StaticValue) -> str:
    if isinstance(value, Unhashable):
        return "{" + ", ".join(map(repr, value.items)) + "}" if value.items else "set()"
    return repr(value)


def _variable(v: VarSpec) -> str:
    cls = "UserVariable" if v.type == "UserVariable" else f"nnx.{v.type}"
    meta = "".join(f", {name}={_meta(value)}" for name, value in v.metadata)
    return f"{cls}(values({v.shape!r}, {v.dtype!r}, {v.seed}){meta})"


def _meta(value: MetaValue) -> str:
    return repr(value)


# --- The graph ---------------------------------------------------------------------------------


def _pytree(kind: str, entries: Sequence[tuple[Key, str]]) -> str:
    values = [v for _, v in entries]
    if kind == "none":
        return "None"
    if kind == "list":
        return "[" + ", ".join(values) + "]"
    if kind == "tuple":
        return "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in entries) + "}"
    fields = tuple(str(k) for k, _ in entries)
    factory = "namedtuple_type" if kind == "namedtuple" else "dataclass_type"
    return f"{factory}({fields!r})(" + ", ".join(values) + ")"


def _zoo_lines(bp: Blueprint) -> list[str]:
    """Return the definitions of the user-written classes ``bp`` uses (``spec.zoo``), each
    guarded so a second graph of the same script reuses the first one's classes."""
    styles = sorted({n.style for n in bp.nodes if n.style}, key=zoo.STYLES.index)
    lines: list[str] = []
    for name, source in [("log_hook", zoo.LOG_SOURCE)] * bool(styles) + [
        (zoo.class_name(style), zoo.recipe_source([style])) for style in styles
    ]:
        lines.append(f"if {name!r} not in globals():")
        lines += ["    " + line if line else "" for line in source.strip("\n").splitlines()]
    return lines


def _graph_constructor(n: NodeSpec) -> str:
    if n.kind == "module":
        return zoo.constructor(n.style)
    return "nnx.List([])" if n.kind == "nnx_list" else "nnx.Dict()"


def graph_source(bp: Blueprint, *, name: str = "x") -> str:
    """Return Python that builds ``bp`` into the variable ``name``, in ``spec.build.build``'s
    order: Variables, then empty graph nodes, then pytree containers from the highest index
    down, then graph-node attributes in node and entry order."""
    prefix = "" if name == "x" else f"{name}_"

    def node(i: int) -> str:
        return f"{prefix}n{i}"

    def edge(e: Edge) -> str:
        if isinstance(e, ToNode):
            return node(e.index)
        if isinstance(e, ToVar):
            return f"{prefix}v{e.index}"
        return _static(e.value)

    lines = _zoo_lines(bp)
    lines += [f"{prefix}v{j} = {_variable(v)}" for j, v in enumerate(bp.variables)]
    lines += [f"{node(i)} = {_graph_constructor(n)}" for i, n in enumerate(bp.nodes) if n.is_graph]
    lines += [
        f"{node(i)} = {_pytree(n.kind, [(k, edge(e)) for k, e in n.entries])}"
        for i, n in reversed(list(enumerate(bp.nodes)))
        if not n.is_graph
    ]
    # an nnx.List's elements are appended in index order (as spec.build does)
    lines += [
        f"{node(i)}.append({edge(e)})"
        if n.kind == "nnx_list" and isinstance(k, int)
        else f"{node(i)}.{k} = {edge(e)}"
        for i, n in enumerate(bp.nodes)
        if n.is_graph
        for k, e in n.entries
    ]
    lines.append(f"{name} = {node(0)}")
    return "\n".join(lines) + "\n"


# --- Filters -----------------------------------------------------------------------------------


def _callables(f: FilterSpec) -> set[str]:
    if isinstance(f, CallableFilter):
        return {f.name}
    if isinstance(f, (Seq, AnyOf, AllOf)):
        return set().union(*(_callables(g) for g in f.items))
    if isinstance(f, NotOf):
        return _callables(f.item)
    return set()


def _describe(f: FilterSpec) -> str:
    """``spec.filters.describe``, but ``OfType`` / ``WithTag`` as ``nnx.OfType`` / ``nnx.WithTag``:
    flax exports both at the top of ``nnx`` as well as in ``nnx.filterlib``, and ``reference``
    only at the top."""
    if isinstance(f, OfType):
        return f"nnx.OfType({describe(TypeFilter(f.type_name))})"
    if isinstance(f, WithTag):
        return f"nnx.WithTag({f.tag!r})"
    if isinstance(f, Seq):
        inner = ", ".join(_describe(g) for g in f.items)
        return f"[{inner}]" if f.form == "list" else f"({inner}{',' if len(f.items) == 1 else ''})"
    if isinstance(f, (AnyOf, AllOf)):
        items = ", ".join(_describe(g) for g in f.items)
        return f"nnx.{'Any' if isinstance(f, AnyOf) else 'All'}({items})"
    if isinstance(f, NotOf):
        return f"nnx.Not({_describe(f.item)})"
    return describe(f)


def filters_source(filters: Sequence[FilterSpec], *, name: str = "fs") -> str:
    """Return Python that binds the filter tuple to ``name`` (``spec.filters.describe`` per term,
    with ``OfType`` / ``WithTag`` taken from the top of ``nnx``), defining ``CALLABLES`` first if a
    callable filter is used."""
    used = sorted(set().union(*(_callables(f) for f in filters)))
    lines = []
    if used:
        lines.append("CALLABLES = {")
        lines += [f"    {n!r}: {CALLABLE_SOURCES[n]}," for n in used]
        lines.append("}")
    lines.append(f"{name} = {_describe(Seq('tuple', tuple(filters)))}")
    return "\n".join(lines) + "\n"


# --- Programs ----------------------------------------------------------------------------------


def _accessor(m: Model | None, path: Path) -> str:
    """Return Python for the object at ``path`` of ``x``: attributes for str keys, subscripts for
    int keys and for the str keys of dicts (known from the model ``m``; ``at(...)`` without it)."""
    if m is None:
        return "x" if not path else f"at(x, {', '.join(map(repr, path))})"
    out, node = "x", 0
    for key in path:
        is_dict = m.nodes[node].type_name == "dict"
        out += f"[{key!r}]" if isinstance(key, int) or is_dict else f".{key}"
        slot = m.nodes[node].get(key)
        node = slot.id if isinstance(slot, NodeSlot) else node
    return out


AT_SOURCE = '''def at(x, *path):
    """The object at path: items of lists, tuples and dicts, attributes of everything else."""
    for key in path:
        plain = isinstance(x, (list, tuple, dict)) and not hasattr(x, "_fields")
        x = x[key] if plain else getattr(x, key)
    return x
'''


def _edit_lines(edit: Edit, m: Model | None) -> list[str]:
    if isinstance(edit, TransformValues):
        return ["for v in all_variables(x):", f"    v.value = {edit.fn}(v.value)"]
    owner = _accessor(m, edit.node)
    if isinstance(edit.key, int):  # an nnx.List element: replaced in place, appended at the end
        if isinstance(edit, DeleteAttr):
            return [f"del {owner}[{edit.key}]"]
        value = _edit_value(edit, m)
        return [
            f"{owner}.append({value}) if len({owner}) == {edit.key} else "
            f"{owner}.__setitem__({edit.key}, {value})"
        ]
    target = f"{owner}.{edit.key}"
    if isinstance(edit, SetStatic):
        return [f"{target} = {_static(edit.value)}"]
    if isinstance(edit, AddVariable):
        return [f"{target} = {_variable(edit.variable)}"]
    if isinstance(edit, AddNode):
        return [f"{target} = Node()"]
    if isinstance(edit, DeleteAttr):
        return [f"del {target}"]
    if isinstance(edit, Alias):
        return [f"{target} = {_accessor(m, edit.source)}"]
    assert isinstance(edit, PointToAncestor)  # sanity check: Edit is a closed union
    return [f"{target} = {_accessor(m, edit.node[: len(edit.node) - edit.levels])}"]


def _edit_value(edit: Edit, m: Model | None) -> str:
    """The value an edit (other than a deletion) writes, as Python."""
    if isinstance(edit, SetStatic):
        return _static(edit.value)
    if isinstance(edit, AddVariable):
        return _variable(edit.variable)
    if isinstance(edit, AddNode):
        return "Node()"
    if isinstance(edit, Alias):
        return _accessor(m, edit.source)
    assert isinstance(edit, PointToAncestor)  # sanity check: Edit is a closed union
    return _accessor(m, edit.node[: len(edit.node) - edit.levels])


def program_source(program: Sequence[Edit], graph: Blueprint | None = None) -> str:
    """Return Python defining ``run_program(x)``, which applies ``program`` to ``x`` by plain
    attribute access (and the helpers it needs).  With ``graph`` (the blueprint ``x`` was built
    from) paths print as ``x.a[0].b``; without it as ``at(x, 'a', 0, 'b')``."""
    m = blueprint_model(graph) if graph is not None else None
    helpers: list[str] = []
    body: list[str] = []
    for edit in program:
        if isinstance(edit, TransformValues):
            helpers += [ALL_VARIABLES_SOURCE, TRANSFORM_SOURCES[edit.fn]]
        elif m is None:
            helpers.append(AT_SOURCE)
        body += _edit_lines(edit, m)
        if m is not None:
            m = apply(m, (edit,))
    unique = list(dict.fromkeys(helpers))
    text = "\n\n".join(unique) + ("\n\n" if unique else "")
    return text + "def run_program(x):\n" + "".join(f"    {line}\n" for line in body or ["pass"])


# --- Whole scripts -----------------------------------------------------------------------------


def reproducer(case: Case, law: Law, target: Target) -> str:
    """Return a standalone script that rebuilds ``case`` for ``target`` in plain code and performs
    ``law``'s failing step through the target's own API (``strategies._plain_steps``, else
    ``law.repro``); it exits non-zero, with the law's message, while the law fails.

    Raises ``NoPlainStep`` when the step needs the harness (the runner then writes a script that
    replays the case through nnxspec instead: ``spec.runner.inputs.reproducer``).
    """
    try:
        step = plain_step(case, law)
    except NoPlainStep:
        if law.repro is None:
            raise
        step = law.repro.strip() + "\n"
    parts = [
        f'"""Reproducer for {law.id} ({law.title}) on {target.describe()}, written by nnxspec.\n\n'
        f"Plain code against {target.name}'s own API: it exits non-zero with {law.id}'s "
        "message while "
        'the law fails."""\n',
        f"# case: {case.to_json()}\n",
        target.reproducer_prelude(),
        "\n# --- the graph ---\n" + graph_source(case.graph),
    ]
    if case.other is not None:
        parts.append("\n# --- the other graph ---\n" + graph_source(case.other, name="other"))
    parts.append("\n# --- the filters ---\n" + filters_source(case.filters))
    parts.append("\n# --- the mutation program ---\n" + program_source(case.program, case.graph))
    parts.append(f"\n# --- the step of {law.id} ---\n" + step)
    return prune("".join(parts))


def _defined(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    return None


def prune(script: str) -> str:
    """Drop the script's top-level functions and classes that nothing else uses (the prelude's
    and the helpers' unused definitions), until none is left."""
    while True:
        tree = ast.parse(script)
        used: dict[int, set[str]] = {
            i: {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
            | {n.attr for n in ast.walk(stmt) if isinstance(n, ast.Attribute)}
            for i, stmt in enumerate(tree.body)
        }
        lines = script.splitlines(keepends=True)
        drop: list[ast.stmt] = []
        for i, stmt in enumerate(tree.body):
            name = _defined(stmt)
            if name is None:
                continue
            if not any(name in names for j, names in used.items() if j != i):
                drop.append(stmt)
        if not drop:
            return script
        for stmt in reversed(drop):
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
            end = stmt.end_lineno or stmt.lineno
            del lines[first - 1 : end]
        script = re.sub(r"\n{4,}", "\n\n\n", "".join(lines))
        script = re.sub(r"# --- [^\n]* ---\n\n(?=# ---)", "", script)
