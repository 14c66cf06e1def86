"""Targets shipped with nnxspec: ``reference`` (the default) and ``flax`` (imported lazily)."""
