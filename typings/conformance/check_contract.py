"""The contract stub satisfies its own Protocols (``nnx_contract.protocols``).

Checked by ``mypy --strict`` only (nothing here runs): keeps the stub and the Protocols from
drifting apart. ``check_reference.py`` is the same check for ``reference``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import nnx_contract as impl
from nnx_contract.protocols import GraphAPI, MergeContextAPI, SplitContextAPI, UpdateContextAPI

M = TypeVar("M")


def conforms(node: M) -> None:
    """For every node type M (a rigid type variable here), the module fits ``GraphAPI``."""
    api: GraphAPI[
        M,
        impl.GraphDef[M],
        impl.GraphState,
        impl.State[impl.Key, impl.Variable[Any]],
        impl.UpdateContext,
        impl.SplitContext,
        impl.MergeContext,
    ] = impl
    del api


def update_context_conforms(
    ctx: impl.UpdateContext, node: M
) -> UpdateContextAPI[M, impl.GraphDef[M], impl.GraphState]:
    return ctx


def split_context_conforms(
    ctx: impl.SplitContext, node: M
) -> SplitContextAPI[M, impl.GraphDef[M], impl.GraphState]:
    return ctx


def merge_context_conforms(
    ctx: impl.MergeContext, node: M
) -> MergeContextAPI[M, impl.GraphDef[M], impl.GraphState]:
    return ctx
