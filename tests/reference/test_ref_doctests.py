"""The examples in the docstrings of the public names run and print what they show."""

from __future__ import annotations

import doctest

import pytest

import reference as nnx

FINDER = doctest.DocTestFinder(recurse=False)
EXAMPLES = [
    test
    for name in nnx.__all__
    if callable(getattr(nnx, name))
    for test in FINDER.find(getattr(nnx, name), name)
    if test.examples
]


def test_there_are_docstring_examples() -> None:
    assert {test.name for test in EXAMPLES} >= {"split", "iter_graph", "update_context"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[test.name for test in EXAMPLES])
def test_docstring_example(example: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(example)
    assert runner.failures == 0
