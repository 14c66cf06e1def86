"""``nnxspec mutants``: run the conformance suite against every hand-written mutant.

Each mutant runs in its own subprocess through ``nnxspec check --target
tests.mutants.catalogue:<name>
--profile P --report DIR`` (so a monkeypatch never leaks into another mutant), in two phases:

1. the laws the catalogue expects to kill it;
2. only if none of them did (or with ``--full``): every other law.

A failing law *kills* the mutant only if the failure is the mutant's: its minimal failing case
(the vector in the report) is replayed here on the unmutated reference, and a law that fails
there too is a baseline failure (reported, never counted as a kill).  Per mutant the command
prints killed / survived, the killing laws with the examples each took (``results.json``'s
``examples``: examples run until the failure, shrinking included) and whether an expected law
was among them; then the closing line ``N killed, N survived``.  Exit status 0 iff every mutant
selected was killed.  ``--json FILE`` writes the summary (``tests/mutants/hand.json`` is
the committed one, rendered into ``tests/mutants/RESULTS.md`` by ``python -m
tests.mutants.report``).

Subprocesses see two CPU devices (``--xla_force_host_platform_device_count=2``) unless XLA_FLAGS
already sets a count, so a mutant that moves values to the wrong device is observable without an
accelerator.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["Killer", "MutantResult", "main", "run", "run_mutant"]


@dataclasses.dataclass(frozen=True)
class Killer:
    """A law that failed on a mutant: its examples and whether the failure is the mutant's."""

    law: str
    examples: int
    seconds: float
    genuine: bool
    message: str
    kind: str = "violation"
    """``violation`` (the law's checker found a difference) or ``error`` (an exception escaped)."""


@dataclasses.dataclass(frozen=True)
class MutantResult:
    """The outcome of one mutant."""

    name: str
    description: str
    mechanism: str
    expected: tuple[str, ...]
    killers: tuple[Killer, ...]
    phases: int
    seconds: float
    error: str | None = None

    @property
    def killed(self) -> bool:
        return any(k.genuine for k in self.killers)

    @property
    def killed_by_expected(self) -> bool:
        return any(k.genuine and k.law in self.expected for k in self.killers)

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["status"] = "killed" if self.killed else "survived"
        d["killed_by_expected"] = self.killed_by_expected
        return d


