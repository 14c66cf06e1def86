"""Every documented error: its class, its message prefix, and the path it names."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import pytest

import reference as nnx
from reference import errors
from tests.reference.refmodels import D


def _raises(
    fn: Callable[[], object], cls: type[Exception], prefix: str, path: str
) -> errors.GraphError:
    with pytest.raises(cls) as info:
        fn()
    message = str(info.value)
    assert message.startswith(prefix + ": "), message
    assert f" at {path}" in message, message
    assert isinstance(info.value, errors.GraphError)
    assert isinstance(info.value, errors.GraphError)
    return info.value


def _graph() -> nnx.Dict[Any]:
    return D(layers=[D(kernel=nnx.Param(1), scale=2.0)], top=nnx.Param(3))


def test_array_leaf() -> None:
    _raises(
        lambda: nnx.split(D(sub=D(x=jnp.ones(2)))),
        errors.ArrayLeafError,
        "array leaf",
        "'sub/x'",
    )


def test_not_a_node() -> None:
    _raises(lambda: nnx.split(3), errors.NotANodeError, "not a node", "<root>")
    _raises(lambda: nnx.update(nnx.Param(1), {}), errors.NotANodeError, "not a node", "<root>")


def test_missing_key() -> None:
    graphdef, _ = nnx.split(_graph())
    error = _raises(
        lambda: nnx.merge(graphdef, {"layers": {0: {}}, "top": 1}),
        errors.MissingKeyError,
        "missing key",
        "'layers/0/kernel'",
    )
    assert isinstance(error, KeyError) and error.path == ("layers", 0, "kernel")


def test_unknown_key() -> None:
    graphdef, state = nnx.split(_graph())
    bad = {"layers": {0: {"kernel": 1, "kernal": 1}}, "top": 1}
    error = _raises(
        lambda: nnx.merge(graphdef, state, bad),
        errors.UnknownKeyError,
        "unknown key",
        "'layers/0/kernal'",
    )
    assert error.path == ("layers", 0, "kernal")


def test_unknown_keys_are_named_in_the_specs_order_not_the_states() -> None:
    # several extra keys: the error carries the first by repr (the oracle's choice), whatever
    # order the state holds them in (a namedtuple's fields come in declaration order)
    graphdef, state = nnx.split(_graph())
    bad = {"layers": {0: {"kernel": 1, "n": 1, "f": 1}}, "top": 1}
    error = _raises(
        lambda: nnx.merge(graphdef, state, bad),
        errors.UnknownKeyError,
        "unknown key",
        "'layers/0/f'",
    )
    assert error.path == ("layers", 0, "f")
    assert "found extra keys ['f', 'n']" in str(error)


def test_state_mismatch() -> None:
    graphdef, _ = nnx.split(_graph())
    static = {"layers": {0: {"kernel": 1, "scale": 3.0}}, "top": 1}
    _raises(
        lambda: nnx.merge(graphdef, static),
        errors.StateMismatchError,
        "state mismatch",
        "'layers/0/scale'",
    )
    leaf_for_subgraph = {"layers": {0: nnx.VariableState(nnx.Param, 1)}, "top": 1}
    _raises(
        lambda: nnx.merge(graphdef, leaf_for_subgraph),
        errors.StateMismatchError,
        "state mismatch",
        "'layers/0'",
    )
    not_mapping = {"layers": {0: 5}, "top": 1}
    _raises(
        lambda: nnx.merge(graphdef, not_mapping),
        errors.StateMismatchError,
        "state mismatch",
        "'layers/0'",
    )
    _raises(
        lambda: nnx.update(_graph(), {"layers": 5}),
        errors.StateMismatchError,
        "state mismatch",
        "'layers'",
    )
    _raises(
        lambda: nnx.update(_graph(), {"layers": {0: {"scale": 1.0}}}),
        errors.StateMismatchError,
        "state mismatch",
        "'layers/0/scale'",
    )


def test_dangling_reference_and_duplicate_index() -> None:
    shared = D()
    graphdef, state = nnx.split(D(a=shared, b=shared))
    inner = next(a.value for a in graphdef.attributes if a.key == "b")  # type: ignore[attr-defined]
    assert isinstance(inner, nnx.NodeRef)
    _raises(
        lambda: nnx.merge(inner, {}), errors.DanglingReferenceError, "dangling reference", "<root>"
    )
    index_ref: dict[int, Any] = {}
    nnx.unflatten(graphdef, state, index_ref=index_ref)
    _raises(
        lambda: nnx.unflatten(graphdef, state, index_ref=index_ref),
        errors.DuplicateIndexError,
        "duplicate index",
        "<root>",
    )


def test_node_type_errors() -> None:
    class Unregistered:
        pass

    bad = nnx.NodeDef(Unregistered, 0, (), None)
    _raises(lambda: nnx.merge(bad, {}), errors.NodeTypeError, "node type", "<root>")
    model = D(i=nnx.Param(1))
    _raises(lambda: model.sow(nnx.Intermediate, "i", 1), errors.NodeTypeError, "node type", "'i'")


def test_immutable_node() -> None:
    _raises(
        lambda: nnx.update([nnx.Param(1)], {1: 2}),
        errors.ImmutableNodeError,
        "immutable node",
        "'1'",
    )
    _raises(
        lambda: nnx.pop([nnx.Param(1)], nnx.Param),
        errors.ImmutableNodeError,
        "immutable node",
        "'0'",
    )


def test_invalid_key() -> None:
    error = _raises(
        lambda: nnx.split({"x": {1: nnx.Param(1), "a": 2}}),
        errors.InvalidKeyError,
        "invalid key",
        "'x'",
    )
    assert isinstance(error, TypeError) and isinstance(error, KeyError)


def test_filters() -> None:
    state = nnx.state(_graph())
    with pytest.raises(
        errors.FilterError, match=r"^invalid filter: <object object at .*> of type object"
    ):
        state.filter(object())  # type: ignore[call-overload]
    with pytest.raises(
        errors.FilterOrderError, match=r"^filter order: True at index 0 followed by"
    ):
        state.split(True, nnx.Param)
    _raises(
        lambda: state.split(nnx.BatchStat),
        errors.NonExhaustiveFiltersError,
        "non-exhaustive filters",
        "'layers/0/kernel'",
    )


def test_unhashable_graphdef_and_registry() -> None:
    graphdef = nnx.graphdef(D(a=nnx.Param(1, meta=[1])))
    _raises(lambda: hash(graphdef), errors.UnhashableGraphDefError, "unhashable static", "'a'")
    with pytest.raises(errors.RegistryError, match=r"^already registered: node type dict"):
        nnx.register_pytree_node_type(dict, lambda x: ((), None), lambda c, m: {})


def test_state_structure() -> None:
    with pytest.raises(
        errors.StateStructureError, match=r"^state structure: a subtree below a leaf at 'a'"
    ):
        nnx.State.from_flat_path([(("a",), 1), (("a", "b"), 2)])


def test_variable_errors() -> None:
    v: nnx.Param[Any] = nnx.Param(1)
    with pytest.raises(errors.VariableError, match=r"^variable: a Param assigned to Param.value"):
        v.value = nnx.Param(2)
    with pytest.raises(
        errors.VariableError, match=r"^variable: copy_from a BatchStat into a Param"
    ):
        v.copy_from(nnx.BatchStat(2))


def test_errors_pickle_and_keep_their_message() -> None:
    error = errors.MissingKeyError("'k'", ("a", 0), "expected x, found y", "do z")
    assert str(error) == "missing key: 'k' at 'a/0'; expected x, found y; do z"
    again = pickle.loads(pickle.dumps(error))
    assert (
        type(again) is errors.MissingKeyError
        and str(again) == str(error)
        and again.path == ("a", 0)
    )


def test_every_error_class_documents_its_prefix() -> None:
    classes = [getattr(errors, name) for name in errors.__all__ if name[0].isupper()]
    for cls in classes:
        assert cls.prefix == cls.prefix.lower()
        if cls not in (errors.GraphError, errors.GraphTypeError, errors.GraphKeyError):
            assert re.search(rf"``{re.escape(cls.prefix)}``", cls.__doc__ or ""), cls
        if cls is not errors.InternalError:
            assert issubclass(cls, errors.GraphError) and issubclass(cls, ValueError)
