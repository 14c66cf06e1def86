"""The nnxspec adapter for myfork: all it takes for an NNX-shaped API."""

from spec.targets import NNXTarget


class MyForkTarget(NNXTarget):
    name = "myfork"
    reproducer_import = "import myfork as nnx"

    def __init__(self) -> None:
        import myfork

        super().__init__(myfork)
        self.version = myfork.__version__
