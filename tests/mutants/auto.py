"""The automated mutation pass: small AST mutations of every module of ``reference``.

    python -m tests.mutants.auto [--modules M ...] [-n N]
                                 [--phase dev|ci|both|rerun|wide|named|dev-recheck]
                                 [--log FILE] [--json FILE] [--list] [--collect]

Every mutation point inside a function or method of every module of ``reference`` gets one
mutant per operator that applies there:

==========  ==============================================================================
operator    change
==========  ==============================================================================
``cmp``     a comparison flipped: ``==``/``!=``, ``<``/``>=``, ``>``/``<=``, ``is``/``is not``,
            ``in``/``not in``
``bool``    ``and`` <-> ``or``
``not``     ``not x`` -> ``x``
``const``   ``True`` <-> ``False``; a small integer ``n`` -> ``n + 1``
``arith``   ``+`` <-> ``-``
``flow``    ``break`` <-> ``continue``
``stmt``    a call statement, an assignment or an augmented assignment -> ``pass``
==========  ==============================================================================

Not mutated: docstrings, ``raise`` statements (error texts and paths: the ERR laws read those
through the documented error classes), imports, type annotations, and what is evaluated once at
import rather than when a function runs: module- and class-level code (token and kind numbers,
``dataclass(frozen=True)`` flags), the decorators and default values of module-level functions
and methods.

**Installing a mutant.**  A worker process imports the suite once; for each mutant it compiles
the module's source with the one change and swaps the new code object into the live function
(``function.__code__``) that contains the point: every reference to that function (imports,
bound methods, properties, registered hooks) now runs the mutant, while module state (registries,
caches, classes) stays the reference's own.  Nothing is written to disk, so any number of passes
can run beside a working tree.  After the mutant the code is swapped back and the reference's
module-level dicts, lists and sets (registries, caches) are restored from a snapshot.  A
function the reference runs once, at import (``IMPORT_TIME``: the built-in registrations), is
undone and run again after the swap, so that its mutant takes effect.

**Law selection.**  ``tests/mutants/lawmap.json`` (``python -m tests.mutants.lawmap``) records
which laws run which lines of the reference.  Phase ``dev`` runs a mutant against the laws that
run its line (most hits per second first) under the ``dev`` profile, derandomized so that a pass
is reproducible, until one fails *genuinely*: the failing case passes on the unmutated reference
(for a fixed law: the law passes there).  Hypothesis does not shrink in the workers: whether a
law fails does not depend on shrinking, and the check takes any failing case.  A mutant whose
line no law runs is *unreached*.  Phase ``ci`` runs each survivor of phase ``dev`` under the
``ci`` profile against the same laws (an unreached one: against every law that runs any line of
the function around it).  Each phase runs at most the first ``--max-laws`` (12) of the laws it
selects: a survivor might still fall to a law further down the list, so the cap can only
understate the kill rate.  Within a phase mutants run in a fixed pseudo-random order, so a pass
cut short is a sample of every module.  A law that runs past its time limit
(``--timeout-factor`` times its time on the reference, at least 30 s) kills the mutant by
*timeout* (reported as such); a mutant that crashes the worker is killed by *crash*; one whose
code does not compile or install is *incompetent*.  Each worker's address space is capped
(``--worker-memory``, 6 GiB): a mutant that grows without end fails its law with MemoryError
instead of taking the machine's memory.

**Incremental.**  Every result is appended to ``--log`` (JSON lines) as it comes; a later run
with the same log skips what is done (``--fresh`` ignores it), so an interrupted pass loses
nothing.  ``--phase rerun`` runs the final survivors again under ``ci``, against the laws added to
the law map since (``python -m tests.mutants.lawmap -k ID ...`` marks them): a survivor killed
then names the law that closes its gap; a survivor is rerun once per round of new laws (its
rerun record lists the laws it ran: a law marked since brings it back).  ``--phase wide`` runs
the final survivors under ``ci`` against the laws past the cap ``ci`` ran them under (the 7th
law on, up to ``--max-laws`` more):
a survivor killed there was the cap's, not a gap in the laws.  ``--phase named --laws ID ...
--only KEY ...`` runs final survivors under ``ci`` against laws named by hand: the law map ranks
only the laws that run a mutant's own line under ``dev``, and a law that reaches the changed
behaviour by another road (found while triaging) is recorded this way, under its own phase
name.  ``--phase dev-recheck`` runs every mutant a later phase killed by a law's failure again
under ``dev`` (derandomized), against that law only: what users run first must find what ``ci``
finds, and this measures it (its records never change a mutant's result; a kill by timeout or
crash has no law to run).  ``--json`` writes the merged results
(``tests/mutants/auto.json``); ``tests/mutants/triage.json`` explains every survivor and
``python -m tests.mutants.report`` renders both into ``tests/mutants/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import gc
import hashlib
import importlib
import json
import os
import pkgutil
import select
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MODULES", "Mutation", "apply_mutation", "main", "mutations"]

HERE = Path(__file__).resolve().parent


def _all_modules() -> tuple[str, ...]:
    import reference

    return tuple(f"reference.{i.name}" for i in pkgutil.iter_modules(reference.__path__))


MODULES: tuple[str, ...] = _all_modules()
"""Every module of the ``reference`` package."""

_CMP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_DEF = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One mutation: where (module, line, column, the n-th point there, the lines it spans and
    the module-level function or method around it) and what."""

    module: str
    index: int
    line: int
    col: int
    operator: str
    before: str
    after: str
    end_line: int = 0
    function: str = ""
    def_line: int = 0
    def_end: int = 0

    @property
    def key(self) -> str:
        return f"{self.module.split('.')[-1]}:{self.line}:{self.col}:{self.operator}:{self.index}"


