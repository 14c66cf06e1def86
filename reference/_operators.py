"""``ValueOperators``: Python operators that act on ``self.value`` (the Variable mixin).

Binary, reflected and unary operators, container protocols and ``__call__`` are
forwarded to the value; in-place operators assign the result back to ``value`` and
return ``self``, so ``v += 1`` keeps the Variable's identity (numpy values are updated
in place, jax values are replaced).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from typing_extensions import Self


class ValueOperators:
    """Forward operators to ``self.value``."""

    __slots__ = ()

    if TYPE_CHECKING:

        @property
        def value(self) -> Any: ...
        @value.setter
        def value(self, value: Any) -> None: ...

    def __jax_array__(self) -> Any:
        return self.value

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.value)

    def __contains__(self, item: object) -> bool:
        return item in self.value

    def __getitem__(self, key: Any) -> Any:
        return self.value[key]

    def __setitem__(self, key: Any, item: Any) -> None:
        self.value[key] = item

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.value(*args, **kwargs)

    def _binary(self, op: Callable[[Any, Any], Any], other: Any) -> Any:
        return op(self.value, other)

    def _reflected(self, op: Callable[[Any, Any], Any], other: Any) -> Any:
        return op(other, self.value)

    def _inplace(self, op: Callable[[Any, Any], Any], other: Any) -> Self:
        # numpy values are updated in place; jax values are replaced (identity kept)
        self.value = op(self.value, other)
        return self

    def __add__(self, other: Any) -> Any:
        return self._binary(operator.add, other)

    def __radd__(self, other: Any) -> Any:
        return self._reflected(operator.add, other)

    def __iadd__(self, other: Any) -> Self:
        return self._inplace(operator.iadd, other)

    def __sub__(self, other: Any) -> Any:
        return self._binary(operator.sub, other)

    def __rsub__(self, other: Any) -> Any:
        return self._reflected(operator.sub, other)

    def __isub__(self, other: Any) -> Self:
        return self._inplace(operator.isub, other)

    def __mul__(self, other: Any) -> Any:
        return self._binary(operator.mul, other)

    def __rmul__(self, other: Any) -> Any:
        return self._reflected(operator.mul, other)

    def __imul__(self, other: Any) -> Self:
        return self._inplace(operator.imul, other)

    def __truediv__(self, other: Any) -> Any:
        return self._binary(operator.truediv, other)

    def __rtruediv__(self, other: Any) -> Any:
        return self._reflected(operator.truediv, other)

    def __itruediv__(self, other: Any) -> Self:
        return self._inplace(operator.itruediv, other)

    def __floordiv__(self, other: Any) -> Any:
        return self._binary(operator.floordiv, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return self._reflected(operator.floordiv, other)

    def __mod__(self, other: Any) -> Any:
        return self._binary(operator.mod, other)

    def __rmod__(self, other: Any) -> Any:
        return self._reflected(operator.mod, other)

    def __pow__(self, other: Any) -> Any:
        return self._binary(operator.pow, other)

    def __rpow__(self, other: Any) -> Any:
        return self._reflected(operator.pow, other)

    def __matmul__(self, other: Any) -> Any:
        return self._binary(operator.matmul, other)

    def __rmatmul__(self, other: Any) -> Any:
        return self._reflected(operator.matmul, other)

    def __imatmul__(self, other: Any) -> Self:
        return self._inplace(operator.imatmul, other)

    def __and__(self, other: Any) -> Any:
        return self._binary(operator.and_, other)

    def __or__(self, other: Any) -> Any:
        return self._binary(operator.or_, other)

    def __xor__(self, other: Any) -> Any:
        return self._binary(operator.xor, other)

    def __lt__(self, other: Any) -> Any:
        return self._binary(operator.lt, other)

    def __le__(self, other: Any) -> Any:
        return self._binary(operator.le, other)

    def __gt__(self, other: Any) -> Any:
        return self._binary(operator.gt, other)

    def __ge__(self, other: Any) -> Any:
        return self._binary(operator.ge, other)

    def __neg__(self) -> Any:
        return -self.value

    def __pos__(self) -> Any:
        return +self.value

    def __abs__(self) -> Any:
        return abs(self.value)

    def __invert__(self) -> Any:
        return ~self.value

    def __ifloordiv__(self, other: Any) -> Self:
        return self._inplace(operator.ifloordiv, other)

    def __imod__(self, other: Any) -> Self:
        return self._inplace(operator.imod, other)

    def __ipow__(self, other: Any) -> Self:
        return self._inplace(operator.ipow, other)

    def __divmod__(self, other: Any) -> Any:
        return self._binary(divmod, other)

    def __rdivmod__(self, other: Any) -> Any:
        return self._reflected(divmod, other)

    def __lshift__(self, other: Any) -> Any:
        return self._binary(operator.lshift, other)

    def __rlshift__(self, other: Any) -> Any:
        return self._reflected(operator.lshift, other)

    def __ilshift__(self, other: Any) -> Self:
        return self._inplace(operator.ilshift, other)

    def __rshift__(self, other: Any) -> Any:
        return self._binary(operator.rshift, other)

    def __rrshift__(self, other: Any) -> Any:
        return self._reflected(operator.rshift, other)

    def __irshift__(self, other: Any) -> Self:
        return self._inplace(operator.irshift, other)

    def __rand__(self, other: Any) -> Any:
        return self._reflected(operator.and_, other)

    def __iand__(self, other: Any) -> Self:
        return self._inplace(operator.iand, other)

    def __ror__(self, other: Any) -> Any:
        return self._reflected(operator.or_, other)

    def __ior__(self, other: Any) -> Self:
        return self._inplace(operator.ior, other)

    def __rxor__(self, other: Any) -> Any:
        return self._reflected(operator.xor, other)

    def __ixor__(self, other: Any) -> Self:
        return self._inplace(operator.ixor, other)

    def __complex__(self) -> complex:
        return complex(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __index__(self) -> int:
        return operator.index(self.value)

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.value, ndigits)

    def __trunc__(self) -> Any:
        return math.trunc(self.value)

    def __floor__(self) -> Any:
        return math.floor(self.value)

    def __ceil__(self) -> Any:
        return math.ceil(self.value)
