"""``nnxspec replay PATH... [--target T] [--keep DIR]``: re-run counterexample vectors.

Each vector (a file, or every ``*.json`` below a folder) runs its law once on its case.  Without
``--target`` it replays on the target it was found on and must give its recorded outcome
(``expect``); with ``--target`` it replays there and must not fail (a conforming target passes
every counterexample).  ``--keep DIR`` copies each vector that still fails on its own target to
``DIR/<target>/<law>-<hash>.json`` (with its ``.py`` reproducer), ready to commit under
``tests/vectors``.  Exit status 0 iff every outcome is as expected.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spec.runner.commands import Command, register
from spec.runner.vectors import Replay, VectorError, find, keep_name, load, replay, save
from spec.target import Target, TargetError, resolve_target

__all__ = ["run"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="vector files or folders of them"
    )
    p.add_argument("--target", help="replay on this target instead of each vector's own")
    p.add_argument(
        "--keep", type=Path, metavar="DIR", help="copy vectors that still fail to DIR/<target>/"
    )


def _line(r: Replay) -> str:
    mark = "ok  " if r.ok else "UNEXPECTED"
    want = " or ".join(r.expected)
    where = f" {r.vector.path}" if r.vector.path else ""
    detail = f"\n      {r.detail}" if r.detail and (r.outcome != "pass") else ""
    if not r.ok and r.outcome == "pass" and "fail" in r.expected:
        detail = (
            "\n      the law holds on this case now: fixed, if you changed the target since the"
            " vector was recorded (--target replays on a target that must not fail)"
        )
    return f"{mark} {r.vector.law} on {r.target}: {r.outcome} (expected {want}){where}{detail}"


def run(args: argparse.Namespace) -> int:
    from spec.laws import LAWS

    known = {law.id for law in LAWS}
    targets: dict[str, Target] = {}
    bad = 0
    seen = 0
    for root in args.paths:
        if not Path(root).exists():
            print(f"nnxspec replay: {root}: no such file or folder")
            return 2
        for path in find(root):
            seen += 1
            try:
                v = load(path)
                if v.law not in known:
                    raise VectorError(
                        f"{path}: no law {v.law!r} in this nnxspec ('nnxspec laws' lists them)"
                    )
                spec = args.target or v.target_spec
                if spec not in targets:
                    targets[spec] = resolve_target(spec)
                r = replay(v, targets[spec], spec)
            except VectorError as e:  # names its file, as load's errors do
                print(f"ERROR {e}")
                bad += 1
                continue
            except TargetError as e:
                print(f"ERROR {path}: {e}")
                bad += 1
                continue
            print(_line(r))
            bad += not r.ok
            if args.keep is not None and r.outcome == "fail" and args.target is None:
                kept = save(v.data, args.keep / v.target_name / keep_name(v.data))
                print(f"      kept as {kept}")
    if seen == 0:
        print("nnxspec replay: no vector found")
        return 2
    print(f"{seen - bad} as expected, {bad} unexpected")
    return 1 if bad else 0


register(
    Command(
        name="replay",
        help="re-run counterexample vectors (a file or a folder) against a target",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
