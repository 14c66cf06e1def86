"""The automated mutation pass: small AST mutations of the reference's core graph modules.

    python -m tests.mutants.auto [--modules M ...] [-n N] [--profile P] [--json FILE] [--list]

Every mutation point of ``MODULES`` (``reference._flatten``, ``_unflatten``, ``_update``,
``_pop``) gets one mutant per operator that applies there:

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

Docstrings, ``raise`` statements (error texts and paths: the ERR laws read those through the
documented error classes) and type annotations are not mutated.

A mutant runs in a worker process that loads the module's mutated source into a fresh namespace
and installs its functions everywhere the originals were imported (``tests.mutants.patch.Patcher``).
The test command is the suite's laws (``ROB-*`` included only with ``--rob``), run in catalogue
order under ``--profile`` until one *genuinely* fails: its minimal failing case must pass on the
unmutated reference.  A mutant that hangs past ``--timeout`` counts as killed (timeout); one whose
source does not compile or load is ``incompetent``.  Results, one per mutant, go to ``--json``;
``tests/mutants/triage.json`` explains every survivor (killed by a new law, or equivalent)
and ``python -m tests.mutants.report`` renders both into ``tests/mutants/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import importlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MODULES", "Mutation", "apply_mutation", "main", "mutations"]

MODULES: tuple[str, ...] = (
    "reference._flatten",
    "reference._unflatten",
    "reference._update",
    "reference._pop",
)

SUBSETS: dict[str, tuple[str, ...]] = {
    "reference._flatten": (
        "ID",
        "RT",
        "SHARE",
        "CYC",
        "PT",
        "STAT",
        "ST",
        "FLT",
        "GD",
        "CL",
        "IT",
        "CTX",
        "UCTX",
        "ERR",
    ),
    "reference._unflatten": (
        "RT",
        "SHARE",
        "CYC",
        "PT",
        "STAT",
        "CL",
        "CALL",
        "CTX",
        "UCTX",
        "ERR",
    ),
    "reference._update": ("UPD", "ERR", "ID", "RT", "PT"),
    "reference._pop": ("POP",),
}
"""The targeted fast subset per module: the law areas whose operations run the module's code
(``--all-laws`` runs every law instead)."""

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


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One mutation: where (module, line, column, the n-th point there) and what."""

    module: str
    index: int
    line: int
    col: int
    operator: str
    before: str
    after: str

    @property
    def key(self) -> str:
        return f"{self.module.split('.')[-1]}:{self.line}:{self.col}:{self.operator}:{self.index}"


def _skip_ids(tree: ast.AST) -> set[int]:
    """Ids of nodes never mutated: docstrings, raise statements, annotations."""
    skip: set[int] = set()

    def mark(node: ast.AST) -> None:
        skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            mark(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for a in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs):
                if a.annotation is not None:
                    mark(a.annotation)
            if node.returns is not None:
                mark(node.returns)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, ast.ImportFrom) or isinstance(node, ast.Import):
            mark(node)
    return skip


def _points(tree: ast.AST) -> Iterator[tuple[ast.AST, str, Any]]:
    """Yield ``(node, operator, detail)`` for every mutation point, in a stable order."""
    skip = _skip_ids(tree)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _CMP:
                    yield node, "cmp", i
        elif isinstance(node, ast.BoolOp):
            yield node, "bool", None
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", None
        elif isinstance(node, ast.Constant) and (
            node.value is True
            or node.value is False
            or (type(node.value) is int and -1 <= node.value <= 8)
        ):
            yield node, "const", None
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            yield node, "arith", None
        elif isinstance(node, (ast.Break, ast.Continue)):
            yield node, "flow", None
        elif (
            isinstance(node, (ast.Assign, ast.AugAssign))
            or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
        ) and id(node) in in_function:
            yield node, "stmt", None


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


def mutations(module: str) -> list[Mutation]:
    """Return every mutation of ``module``'s current source."""
    tree = ast.parse(_source(module))
    out = []
    for i, (node, operator, detail) in enumerate(_points(tree)):
        before = ast.unparse(node).splitlines()[0][:80]
        after = ast.unparse(_mutate(node, operator, detail)).splitlines()[0][:80]
        out.append(
            Mutation(
                module,
                i,
                getattr(node, "lineno", 0),
                getattr(node, "col_offset", 0),
                operator,
                before,
                after,
            )
        )
    return out


def _locate(m: Mutation, tree: ast.AST) -> int:
    """Return the index of ``m``'s point in the module's *current* source: the point with the
    same operator and text nearest to ``m.line`` (the source may have changed since ``m`` was
    listed); ValueError if the current source has no such point."""
    best: tuple[int, int] | None = None
    for i, (node, operator, detail) in enumerate(_points(tree)):
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


