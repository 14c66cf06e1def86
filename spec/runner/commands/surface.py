"""``nnxspec surface``: check the public surface a target claims, or generate an inventory.

``nnxspec surface [--target T] [--verbose]`` checks target ``T`` (default: the reference) against
the inventory it claims (``Target.surface``): every entry present with a compatible signature, or
listed among the target's omissions with a reason; exit 1 on a gap or a stale omission, 0 when
the target claims no surface (it says so).

``nnxspec surface --generate [--output FILE]``, run inside a flax release's environment
(``nnxspec env flax==0.10.3 .venvs/flax-0.10.3``, then ``.venvs/flax-0.10.3/bin/nnxspec surface
--generate``), writes that release's inventory (default: ``spec/surface/flax-<version>.json``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spec.runner.commands import Command, register

__all__ = ["run"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target",
        default="reference",
        help="reference (default), flax, an nnxspec.targets entry point, or module:attr",
    )
    p.add_argument("--verbose", action="store_true", help="also list each omitted entry and why")
    p.add_argument(
        "--generate",
        action="store_true",
        help="write the installed flax release's inventory instead of checking",
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="with --generate: where to write")


def run(args: argparse.Namespace) -> int:
    from spec.surface.claim import check_target, generate_from_flax
    from spec.surface.inventory import inventory_path, save
    from spec.target import TargetError, resolve_target

    if args.generate:
        name, inventory = generate_from_flax()
        out = args.output or inventory_path(name)
        save(inventory, out)
        print(f"wrote {out} ({len(inventory['entries'])} entries)")
        return 0
    try:
        target = resolve_target(args.target)
    except TargetError as e:
        print(f"nnxspec surface: {e}")
        return 2
    report = check_target(target)
    if report is None:
        print(f"{target.name} {target.version} claims no public surface")
        return 0
    print(report.render(verbose=args.verbose))
    return 0 if report.ok else 1


register(
    Command(
        name="surface",
        help="check the public surface a target claims (or --generate a flax release's inventory)",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
