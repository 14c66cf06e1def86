"""The module, function by function, fits the contract's Protocols (nnx_contract.protocols).

Each line checks one function (or context method) structurally, for every node type M (a
rigid type variable here), in the target's own GraphDef / State / context classes. ``split``
is checked at the seed's precision here (``SeedSplitFn``), and States as ``State[Any, Any]``;
the whole contract, exact split arities and State types included, is ``protocol_module.py``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import nnx_under_test as nnx

from nnx_contract import protocols as p

M = TypeVar("M")


def conforms(node: M) -> None:
    split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.State[Any, Any]] = nnx.split  # accept
    merge: p.MergeFn[M, nnx.GraphDef[M], nnx.State[Any, Any]] = nnx.merge  # accept
    update: p.UpdateFn[M, nnx.State[Any, Any]] = nnx.update  # accept
    state: p.StateFn[M, nnx.State[Any, Any]] = nnx.state  # accept
    variables: p.StateFn[M, nnx.State[Any, Any]] = nnx.variables  # accept
    pop: p.PopFn[M, nnx.State[Any, Any]] = nnx.pop  # accept
    graphdef: p.GraphdefFn[M, nnx.GraphDef[M]] = nnx.graphdef  # accept
    clone: p.CloneFn[M] = nnx.clone  # accept
    iter_graph: p.IterGraphFn[M] = nnx.iter_graph  # accept
    call: p.CallFn[nnx.GraphDef[M], nnx.State[Any, Any]] = nnx.call  # accept
    update_context: p.UpdateContextFn[nnx.UpdateContext] = nnx.update_context  # accept
    current: p.CurrentUpdateContextFn[nnx.UpdateContext] = nnx.current_update_context  # accept
    split_context: p.SplitContextFn[nnx.SplitContext] = nnx.split_context  # accept
    merge_context: p.MergeContextFn[nnx.MergeContext] = nnx.merge_context  # accept


def contexts_conform(
    node: M, uc: nnx.UpdateContext, sc: nnx.SplitContext, mc: nnx.MergeContext
) -> None:
    uc_split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.State[Any, Any]] = uc.split  # accept
    uc_merge: p.MergeFn[M, nnx.GraphDef[M], nnx.State[Any, Any]] = uc.merge  # accept
    sc_split: p.SeedSplitFn[M, nnx.GraphDef[M], nnx.State[Any, Any]] = sc.split  # accept
    mc_merge: p.MergeContextAPI[M, nnx.GraphDef[M], nnx.State[Any, Any]] = mc  # accept
    manager: p.UpdateContextManagerAPI[nnx.UpdateContext] = nnx.update_context("t")  # accept
