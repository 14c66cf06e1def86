"""The parent side of ``nnxspec bench``: one worker process per target, driven in turn.

Every target runs in its own process (``spec.bench.worker``), in the environment its spec
names (``flax@/path/to/venv`` runs ``/path/to/venv/bin/python``), so two flax releases can be
compared in one run.  For each shape and operation the parent first calibrates every worker
(a warm-up call, and how many calls make one sample last long enough to time), then asks the
workers for samples **round-robin**, a few samples per worker per round and the order rotated
every round, so that machine noise (this project's benchmark box is a shared 2-core VM) falls
on all targets alike and the ratios are taken side by side.

Every shape starts with fresh worker processes, so each graph is timed in a heap that holds
nothing left over from the shapes before.  A worker that dies (a C stack overflow, an
out-of-memory kill) or overruns ``timeout`` is recorded as such for that operation and restarted
for the next one.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import platform
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from spec.bench.ops import OPS
from spec.bench.shapes import parse_shape

__all__ = [
    "JIT_OPS",
    "SCHEMA",
    "Settings",
    "TargetSpec",
    "WorkerDied",
    "WorkerProcess",
    "machine_info",
    "parse_targets",
    "run",
]

SCHEMA = "nnxspec-bench/1"
JIT_OPS = frozenset({"jit-first", "jit"})

Reply = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class TargetSpec:
    """A target to time: a target name, optionally ``@`` the virtual environment to run it in."""

    name: str
    venv: Path | None = None

    @property
    def text(self) -> str:
        return self.name if self.venv is None else f"{self.name}@{self.venv}"

    @property
    def python(self) -> str:
        if self.venv is None:
            return sys.executable
        folder = "Scripts" if sys.platform == "win32" else "bin"
        return str(self.venv / folder / "python")


def parse_targets(text: str) -> list[TargetSpec]:
    """Parse ``reference,flax,flax@/path/to/venv`` (comma-separated ``NAME[@VENV]``)."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        name, at, venv = item.partition("@")
        if not name or (at and not venv):
            raise ValueError(f"bad target {item!r}: expected NAME or NAME@VENV_DIR")
        spec = TargetSpec(name, Path(venv).expanduser().resolve() if venv else None)
        if spec.venv is not None and not Path(spec.python).exists():
            raise ValueError(
                f"target {item!r}: {spec.python} does not exist (is {venv} a virtual environment?)"
            )
        out.append(spec)
    if not out:
        raise ValueError("no targets given")
    return out


@dataclasses.dataclass(frozen=True)
class Settings:
    """How long and how often to time (see ``nnxspec bench --help``)."""

    shapes: tuple[str, ...]
    ops: tuple[str, ...] = tuple(OPS)
    rounds: int = 5
    budget: float = 0.5
    """Seconds of samples wanted per shape, operation and target (more calls if they are fast)."""
    min_sample: float = 0.002
    """A sample is at least this many seconds of back-to-back calls (timer resolution)."""
    min_samples: int = 3
    max_samples: int = 60
    clock: str = "cpu"
    """What the samples measure: ``cpu`` (the worker's CPU time, fair on a shared machine) or
    ``wall`` (elapsed time); the other clock's medians are kept beside them."""
    gc: str = "enabled"
    """The cyclic collector during samples: ``enabled`` (as users run) or ``disabled``; the
    built graph is frozen (``gc.freeze``) and ``gc.collect()`` runs before each batch either way."""
    jit_max_leaves: int = 4096
    """The jit operations are skipped on graphs with more state leaves (compiling an XLA program
    of 14k arguments took about two minutes on the benchmark box)."""
    memory_shapes: tuple[str, ...] = ("mlp-10", "wide-16k")
    timeout: float = 1800.0
    """Seconds one worker request may take before the worker is killed."""

    def plan(self, per_sample: float) -> tuple[int, int]:
        """``(rounds, samples per round)`` for an operation whose sample takes ``per_sample`` s."""
        wanted = self.budget / max(per_sample, 1e-9)
        total = max(self.min_samples, min(self.max_samples, math.ceil(wanted)))
        rounds = max(1, min(self.rounds, total))
        return rounds, math.ceil(total / rounds)


class WorkerDied(RuntimeError):
    """A worker process ended (or was killed) instead of answering."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


def _checkout_root() -> Path | None:
    """The source checkout this copy of nnxspec runs from, or None for an installed copy."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "nnxspec"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