def _outer_defs(body: list[ast.stmt], prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """The module-level functions and the methods (of classes at any depth), in source order,
    with their qualified names; also those under module-level ``if`` / ``try`` / ``with``."""
    for st in body:
        if isinstance(st, _DEF):
            yield prefix + st.name, st
        elif isinstance(st, ast.ClassDef):
            yield from _outer_defs(st.body, f"{prefix}{st.name}.")
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _outer_defs(getattr(st, field, None) or [], prefix)
            for handler in getattr(st, "handlers", None) or []:
                yield from _outer_defs(handler.body, prefix)


def _skip_ids(outer: ast.AST) -> set[int]:
    """Ids of nodes never mutated inside ``outer``: docstrings, raise statements, imports,
    annotations, and ``outer``'s own decorators and defaults (evaluated once, at import)."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    assert isinstance(outer, _DEF)  # sanity check: _outer_defs yields defs
    for d in (*outer.decorator_list, *outer.args.defaults, *outer.args.kw_defaults):
        mark(d)
    for node in ast.walk(outer):
        if isinstance(node, (ast.Raise, ast.Import, ast.ImportFrom)):
            mark(node)
        if isinstance(node, (*_DEF, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])
        if isinstance(node, _DEF):
            args = node.args
            for a in (*args.args, *args.kwonlyargs, *args.posonlyargs, args.vararg, args.kwarg):
                if a is not None:
                    mark(a.annotation)
            mark(node.returns)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
    return skip


def _operator(node: ast.AST) -> Iterator[tuple[str, Any]]:
    """The operators that apply at ``node``, with their detail (a comparison's position)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _CMP:
                yield "cmp", i
    elif isinstance(node, ast.BoolOp):
        yield "bool", None
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not", None
    elif isinstance(node, ast.Constant) and (
        node.value is True
        or node.value is False
        or (type(node.value) is int and -1 <= node.value <= 8)
    ):
        yield "const", None
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        yield "arith", None
    elif isinstance(node, (ast.Break, ast.Continue)):
        yield "flow", None
    elif isinstance(node, (ast.Assign, ast.AugAssign)) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ):
        yield "stmt", None


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, str, Any, str, ast.AST]]:
    """Yield ``(node, operator, detail, function name, function node)`` for every mutation
    point, in a stable order."""
    for name, outer in _outer_defs(tree.body):
        skip = _skip_ids(outer)
        for node in ast.walk(outer):
            if node is outer or id(node) in skip:
                continue
            for operator, detail in _operator(node):
                yield node, operator, detail, name, outer


def _mutate(node: ast.AST, operator: str, detail: Any) -> ast.AST:
    """Return a mutated copy of ``node``."""
    new = copy.deepcopy(node)
    if operator == "cmp":
        assert isinstance(new, ast.Compare)  # sanity check: the point came from _points
        new.ops[detail] = _CMP[type(new.ops[detail])]()
    elif operator == "bool":
        assert isinstance(new, ast.BoolOp)
        new.op = ast.Or() if isinstance(new.op, ast.And) else ast.And()
    elif operator == "not":
        assert isinstance(new, ast.UnaryOp)
        return new.operand
    elif operator == "const":
        assert isinstance(new, ast.Constant)
        value: Any = new.value
        new.value = (not value) if isinstance(value, bool) else value + 1
    elif operator == "arith":
        assert isinstance(new, ast.BinOp)
        new.op = ast.Sub() if isinstance(new.op, ast.Add) else ast.Add()
    elif operator == "flow":
        return ast.Continue() if isinstance(new, ast.Break) else ast.Break()
    elif operator == "stmt":
        return ast.Pass()
    return new


