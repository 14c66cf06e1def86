"""nnxspec's clean-room reference implementation of the Flax NNX graph API (seed: flax 0.10.3).

Only this module and ``reference.errors`` are public; implementations live in private
``reference._*`` modules. The semantics are the seed's, except the deviations listed
in ``spec/deviations.py`` (each marked ``[Deviation D-n]`` in the source).
"""

from reference import errors as errors
from reference._api import GraphState as GraphState
from reference._api import PureState as PureState
from reference._api import call as call
from reference._api import clone as clone
from reference._api import flatten as flatten
from reference._api import graphdef as graphdef
from reference._api import merge as merge
from reference._api import pop as pop
from reference._api import split as split
from reference._api import state as state
from reference._api import unflatten as unflatten
from reference._api import update as update
from reference._api import variables as variables
from reference._contexts import MergeContext as MergeContext
from reference._contexts import SplitContext as SplitContext
from reference._contexts import UpdateContext as UpdateContext
from reference._contexts import UpdateContextManager as UpdateContextManager
from reference._contexts import current_update_context as current_update_context
from reference._contexts import merge_context as merge_context
from reference._contexts import split_context as split_context
from reference._contexts import update_context as update_context
from reference._filters import All as All
from reference._filters import Any as Any
from reference._filters import Everything as Everything
from reference._filters import Filter as Filter
from reference._filters import Not as Not
from reference._filters import Nothing as Nothing
from reference._filters import OfType as OfType
from reference._filters import PathContains as PathContains
from reference._filters import PathIn as PathIn
from reference._filters import Predicate as Predicate
from reference._filters import WithTag as WithTag
from reference._filters import to_predicate as to_predicate
from reference._graphdef import GraphDef as GraphDef
from reference._graphdef import LeafAttribute as LeafAttribute
from reference._graphdef import NodeDef as NodeDef
from reference._graphdef import NodeRef as NodeRef
from reference._graphdef import StaticAttribute as StaticAttribute
from reference._graphdef import SubGraphAttribute as SubGraphAttribute
from reference._graphdef import VariableDef as VariableDef
from reference._iter import iter_graph as iter_graph
from reference._mappings import HashableMapping as HashableMapping
from reference._mappings import RefMap as RefMap
from reference._mappings import compose_mapping as compose_mapping
from reference._mappings import compose_mapping_reversed as compose_mapping_reversed
from reference._object import Dict as Dict
from reference._object import Module as Module
from reference._object import Object as Object
from reference._proxy import ApplyCaller as ApplyCaller
from reference._proxy import CallableProxy as CallableProxy
from reference._proxy import DelayedAccessor as DelayedAccessor
from reference._registry import GenericPytree as GenericPytree
from reference._registry import GraphNodeImpl as GraphNodeImpl
from reference._registry import PytreeNodeImpl as PytreeNodeImpl
from reference._registry import is_graph_node as is_graph_node
from reference._registry import is_node as is_node
from reference._registry import is_node_type as is_node_type
from reference._registry import is_pytree_node as is_pytree_node
from reference._registry import register_graph_node_type as register_graph_node_type
from reference._registry import register_pytree_node_type as register_pytree_node_type
from reference._state import FlatState as FlatState
from reference._state import State as State
from reference._static import Static as Static
from reference._typing import MISSING as MISSING
from reference._typing import Key as Key
from reference._typing import PathParts as PathParts
from reference._variables import BatchStat as BatchStat
from reference._variables import Cache as Cache
from reference._variables import Intermediate as Intermediate
from reference._variables import Param as Param
from reference._variables import RngCount as RngCount
from reference._variables import RngKey as RngKey
from reference._variables import RngState as RngState
from reference._variables import Variable as Variable
from reference._variables import VariableState as VariableState
from reference._variables import is_node_leaf as is_node_leaf
from reference._variables import is_state_leaf as is_state_leaf

__version__ = "0.1.0"

__all__ = [
    "MISSING",
    "All",
    "Any",
    "ApplyCaller",
    "BatchStat",
    "Cache",
    "CallableProxy",
    "DelayedAccessor",
    "Dict",
    "Everything",
    "Filter",
    "FlatState",
    "GenericPytree",
    "GraphDef",
    "GraphNodeImpl",
    "GraphState",
    "HashableMapping",
    "Intermediate",
    "Key",
    "LeafAttribute",
    "MergeContext",
    "Module",
    "NodeDef",
    "NodeRef",
    "Not",
    "Nothing",
    "Object",
    "OfType",
    "Param",
    "PathContains",
    "PathIn",
    "PathParts",
    "Predicate",
    "PureState",
    "PytreeNodeImpl",
    "RefMap",
    "RngCount",
    "RngKey",
    "RngState",
    "SplitContext",
    "State",
    "Static",
    "StaticAttribute",
    "SubGraphAttribute",
    "UpdateContext",
    "UpdateContextManager",
    "Variable",
    "VariableDef",
    "VariableState",
    "WithTag",
    "call",
    "clone",
    "compose_mapping",
    "compose_mapping_reversed",
    "current_update_context",
    "errors",
    "flatten",
    "graphdef",
    "is_graph_node",
    "is_node",
    "is_node_leaf",
    "is_node_type",
    "is_pytree_node",
    "is_state_leaf",
    "iter_graph",
    "merge",
    "merge_context",
    "pop",
    "register_graph_node_type",
    "register_pytree_node_type",
    "split",
    "split_context",
    "state",
    "to_predicate",
    "unflatten",
    "update",
    "update_context",
    "variables",
]
