"""Deviations of the reference implementation from flax 0.10.3 (the seed's semantics).

Each entry is one seed quirk that loses data, crashes, contradicts its own docstring
or depends on incidental identity, together with what the reference does instead.
``reproducer`` is one line of Python, run after ``from flax import nnx`` against
flax 0.10.3, that shows flax's behaviour (checked with flax 0.10.3 on jax 0.10.2).
The reference marks each fix in its source with ``# [Deviation D-n]``.
``laws`` lists the ids of the laws that flax fails because of the quirk (filled in by
the spec's authors).

Pure Python: this module imports nothing from ``reference``.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Deviation:
    """One seed quirk and the reference's fix."""

    id: str
    title: str
    flax_0_10_3: str
    reproducer: str
    reference: str
    laws: tuple[str, ...] = ()


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        id="D-1",
        title="No depth ceiling",
        flax_0_10_3=(
            "flatten, unflatten, update, pop and clone recurse once per nesting level and raise "
            "RecursionError at about 490 nested modules; GraphDef equality, hashing and repr "
            "(nested frozen dataclasses) recurse as well."
        ),
        reproducer=(
            "import functools; m = functools.reduce(lambda c, _: nnx.Dict(c=c), range(1000), "
            "nnx.Dict()); nnx.split(m)  # RecursionError"
        ),
        reference=(
            "Every traversal uses an explicit stack: a 100,000-deep chain and a 10,000-node ring "
            "split, merge, update and clone. A GraphDef is a flat pre-order token tuple, so "
            "equality, hash and repr do not recurse either. A pytree container that contains "
            "itself raises PytreeCycleError instead of recursing forever."
        ),
        laws=("ROB-1", "ROB-2", "ROB-4"),
    ),
    Deviation(
        id="D-2",
        title="Atomic update, merge and pop",
        flax_0_10_3=(
            "update applies the first keys of the state and then raises on a later one; pop "
            "removes the first Variables before failing on a pytree parent; the update-context "
            "outer merge clears reused nodes before it has checked the whole state."
        ),
        reproducer=(
            "m = nnx.Dict(a=nnx.Param(1), b=2); exec(\"try: nnx.update(m, {'a': 10, 'b': 3})\\n"
            'except ValueError: pass"); print(m.a.value)  # 10: half-applied'
        ),
        reference=(
            "update, merge and pop check everything and plan every write first, then commit; "
            "if they raise, the graph, the input states and a merge_context's index_ref are "
            "exactly as before."
        ),
        laws=("UPD-6", "POP-1", "POP-5", "ERR-9", "ERR-12", "ROB-8", "ROB-9", "ROB-11"),
    ),
    Deviation(
        id="D-3",
        title="variables() returns one State per filter",
        flax_0_10_3=(
            "variables appends `...` twice to the filters, so two filters give four States; its "
            "paths come from iter_graph, a separate traversal from state()."
        ),
        reproducer=(
            "m = nnx.Dict(a=nnx.Param(1), b=nnx.BatchStat(2)); "
            "print(len(nnx.variables(m, nnx.Param, nnx.BatchStat)))  # 4"
        ),
        reference=(
            "variables(node, f1, f2) returns exactly two States (remainder dropped, like state); "
            "every Variable appears once, at the same first path as in state(node)."
        ),
        laws=("VAR-1",),
    ),
    Deviation(
        id="D-4",
        title="pop removes every alias",
        flax_0_10_3=(
            "An aliased Variable is popped only at its first path; other attributes keep it."
        ),
        reproducer=(
            "v = nnx.Param(1); m = nnx.Dict(a=v, b=v); nnx.pop(m, nnx.Param); "
            "print(hasattr(m, 'b'))  # True"
        ),
        reference=(
            "pop removes every attribute that holds a popped Variable; the State has it at its "
            "first path."
        ),
        laws=("POP-2",),
    ),
    Deviation(
        id="D-5",
        title="iter_graph yields each node and Variable once, and every container occurrence",
        flax_0_10_3=(
            "iter_graph deduplicates every is_node value by id, so only the first None and the "
            "first () of the whole graph are yielded, while a shared Variable is yielded at every "
            "occurrence."
        ),
        reproducer=(
            "print([p for p, _ in nnx.iter_graph(nnx.Dict(a=None, b=None))])  # [('a',), ()]"
        ),
        reference=(
            "Post-order, root last with path (); each graph node and each Variable once, at its "
            "first path; pytree containers (None and () included) and static values at every "
            "occurrence."
        ),
        laws=("IT-1",),
    ),
    Deviation(
        id="D-6",
        title="update and merge never store a VariableState or nest a Variable",
        flax_0_10_3=(
            "update with a new key whose value is a VariableState stores the VariableState as an "
            "attribute; update (and merge) with a live Variable as the value of an existing "
            "Variable nests it as the raw value."
        ),
        reproducer=(
            "m = nnx.Dict(); nnx.update(m, {'x': nnx.VariableState(nnx.Param, 1)}); "
            "print(type(m.x).__name__)  # VariableState"
        ),
        reference=(
            "A new key with a VariableState value becomes a new Variable (to_variable); a Variable "
            "given as a value counts as its VariableState (value and a copy of its metadata)."
        ),
        laws=("UPD-5", "UPD-11", "ROB-9"),
    ),
    Deviation(
        id="D-7",
        title="Variables own their metadata",
        flax_0_10_3=(
            "Merging from plain nested dicts uses the GraphDef's HashableMapping as the new "
            "Variable's metadata, so later metadata writes raise TypeError (fixed upstream in "
            "0.10.4); Variable.replace(value, **kw) updates the source Variable's metadata dict, "
            "and replace(**kw) without a value raises KeyError."
        ),
        reproducer=(
            "gd, st = nnx.split(nnx.Dict(a=nnx.Param(1))); m = nnx.merge(gd, {'a': 1}); "
            "m.a.foo = 1  # TypeError"
        ),
        reference=(
            "from_metadata copies the metadata into a fresh dict; replace copies the Variable and "
            "never touches the source; replace(**kw) keeps the value."
        ),
        laws=("MD-1", "VAR-2"),
    ),
    Deviation(
        id="D-8",
        title="Keys must be hashable and orderable",
        flax_0_10_3=(
            "is_key_like is always True, so the 'Invalid key' check never fires; mixed int/str "
            "dict keys fail later with a bare TypeError from sorted() that names no path."
        ),
        reproducer=(
            "nnx.split(nnx.Dict(d={1: nnx.Param(1), 'a': nnx.Param(2)}))  # TypeError: '<' not "
            "supported"
        ),
        reference=(
            "InvalidKeyError (a TypeError and a KeyError) naming the node's path when keys are "
            "unhashable or not mutually orderable, or when an Object gets a non-str key."
        ),
        laws=("ROB-16", "ROB-17"),
    ),
    Deviation(
        id="D-9",
        title="A type lives in one registry",
        flax_0_10_3=(
            "Each registry checks only itself, so a type can be both a graph node and a pytree "
            "node; it then flattens as a graph node and unflattens as a pytree."
        ),
        reproducer=(
            "from flax.nnx import graph; M = type('M', (nnx.Module,), {}); "
            "graph.register_pytree_node_type(M, lambda x: ((), None), lambda c, m: M())  # no error"
        ),
        reference="Registering a type that is in either registry raises RegistryError.",
    ),
    Deviation(
        id="D-10",
        title="Filter validation",
        flax_0_10_3=(
            "The `...`/True last-position rule tests `filter in (..., True)`, so the integer 1 "
            "counts as True; an invalid filter fails while formatting its own error message "
            "(ValueError for numbers, TypeError for other objects)."
        ),
        reproducer=(
            "nnx.split(nnx.Dict(a=nnx.Param(1)), 1, nnx.Param)  # ValueError: `...` or `True` "
            "can only be used as the last filters"
        ),
        reference=(
            "The rule uses identity (`is`), so 1 is an invalid filter, not True; an invalid "
            "filter raises FilterError (a TypeError) naming it."
        ),
        laws=("FLT-3", "ROB-11"),
    ),
    Deviation(
        id="D-11",
        title="UpdateContext checks the protocol and drops its maps",
        flax_0_10_3=(
            "A second outer split silently takes the inner-split branch; the maps are kept after "
            "the protocol completes (contrary to the docstring); on exit the attributes are "
            "deleted, so any later use raises AttributeError."
        ),
        reproducer=(
            "exec(\"with nnx.update_context('t') as ctx:\\n ctx.split(nnx.Dict()); "
            'ctx.split(nnx.Dict())")  # no error'
        ),
        reference=(
            "Out-of-order calls (two outer splits, a merge before any split, a second inner merge, "
            "an outer merge without index_mapping) raise ContextError; the reference maps are "
            "dropped after the outer merge (4) and on exit, also by exception; a closed context "
            "raises ContextError (the seed: AttributeError, as exit deletes the maps). After a "
            "completed round a new round may start. As in the seed, exit deletes the maps "
            "(ref_index, index_ref) and the split / merge contexts' ctxtag: hasattr is False."
        ),
        laws=("UCTX-4", "UCTX-6", "ROB-6", "ROB-12"),
    ),
    Deviation(
        id="D-12",
        title="GraphDef hashing: cached, and errors name the path",
        flax_0_10_3=(
            "hash(graphdef) is recomputed on every call and fails with a bare TypeError when a "
            "static value is unhashable; HashableMapping sorts its items, so mixed int/str keys "
            "make it unhashable."
        ),
        reproducer=(
            "gd = nnx.graphdef(nnx.Dict(s={1})); hash(gd)  # TypeError: unhashable type: 'set'"
        ),
        reference=(
            "split succeeds; hash(graphdef) raises UnhashableGraphDefError (a TypeError) naming "
            "the attribute's path; the hash is computed once and cached; HashableMapping hashes "
            "a frozenset of its items (no sorting)."
        ),
        laws=("ERR-6", "ROB-14"),
    ),
    Deviation(
        id="D-13",
        title="Dict length and missing entries",
        flax_0_10_3=(
            "len(nnx.Dict(...)) counts the bookkeeping attribute _object__state; d[k] of a "
            "missing k raises AttributeError."
        ),
        reproducer="print(len(nnx.Dict(a=1)))  # 2",
        reference=(
            "len counts the entries only; a missing entry raises KeyError (so `in` and get work)."
        ),
    ),
    Deviation(
        id="D-14",
        title="Documented error classes",
        flax_0_10_3=(
            "User mistakes surface as RuntimeError ('this is a bug'), AssertionError, "
            "AttributeError or bare KeyError, e.g. splitting a Variable, a dangling NodeRef, a raw "
            "non-mapping value for a subgraph in update."
        ),
        reproducer="nnx.split(nnx.Param(1))  # RuntimeError: Unsupported type ..., this is a bug.",
        reference=(
            "Every error a user can trigger is a reference.errors class (ValueError, TypeError or "
            "KeyError subclasses) whose message is '<prefix>: <what> at <path>; <expected vs "
            "found>[; <hint>]' and whose .path holds the whole path as data (the target declares "
            "errors-carry-paths, so the error laws check it)."
        ),
        laws=(
            "ROB-8",
            "ROB-9",
            "ROB-11",
            "ROB-12",
            "ROB-13",
            "ROB-16",
            "ROB-17",
            "ROB-18",
            "ROB-19",
        ),
    ),
    Deviation(
        id="D-15",
        title="Nested State objects are accepted as subgraph states",
        flax_0_10_3=(
            "A State object nested inside a state mapping (e.g. a view taken with st['a']) fails "
            "merge with an AssertionError (it is not a dict); State(state) stores nested views."
        ),
        reproducer=(
            "gd, st = nnx.split(nnx.Dict(a=nnx.Dict(b=nnx.Param(1)))); "
            "nnx.merge(gd, {'a': st['a']})  # AssertionError"
        ),
        reference=(
            "Any Mapping (dict, State, ...) is accepted wherever a subgraph's state is expected."
        ),
    ),
    Deviation(
        id="D-16",
        title="OfType matches a Variable by its class only",
        flax_0_10_3=(
            "OfType(T) also tests issubclass(x.type, T); for a Variable, x.type falls through to "
            "the *value*'s `type` attribute, so a plain Variable can match Param."
        ),
        reproducer=(
            "import types; m = nnx.Dict(v=nnx.Variable(types.SimpleNamespace(type=nnx.Param))); "
            "print(len(nnx.variables(m, nnx.Param)))  # 1"
        ),
        reference=(
            "A Variable matches OfType(T) iff isinstance(v, T); VariableStates still match by "
            "their .type. This also lets filtering cache its answer per Variable type."
        ),
    ),
    Deviation(
        id="D-17",
        title="A mapping where a Variable belongs is an error",
        flax_0_10_3=(
            "update and merge given a mapping (a dict or a State) at a Variable's path store the "
            "mapping itself as the Variable's value, silently corrupting it."
        ),
        reproducer=(
            "m = nnx.Dict(a=nnx.Param(1)); nnx.update(m, {'a': {'x': 2}}); "
            "print(type(m.a.value))  # <class 'dict'>"
        ),
        reference=(
            "update and merge raise StateStructureError naming the path; nothing changes "
            "(the spec's subgraph-for-leaf)."
        ),
        laws=("ERR-11", "ROB-8", "ROB-9"),
    ),
    Deviation(
        id="D-18",
        title="update creates attributes only from state leaves",
        flax_0_10_3=(
            "update with a new key whose value is a raw value or a mapping stores it as a plain "
            "attribute: an array there makes the next split raise, a mapping of VariableStates "
            "becomes a pytree of states inside the graph."
        ),
        reproducer="m = nnx.Dict(a=nnx.Param(1)); nnx.update(m, {'new': 5}); print(m.new)  # 5",
        reference=(
            "A new key needs a VariableState (it becomes a new Variable, D-6) or a Variable (a "
            "copy); anything else raises UnknownKeyError naming the path, and nothing changes."
        ),
        laws=("ROB-9",),
    ),
    Deviation(
        id="D-19",
        title="Metadata order is not tree structure",
        flax_0_10_3=(
            "A VariableState's pytree aux data is tuple(metadata.items()) in insertion order, so "
            "two equal states whose metadata was set in different orders have different jax tree "
            "structures and jax.jit traces again (also the Variable pytree of 0.11.x; flax sorts "
            "the items from 0.12.0, checked in the 0.11.2 and 0.12.0 sources)."
        ),
        reproducer=(
            "import jax; a = nnx.VariableState(nnx.Param, 1, x=1, y=2); b = "
            "nnx.VariableState(nnx.Param, 1, y=2, x=1); "
            "print(jax.tree.structure(a) == jax.tree.structure(b))  # False"
        ),
        reference=(
            "The aux data holds the metadata items sorted by name: equal metadata gives equal "
            "tree structures whatever the order it was set in."
        ),
        laws=("MD-2",),
    ),
    Deviation(
        id="D-20",
        title="replace_by_pure_dict matches keys as they are, checks first, writes in place",
        flax_0_10_3=(
            "State.replace_by_pure_dict converts every key of the pure dict with int(), so a "
            "state key '0' (a string) can never be matched and a float key 1.5 matches the key 1; "
            "it rebuilds the top-level subtrees, so a subtree view taken before keeps the old "
            "leaves."
        ),
        reproducer=(
            "s = nnx.State({'0': nnx.VariableState(nnx.Param, 1)}); "
            "s.replace_by_pure_dict({'0': 2})  # ValueError: key in pure_dict not available "
            "in state: (0,)"
        ),
        reference=(
            "A key of the pure dict names the state key equal to it, or, if there is none and it "
            "is a string spelling an integer (checkpoint formats write list indices so), that "
            "integer; other keys are never converted. Every path is checked and every new leaf "
            "computed before the first write (an unknown path raises UnknownKeyError, a "
            "ValueError, naming it), and leaves are replaced inside their nested dicts."
        ),
    ),
    Deviation(
        id="D-21",
        title="A deep copy of a Variable is a Variable",
        flax_0_10_3=(
            "Variable.__getattr__ forwards every attribute a Variable lacks to its value, "
            "__deepcopy__ included: copy.deepcopy of a Variable holding a jax array is a deep copy "
            "of the bare array (so in every flax release since)."
        ),
        reproducer=(
            "import copy, jax.numpy as jnp; "
            "print(type(copy.deepcopy(nnx.Param(jnp.ones(2)))).__name__)  # ArrayImpl"
        ),
        reference=(
            "Variable.__getattr__ refuses dunder names, so copy.deepcopy copies the Variable "
            "itself (through __getstate__): its type, a deep copy of its value and of its "
            "metadata."
        ),
        laws=("VAR-6",),
    ),
    Deviation(
        id="D-22",
        title="A dict of a State's subtrees is a state",
        flax_0_10_3=(
            "merge reads the state through State.merge, which keeps a State found inside a dict, "
            "and _graph_unflatten asserts each subtree is a dict: merge(gd, {k: s[k] for k in s}) "
            "raises AssertionError (update reads the same dict)."
        ),
        reproducer=(
            "m = nnx.Dict(a=nnx.Dict(w=nnx.Param(1))); gd, s = nnx.split(m); "
            "nnx.merge(gd, {k: s[k] for k in s})  # AssertionError"
        ),
        reference=(
            "State(mapping) stores a nested State as its dict, so merge and update read a dict "
            "of a State's subtrees as they read the State."
        ),
        laws=("RT-7",),
    ),
)