def _source(module: str) -> str:
    path = importlib.import_module(module).__file__
    assert path is not None  # sanity check: reference modules are files
    return Path(path).read_text(encoding="utf-8")


def source_digest(module: str) -> str:
    """A short digest of ``module``'s current source (the lawmap's lines are only valid for it)."""
    return hashlib.sha256(_source(module).encode()).hexdigest()[:16]


def _first_line(node: ast.AST) -> int:
    """The line a def's code object starts at (its first decorator's, if any)."""
    assert isinstance(node, _DEF)  # sanity check: called on defs
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def mutations(module: str) -> list[Mutation]:
    """Return every mutation of ``module``'s current source."""
    tree = ast.parse(_source(module))
    out = []
    for i, (node, operator, detail, name, outer) in enumerate(_points(tree)):
        before = ast.unparse(node).splitlines()[0][:80]
        after = ast.unparse(_mutate(node, operator, detail)).splitlines()[0][:80]
        line = getattr(node, "lineno", 0)
        out.append(
            Mutation(
                module,
                i,
                line,
                getattr(node, "col_offset", 0),
                operator,
                before,
                after,
                getattr(node, "end_lineno", None) or line,
                name,
                _first_line(outer),
                getattr(outer, "end_lineno", 0) or 0,
            )
        )
    return out


def _locate(m: Mutation, tree: ast.Module) -> int:
    """Return the index of ``m``'s point in the module's *current* source: the point with the
    same operator and text nearest to ``m.line`` (the source may have changed since ``m`` was
    listed); ValueError if the current source has no such point."""
    best: tuple[int, int] | None = None
    for i, (node, operator, detail, _, _) in enumerate(_points(tree)):
        if operator != m.operator:
            continue
        if ast.unparse(node).splitlines()[0][:80] != m.before:
            continue
        if ast.unparse(_mutate(node, operator, detail)).splitlines()[0][:80] != m.after:
            continue
        distance = abs(getattr(node, "lineno", 0) - m.line) + abs(
            getattr(node, "col_offset", 0) - m.col
        )
        if best is None or distance < best[0]:
            best = (distance, i)
    if best is None:
        raise ValueError(
            f"{m.key}: the current source of {m.module} has no {m.before!r} -> {m.after!r}"
        )
    return best[1]


def _mutated_tree(m: Mutation) -> tuple[ast.Module, str, int]:
    """The module's tree with ``m`` applied (line numbers kept), the name and first line of the
    function around it."""
    tree = ast.parse(_source(m.module))
    node, operator, detail, _, outer = list(_points(tree))[_locate(m, tree)]
    replacement = ast.copy_location(_mutate(node, operator, detail), node)

    class Swap(ast.NodeTransformer):
        def visit(self, n: ast.AST) -> Any:
            if n is node:
                return replacement
            return super().visit(n)

    assert isinstance(outer, _DEF)  # sanity check: points live in defs
    new_tree = ast.fix_missing_locations(Swap().visit(tree))
    return new_tree, outer.name, _first_line(outer)


def apply_mutation(m: Mutation) -> str:
    """Return ``m.module``'s source with mutation ``m`` applied (located in the current source)."""
    return ast.unparse(_mutated_tree(m)[0])


def _find_code(code: types.CodeType, name: str, line: int) -> types.CodeType | None:
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            if c.co_name == name and c.co_firstlineno == line:
                return c
            found = _find_code(c, name, line)
            if found is not None:
                return found
    return None


def mutated_code(m: Mutation) -> tuple[types.CodeType, str, int]:
    """The code object of the function around ``m``, mutated; its name and first line."""
    tree, name, line = _mutated_tree(m)
    path = importlib.import_module(m.module).__file__
    code = _find_code(compile(tree, str(path), "exec"), name, line)
    if code is None:
        raise LookupError(f"{m.key}: no code object for {m.function} at line {line}")
    return code, name, line


# --- the worker ------------------------------------------------------------------------------

_LIVE: dict[str, dict[tuple[str, int], list[types.FunctionType]]] = {}


def _live_functions(path: str, name: str, line: int) -> list[types.FunctionType]:
    """Every live function object compiled from ``path`` at ``line`` named ``name``."""
    if path not in _LIVE:
        table: dict[tuple[str, int], list[types.FunctionType]] = {}
        for obj in gc.get_objects():
            if isinstance(obj, types.FunctionType) and obj.__code__.co_filename == path:
                key = (obj.__code__.co_name, obj.__code__.co_firstlineno)
                table.setdefault(key, []).append(obj)
        _LIVE[path] = table
    return _LIVE[path].get((name, line), [])


