"""Variable is generic in its value: ``Param(1.0)`` is a ``Param[float]``.

The value's type flows through ``value``, ``to_state`` / ``VariableState`` and back;
assigning a value of another type, or a Variable where a VariableState is expected, is
rejected.
"""

from __future__ import annotations

from typing import Any

import nnx_under_test as nnx
from typing_extensions import assert_type

p = nnx.Param(1.0)
assert_type(p, nnx.Param[float])
assert_type(p.value, float)
assert_type(nnx.BatchStat(0).value, int)
assert_type(nnx.Variable("a").value, str)
assert_type(nnx.Cache([1, 2]), nnx.Cache[list[int]])
assert_type(nnx.Intermediate((1, "a")).value, tuple[int, str])

p.value = 2.0  # accept
p.value = "two"  # type: ignore[assignment]

s = p.to_state()
assert_type(s, nnx.VariableState[float])
assert_type(s.value, float)
assert_type(s.type, type[nnx.Variable[float]])
assert_type(s.to_variable(), nnx.Variable[float])
p.update_from_state(s)  # accept
p.update_from_state(nnx.BatchStat("x").to_state())  # type: ignore[arg-type]

as_any: nnx.Variable[Any] = p  # accept
as_float: nnx.Variable[float] = p  # accept
as_str: nnx.Variable[str] = p  # type: ignore[assignment]
not_state: nnx.VariableState[float] = p  # type: ignore[assignment]
assert_type(p.get_metadata(), dict[str, Any])
