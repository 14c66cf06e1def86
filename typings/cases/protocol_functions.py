"""The module, function by function, fits the contract's Protocols (nnx_contract.protocols).

Each line checks one function (or context method) structurally, for every node type M (a
rigid type variable here), in the target's own GraphDef / State / context classes. ``split``
is checked at the seed's precision here (``SeedSplitFn``); the whole contract, exact split
arities included, is ``protocol_module.py``.
"""

# ruff: noqa: F841 (each assignment is the check)

from __future__ import annotations

from typing import Any, TypeVar

import nnx_under_test as nnx
from nnx_contract import protocols as p

M = TypeVar("M")


def conforms(node: M) -> None:
    split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.GraphState] = nnx.split  # accept
    merge: p.MergeFn[M, nnx.GraphDef[M], nnx.GraphState] = nnx.merge  # accept
    update: p.UpdateFn[M, nnx.GraphState] = nnx.update  # accept
    state: p.StateFn[M, nnx.GraphState] = nnx.state  # accept
    variables: p.StateFn[M, nnx.State[nnx.Key, nnx.Variable[Any]]] = nnx.variables  # accept
    pop: p.PopFn[M, nnx.GraphState] = nnx.pop  # accept
    graphdef: p.GraphdefFn[M, nnx.GraphDef[M]] = nnx.graphdef  # accept
    clone: p.CloneFn[M] = nnx.clone  # accept
    iter_graph: p.IterGraphFn[M] = nnx.iter_graph  # accept
    call: p.CallFn[nnx.GraphDef[M], nnx.GraphState] = nnx.call  # accept
    update_context: p.UpdateContextFn[nnx.UpdateContext] = nnx.update_context  # accept
    current: p.CurrentUpdateContextFn[nnx.UpdateContext] = nnx.current_update_context  # accept
    split_context: p.SplitContextFn[nnx.SplitContext] = nnx.split_context  # accept
    merge_context: p.MergeContextFn[nnx.MergeContext] = nnx.merge_context  # accept


def contexts_conform(
    node: M, uc: nnx.UpdateContext, sc: nnx.SplitContext, mc: nnx.MergeContext
) -> None:
    uc_split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.GraphState] = uc.split  # accept
    uc_merge: p.MergeFn[M, nnx.GraphDef[M], nnx.GraphState] = uc.merge  # accept
    sc_split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.GraphState] = sc.split  # accept
    mc_merge: p.MergeContextAPI[M, nnx.GraphDef[M], nnx.GraphState] = mc  # accept
    manager: p.UpdateContextManagerAPI[nnx.UpdateContext] = nnx.update_context("t")  # accept