class _Installed:
    """A mutant swapped into the live functions; ``undo`` swaps the reference's code back and
    restores the module-level containers of every reference module."""

    def __init__(self, m: Mutation) -> None:
        self.swapped: list[tuple[types.FunctionType, types.CodeType]] = []
        self.saved: list[tuple[Any, Any]] = []
        for name, module in list(sys.modules.items()):
            if module is None or not (name == "reference" or name.startswith("reference.")):
                continue
            for value in list(vars(module).values()):
                if type(value) in (dict, list, set):
                    self.saved.append((value, copy.copy(value)))
        code, fname, line = mutated_code(m)
        path = code.co_filename
        functions = _live_functions(path, fname, line)
        if not functions:
            raise LookupError(f"no live function {m.function} (line {line}) in {m.module}")
        try:
            for f in functions:
                old = f.__code__
                f.__code__ = code
                self.swapped.append((f, old))
        except ValueError:
            self.undo()
            raise
        rerun = IMPORT_TIME.get(f"{m.module}:{m.function}")
        if rerun is not None:
            rerun()

    def undo(self) -> None:
        """Swap the reference's code back; put back every entry the module-level containers
        had.  New entries stay (node types the strategies registered meanwhile), except in the
        kind cache ``KIND``, which is put back exactly and then given every registered node
        type's kind, as registration gives it (the rest is recomputed on demand)."""
        from reference._registry import GRAPH_REGISTRY, K_GRAPH, K_PYTREE, KIND, PYTREE_REGISTRY

        for f, old in reversed(self.swapped):
            f.__code__ = old
        self.swapped.clear()
        for live, saved in self.saved:
            if live == saved:
                continue
            if isinstance(live, list) or live is KIND:
                live.clear()
            if isinstance(live, list):
                live.extend(saved)
            else:
                live.update(saved)
        KIND.update(dict.fromkeys(GRAPH_REGISTRY, K_GRAPH))
        KIND.update(dict.fromkeys(PYTREE_REGISTRY, K_PYTREE))


def _rerun_register_builtins() -> None:
    """Take list, tuple, dict and None out of the registries, the kind cache and the trusted
    key types, and register them again through ``_register_builtins`` (the mutant)."""
    from reference import _registry as r

    builtins = (list, tuple, dict, type(None))
    for table in (r.GRAPH_REGISTRY, r.PYTREE_REGISTRY, r.IMPLS, r.KIND):
        for t in builtins:
            table.pop(t, None)
    r.TRUSTED_KEYS.difference_update(builtins)
    r._register_builtins()


IMPORT_TIME: dict[str, Callable[[], None]] = {
    "reference._registry:_register_builtins": _rerun_register_builtins,
}
"""Functions the reference runs once, when it is imported: a mutant of one is installed by
undoing what the function did and running it again, mutated (``undo`` restores the rest).  The
registration of static types with jax (``reference._jax:register_static``) is not here: jax
cannot unregister a type."""

RESTART = ("reference._registry", "reference._object", "reference._jax")
"""Modules whose mutants may register node types wrongly for good: the worker process that
ran one of them exits after it (the driver starts a fresh one)."""


class _LawTimeout(BaseException):
    """Raised by the timer when one law runs past its limit (a mutant that hangs)."""


DEV_FIXED: dict[str, object] = {
    "max_examples": 12,
    "deadline": None,
    "derandomize": True,
    "database": None,
}
"""Phase ``dev``: the ``dev`` profile's examples, derandomized (a reproducible pass)."""


def _genuine(law: Any, outcome: Any, profile: str) -> bool:
    """Whether ``outcome`` (a failure on the mutant) is the mutant's: the minimal failing case
    passes on the reference (a fixed law without a case: the law passes there)."""
    from spec.runner.engine import check_case, run_law
    from spec.targets.reference import ReferenceTarget

    if outcome.case is not None:
        return check_case(law, ReferenceTarget(), outcome.case)[0] in ("pass", "n/a")
    again = run_law(law, ReferenceTarget(), profile, "cpu" if law.per_backend else None)
    return bool(again.verdict in ("pass", "n/a"))