class WorkerProcess:
    """One target's worker: a subprocess speaking the ``spec.bench.worker`` protocol."""

    def __init__(self, spec: TargetSpec, *, timeout: float = 1800.0) -> None:
        self.spec = spec
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.buffer = b""
        self.info: Reply = {}

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> Reply:
        """Start the process (the checkout on its path, so every environment runs this code)."""
        env = dict(os.environ)
        root = _checkout_root()
        if root is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(root), env.get("PYTHONPATH", "")) if p
            )
        self.log = tempfile.TemporaryFile()
        self.buffer = b""
        self.process = subprocess.Popen(
            [self.spec.python, "-m", "spec.bench.worker", self.spec.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
        )
        ready = self._read(self.timeout)
        if not ready.get("ok"):
            self.close()
            raise WorkerDied(
                str(ready.get("error", "Error")),
                f"{self.spec.text}: {ready.get('message', 'the worker did not start')}",
            )
        self.info = self.request({"cmd": "hello"})
        return self.info

    def request(self, request: Reply, timeout: float | None = None) -> Reply:
        """Send one request; return the reply (``ok`` false for errors raised in the worker)."""
        if not self.alive:
            self.start()
        assert self.process is not None and self.process.stdin is not None  # sanity check: started
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except BrokenPipeError:
            self._died()
        return self._read(self.timeout if timeout is None else timeout)

    def _read(self, timeout: float) -> Reply:
        assert self.process is not None and self.process.stdout is not None  # sanity check: started
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise WorkerDied(
                    "Timeout", f"{self.spec.text}: no answer within {timeout:.0f} s (worker killed)"
                )
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self._died()
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        reply: Reply = json.loads(line)
        return reply

    def _died(self) -> None:
        assert self.process is not None  # sanity check: started
        code = self.process.wait()
        tail = self.stderr_tail()
        self.close()
        what = f"signal {-code}" if code < 0 else f"exit status {code}"
        raise WorkerDied(
            "WorkerDied",
            f"{self.spec.text}: the worker ended ({what}){': ' + tail if tail else ''}",
        )

    def stderr_tail(self, lines: int = 3) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        text = self.log.read().decode(errors="replace").strip().splitlines()
        return " | ".join(text[-lines:])

    def close(self) -> None:
        """Stop the worker (``quit``, then kill if it does not end) and drop its log."""
        if self.process is not None:
            if self.process.poll() is None:
                try:
                    assert self.process.stdin is not None
                    self.process.stdin.write(b'{"cmd": "quit"}\n')
                    self.process.stdin.close()
                    self.process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    self.process.kill()
                    self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None and not stream.closed:
                    stream.close()
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


def _ask(worker: WorkerProcess, request: Reply) -> Reply:
    """A request whose failures (worker death, timeout) become ``ok: false`` replies."""
    try:
        return worker.request(request)
    except WorkerDied as e:
        return {"ok": False, "error": e.error, "message": e.message}


def _failure(reply: Reply) -> Reply:
    return {"error": str(reply.get("error", "Error")), "message": str(reply.get("message", ""))}


def _summary(samples: list[float], number: int, wall: list[float]) -> Reply:
    us = [s * 1e6 for s in samples]
    return {
        "median_us": statistics.median(us),
        "wall_median_us": statistics.median(wall) * 1e6 if wall else None,
        "min_us": min(us),
        "max_us": max(us),
        "n": len(us),
        "number": number,
        "samples_us": [round(x, 4) for x in us],
    }


def _time_op(
    workers: Sequence[WorkerProcess], labels: Sequence[str], shape: str, op: str, settings: Settings
) -> dict[str, Reply]:
    """Calibrate every worker, then collect samples round-robin; return results by label."""
    results: dict[str, Reply] = {}
    plans: dict[str, tuple[int, int, int]] = {}
    for w, label in zip(workers, labels):
        reply = _ask(
            w, {"cmd": "calibrate", "shape": shape, "name": op, "min_sample": settings.min_sample}
        )
        if not reply.get("ok"):
            results[label] = _failure(reply)
            continue
        number = int(reply["number"])
        per_call = float(reply["per_call"] if "per_call" in reply else reply["warmup"])
        rounds, per_round = settings.plan(per_call * number)
        plans[label] = (number, rounds, per_round)
    samples: dict[str, list[float]] = {label: [] for label in plans}
    wall: dict[str, list[float]] = {label: [] for label in plans}
    full: dict[str, int] = {label: 0 for label in plans}
    most = max((r for _, r, _ in plans.values()), default=0)
    for r in range(most):
        order = list(zip(workers, labels))
        order = order[r % len(order) :] + order[: r % len(order)]  # rotate who goes first
        for w, label in order:
            if label not in plans or label in results or r >= plans[label][1]:
                continue
            number, _, per_round = plans[label]
            reply = _ask(
                w,
                {
                    "cmd": "time",
                    "shape": shape,
                    "name": op,
                    "number": number,
                    "samples": per_round,
                    "gc": settings.gc,
                    "clock": settings.clock,
                },
            )
            if reply.get("ok"):
                samples[label] += [float(s) for s in reply["samples"]]
                wall[label] += [float(s) for s in reply.get("wall_samples", ())]
                full[label] += int(reply.get("full_collections", 0))
            else:
                results[label] = _failure(reply)
    for label, (number, _, _) in plans.items():
        if label not in results:
            results[label] = _summary(samples[label], number, wall[label])
            calls = len(samples[label]) * number
            results[label]["full_collections_per_call"] = full[label] / calls if calls else None
    return results


def machine_info() -> Reply:
    """The machine the parent runs on: CPU model, cores, memory, OS, load."""
    info: Reply = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu": platform.processor() or "unknown",
    }
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_before"] = [round(x, 2) for x in os.getloadavg()]
    if hasattr(os, "nice"):
        info["niceness"] = os.nice(0)  # the workers inherit it
    return info


