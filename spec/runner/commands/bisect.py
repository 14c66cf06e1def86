"""``nnxspec bisect LAW --releases A..B``: the first flax release between A and B where a law's
status changes.

The committed results have a column for some releases only; when a law's status differs between
two of them (``nnxspec history``), bisect runs the releases in between on demand and names the
first whose status differs from A's.  For each release it needs, it reuses the environment
``ENVS/flax-VERSION`` (``--envs``, default ``.venvs``) or builds it with ``nnxspec env`` (the pinned
jax and Python), runs only that law there (``nnxspec check --target flax -k LAW --profile P``, no
expectations, so a failure reads ``fail``) and reads its status from the run's ``results.json``.

The releases are those ``nnxspec env`` has pins for, from A to B inclusive, oldest first.  Binary
search assumes the status changes once between A and B; ``--linear`` runs every release instead
(and lists every change)::

    nnxspec bisect UCTX-6 --releases 0.10.3..0.12.8
    nnxspec bisect IT-1 --releases 0.11.2..0.12.8 --profile ci --linear
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from spec.runner.commands import Command, register
from spec.runner.commands.history import normalise, release_key

__all__ = ["Bisection", "EnvRunner", "StatusOf", "bisect", "parse_range", "releases_between", "run"]

StatusOf = Callable[[str], str]
"""release -> the law's (normalised) status there."""


def releases_between(first: str, last: str, known: Sequence[str]) -> list[str]:
    """Return the releases of ``known`` from ``first`` to ``last`` inclusive, oldest first."""
    ordered = sorted(set(known) | {first, last}, key=release_key)
    lo, hi = release_key(first), release_key(last)
    if lo > hi:
        raise ValueError(f"the range {first}..{last} runs backwards")
    return [r for r in ordered if lo <= release_key(r) <= hi]


def parse_range(text: str) -> tuple[str, str]:
    """Parse ``A..B``."""
    first, sep, last = text.partition("..")
    if not sep or not first.strip() or not last.strip():
        raise ValueError(f"expected --releases A..B (e.g. 0.10.3..0.12.8), got {text!r}")
    return first.strip(), last.strip()


@dataclasses.dataclass(frozen=True)
class Bisection:
    """What a bisection found: the statuses it ran and the first release that differs from A."""

    law: str
    releases: tuple[str, ...]
    statuses: dict[str, str]
    first_change: str | None
    """The first release whose status differs from the first release's (None: no change)."""

    def lines(self) -> list[str]:
        ran = ", ".join(f"{r} {self.statuses[r]}" for r in self.releases if r in self.statuses)
        out = [f"{self.law}: ran {ran}"]
        a, b = self.releases[0], self.releases[-1]
        if self.first_change is None:
            out.append(f"{self.law}: no change between {a} and {b} (both {self.statuses[a]})")
        else:
            i = self.releases.index(self.first_change)
            prev = self.releases[i - 1]
            out.append(
                f"{self.law}: first change in {self.first_change}: {self.statuses[prev]} in "
                f"{prev} -> "
                f"{self.statuses[self.first_change]} in {self.first_change}"
            )
        return out


