"""myfork: a fork of nnxspec's reference NNX implementation with one bug.

Everything is the reference's, except ``clone``: it copies only the top node, so the clone
shares its submodules and Variables with the original (writing one changes the other).
"""

import copy

from reference import *  # noqa: F403  (the whole API, as a fork would have it)
from reference import __version__ as __version__


def clone(node: object) -> object:
    """Return a copy of ``node``.  The bug: a shallow copy, not a deep one."""
    return copy.copy(node)
