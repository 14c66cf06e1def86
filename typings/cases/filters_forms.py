"""Filter: every filter form is accepted wherever filters are; nothing else is.

Forms: a type (``OfType``), a string (``WithTag``), ``...`` and ``True`` (everything),
``False`` and ``None`` (nothing), a callable ``(path, x) -> bool``, the predicate classes,
and lists / tuples of filters (``Any``), nested.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type


class Model(nnx.Module):
    def __init__(self) -> None:
        self.w = nnx.Param(1.0)
        self.n = nnx.BatchStat(0)


def is_param(path: nnx.PathParts, x: Any) -> bool:
    return isinstance(x, nnx.VariableState) and x.type is nnx.Param


def one_arg(x: Any) -> bool:
    return True


def says(path: nnx.PathParts, x: Any) -> str:
    return "yes"


m = Model()

# The alias covers every form.
f_type: nnx.Filter = nnx.Param  # accept
f_str: nnx.Filter = "rngs"  # accept
f_ellipsis: nnx.Filter = ...  # accept
f_true: nnx.Filter = True  # accept
f_false: nnx.Filter = False  # accept
f_none: nnx.Filter = None  # accept
f_def: nnx.Filter = is_param  # accept
f_lambda: nnx.Filter = lambda path, x: len(path) > 1  # accept
f_list: nnx.Filter = [nnx.Param, "rngs"]  # accept
f_tuple: nnx.Filter = (nnx.Param, nnx.BatchStat)  # accept
f_nested: nnx.Filter = [nnx.Param, ("rngs", [nnx.BatchStat, ...])]  # accept
f_classes: list[nnx.Filter] = [  # accept
    nnx.OfType(nnx.Param),
    nnx.WithTag("rngs"),
    nnx.PathContains("w"),
    nnx.Any(nnx.Param, "rngs"),
    nnx.All(nnx.Param, nnx.PathContains("w")),
    nnx.Not(nnx.Param),
    nnx.Everything(),
    nnx.Nothing(),
]
assert_type(nnx.to_predicate(nnx.Param), nnx.Predicate)
assert_type(nnx.to_predicate([nnx.Param, "rngs"])(("w",), 1.0), bool)

# Each form is accepted by split / state / pop / variables.
nnx.split(m, nnx.Param, ...)  # accept
nnx.split(m, "rngs", True)  # accept
nnx.split(m, None, False, ...)  # accept
nnx.split(m, is_param, lambda path, x: True)  # accept
nnx.split(m, [nnx.Param, "rngs"], (nnx.BatchStat,), ...)  # accept
nnx.split(m, nnx.Not(nnx.Param), nnx.Everything())  # accept
nnx.state(m, nnx.All(nnx.Param, nnx.PathContains("w")))  # accept
nnx.state(m, nnx.WithTag("rngs"), nnx.Nothing())  # accept
nnx.variables(m, nnx.Any(nnx.Param, nnx.BatchStat))  # accept
nnx.pop(m, nnx.OfType(nnx.BatchStat))  # accept

# Not filters.
nnx.split(m, 1)  # type: ignore[call-overload]
nnx.split(m, 1.0, ...)  # type: ignore[call-overload]
nnx.split(m, {"w": nnx.Param})  # type: ignore[call-overload]
nnx.split(m, object())  # type: ignore[call-overload]
nnx.split(m, [nnx.Param, 1])  # type: ignore[list-item]
nnx.state(m, {nnx.Param})  # type: ignore[call-overload]
nnx.state(m, frozenset([nnx.Param]))  # type: ignore[call-overload]
nnx.split(m, one_arg)  # type: ignore[arg-type]
nnx.split(m, says)  # type: ignore[arg-type]
bad_arity: nnx.Filter = one_arg  # type: ignore[assignment]
bad_return: nnx.Filter = says  # type: ignore[assignment]
bad_int: nnx.Filter = 0  # type: ignore[assignment]