def run(
    targets: Sequence[TargetSpec],
    settings: Settings,
    *,
    command: str = "",
    progress: Callable[[str], None] = print,
) -> Reply:
    """Time ``settings.ops`` on ``settings.shapes`` for every target; return the JSON results."""
    started = datetime.datetime.now(datetime.timezone.utc)
    results: Reply = {
        "schema": SCHEMA,
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": dataclasses.asdict(settings),
        "targets": [],
        "shapes": [],
    }
    workers = [WorkerProcess(t, timeout=settings.timeout) for t in targets]
    try:
        labels: list[str] = []
        for w in workers:
            info = w.start()
            label = str(info["label"])
            while label in labels:  # the same target twice (two venvs of one release)
                label += "'"
            labels.append(label)
            results["targets"].append({"spec": w.spec.text, **info, "label": label})
            progress(
                f"target {label}: python {info['python']}, jax {info['jax']} ({w.spec.python})"
            )
        for shape in settings.shapes:
            results["shapes"].append(_run_shape(workers, labels, shape, settings, progress))
    finally:
        for w in workers:
            w.close()
    if hasattr(os, "getloadavg"):
        results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(
        (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds(), 1
    )
    return results


def _run_shape(
    workers: Sequence[WorkerProcess],
    labels: Sequence[str],
    shape: str,
    settings: Settings,
    progress: Callable[[str], None],
) -> Reply:
    s = parse_shape(shape)
    entry: Reply = {
        "name": s.name,
        "family": s.family,
        "size": s.size,
        "build": {},
        "ops": {},
        "memory": {},
    }
    for w, label in zip(workers, labels):
        # a fresh process per shape: each target times a graph in a heap that holds nothing else
        w.close()
        reply = _ask(w, {"cmd": "build", "shape": shape})
        entry["build"][label] = reply
        if reply.get("ok"):
            entry["leaves"], entry["depth"] = int(reply["leaves"]), int(reply["depth"])
    progress(
        f"{shape}: {entry.get('leaves', '?')} Variables, state depth {entry.get('depth', '?')}"
    )
    for op in settings.ops:
        if op in JIT_OPS and int(entry.get("leaves", 0)) > settings.jit_max_leaves:
            reason = f"{entry['leaves']:,} leaves > --jit-max-leaves {settings.jit_max_leaves:,}"
            entry["ops"][op] = {label: {"skipped": reason} for label in labels}
            continue
        entry["ops"][op] = found = _time_op(workers, labels, shape, op, settings)
        progress(
            f"  {op:<10} " + " | ".join(f"{label}: {_brief(found[label])}" for label in labels)
        )
    if shape in settings.memory_shapes:
        for w, label in zip(workers, labels):
            reply = _ask(w, {"cmd": "memory", "shape": shape})
            entry["memory"][label] = (
                {k: reply[k] for k in ("peak_bytes", "retained_bytes")}
                if reply.get("ok")
                else _failure(reply)
            )
    return entry


def _brief(result: Reply) -> str:
    if "median_us" in result:
        return f"{result['median_us']:,.1f} µs"
    if "error" in result:
        return str(result["error"])
    return "skipped"


def command_line(argv: Sequence[str]) -> str:
    """The command as it was typed: ``nnxspec bench ...`` from the console script, else
    ``PYTHON -m spec.runner bench ...`` (the interpreter relative to the working directory)."""
    if Path(sys.argv[0]).name == "nnxspec":
        return "nnxspec bench " + shlex.join(argv)
    python = (
        os.path.relpath(sys.executable)
        if not os.path.relpath(sys.executable).startswith("..")
        else sys.executable
    )
    return f"{python} -m spec.runner bench " + shlex.join(argv)