def _run_job(
    m: Mutation, laws: list[str], limits: dict[str, float], profile: str
) -> dict[str, Any]:
    import signal

    from spec.laws import law_by_id
    from spec.runner.engine import run_law
    from spec.targets.reference import ReferenceTarget

    result: dict[str, Any] = {"key": m.key, "status": "survived", "law": None, "laws_run": 0}
    try:
        installed = _Installed(m)
    except Exception as e:
        result.update(status="incompetent", detail=f"{type(e).__name__}: {e}"[:200])
        return result
    try:
        for law_id in laws:
            try:
                law = law_by_id(law_id)
            except KeyError:  # retired since the law map was traced
                continue
            result["laws_run"] += 1
            signal.setitimer(signal.ITIMER_REAL, limits.get(law_id, 60.0))
            try:
                outcome = run_law(
                    law, ReferenceTarget(), profile, "cpu" if law.per_backend else None
                )
            except _LawTimeout:
                installed.undo()
                limit = limits.get(law_id, 60.0)
                result.update(status="timeout", law=law_id, detail=f"ran past {limit:.0f} s")
                result["exit"] = True  # the law's thread still runs: this worker must go
                return result
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if outcome.verdict not in ("fail", "error") or outcome.error is None:
                continue
            installed.undo()
            if _genuine(law, outcome, profile):
                result.update(
                    status="killed",
                    law=law_id,
                    kind=outcome.verdict,
                    examples=outcome.examples,
                    detail=f"{type(outcome.error).__name__}: {outcome.error}"[:200],
                )
                return result
            installed = _Installed(m)
    finally:
        installed.undo()
    return result


WORKER_MEMORY_GIB = 6.0
"""The address space a worker may take (``--worker-memory``): a mutant that grows without end
(a walk around a cycle that never stops) then raises MemoryError in its law, which kills it,
instead of taking the machine's memory until the kernel kills the worker."""

WORKER_MEMORY_VARIABLE = "NNXSPEC_MUTANT_WORKER_MEMORY_GIB"


def _cap_memory(gib: float) -> None:
    """Cap this process's address space at ``gib`` GiB (0: no cap; where ``resource`` exists)."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    if gib > 0:
        limit = int(gib * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker() -> None:
    import signal

    from hypothesis import Phase

    from spec.runner import profiles

    profiles.PROFILES.setdefault("dev-fixed", dict(DEV_FIXED))  # this worker process only
    # No shrinking (nor targeting) here: whether a law fails does not depend on it, and the
    # genuine check takes any failing case; a shrink costs more than the search that found it.
    profiles.RUNNER_SETTINGS["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]
    profiles.FIXED_SCALE.setdefault("dev-fixed", profiles.FIXED_SCALE.get("dev", 1.0))

    def alarm(signum: int, frame: object) -> None:
        raise _LawTimeout

    signal.signal(signal.SIGALRM, alarm)
    _cap_memory(float(os.environ.get(WORKER_MEMORY_VARIABLE, WORKER_MEMORY_GIB)))
    for line in sys.stdin:
        job = json.loads(line)
        m = Mutation(**job["mutation"])
        start = time.perf_counter()
        result = _run_job(m, job["laws"], job["limits"], job["profile"])
        result["seconds"] = round(time.perf_counter() - start, 2)
        print(json.dumps(result), flush=True)
        if result.pop("exit", False) or m.module in RESTART:
            os._exit(0)


# --- the driver ------------------------------------------------------------------------------


@dataclasses.dataclass
class Job:
    """One mutant to run in one phase: the laws in order and each law's time limit."""

    mutation: Mutation
    phase: str
    laws: list[str]
    limits: dict[str, float]
    rounds: dict[str, object] = dataclasses.field(default_factory=dict)
    """In phase ``rerun``: each law's mark in the law map (the round of new laws it came in)."""

    @property
    def profile(self) -> str:
        return "dev-fixed" if self.phase in ("dev", DEV_RECHECK) else "ci"  # ci, rerun, wide