def apply_mutation(m: Mutation) -> str:
    """Return ``m.module``'s source with mutation ``m`` applied (located in the current source)."""
    tree = ast.parse(_source(m.module))
    node, operator, detail = list(_points(tree))[_locate(m, tree)]
    replacement = _mutate(node, operator, detail)

    class Swap(ast.NodeTransformer):
        def visit(self, n: ast.AST) -> Any:
            if n is node:
                return replacement
            return super().visit(n)

    new_tree = ast.fix_missing_locations(Swap().visit(tree))
    return ast.unparse(new_tree)


# --- the worker ------------------------------------------------------------------------------


def _install(m: Mutation) -> Any:
    """Load the mutated module into a fresh namespace and patch its functions in everywhere."""
    import types

    from tests.mutants.catalogue import Patcher

    module = importlib.import_module(m.module)
    code = compile(apply_mutation(m), f"<mutant {m.key}>", "exec")
    namespace: dict[str, Any] = {"__name__": m.module, "__file__": module.__file__}
    exec(code, namespace)
    p = Patcher()
    for name, value in namespace.items():
        original = getattr(module, name, None)
        if isinstance(value, types.FunctionType) and isinstance(original, types.FunctionType):
            p.swap_function(m.module, name, value)
    return p


class _LawTimeout(BaseException):
    """Raised by the alarm when one law runs past ``LAW_TIMEOUT`` (a mutant that hangs)."""


LAW_TIMEOUT = 60
SCAN_PROFILE: dict[str, object] = {
    "max_examples": 6,
    "deadline": None,
    "derandomize": True,
    "database": None,
}
"""``--profile scan``: six derandomized examples per law, the automated pass's quick look."""


def _worker(profile: str) -> None:
    import signal

    from spec.laws import law_by_id
    from spec.runner import profiles
    from spec.runner.engine import check_case, run_law
    from spec.targets.reference import ReferenceTarget

    profiles.PROFILES.setdefault("scan", dict(SCAN_PROFILE))  # this worker process only
    if hasattr(profiles, "FIXED_SCALE"):
        profiles.FIXED_SCALE.setdefault("scan", 0.1)  # the robustness laws at a tenth of their size

    def alarm(signum: int, frame: object) -> None:
        raise _LawTimeout

    signal.signal(signal.SIGALRM, alarm)
    reference = ReferenceTarget()
    for line in sys.stdin:
        job = json.loads(line)
        laws = job.pop("laws")
        m = Mutation(**job)
        start = time.perf_counter()
        result: dict[str, Any] = {"key": m.key, "status": "survived", "law": None, "examples": 0}
        try:
            p = _install(m)
        except Exception as e:
            result.update(status="incompetent", detail=f"{type(e).__name__}: {e}"[:200])
            print(json.dumps(result), flush=True)
            continue
        try:
            for law_id in laws:
                law = law_by_id(law_id)
                signal.alarm(LAW_TIMEOUT)
                try:
                    outcome = run_law(
                        law, ReferenceTarget(), profile, "cpu" if law.per_backend else None
                    )
                except _LawTimeout:
                    result.update(
                        status="killed",
                        law=law_id,
                        detail=f"timeout: {law_id} ran past {LAW_TIMEOUT} s",
                    )
                    break
                finally:
                    signal.alarm(0)
                if outcome.verdict != "fail":
                    continue
                case = outcome.case
                p.undo()
                verdict = check_case(law, reference, case)[0] if case is not None else "fail"
                if verdict != "fail":
                    result.update(
                        status="killed",
                        law=law_id,
                        examples=outcome.examples,
                        detail=f"{type(outcome.error).__name__}: {outcome.error}"[:200],
                    )
                    break
                p = _install(m)
        finally:
            p.undo()
        result["seconds"] = round(time.perf_counter() - start, 2)
        print(json.dumps(result), flush=True)


# --- the driver ------------------------------------------------------------------------------