def _selector(law_ids: Sequence[str]) -> str:
    from spec.laws import law_by_id

    parts = []
    for law_id in law_ids:
        law = law_by_id(law_id)
        parts.append(f"[{law_id}-" if law.per_backend else f"[{law_id}]")
    return " or ".join(parts)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    flags = env.get("XLA_FLAGS", "")
    if "xla_force_host_platform_device_count" not in flags:
        env["XLA_FLAGS"] = (flags + " --xla_force_host_platform_device_count=2").strip()
    import spec

    root = str(Path(spec.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _run_check(
    name: str, profile: str, keyword: str, folder: Path, timeout: float
) -> tuple[list[dict[str, Any]], str | None]:
    """Run ``nnxspec check`` on one mutant; return results.json's law entries (or an error)."""
    cmd = [
        sys.executable,
        "-m",
        "spec.runner",
        "check",
        "--target",
        f"tests.mutants.catalogue:{name}",
        "--profile",
        profile,
        "--report",
        str(folder),
        "-k",
        keyword,
    ]
    try:
        done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout:.0f} s"
    results = folder / "results.json"
    if not results.is_file():
        return [], f"no results.json (exit {done.returncode}): {(done.stdout + done.stderr)[-600:]}"
    laws: list[dict[str, Any]] = json.loads(results.read_text(encoding="utf-8"))["laws"]
    return laws, None


def _judge(folder: Path, entries: list[dict[str, Any]]) -> list[Killer]:
    """Turn the failed laws of one run into killers, replaying each vector on the reference."""
    from spec.laws import Case, law_by_id
    from spec.runner.engine import check_case_isolated
    from spec.targets.reference import ReferenceTarget

    reference = ReferenceTarget()
    killers = []
    for e in entries:
        if e["status"] != "fail":
            continue
        genuine, message, kind = True, "", "violation"
        vector = folder / e["counterexample"] if e.get("counterexample") else None
        if vector is not None and vector.is_file():
            data = json.loads(vector.read_text(encoding="utf-8"))
            message = str(data.get("failure", {}).get("message", ""))[:300]
            kind = str(data.get("failure", {}).get("kind", "violation"))
            try:
                law = law_by_id(e["id"])
            except KeyError:  # a law added after this process loaded the catalogue
                message = f"(not replayed on the reference: unknown law here) {message}"
            else:
                verdict, _, _ = check_case_isolated(law, reference, Case.from_data(data["case"]))
                genuine = verdict != "fail"
        killers.append(
            Killer(e["id"], int(e["examples"]), float(e["seconds"]), genuine, message, kind)
        )
    return killers


def run_mutant(
    name: str,
    profile: str,
    *,
    full: bool = False,
    timeout: float = 3600.0,
    workdir: Path | None = None,
) -> MutantResult:
    """Run the two phases (see the module docstring) on the mutant ``name``."""
    from spec.laws import LAWS
    from tests.mutants.catalogue import mutant_by_name

    m = mutant_by_name(name)
    start = time.perf_counter()
    base = Path(workdir or tempfile.mkdtemp(prefix="nnxspec-mutant-")) / name
    known = {law.id for law in LAWS}
    expected = [law_id for law_id in m.expected if law_id in known]
    killers: list[Killer] = []
    errors: list[str] = []
    phases = 0
    rest = [law.id for law in LAWS if law.id not in expected]
    for phase, laws in ((1, expected), (2, rest)):
        if not laws or (phase == 2 and not full and any(k.genuine for k in killers)):
            continue
        phases = phase
        keyword = (
            _selector(laws) if phase == 1 else f"not ({_selector(expected)})" if expected else ""
        )
        folder = base / f"phase{phase}"
        entries, error = _run_check(name, profile, keyword or "test_law", folder, timeout)
        if error:
            errors.append(f"phase {phase}: {error}")
        killers += _judge(folder, entries)
    return MutantResult(
        m.name,
        m.description,
        m.mechanism,
        m.expected,
        tuple(killers),
        phases,
        time.perf_counter() - start,
        "; ".join(errors) or None,
    )


def _line(r: MutantResult) -> str:
    genuine = [k for k in r.killers if k.genuine]
    baseline = [k for k in r.killers if not k.genuine]
    if genuine:
        laws = ", ".join(
            f"{k.law} ({k.examples} ex{'' if k.kind == 'violation' else ', ' + k.kind})"
            for k in genuine
        )
        note = "" if r.killed_by_expected else f"  [expected {' '.join(r.expected)}]"
        text = f"killed    {r.name}: {laws}{note}"
    else:
        text = f"SURVIVED  {r.name}: expected {' '.join(r.expected)}"
    if baseline:
        text += f"  (baseline failures, not counted: {', '.join(k.law for k in baseline)})"
    if r.error:
        text += f"  (error: {r.error[:200]})"
    return text


def run(args: argparse.Namespace) -> int:
    from tests.mutants.catalogue import MUTANTS, mutant_by_name

    names = (
        [m.name for m in MUTANTS] if not args.only else [mutant_by_name(n).name for n in args.only]
    )
    workdir = (
        Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="nnxspec-mutants-"))
    )
    start = time.perf_counter()
    results: dict[str, MutantResult] = {}
    print(
        f"nnxspec mutants: {len(names)} mutant(s), profile {args.profile}, {args.workers} at "
        "a time, "
        f"reports in {workdir}",
        flush=True,
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        futures = {
            pool.submit(
                run_mutant, n, args.profile, full=args.full, timeout=args.timeout, workdir=workdir
            ): n
            for n in names
        }
        for future in concurrent.futures.as_completed(futures):
            try:
                r = future.result()
            except Exception as e:  # a broken run of one mutant must not lose the others
                from tests.mutants.catalogue import mutant_by_name as by_name

                m = by_name(futures[future])
                r = MutantResult(
                    m.name,
                    m.description,
                    m.mechanism,
                    m.expected,
                    (),
                    0,
                    0.0,
                    f"driver error: {type(e).__name__}: {e}",
                )
            results[r.name] = r
            print(_line(r), flush=True)
    ordered = [results[n] for n in names]
    killed = sum(r.killed for r in ordered)
    survived = len(ordered) - killed
    if args.json:
        rows = [r.to_json() for r in ordered]
        seconds = round(time.perf_counter() - start, 1)
        path = Path(args.json)
        if args.update and path.is_file():  # keep the other mutants' results from an earlier run
            old = json.loads(path.read_text(encoding="utf-8"))
            mine = {r["name"] for r in rows}
            order = [m.name for m in MUTANTS]
            rows = sorted(
                [r for r in old["mutants"] if r["name"] not in mine and r["name"] in order] + rows,
                key=lambda r: order.index(r["name"]),
            )
            seconds += float(old.get("seconds", 0.0))
        doc = {
            "profile": args.profile,
            "full": args.full,
            "seconds": seconds,
            "killed": sum(r["status"] == "killed" for r in rows),
            "survived": sum(r["status"] != "killed" for r in rows),
            "mutants": rows,
        }
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{killed} killed, {survived} survived")
    return 0 if survived == 0 else 1


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", default="ci", help="Hypothesis profile of each run (default: ci)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutants")
    p.add_argument("--json", metavar="FILE", help="write the JSON summary to FILE")
    p.add_argument(
        "--update",
        action="store_true",
        help="with --json: replace only the mutants run now in an existing summary",
    )
    p.add_argument(
        "-n",
        dest="workers",
        type=int,
        default=1,
        metavar="N",
        help="mutants run at once (default 1)",
    )
    p.add_argument(
        "--full", action="store_true", help="run every law on every mutant, not only until a kill"
    )
    p.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds allowed per phase of one mutant"
    )
    p.add_argument("--workdir", metavar="DIR", help="keep the per-mutant reports in DIR")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nnxspec mutants`` with ``argv``."""
    p = argparse.ArgumentParser(prog="nnxspec mutants", description=__doc__)
    configure(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
