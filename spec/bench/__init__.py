"""``nnxspec bench``: side-by-side performance of the graph operations of several targets.

``shapes`` (the graphs, as blueprints), ``ops`` (the timed calls), ``worker`` (one target's
process, a JSON-lines protocol on stdin / stdout), ``driver`` (the parent: round-robin sampling
of the workers), ``report`` (Markdown tables and the performance goals), ``plot`` (matplotlib,
optional).  The command itself is ``spec.runner.commands.bench``.
"""