class _Worker:
    def __init__(self, args: list[str]) -> None:
        import spec

        env = dict(os.environ)
        root = str(Path(spec.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.mutants.auto", "--worker", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.job: Mutation | None = None
        self.started = 0.0

    def send(self, m: Mutation, laws: list[str]) -> None:
        assert self.proc.stdin is not None
        self.job, self.started = m, time.perf_counter()
        self.proc.stdin.write(json.dumps({**dataclasses.asdict(m), "laws": laws}) + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def run(
    ms: Sequence[Mutation],
    laws: dict[str, list[str]],
    workers: int,
    worker_args: list[str],
    timeout: float,
    log: Path | None = None,
) -> list[dict[str, Any]]:
    """Run every mutation (against ``laws[module]``) on ``workers`` worker processes; return
    the results in order (and append each to ``log`` as a JSON line as it comes)."""
    todo = list(ms)
    results: dict[str, dict[str, Any]] = {}
    pool = [_Worker(worker_args) for _ in range(max(1, min(workers, len(todo))))]

    def _send(w: _Worker, m: Mutation) -> None:
        w.send(m, laws[m.module])

    def _log(r: dict[str, Any]) -> None:
        if log is not None:
            with log.open("a", encoding="utf-8") as f:
                f.write(json.dumps(r, sort_keys=True) + "\n")

    for w in pool:
        if todo:
            _send(w, todo.pop(0))
    while any(w.job is not None for w in pool):
        busy = {
            w.proc.stdout.fileno(): w
            for w in pool
            if w.job is not None and w.proc.stdout is not None
        }
        ready, _, _ = select.select(list(busy), [], [], 1.0)
        for fd in ready:
            w = busy[fd]
            assert w.proc.stdout is not None
            line = w.proc.stdout.readline()
            job = w.job
            assert job is not None
            if line:
                results[job.key] = {**dataclasses.asdict(job), **json.loads(line)}
            else:  # the worker died: the mutant crashed the interpreter
                results[job.key] = {
                    **dataclasses.asdict(job),
                    "key": job.key,
                    "status": "killed",
                    "law": None,
                    "detail": "the worker process died",
                }
                pool[pool.index(w)] = w = _Worker(worker_args)
            _log(results[job.key])
            print(
                f"{results[job.key]['status']:<11} {job.key}  {job.before!r} -> {job.after!r}  "
                f"{results[job.key].get('law') or ''}",
                flush=True,
            )
            w.job = None
            if todo:
                _send(w, todo.pop(0))
        for w in list(pool):
            if w.job is not None and time.perf_counter() - w.started > timeout:
                job = w.job
                results[job.key] = {
                    **dataclasses.asdict(job),
                    "key": job.key,
                    "status": "killed",
                    "law": None,
                    "detail": f"timeout ({timeout:.0f} s)",
                }
                _log(results[job.key])
                print(f"timeout     {job.key}", flush=True)
                w.kill()
                new = _Worker(worker_args)
                pool[pool.index(w)] = new
                if todo:
                    _send(new, todo.pop(0))
    for w in pool:
        w.kill()
    return [results[m.key] for m in ms]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.mutants.auto",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--modules", nargs="+", default=list(MODULES))
    p.add_argument(
        "--profile", default="scan", help="scan (default: 6 examples a law), dev, ci, ..."
    )
    p.add_argument(
        "--laws", nargs="+", metavar="ID", help="the laws to run (default: the module's SUBSETS)"
    )
    p.add_argument(
        "--all-laws", action="store_true", help="run every law (but ROB-* without --rob)"
    )
    p.add_argument("--log", metavar="FILE", help="append each result to FILE as a JSON line")
    p.add_argument("--rob", action="store_true", help="include the robustness laws")
    p.add_argument(
        "--only", nargs="+", metavar="KEY", help="run only the mutations with these keys"
    )
    p.add_argument("-n", dest="workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--list", action="store_true", help="list the mutations and stop")
    p.add_argument("--resume", action="store_true", help="skip the mutations already in --log")
    p.add_argument(
        "--collect",
        action="store_true",
        help="run nothing: write --json from --log (mutations not in it are 'not run')",
    )
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    from spec.laws import LAWS

    if args.worker:
        _worker(args.profile)
        return 0

    def laws_for(module: str) -> list[str]:
        if args.laws:
            return list(args.laws)
        return [
            law.id
            for law in LAWS
            if (args.rob or law.prefix != "ROB")
            and (args.all_laws or law.prefix in SUBSETS.get(module, ()) or law.prefix == "ROB")
        ]

    laws = {module: laws_for(module) for module in args.modules}
    ms = [m for module in args.modules for m in mutations(module)]
    if args.only:
        ms = [m for m in ms if m.key in args.only]
    if args.list:
        for m in ms:
            print(f"{m.key}  {m.before!r} -> {m.after!r}")
        print(f"{len(ms)} mutations")
        return 0
    done: dict[str, dict[str, Any]] = {}
    if args.resume and args.log and Path(args.log).is_file():
        for line in Path(args.log).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            done[r["key"]] = r
    if args.collect:
        fresh = [
            {**dataclasses.asdict(m), "key": m.key, "status": "not run", "law": None}
            for m in ms
            if m.key not in done
        ]
    else:
        fresh = run(
            [m for m in ms if m.key not in done],
            laws,
            args.workers,
            ["--profile", args.profile],
            args.timeout,
            Path(args.log) if args.log else None,
        )
    by_key = {**done, **{r["key"]: r for r in fresh}}
    results = [by_key[m.key] for m in ms]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    if args.json:
        seconds = sum(float(r.get("seconds") or 0.0) for r in results)  # worker time, all runs
        doc = {
            "profile": args.profile,
            "laws": laws,
            "modules": args.modules,
            "counts": counts,
            "seconds": round(seconds, 1),
            "mutants": results,
        }
        Path(args.json).write_text(
            json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
