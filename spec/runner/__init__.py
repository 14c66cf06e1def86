"""The conformance runner: profiles, the pytest plugin, ``nnxspec`` commands, reports, vectors."""
