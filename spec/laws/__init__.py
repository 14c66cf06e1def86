"""The law catalogue: every numbered law of the spec, by area (see ``_registry``).

``LAWS`` lists them in catalogue order (areas in ``AREAS`` order, then by number).
"""

from spec.laws import contexts as _contexts  # noqa: F401  (registers UCTX, CTX)
from spec.laws import errors as _errors  # noqa: F401  (registers ERR)
from spec.laws import hostile as _hostile  # noqa: F401  (registers ROB-8..ROB-12: hostile inputs)
from spec.laws import jit as _jit  # noqa: F401  (registers JIT, BE)
from spec.laws import robustness as _robustness  # noqa: F401  (registers ROB)
from spec.laws import roundtrip as _roundtrip  # noqa: F401  (registers ID, RT)
from spec.laws import state as _state  # noqa: F401  (registers ST, GD, FLT, VAR)
from spec.laws import structure as _structure  # noqa: F401  (registers SHARE, CYC, PT, STAT)
from spec.laws import traversal as _traversal  # noqa: F401  (registers CL, IT, CALL)
from spec.laws import update as _update  # noqa: F401  (registers UPD, POP)
from spec.laws import user as _user  # noqa: F401  (registers USER)
from spec.laws._registry import AREAS as AREAS
from spec.laws._registry import FIXED_CASE as FIXED_CASE
from spec.laws._registry import INPUTS as INPUTS
from spec.laws._registry import LAWS as _REGISTERED
from spec.laws._registry import Case as Case
from spec.laws._registry import Law as Law
from spec.laws._registry import law_by_id as law_by_id


def _order(law: Law) -> tuple[int, int]:
    return list(AREAS).index(law.prefix), int(law.id.split("-")[1])


LAWS: tuple[Law, ...] = tuple(sorted(_REGISTERED, key=_order))

__all__ = ["AREAS", "FIXED_CASE", "INPUTS", "LAWS", "Case", "Law", "law_by_id"]
