"""Targets shipped with nnxspec, and the base class for writing your own.

* ``reference`` (the default, ``spec.targets.reference``) and ``flax`` (``spec.targets.flax``,
  imported only when asked for) are resolved by name.
* ``NNXTarget`` is the public base class of adapters over NNX-shaped APIs (its docstring states
  the constructor and what the API must provide).  An adapter in three steps:

  1. subclass it: ``name``, ``reproducer_import``, and an ``__init__(self)`` that calls
     ``super().__init__(your_nnx_module)`` (``spec/targets/reference.py`` is a complete one);
  2. run ``nnxspec check --target your_module:YourTarget`` where ``your_module.py`` is
     importable (the current directory counts, as for ``python -m``), or plain
     ``pytest --nnxspec-target your_module:YourTarget``;
  3. read the table; replay and draw a failure with ``nnxspec replay`` / ``nnxspec show``.

  ``tests/examples/fork_adapter/`` is a worked example: a fork of the reference with one bug
  and its adapter.
"""

from spec.targets._nnx import NNXTarget

__all__ = ["NNXTarget"]