def bisect(
    law: str,
    releases: Sequence[str],
    status_of: StatusOf,
    *,
    linear: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> Bisection:
    """Find the first of ``releases`` whose status of ``law`` differs from the first release's.

    Binary search (assuming one change) unless ``linear``; ``status_of`` runs one release."""
    if not releases:
        raise ValueError("no releases to bisect")
    seen: dict[str, str] = {}

    def status(r: str) -> str:
        if r not in seen:
            seen[r] = status_of(r)
            log(f"{law} on flax {r}: {seen[r]}")
        return seen[r]

    rel = list(releases)
    base = status(rel[0])
    if linear:
        first = next((r for r in rel[1:] if status(r) != base), None)
        for r in rel:
            status(r)
        return Bisection(law, tuple(rel), seen, first)
    if len(rel) == 1 or status(rel[-1]) == base:
        return Bisection(law, tuple(rel), seen, None)
    lo, hi = 0, len(rel) - 1  # status(lo) == base, status(hi) != base
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if status(rel[mid]) == base:
            lo = mid
        else:
            hi = mid
    return Bisection(law, tuple(rel), seen, rel[hi])


class EnvRunner:
    """Runs one law in one flax release's environment, building it when it is missing."""

    def __init__(
        self,
        law: str,
        *,
        envs: Path,
        profile: str,
        source: Path | None,
        call: Callable[[list[str]], int] = subprocess.call,
    ) -> None:
        self.law, self.envs, self.profile, self.source, self.call = law, envs, profile, source, call

    def env_command(self, release: str) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "spec.runner",
            "env",
            f"flax=={release}",
            str(self.envs / f"flax-{release}"),
        ]
        return cmd + (["--source", str(self.source), "--editable"] if self.source else [])

    def check_command(self, release: str, report: Path) -> list[str]:
        exe = self.envs / f"flax-{release}" / "bin" / "nnxspec"
        return [
            str(exe),
            "check",
            "--target",
            "flax",
            "--profile",
            self.profile,
            "-k",
            f"[{self.law}] or [{self.law}-",
            "--report",
            str(report),
        ]

    def __call__(self, release: str) -> str:
        folder = self.envs / f"flax-{release}"
        if not (folder / "nnxspec-env.json").is_file():
            if self.call(self.env_command(release)) != 0:
                return "error"
        with tempfile.TemporaryDirectory(prefix="nnxspec-bisect-") as tmp:
            report = Path(tmp) / "report"
            self.call(self.check_command(release, report))
            return read_status(report / "results.json", self.law)


def read_status(results: Path, law: str) -> str:
    """Return ``law``'s normalised status in a run's ``results.json`` (``error`` if it did not
    run)."""
    try:
        doc = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "error"
    found = [normalise(str(e["status"])) for e in doc.get("laws", ()) if e.get("id") == law]
    if not found:
        return "error"
    for s in ("error", "fail", "n/a"):
        if s in found:
            return s
    return found[0]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("law", metavar="LAW", help="the law's id, e.g. UCTX-6")
    p.add_argument(
        "--releases",
        required=True,
        metavar="A..B",
        help="the flax releases to search, e.g. 0.10.3..0.12.8",
    )
    p.add_argument(
        "--profile", default="dev", help="the Hypothesis profile of each run (default: dev)"
    )
    p.add_argument(
        "--envs",
        type=Path,
        default=Path(".venvs"),
        help="where the flax environments live (default: .venvs)",
    )
    p.add_argument(
        "--source",
        type=Path,
        help="the nnxspec checkout to install into new environments "
        "(editable; default: the running checkout)",
    )
    p.add_argument(
        "--linear", action="store_true", help="run every release instead of a binary search"
    )


def run(args: argparse.Namespace, *, status_of: StatusOf | None = None) -> int:
    from spec.laws import LAWS
    from spec.runner.commands.env import PINS, checkout_root

    if args.law not in {law.id for law in LAWS}:
        print(f"nnxspec bisect: unknown law {args.law!r} (see nnxspec laws)")
        return 2
    try:
        first, last = parse_range(args.releases)
        releases = releases_between(first, last, list(PINS))
    except ValueError as e:
        print(f"nnxspec bisect: {e}")
        return 2
    if status_of is None:
        status_of = EnvRunner(
            args.law,
            envs=args.envs.resolve(),
            profile=args.profile,
            source=args.source or checkout_root(),
        )
    result = bisect(
        args.law, releases, status_of, linear=args.linear, log=lambda line: print(line, flush=True)
    )
    for line in result.lines():
        print(line)
    return 0


register(
    Command(
        name="bisect",
        help="run a law on the flax releases between A and B and name the first whose status "
        "changes",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