class _Worker:
    def __init__(self) -> None:
        import spec

        env = dict(os.environ)
        root = str(Path(spec.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.mutants.auto", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.job: Job | None = None
        self.started = 0.0

    def send(self, job: Job) -> None:
        assert self.proc.stdin is not None
        self.job, self.started = job, time.perf_counter()
        doc = {
            "mutation": dataclasses.asdict(job.mutation),
            "laws": job.laws,
            "limits": job.limits,
            "profile": job.profile,
        }
        self.proc.stdin.write(json.dumps(doc) + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _record(job: Job, result: dict[str, Any], log: Path | None) -> dict[str, Any]:
    r = {**dataclasses.asdict(job.mutation), "key": job.mutation.key, **result, "phase": job.phase}
    if job.phase == "rerun":
        r["laws"] = list(job.laws)  # a later round of new laws reruns what this one left out
        r["rounds"] = dict(job.rounds)  # and so does a law traced again (changed) since
    if log is not None:
        with log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    print(
        f"{job.phase:<4} {r['status']:<11} {job.mutation.key:<32} {r.get('law') or '':<8} "
        f"{r.get('seconds', 0):>6} s  {job.mutation.before!r} -> {job.mutation.after!r}",
        flush=True,
    )
    return r


def run(jobs: Sequence[Job], workers: int, log: Path | None = None) -> list[dict[str, Any]]:
    """Run every job on ``workers`` worker processes; return the results (each appended to
    ``log`` as a JSON line as it comes)."""
    todo = list(jobs)
    results: list[dict[str, Any]] = []
    pool = [_Worker() for _ in range(max(1, min(workers, len(todo))))]
    for w in pool:
        if todo:
            w.send(todo.pop(0))
    while any(w.job is not None for w in pool):
        busy = {w.proc.stdout.fileno(): w for w in pool if w.job and w.proc.stdout}
        ready, _, _ = select.select(list(busy), [], [], 1.0)
        for fd in ready:
            w = busy[fd]
            assert w.proc.stdout is not None and w.job is not None
            line = w.proc.stdout.readline()
            result = (
                json.loads(line)
                if line
                else {"status": "crash", "law": None, "detail": "the worker process died"}
            )
            results.append(_record(w.job, result, log))
            restart = not line or result["status"] == "timeout" or w.job.mutation.module in RESTART
            w.job = None
            if restart:
                w.kill()
                pool[pool.index(w)] = w = _Worker()
            if todo:
                w.send(todo.pop(0))
        for w in list(pool):
            job = w.job
            if job is None or time.perf_counter() - w.started <= sum(job.limits.values()) + 120:
                continue
            detail = f"the mutant ran past {sum(job.limits.values()) + 120:.0f} s"
            results.append(_record(job, {"status": "timeout", "law": None, "detail": detail}, log))
            w.kill()
            new = _Worker()
            pool[pool.index(w)] = new
            if todo:
                new.send(todo.pop(0))
    for w in pool:
        w.kill()
    return results


# --- law selection ---------------------------------------------------------------------------


def _covering(m: Mutation, lawmap: dict[str, Any], lo: int, hi: int) -> list[tuple[float, str]]:
    """``(hits per second, law)`` for every law that runs a line of ``m.module`` in [lo, hi]."""
    out = []
    for law_id, entry in lawmap.get("laws", {}).items():
        lines = entry["lines"].get(m.module, {})
        hits = sum(lines.get(str(n), 0) for n in range(lo, hi + 1))
        if hits:
            out.append((hits / max(float(entry["seconds"]), 0.05), law_id))
    return sorted(out, key=lambda t: (-t[0], t[1]))


CI_CAP = 6
"""The ``--max-laws`` the ``ci`` and ``rerun`` phases ran under; phase ``wide`` starts after it."""


def plan(m: Mutation, phase: str, lawmap: dict[str, Any], factor: float, most: int = 0) -> Job:
    """The laws (and their time limits) that phase ``phase`` runs against ``m`` (the first
    ``most`` of them when ``most`` is positive)."""
    line_laws = [law for _, law in _covering(m, lawmap, m.line, m.end_line)]
    laws = line_laws
    if phase != "dev" and not line_laws:  # unreached under dev: the laws that run its function
        laws = [law for _, law in _covering(m, lawmap, m.def_line, m.def_end)]
    if phase == "rerun":  # a final survivor: only the laws added to the map since it ran
        laws = [law for law in laws if lawmap["laws"][law].get("added")]
    if phase == "wide":  # a final survivor: the laws past the cap ci ran it under
        laws = laws[CI_CAP:]
    if most > 0:
        laws = laws[:most]
    scale = 1.0 if phase == "dev" else 4.0  # ci: 40 examples a law against dev's 12
    limits = {
        law: max(30.0, factor * scale * float(lawmap["laws"][law]["seconds"])) for law in laws
    }
    rounds = {law: lawmap["laws"][law].get("added") for law in laws} if phase == "rerun" else {}
    return Job(m, phase, laws, limits, rounds)


def _read_log(path: Path | None) -> dict[tuple[str, str], dict[str, Any]]:
    done: dict[tuple[str, str], dict[str, Any]] = {}
    if path is not None and path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                done[(r["key"], r["phase"])] = r
    return done


KILLED = ("killed", "timeout", "crash")

DEV_RECHECK = "dev-recheck"
"""The phase that reruns a later phase's kill under ``dev`` (``final`` ignores its records)."""


def final(m: Mutation, done: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The mutant's result over its phases: the first kill, else the last phase run."""
    base = {**dataclasses.asdict(m), "key": m.key}
    for phase in ("dev", "ci", "rerun", "wide", "named"):
        r = done.get((m.key, phase))
        if r is None:
            continue
        if r["status"] in KILLED or r["status"] == "incompetent":
            return {**base, **r}
        base = {**base, **r}
    if "status" not in base:
        return {**base, "status": "not run", "phase": None, "law": None}
    if base["phase"] == "dev":  # survived dev, ci not run yet
        return {**base, "status": "pending"}
    return base


def _named(job: Job, laws: Sequence[str], lawmap: dict[str, Any], factor: float) -> Job:
    """Phase ``named``: a final survivor against laws named by hand, whatever the law map says
    (a law that kills it may not run its line under ``dev``, so the map never ranks it)."""
    limits = {law: max(30.0, factor * 4.0 * float(lawmap["laws"][law]["seconds"])) for law in laws}
    return Job(job.mutation, "named", list(laws), limits)


def _unreached(job: Job) -> dict[str, Any]:
    return {"status": "unreached", "law": None, "laws_run": 0, "seconds": 0.0}


def _jobs(
    ms: Sequence[Mutation],
    phase: str,
    done: dict[tuple[str, str], dict[str, Any]],
    lawmap: dict[str, Any],
    factor: float,
    log: Path | None,
    most: int = 0,
    exclude: Sequence[str] = (),
) -> list[Job]:
    """The jobs of ``phase`` still to run (an unreached mutant is recorded at once)."""
    jobs = []
    for m in ms:
        if (m.key, phase) in done and not _new_laws_since(m, phase, done, lawmap):
            continue
        if phase == "ci":
            first = done.get((m.key, "dev"))
            if first is None or first["status"] not in ("survived", "unreached"):
                continue
        if phase == "rerun" and final(m, done)["status"] not in ("survived", "unreached"):
            continue
        if phase in ("wide", "named") and final(m, done)["status"] != "survived":
            continue
        if phase == DEV_RECHECK:
            job = _dev_recheck(m, done, lawmap, factor)
            if job is not None:
                jobs.append(job)
            continue
        job = plan(m, phase, lawmap, factor, most)
        job.laws = [law for law in job.laws if law not in exclude]
        job.phase = phase
        if not job.laws and phase != "named":  # named: the caller gives the laws
            if phase not in ("rerun", "wide"):  # nothing more reaches a survivor: it stays
                done[(m.key, phase)] = _record(job, _unreached(job), log)
            continue
        jobs.append(job)

    def order(j: Job) -> tuple[bool, str]:  # survivors of dev before the unreached ones
        first = done.get((j.mutation.key, "dev"), {})
        return first.get("status") == "unreached", _shuffle(j.mutation.key)

    return sorted(jobs, key=order)


def _dev_recheck(
    m: Mutation, done: dict[tuple[str, str], dict[str, Any]], lawmap: dict[str, Any], factor: float
) -> Job | None:
    """Phase ``dev-recheck``: a mutant a phase after ``dev`` killed by a law's failure, under
    ``dev`` against that law (None for any other mutant)."""
    result = final(m, done)
    law = result.get("law")
    if result["status"] != "killed" or result.get("phase") == "dev" or not isinstance(law, str):
        return None
    if law not in lawmap["laws"]:
        return None
    limit = max(30.0, factor * float(lawmap["laws"][law]["seconds"]))
    return Job(m, DEV_RECHECK, [law], {law: limit})


def _new_laws_since(
    m: Mutation, phase: str, done: dict[tuple[str, str], dict[str, Any]], lawmap: dict[str, Any]
) -> bool:
    """Whether a final survivor's last ``rerun`` left out a law added to the map since, or ran
    one that has been traced again since (a law map marks each law of a round of new or changed
    laws with the time it was traced: a mutant is rerun against the newest marks)."""
    last = done[(m.key, phase)]
    if phase != "rerun" or last["status"] not in ("survived", "unreached"):
        return False
    ran = last.get("rounds") or dict.fromkeys(last.get("laws", ()), True)  # older marks: True
    job = plan(m, phase, lawmap, 1.0)
    return any(ran.get(law) != job.rounds[law] for law in job.laws)


def _shuffle(key: str) -> str:
    """A fixed pseudo-random order: any prefix of a pass is a sample of every module."""
    return hashlib.sha256(key.encode()).hexdigest()


def write_json(
    path: Path,
    ms: Sequence[Mutation],
    done: dict[tuple[str, str], dict[str, Any]],
    lawmap: dict[str, Any],
    notes: Sequence[str] = (),
) -> dict[str, int]:
    results = [final(m, done) for m in ms]
    for r in results:
        recheck = done.get((r["key"], DEV_RECHECK))
        if recheck is not None:
            r["dev_recheck"] = recheck["status"]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    seconds = sum(float(r.get("seconds") or 0.0) for r in done.values())
    doc = {
        "modules": sorted({m.module for m in ms}),
        "counts": counts,
        "seconds": round(seconds, 1),
        "lawmap": {
            "profile": lawmap.get("profile"),
            "laws": len(lawmap.get("laws", {})),
            "added": sorted(k for k, v in lawmap.get("laws", {}).items() if v.get("added")),
        },
        "mutants": results,
        "notes": notes,
    }
    path.write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.mutants.auto",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--modules", nargs="+", default=list(MODULES))
    p.add_argument(
        "--phase",
        choices=("dev", "ci", "both", "rerun", "wide", "named", DEV_RECHECK),
        default="both",
    )
    p.add_argument(
        "--laws",
        nargs="+",
        metavar="ID",
        help="phase named: the laws to run each final survivor against (under ci)",
    )
    p.add_argument("--lawmap", default=str(HERE / "lawmap.json"))
    p.add_argument("--log", metavar="FILE", help="append each result to FILE (and resume from it)")
    p.add_argument("--fresh", action="store_true", help="ignore the results already in --log")
    p.add_argument("--only", nargs="+", metavar="KEY", help="run only these mutations")
    p.add_argument("--every", type=int, default=1, help="run every n-th mutation only (a sample)")
    p.add_argument("-n", dest="workers", type=int, default=1)
    p.add_argument("--timeout-factor", type=float, default=10.0)
    p.add_argument(
        "--worker-memory",
        type=float,
        default=WORKER_MEMORY_GIB,
        metavar="GIB",
        help=f"address space each worker may take (default {WORKER_MEMORY_GIB:g} GiB; 0: no cap)",
    )
    p.add_argument(
        "--max-laws",
        type=int,
        default=12,
        help="run at most the first N laws (by hits per second) a phase selects (0: all)",
    )
    p.add_argument("--json", metavar="FILE", help="write the merged results to FILE")
    p.add_argument("--exclude", nargs="+", metavar="ID", help="run none of these laws")
    p.add_argument("--note", action="append", help="a sentence for RESULTS.md about this run")
    p.add_argument(
        "--collect", action="store_true", help="run nothing: merge --log's results into --json"
    )
    p.add_argument("--list", action="store_true", help="list the mutations and stop")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        _worker()
        return 0
    os.environ[WORKER_MEMORY_VARIABLE] = str(args.worker_memory)  # the workers inherit it
    from tests.mutants import lawmap as lawmap_module

    ms = [m for module in args.modules for m in mutations(module)]
    if args.only:
        ms = [m for m in ms if m.key in args.only]
    ms = ms[:: args.every]
    if args.list:
        for m in ms:
            print(f"{m.key}  {m.function}  {m.before!r} -> {m.after!r}")
        print(f"{len(ms)} mutations")
        return 0
    lawmap = lawmap_module.load(Path(args.lawmap))
    stale = [
        mod
        for mod in args.modules
        if lawmap.get("sources", {}).get(mod) not in (None, source_digest(mod))
    ]
    if stale:
        print(f"warning: the lawmap's lines predate the current source of {', '.join(stale)}")
    log = Path(args.log) if args.log else None
    done = {} if args.fresh else _read_log(log)
    phases = {
        "both": ("dev", "ci"),
        "dev": ("dev",),
        "ci": ("ci",),
        "rerun": ("rerun",),
        "wide": ("wide",),
        "named": ("named",),
        DEV_RECHECK: (DEV_RECHECK,),
    }
    if args.phase == "named" and not args.laws:
        p.error("--phase named needs --laws ID ...")
    if args.collect:
        phases = {args.phase: ()}
    for phase in phases[args.phase]:
        jobs = _jobs(
            ms, phase, done, lawmap, args.timeout_factor, log, args.max_laws, args.exclude or ()
        )
        if phase == "named":
            jobs = [_named(j, args.laws, lawmap, args.timeout_factor) for j in jobs]
        print(f"phase {phase}: {len(jobs)} mutants to run", flush=True)
        for r in run(jobs, args.workers, log):
            done[(r["key"], phase)] = r
    if args.json:
        counts = write_json(Path(args.json), ms, done, lawmap, args.note or [])
    else:
        counts = {}
        for m in ms:
            s = final(m, done)["status"]
            counts[s] = counts.get(s, 0) + 1
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
