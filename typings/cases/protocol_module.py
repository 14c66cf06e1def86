"""The whole module fits the contract's ``GraphAPI`` Protocol, and its context objects fit
``UpdateContextAPI`` / ``SplitContextAPI`` / ``MergeContextAPI``: the full contract,
including the exact split arities of ``precision_split.py`` (``SplitFn``).

``typings/conformance/check_reference.py`` is the same check written against ``reference``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import nnx_under_test as nnx

from nnx_contract import protocols as p

M = TypeVar("M")


def module_conforms(node: M) -> None:
    api: p.GraphAPI[  # accept
        M,
        nnx.GraphDef[M],
        nnx.GraphState,
        nnx.State[nnx.Key, nnx.Variable[Any]],
        nnx.UpdateContext,
        nnx.SplitContext,
        nnx.MergeContext,
    ] = nnx
    split: p.SplitFn[M, nnx.GraphDef[M], nnx.GraphState] = nnx.split  # accept


def contexts_conform(
    node: M, uc: nnx.UpdateContext, sc: nnx.SplitContext, mc: nnx.MergeContext
) -> None:
    update_ctx: p.UpdateContextAPI[M, nnx.GraphDef[M], nnx.GraphState] = uc  # accept
    split_ctx: p.SplitContextAPI[M, nnx.GraphDef[M], nnx.GraphState] = sc  # accept
    merge_ctx: p.MergeContextAPI[M, nnx.GraphDef[M], nnx.GraphState] = mc  # accept
