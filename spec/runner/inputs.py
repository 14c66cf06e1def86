"""The runner's one door to ``strategies``: drawn cases, the exhaustive set, reproducer scripts.

Kept in one place so the spec and the rest of the runner import no Hypothesis-based code at
module level, and so a reproducer is always available: when ``strategies.reproducer`` cannot
write one for a target, ``generic_reproducer`` replays the vector through nnxspec instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from hypothesis.strategies import SearchStrategy

from spec.laws import Case, Law
from spec.target import Target

__all__ = ["cases", "exhaustive_cases", "generic_reproducer", "reproducer", "scale_shape"]


def cases(
    kinds: tuple[str, ...], capabilities: frozenset[str] = frozenset(), tail: str = "sometimes"
) -> SearchStrategy[Case]:
    """``strategies.cases(kinds)``: Cases holding the inputs ``kinds`` of a law, with the inputs
    only some targets can build drawn where ``capabilities`` (the target's) include them, and
    the graph's scale tail drawn ``tail`` (``"sometimes"`` or ``"always"``)."""
    import strategies

    return strategies.cases(kinds, capabilities=capabilities, tail=tail)


def scale_shape(case: Case) -> str | None:
    """The scale shape of ``case``'s graph (``strategies.scale_shape``), or None."""
    import strategies

    return strategies.scale_shape(case.graph)


def exhaustive_cases(kinds: tuple[str, ...]) -> Iterable[Case]:
    """``strategies.exhaustive_cases(kinds)``: the bounded-exhaustive input set, in order."""
    import strategies

    return strategies.exhaustive_cases(kinds)


def reproducer(case: Case, law: Law, t: Target, target_spec: str) -> str:
    """Return a standalone script that replays ``law`` on ``case`` for ``t``.

    ``strategies.reproducer`` writes plain code against the target's own API; where it cannot
    (an adapter without ``reproducer_prelude``, a law without ``repro``), the script replays the
    case through nnxspec, naming the target as ``target_spec``.
    """
    try:
        import strategies

        return str(strategies.reproducer(case, law, t))
    except Exception as e:  # any failure to write plain code falls back to replay via nnxspec
        return generic_reproducer(case, law.id, target_spec, note=f"{type(e).__name__}: {e}")


def generic_reproducer(case: Case, law_id: str, target_spec: str, note: str = "") -> str:
    """Return a script that rebuilds ``case`` and checks law ``law_id`` on ``target_spec``."""
    data = json.dumps(case.to_data(), sort_keys=True, indent=1)
    why = f"# (a plain-API reproducer was not available: {note})\n" if note else ""
    return f'''"""Replay {law_id} on {target_spec} through nnxspec (exits 1 while the law fails)."""
{why}import json
import sys

from spec.laws import Case, law_by_id
from spec.runner.engine import check_case
from spec.target import resolve_target

CASE = json.loads(r"""{data}""")

verdict, reason, error = check_case(
    law_by_id({law_id!r}), resolve_target({target_spec!r}), Case.from_data(CASE)
)
print(verdict, reason or "", error if error is not None else "")
sys.exit(1 if verdict == "fail" else 0)
'''
