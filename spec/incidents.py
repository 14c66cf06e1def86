"""Failures the law never saw: an input that could not be built, an exception a thread dropped.

A law's verdict is about the target.  When building an input fails (the adapter cannot make the
objects, a release lacks a class the adapter uses) the law has not been checked, and the run must
say ``error``, not ``fail``.  But a law may build inputs and call the target in worker threads,
whose exceptions never reach the law's caller: the law then fails with a symptom ("the other
thread did not return its root") instead of the cause.  So, while the engine ``watch``es one
example:

* ``spec.build.build`` reports every failure to build (``record``), whatever thread it runs in;
* an exception that ends a thread unhandled is recorded too (``threading.excepthook`` is chained
  for the duration, and the exception is not printed again).

The engine judges what was recorded (``spec.runner.engine``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator
from typing import Literal

__all__ = ["Incident", "record", "watch"]


@dataclasses.dataclass(frozen=True)
class Incident:
    """One failure: the error, how it was seen (a failed build, a thread that died), and the
    name of the thread it happened in."""

    error: BaseException
    kind: Literal["build", "thread"]
    thread: str

    def describe(self) -> str:
        what = "building an input raised" if self.kind == "build" else "a thread of the law died of"
        return f"{what} {type(self.error).__name__}: {self.error} (thread {self.thread})"


_lock = threading.Lock()
_sinks: list[list[Incident]] = []
_previous_hook: list[object] = []


def record(error: BaseException, kind: Literal["build", "thread"] = "build") -> bool:
    """Report ``error``; return whether anything was watching."""
    with _lock:
        for sink in _sinks:
            sink.append(Incident(error, kind, threading.current_thread().name))
        return bool(_sinks)


def _thread_died(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None and record(args.exc_value, "thread"):
        return
    previous = _previous_hook[0] if _previous_hook else threading.__excepthook__
    previous(args)  # type: ignore[operator]


@contextlib.contextmanager
def watch() -> Iterator[list[Incident]]:
    """Collect every incident recorded, in any thread, while the body runs."""
    sink: list[Incident] = []
    with _lock:
        if not _sinks:
            _previous_hook[:] = [threading.excepthook]
            threading.excepthook = _thread_died
        _sinks.append(sink)
    try:
        yield sink
    finally:
        with _lock:
            _sinks.remove(sink)
            if not _sinks and threading.excepthook is _thread_died:
                threading.excepthook = _previous_hook.pop()  # type: ignore[assignment]
