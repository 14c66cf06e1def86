"""OWN: after every operation, changing a mutable part on one side changes nothing on the other,
except through the objects the operation is meant to share (``spec.semantics.ownership``).

Each law runs its operation twice on fresh inputs, changes every mutable part of the results of
the first call (a new attribute on every graph node, a new entry in every dict, list and State
mapping, a new value and a new metadata entry on every Variable and state leaf) and requires the
inputs and the second call's results to look exactly as they did before; then it changes the
inputs and requires both calls' results to look as before (``spec.laws._own``).
"""

from __future__ import annotations

from spec import semantics
from spec.errors import SpecError
from spec.laws._check import build_case, states_of
from spec.laws._own import Root, Side, check_ownership
from spec.laws._registry import Case, law
from spec.model import observe
from spec.target import Capability, Target

__all__: list[str] = []


def _states(name: str, states: tuple[object, ...]) -> list[Root]:
    return [Root(f"{name} {i}", "state", s) for i, s in enumerate(states)]


def _split_side(name: str, result: tuple[object, ...]) -> list[Root]:
    gd, *states = result
    return [Root(f"{name}'s GraphDef", "graphdef", gd), *_states(f"{name}'s state", tuple(states))]


@law("OWN-1", inputs=("graph", "exhaustive_filters"))
def split_shares_nothing_but_live_variables(t: Target, case: Case) -> None:
    """split's results share no mutable part with x nor another split's, but live Variables.

    Statement: gd, *ss = split(x, *fs); change every mutable part of (gd, *ss)
      ⟹ model(x) and a second split(x, *fs), taken before, are unchanged; and the other way round
      (with state-leaves-are-live a leaf is x's own Variable, shared whole)
    Rationale: a state handed to an optimizer or saved must not move when the model is edited,
      nor the model when the state is.
    Seed: graph.py split (VariableState copies the metadata; holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        fs = [t.make_filter(f) for f in case.filters]
        first = _split_side("split", t.split(x, *fs))
        second = _split_side("a second split", t.split(x, *fs))
        return [Root("x", "graph", x)], first, second

    check_ownership(t, "split", run)


@law("OWN-2", inputs=("graph", "filters"))
def state_and_graphdef_share_nothing_but_live_variables(t: Target, case: Case) -> None:
    """state(x) shares no mutable part with x nor another state(x), but live Variables.

    Statement: s = state(x, *fs), gd = graphdef(x); change every mutable part of s
      ⟹ model(x), tokens(gd) and a second state(x, *fs), taken before, are unchanged;
      and the other way round (with state-leaves-are-live a leaf is x's own Variable)
    Rationale: reading a graph must not hand out handles into its metadata or mappings.
    Seed: graph.py state / graphdef (holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        fs = [t.make_filter(f) for f in case.filters]
        count = max(len(fs), 1)
        first = [
            Root("graphdef(x)", "graphdef", t.graphdef(x)),
            *_states("state(x)", states_of(t.state(x, *fs), count)),
        ]
        second = _states("a second state(x)", states_of(t.state(x, *fs), count))
        return [Root("x", "graph", x)], first, second

    check_ownership(t, "state", run)


@law("OWN-3")
def merge_shares_nothing_with_its_inputs(t: Target, case: Case) -> None:
    """merge's graph shares no mutable part with gd, the state nor another merge's graph.

    Statement: gd, s = split(x); y = merge(gd, s); change every mutable part of y
      ⟹ tokens(gd), s and a second merge(gd, s), taken before, are unchanged; and the other way
      round (with merge-reuses-variables a Variable of s may be y's, shared whole)
    Rationale: two models merged from one checkpoint, or a model and its checkpoint, must not
      share metadata or containers behind the user's back.
    Seed: graph.py unflatten (VariableState.to_variable copies the metadata; holds).
    """

    def run() -> tuple[Side, Side, Side]:
        gd, s = t.split(build_case(t, case).root)
        inputs = [Root("the GraphDef", "graphdef", gd), Root("the state", "state", s)]
        first = [Root("merge(gd, s)", "graph", t.merge(gd, s))]
        second = [Root("a second merge(gd, s)", "graph", t.merge(gd, s))]
        return inputs, first, second

    check_ownership(t, "merge", run)


@law("OWN-4")
def update_leaves_x_and_the_state_apart(t: Target, case: Case) -> None:
    """After update(x, s), x and s share no mutable part.

    Statement: s = state(clone(x)); update(x, s); change every mutable part of x  ⟹  s unchanged;
      and the other way round (update writes values and metadata into x's own Variables)
    Rationale: a loaded state must stay what was loaded, and the model must not follow later
      edits of the state.
    Seed: graph.py _graph_update_dynamic (update_from_state copies the metadata; holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        s = t.state(t.clone(x))
        t.update(x, s)
        return [Root("the state", "state", s)], [Root("x after update", "graph", x)], []

    check_ownership(t, "update", run)


def _pop_succeeds(t: Target, case: Case) -> bool:
    """Whether the oracle's pop succeeds on the case (its failures are the POP / ERR laws')."""
    mutable_dicts = Capability.PYTREE_DICTS_ARE_MUTABLE in t.capabilities
    try:
        semantics.pop(
            observe(t, build_case(t, case).root), case.filters, mutable_dicts=mutable_dicts
        )
    except SpecError:
        return False
    return True


@law("OWN-5", requires=(Capability.POP,), inputs=("graph", "filters"))
def pop_shares_nothing_with_what_is_left(t: Target, case: Case) -> None:
    """pop's states share no mutable part with what is left of x.

    Statement: ss = pop(x, *fs); change every mutable part of ss  ⟹  model(x) after pop
      unchanged; and the other way round
    Rationale: popped intermediates are handed out; the module they came from must not move
      with them.
    Seed: graph.py pop (holds).
    """
    if not case.filters or not _pop_succeeds(t, case):
        return

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        fs = [t.make_filter(f) for f in case.filters]
        popped = states_of(t.pop(x, *fs), len(fs))
        return [Root("x after pop", "graph", x)], _states("pop's state", popped), []

    check_ownership(t, "pop", run)


@law("OWN-6")
def clone_shares_no_mutable_part(t: Target, case: Case) -> None:
    """clone(x) shares no mutable part with x nor another clone(x).

    Statement: y = clone(x); change every mutable part of y  ⟹  model(x) and a second clone(x),
      taken before, are unchanged; and the other way round (no node, container, Variable, nor
      metadata mapping is shared)
    Rationale: a clone kept as an EMA copy or a teacher must not move with the original, in
      values or in metadata.
    Seed: graph.py clone (holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        first = [Root("clone(x)", "graph", t.clone(x))]
        second = [Root("a second clone(x)", "graph", t.clone(x))]
        return [Root("x", "graph", x)], first, second

    check_ownership(t, "clone", run)


@law("OWN-7", requires=(Capability.CALL,), inputs=("module_graph",))
def call_returns_a_state_of_its_own(t: Target, case: Case) -> None:
    """call's GraphDef and state share no mutable part with gd and s, but reused Variables.

    Statement: out, (gd', s') = call((gd, s)).bump(); change every mutable part of (gd', s')
      ⟹ tokens(gd), s unchanged; and the other way round (with merge-reuses-variables a
      Variable of s may be one of s', shared whole)
    Rationale: a pure call must give a new state, not a view into the one it was given.
    Seed: graph.py CallableProxy (merge, call, split; holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        if observe(t, x).root.type_name != semantics.MODULE_TYPE_NAME:
            return [], [], []
        gd, s = t.split(x)
        _, (gd2, s2) = t.call((gd, s)).bump()
        inputs = [Root("the GraphDef", "graphdef", gd), Root("the state", "state", s)]
        return inputs, _split_side("call's result", (gd2, s2)), []

    check_ownership(t, "call", run)


@law("OWN-8", requires=(Capability.SPLIT_MERGE_CONTEXT,))
def contexts_share_as_split_and_merge(t: Target, case: Case) -> None:
    """split_context / merge_context share mutable parts only as split and merge do.

    Statement: with split_context() as c: gd, s = c.split(x); with merge_context() as m:
      y = m.merge(gd, s); change every mutable part of y  ⟹  model(x), tokens(gd), s unchanged;
      and the other way round (live leaves and reused Variables shared whole, as in OWN-1, OWN-3)
    Rationale: a transform's inputs and outputs cross these contexts; they must not come back
      entangled.
    Seed: graph.py SplitContext / MergeContext (holds).
    """

    def run() -> tuple[Side, Side, Side]:
        x = build_case(t, case).root
        with t.split_context() as c:
            gd, s = t.split_in(c, x)
        with t.merge_context() as c2:
            y = t.merge_in(c2, gd, s)
        inputs = [Root("x", "graph", x)]
        middle = [Root("split_in's GraphDef", "graphdef", gd), Root("split_in's state", "state", s)]
        return inputs, [Root("merge_in's graph", "graph", y)], middle

    check_ownership(t, "contexts", run)
