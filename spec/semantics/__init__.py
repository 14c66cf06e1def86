"""The oracle: obviously correct, pure functions over models that say what each operation of the
graph API must produce.  Written for reading, not speed; shares no code with ``reference``.

Functions carry the API's own names, so a law reads ``semantics.split(m, fs)`` next to
``t.split(x, *fs)``.  Where the spec says an operation must fail they raise ``SpecError``.
"""

from spec.semantics.flatten import FlatState as FlatState
from spec.semantics.flatten import flatten as flatten
from spec.semantics.flatten import graphdef_tokens as graphdef_tokens
from spec.semantics.flatten import state as state
from spec.semantics.flatten import structure as structure
from spec.semantics.iteration import Item as Item
from spec.semantics.iteration import iter_graph as iter_graph
from spec.semantics.merge import RawLeaf as RawLeaf
from spec.semantics.merge import StateLeaf as StateLeaf
from spec.semantics.merge import clone as clone
from spec.semantics.merge import merge as merge
from spec.semantics.merge import merge_states as merge_states
from spec.semantics.merge import rebuild as rebuild
from spec.semantics.partition import check_filters as check_filters
from spec.semantics.partition import partition as partition
from spec.semantics.partition import split as split
from spec.semantics.partition import state_groups as state_groups
from spec.semantics.pop import pop as pop
from spec.semantics.program import MODULE_TYPE_NAME as MODULE_TYPE_NAME
from spec.semantics.program import apply as apply
from spec.semantics.program import bump as bump
from spec.semantics.program import transformed as transformed
from spec.semantics.update import update as update

__all__ = [
    "MODULE_TYPE_NAME",
    "FlatState",
    "Item",
    "RawLeaf",
    "StateLeaf",
    "apply",
    "bump",
    "check_filters",
    "clone",
    "flatten",
    "graphdef_tokens",
    "iter_graph",
    "merge",
    "merge_states",
    "partition",
    "pop",
    "rebuild",
    "split",
    "state",
    "state_groups",
    "structure",
    "transformed",
    "update",
]
