"""nnxspec's executable specification of Flax NNX graph semantics.

The spec reads in four nouns (see README "Architecture"):

* ``Blueprint`` (``spec.blueprint``) - what graph to build, as plain data;
* ``Target`` (``spec.target``) - the adapter that builds, observes and operates an implementation;
* ``Model`` (``spec.model``) - the canonical picture of an observed graph; the oracle
  (``spec.semantics``) says what each operation must turn a model into;
* ``Law`` (``spec.laws``) - a numbered, checked statement relating the three.
"""

from spec.blueprint import Blueprint as Blueprint
from spec.errors import LawViolation as LawViolation
from spec.errors import NotApplicable as NotApplicable
from spec.errors import SpecError as SpecError
from spec.model import Model as Model
from spec.model import observe as observe
from spec.target import Capability as Capability
from spec.target import Target as Target
from spec.target import resolve_target as resolve_target

__all__ = [
    "Blueprint",
    "Capability",
    "LawViolation",
    "Model",
    "NotApplicable",
    "SpecError",
    "Target",
    "observe",
    "resolve_target",
]
