"""A benchmark worker: one target, one process, driven over stdin / stdout (JSON lines).

``python -m spec.bench.worker TARGET`` resolves ``TARGET`` (``spec.target.resolve_target``)
inside whatever environment runs it (a flax release's venv, say), then answers one request per
line until ``quit`` or end of input.  Each reply is one JSON line; ``"ok": false`` replies carry
the exception's type and message (a ``RecursionError`` on a deep graph is an answer, not a
crash).  Requests (field ``cmd``):

==============================================  ==================================================
``hello``                                       versions: target, python, jax, jaxlib, flax
``build`` ``shape``                             build the shape (dropping the previous one);
                                                replies ``leaves`` (state leaves) and ``depth``
``calibrate`` ``shape`` ``name`` ``min_sample``  one untimed-setup warm-up call; replies its time
                                                and ``number``, the calls per sample that make a
                                                sample last at least ``min_sample`` seconds
``time`` ``shape`` ``name`` ``number``          ``samples`` samples, each the mean seconds per
``samples`` ``gc`` ``clock``                    call of ``number`` calls by ``clock`` (``cpu``:
                                                the process's CPU time; ``wall``), and the same
                                                samples in wall time; ``gc.collect()`` and
                                                ``gc.freeze()`` once first, the collector
                                                ``enabled`` or ``disabled`` during samples;
                                                ``full_collections``: how many full collections
                                                (oldest generation) ran during the timed calls
``memory`` ``shape``                            tracemalloc peak and retained bytes of one split
``quit``                                        exit
==============================================  ==================================================

Clocks: ``cpu`` is ``time.process_time`` (user + system time of the worker, all its threads), which
other processes on a busy machine disturb far less than ``wall`` (``time.perf_counter``, the time a
user waits); every sample is taken with both clocks.

Garbage collection: after a graph is built, everything alive is frozen (``gc.freeze``), and so
are the inputs an operation needs (made before its samples), so collections during samples scan
only what the timed operation allocated, the same for every target.  The protocol is kept to
stdout; everything libraries print goes to stderr.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import IO, Any

from spec.bench.ops import OPS, Graph, new_graph
from spec.bench.shapes import blueprint
from spec.target import Target, resolve_target

__all__ = ["Worker", "main", "versions"]

Reply = dict[str, Any]

SLOW_CALL = 0.05
"""Seconds from which a call is its own warm-up (calibration does not repeat it)."""


def versions(t: Target) -> Reply:
    """What the environment runs: the target, python, jax, jaxlib and flax (if installed)."""
    from importlib.metadata import version

    import jax

    found: Reply = {
        "target": t.name,
        "version": t.version,
        "label": f"{t.name} {t.version}",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "jax": jax.__version__,
        "jaxlib": version("jaxlib"),
        "backend": jax.default_backend(),
        "pid": os.getpid(),
    }
    try:
        import flax

        found["flax"] = flax.__version__
    except ImportError:
        found["flax"] = None
    return found


def _timed_calls(fn: Callable[[], object], number: int) -> tuple[float, float]:
    """``(cpu, wall)`` seconds per call of ``number`` calls of ``fn`` in a row."""
    cpu, wall = time.process_time, time.perf_counter
    start_cpu, start_wall = cpu(), wall()
    for _ in range(number):
        fn()
    end_wall, end_cpu = wall(), cpu()
    return (end_cpu - start_cpu) / number, (end_wall - start_wall) / number


def _full_collections() -> int:
    """How many collections of the oldest generation the collector has run so far."""
    return int(gc.get_stats()[-1]["collections"])


class Worker:
    """The state of one worker: its target and the graph built last."""

    def __init__(self, target: str) -> None:
        self.target = resolve_target(target)
        self.graph: Graph | None = None
        self.shape = ""

    def graph_of(self, shape: str) -> Graph:
        if self.graph is None or self.shape != shape:
            self.build(shape)
        assert self.graph is not None  # sanity check: build sets it
        return self.graph

    def build(self, shape: str) -> Reply:
        self.graph = None  # drop the previous graph before building the next one
        gc.unfreeze()
        gc.collect()
        start = time.perf_counter()
        self.graph = new_graph(self.target, blueprint(shape))
        self.shape = shape
        seconds = time.perf_counter() - start
        # Freeze what is alive now (the modules imported, the graph): a collection during a
        # sample then scans what the timed operation allocated, not the whole heap, and the
        # gc.collect() before each batch takes milliseconds instead of ~0.15 s.
        gc.collect()
        gc.freeze()
        return {"leaves": self.graph.leaves, "depth": self.graph.depth, "seconds": seconds}

    def close(self) -> None:
        """Drop the graph and unfreeze the collector's permanent generation."""
        self.graph = None
        self.shape = ""
        gc.unfreeze()

    def calibrate(self, shape: str, name: str, min_sample: float) -> Reply:
        op = OPS[name]
        g = self.graph_of(shape)
        gc.collect()
        if op.first_call:
            fn = op.make(g)
            return {"warmup": _timed_calls(fn, 1)[1], "number": 1}
        fn = op.make(g)
        first = _timed_calls(fn, 1)[1]
        # the first call may fill caches: calibrate on a second one, unless calls are slow anyway
        again = _timed_calls(fn, 1)[1] if first < SLOW_CALL else first
        per_call = max(again, 1e-9)
        number = 1 if per_call >= min_sample else min(1_000_000, math.ceil(min_sample / per_call))
        return {"warmup": first, "per_call": again, "number": number}

    def time(
        self, shape: str, name: str, number: int, samples: int, gc_mode: str, clock: str = "cpu"
    ) -> Reply:
        op = OPS[name]
        g = self.graph_of(shape)
        out: list[float] = []
        wall: list[float] = []
        full = 0  # full (oldest-generation) collections during the timed calls
        fn = None if op.first_call else op.make(g)
        # once per batch: samples in a row see each other's garbage, as a loop would; the inputs
        # just made (a GraphDef and State to merge, say) are frozen like the graph
        gc.collect()
        gc.freeze()
        for _ in range(samples):
            call = op.make(g) if fn is None else fn  # first-call ops: fresh inputs, untimed
            if gc_mode == "disabled":
                gc.disable()
            before = _full_collections()
            try:
                cpu_s, wall_s = _timed_calls(call, number)
            finally:
                gc.enable()
            full += _full_collections() - before
            out.append(cpu_s if clock == "cpu" else wall_s)
            wall.append(wall_s)
        return {"samples": out, "wall_samples": wall, "full_collections": full}

    def memory(self, shape: str) -> Reply:
        g = self.graph_of(shape)
        split = g.nnx.split
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            result = split(g.root)
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        del result
        return {"peak_bytes": peak - before, "retained_bytes": current - before}

    def handle(self, request: Reply) -> Reply:
        cmd = request.get("cmd")
        if cmd == "hello":
            return versions(self.target)
        if cmd == "build":
            return self.build(str(request["shape"]))
        if cmd == "calibrate":
            return self.calibrate(
                str(request["shape"]), str(request["name"]), float(request["min_sample"])
            )
        if cmd == "time":
            return self.time(
                str(request["shape"]),
                str(request["name"]),
                int(request["number"]),
                int(request["samples"]),
                str(request.get("gc", "enabled")),
                str(request.get("clock", "cpu")),
            )
        if cmd == "memory":
            return self.memory(str(request["shape"]))
        raise ValueError(f"unknown request {cmd!r}")


def serve(worker: Worker, requests: IO[str], replies: IO[str]) -> None:
    """Answer ``requests`` line by line until ``quit`` or end of input; then close ``worker``."""
    try:
        _serve(worker, requests, replies)
    finally:
        worker.close()


def _serve(worker: Worker, requests: IO[str], replies: IO[str]) -> None:
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        try:
            reply: Reply = {"ok": True, **worker.handle(request)}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # an answer: the parent reports it in the table
            reply = {"ok": False, "error": type(e).__name__, "message": str(e)[:500]}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m spec.bench.worker TARGET", file=sys.stderr)
        return 2
    # keep stdout for the protocol: anything a library prints goes to stderr
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        worker = Worker(args[0])
    except Exception as e:
        replies.write(
            json.dumps({"ok": False, "error": type(e).__name__, "message": str(e)[:500]}) + "\n"
        )
        replies.flush()
        return 1
    replies.write(json.dumps({"ok": True, "ready": True}) + "\n")
    replies.flush()
    serve(worker, sys.stdin, replies)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
