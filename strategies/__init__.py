"""Hypothesis strategies for nnxspec: blueprints, filters, mutation programs, law cases, the
bounded-exhaustive input set, and reproducer scripts.

Everything drawn is plain, frozen data (``spec.blueprint``, ``spec.filters``, ``spec.program``,
``spec.hostile``, ``spec.laws.Case``) that shrinks, prints and serialises to JSON; targets build
live objects from it (``spec.build``).  Bad arguments raise ``hypothesis.errors.InvalidArgument``
when a strategy is first drawn from, not when it is created.
"""

from strategies._cases import FILTER_INPUTS as FILTER_INPUTS
from strategies._cases import cases as cases
from strategies._exhaustive import FIXED_FILTERS as FIXED_FILTERS
from strategies._exhaustive import all_blueprints as all_blueprints
from strategies._exhaustive import count_blueprints as count_blueprints
from strategies._exhaustive import exhaustive_cases as exhaustive_cases
from strategies._filters import bad_filter_tuples as bad_filter_tuples
from strategies._filters import filter_tuples as filter_tuples
from strategies._filters import filters as filters
from strategies._filters import nonexhaustive_filter_tuples as nonexhaustive_filter_tuples
from strategies._graphs import FEATURES as FEATURES
from strategies._graphs import graph_features as graph_features
from strategies._graphs import graphs as graphs
from strategies._graphs import has_true_cycle as has_true_cycle
from strategies._hostile import GRAPH_FAULTS as GRAPH_FAULTS
from strategies._hostile import HOSTILE_INPUTS as HOSTILE_INPUTS
from strategies._hostile import context_calls as context_calls
from strategies._hostile import hostile_filter_calls as hostile_filter_calls
from strategies._hostile import hostile_graphs as hostile_graphs
from strategies._hostile import hostile_inputs as hostile_inputs
from strategies._hostile import hostile_states as hostile_states
from strategies._hostile import state_edits as state_edits
from strategies._nearmiss import near_misses as near_misses
from strategies._programs import EDIT_KINDS as EDIT_KINDS
from strategies._programs import programs as programs
from strategies._reproducers import filters_source as filters_source
from strategies._reproducers import graph_source as graph_source
from strategies._reproducers import program_source as program_source
from strategies._reproducers import reproducer as reproducer
from strategies._scale import SHAPES as SCALE_SHAPES
from strategies._scale import scale_shape as scale_shape
from strategies._values import variable_specs as variable_specs

__all__ = [
    "EDIT_KINDS",
    "FEATURES",
    "FILTER_INPUTS",
    "FIXED_FILTERS",
    "GRAPH_FAULTS",
    "HOSTILE_INPUTS",
    "SCALE_SHAPES",
    "all_blueprints",
    "bad_filter_tuples",
    "cases",
    "context_calls",
    "count_blueprints",
    "exhaustive_cases",
    "filter_tuples",
    "filters",
    "filters_source",
    "graph_features",
    "graph_source",
    "graphs",
    "has_true_cycle",
    "hostile_filter_calls",
    "hostile_graphs",
    "hostile_inputs",
    "hostile_states",
    "near_misses",
    "nonexhaustive_filter_tuples",
    "program_source",
    "programs",
    "reproducer",
    "scale_shape",
    "state_edits",
    "variable_specs",
]
