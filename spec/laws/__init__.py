"""The law catalogue: every numbered law of the spec, one module per area (see ``_registry``).

The law ``AREA-N`` lives in ``spec/laws/<area>.py``, the area prefix in lower case (``ROB-13`` in
``rob.py``); helpers shared by several areas live in the private modules (``_check``, ``_protocol``,
``_jit``, ``_hostile``).  ``LAWS`` lists the laws in catalogue order (areas in ``AREAS`` order, then
by number).

A law id is never reused.  Retired ids (``RETIRED``) say where their content went: ROB-10 (hostile
graphs of every fault kind) was split by fault into ROB-13 (array attributes), ROB-14 (unhashable
statics), ROB-15 (odd but orderable dict keys), ROB-16 (unorderable dict keys), ROB-17 (a
registered node type with unorderable keys), ROB-18 (self-containing pytrees) and ROB-19 (a root
that is not a node).
"""

from spec.laws import be as _be  # noqa: F401  (registers BE)
from spec.laws import call as _call  # noqa: F401  (registers CALL)
from spec.laws import cl as _cl  # noqa: F401  (registers CL)
from spec.laws import ctx as _ctx  # noqa: F401  (registers CTX)
from spec.laws import cyc as _cyc  # noqa: F401  (registers CYC)
from spec.laws import eq as _eq  # noqa: F401  (registers EQ)
from spec.laws import err as _err  # noqa: F401  (registers ERR)
from spec.laws import flt as _flt  # noqa: F401  (registers FLT)
from spec.laws import fs as _fs  # noqa: F401  (registers FS)
from spec.laws import gd as _gd  # noqa: F401  (registers GD)
from spec.laws import id as _id  # noqa: F401  (registers ID)
from spec.laws import it as _it  # noqa: F401  (registers IT)
from spec.laws import jit as _jit  # noqa: F401  (registers JIT)
from spec.laws import md as _md  # noqa: F401  (registers MD)
from spec.laws import own as _own  # noqa: F401  (registers OWN)
from spec.laws import pop as _pop  # noqa: F401  (registers POP)
from spec.laws import pt as _pt  # noqa: F401  (registers PT)
from spec.laws import rob as _rob  # noqa: F401  (registers ROB)
from spec.laws import rt as _rt  # noqa: F401  (registers RT)
from spec.laws import share as _share  # noqa: F401  (registers SHARE)
from spec.laws import st as _st  # noqa: F401  (registers ST)
from spec.laws import stat as _stat  # noqa: F401  (registers STAT)
from spec.laws import surf as _surf  # noqa: F401  (registers SURF)
from spec.laws import uctx as _uctx  # noqa: F401  (registers UCTX)
from spec.laws import upd as _upd  # noqa: F401  (registers UPD)
from spec.laws import user as _user  # noqa: F401  (registers USER)
from spec.laws import var as _var  # noqa: F401  (registers VAR)
from spec.laws._registry import AREAS as AREAS
from spec.laws._registry import FIXED_CASE as FIXED_CASE
from spec.laws._registry import INPUTS as INPUTS
from spec.laws._registry import LAWS as _REGISTERED
from spec.laws._registry import RETIRED as RETIRED
from spec.laws._registry import Case as Case
from spec.laws._registry import Law as Law
from spec.laws._registry import law_by_id as law_by_id


def _order(law: Law) -> tuple[int, int]:
    return list(AREAS).index(law.prefix), int(law.id.split("-")[1])


LAWS: tuple[Law, ...] = tuple(sorted(_REGISTERED, key=_order))

__all__ = ["AREAS", "FIXED_CASE", "INPUTS", "LAWS", "RETIRED", "Case", "Law", "law_by_id"]
