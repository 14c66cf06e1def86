"""``nnxspec env flax==VERSION DIR``: a virtual environment for checking one flax release.

Creates ``DIR`` (``python -m venv``) and installs, in one pip call under a constraints file:
``flax==VERSION``, the known-good ``jax`` / ``jaxlib`` pin for it (``JAX_PINS``; flax only bounds
jax from below, so a plain ``pip install flax==0.10.3`` pulls a jax it cannot ``nnx.jit`` with), and
nnxspec itself from the local checkout (its other dependencies resolve normally; the constraints
keep pip from upgrading jax).  Then it checks that the versions imported inside are the pinned ones
and writes ``DIR/nnxspec-env.json``.  Afterwards::

    DIR/bin/nnxspec check --target flax --expect spec/targets/expectations/flax-VERSION.toml

``--jax`` overrides the pin (for a release without one), ``--clear`` empties an existing ``DIR``
first, ``--editable`` installs the checkout in development mode, ``--source`` names another
checkout or a built nnxspec wheel (so several environments can be built at once without sharing
the checkout's ``build/`` folder), ``--dry-run`` prints the commands.
Known pins: flax 0.10.3 <-> jax 0.4.38, flax 0.11.2 <-> jax 0.7.1, flax 0.12.8 <-> jax 0.10.2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from spec.runner.commands import Command, register

__all__ = ["JAX_PINS", "checkout_root", "commands", "parse_requirement", "run"]

JAX_PINS: dict[str, str] = {
    "0.10.3": "0.4.38",
    "0.11.2": "0.7.1",
    "0.12.8": "0.10.2",
}
"""flax release -> the jax / jaxlib release it is known to work with (checked by running the suite)."""

_REQUIREMENT = re.compile(r"^\s*flax\s*==\s*([0-9][0-9A-Za-z.+-]*)\s*$")


def parse_requirement(text: str) -> str:
    """Return the flax version of ``flax==VERSION``; ValueError for anything else."""
    m = _REQUIREMENT.match(text)
    if m is None:
        raise ValueError(f"expected 'flax==VERSION' (an exact release), got {text!r}")
    return m.group(1)


def checkout_root() -> Path | None:
    """Return the nnxspec source checkout this module runs from (the folder with its
    ``pyproject.toml``), or None for an installed copy."""
    import spec

    root = Path(spec.__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "nnxspec"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def _bin(folder: Path, name: str) -> Path:
    return folder / ("Scripts" if sys.platform == "win32" else "bin") / name


def commands(flax: str, jax: str, folder: Path, source: Path, *, python: str, clear: bool,
             editable: bool) -> list[list[str]]:
    """Return the commands that build the environment (the constraints file is written first)."""
    venv = [python, "-m", "venv", *(["--clear"] if clear else []), str(folder)]
    pip = [str(_bin(folder, "python")), "-m", "pip", "install", "--disable-pip-version-check", "--no-compile",
           "-c", str(folder / "nnxspec-constraints.txt"),
           f"flax=={flax}", f"jax=={jax}", f"jaxlib=={jax}",
           *(["-e", str(source)] if editable else [str(source)])]
    return [venv, pip]


_CHECK = ("import json, flax, jax, jaxlib, spec; "
          "print(json.dumps({'flax': flax.__version__, 'jax': jax.__version__, "
          "'jaxlib': jaxlib.__version__, 'spec': spec.__file__}))")


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("requirement", metavar="flax==VERSION", help="the flax release, e.g. flax==0.12.8")
    p.add_argument("folder", type=Path, metavar="DIR", help="the environment to create")
    p.add_argument("--jax", metavar="VERSION", help="jax / jaxlib release (default: the known-good pin)")
    p.add_argument("--python", default=sys.executable, help="interpreter for the venv (default: this one)")
    p.add_argument("--source", type=Path,
                   help="nnxspec checkout (or a built nnxspec wheel) to install (default: the running checkout)")
    p.add_argument("--clear", action="store_true", help="empty DIR first if it exists")
    p.add_argument("--editable", action="store_true", help="install the checkout with pip -e")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")


def run(args: argparse.Namespace) -> int:
    try:
        flax = parse_requirement(args.requirement)
    except ValueError as e:
        print(f"nnxspec env: {e}")
        return 2
    jax = args.jax or JAX_PINS.get(flax)
    if jax is None:
        known = ", ".join(f"flax {f} <-> jax {j}" for f, j in JAX_PINS.items())
        print(f"nnxspec env: no known-good jax pin for flax {flax} (known: {known}); pass --jax VERSION")
        return 2
    source = args.source or checkout_root()
    wheel = source is not None and Path(source).suffix == ".whl" and Path(source).is_file()
    if source is None or not (wheel or (Path(source) / "pyproject.toml").is_file()):
        print("nnxspec env: no nnxspec checkout to install (this copy is installed); pass --source PATH")
        return 2
    folder: Path = args.folder.resolve()
    if folder.exists() and any(folder.iterdir()) and not args.clear and not (folder / "pyvenv.cfg").is_file():
        print(f"nnxspec env: {folder} exists and is not a virtual environment; choose another DIR")
        return 2
    cmds = commands(flax, jax, folder, Path(source).resolve(), python=args.python, clear=args.clear,
                    editable=args.editable)
    constraints = f"flax=={flax}\njax=={jax}\njaxlib=={jax}\n"
    if args.dry_run:
        print(f"# {folder / 'nnxspec-constraints.txt'}:\n" + "".join(f"#   {line}\n" for line in constraints.splitlines()))
        for c in cmds:
            print(shlex.join(c))
        return 0
    start = time.monotonic()
    venv, pip = cmds
    # pip and the check must see the new environment only: a PYTHONPATH naming a checkout (with
    # its nnxspec.egg-info) makes pip believe nnxspec is installed already
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PIP_USER")}
    print("+ " + shlex.join(venv), flush=True)
    if subprocess.call(venv, env=clean) != 0:
        print("nnxspec env: creating the virtual environment failed")
        return 1
    (folder / "nnxspec-constraints.txt").write_text(constraints, encoding="utf-8")
    print("+ " + shlex.join(pip), flush=True)
    if subprocess.call(pip, env=clean) != 0:
        print("nnxspec env: pip failed (see above)")
        return 1
    out = subprocess.run([str(_bin(folder, "python")), "-c", _CHECK], capture_output=True, text=True,
                         env=clean, cwd=folder)
    if out.returncode != 0:
        print(f"nnxspec env: the environment does not import flax / jax / nnxspec:\n{out.stderr}")
        return 1
    found = json.loads(out.stdout.strip().splitlines()[-1])
    wrong = [f"{k} {found[k]} (wanted {v})" for k, v in (("flax", flax), ("jax", jax), ("jaxlib", jax)) if found[k] != v]
    if not Path(found["spec"]).resolve().is_relative_to(folder) and not args.editable:
        wrong.append(f"nnxspec imported from {found['spec']}, outside the environment")
    if wrong:
        print(f"nnxspec env: wrong versions installed: {', '.join(wrong)}")
        return 1
    record = {"flax": flax, "jax": jax, "jaxlib": found["jaxlib"], "source": str(Path(source).resolve()),
              "editable": bool(args.editable), "python": args.python, "seconds": round(time.monotonic() - start, 1)}
    (folder / "nnxspec-env.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    expect = f"spec/targets/expectations/flax-{flax}.toml"
    print(f"nnxspec env: {folder} ready in {record['seconds']} s: flax {flax}, jax {jax}")
    print(f"  run: {_bin(folder, 'nnxspec')} check --target flax --expect {expect}")
    return 0


register(Command(
    name="env",
    help="create a virtual environment with one flax release (and its jax pin) plus nnxspec",
    description=__doc__ or "",
    configure=_configure,
    run=run,
))


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - convenience
    p = argparse.ArgumentParser(prog="nnxspec env")
    _configure(p)
    return run(p.parse_args(argv))
