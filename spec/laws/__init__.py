"""The law catalogue: every numbered law of the spec, by area (see ``_registry``).

``LAWS`` lists them in catalogue order (areas in ``AREAS`` order, then by number).
"""

from spec.laws import roundtrip as _roundtrip  # noqa: F401  (registers ID, RT)
from spec.laws import state as _state  # noqa: F401  (registers ST, GD, FLT, VAR)
from spec.laws import structure as _structure  # noqa: F401  (registers SHARE, CYC, PT, STAT)
from spec.laws._registry import AREAS as AREAS
from spec.laws._registry import INPUTS as INPUTS
from spec.laws._registry import LAWS as _REGISTERED
from spec.laws._registry import Case as Case
from spec.laws._registry import Law as Law
from spec.laws._registry import law_by_id as law_by_id


def _order(law: Law) -> tuple[int, int]:
    return list(AREAS).index(law.prefix), int(law.id.split("-")[1])


LAWS: tuple[Law, ...] = tuple(sorted(_REGISTERED, key=_order))

__all__ = ["AREAS", "INPUTS", "LAWS", "Case", "Law", "law_by_id"]
