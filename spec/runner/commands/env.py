"""``nnxspec env flax==VERSION DIR``: a virtual environment for checking one flax release.

Creates ``DIR`` (``python -m venv``) and installs, in one pip call under a constraints file:
``flax==VERSION``, the known-good ``jax`` / ``jaxlib`` pin for it (``JAX_PINS``; flax only bounds
jax from below, so a plain ``pip install flax==0.10.3`` pulls a jax it cannot ``nnx.jit`` with), and
nnxspec itself from the local checkout (its other dependencies resolve normally; the constraints
keep pip from upgrading jax).  Then it checks that the versions imported inside are the pinned ones
and writes ``DIR/nnxspec-env.json``.  Afterwards::

    DIR/bin/nnxspec check --target flax --expect spec/targets/expectations/flax-VERSION.toml

The interpreter: ``--python PATH``, else the pin's Python (``PINS``) found as this interpreter,
``python3.X`` on ``PATH`` or a pyenv install (``$PYENV_ROOT/versions/3.X.*``); when none is
there it says in one line which one is missing.  flax >= 0.12.9 (and jax >= 0.10.3) install only on
Python >= 3.12, flax 0.11+ only on >= 3.11.

``--jax`` overrides the pin, ``--clear`` empties an existing ``DIR``
first, ``--editable`` installs the checkout in development mode, ``--source`` names another
checkout or a built nnxspec wheel (so several environments can be built at once without sharing
the checkout's ``build/`` folder), ``--dry-run`` prints the commands.
Pins marked verified were found by building the environment and running the suite in it; the
others are the jax of the same period, and the build checks that flax, jax and nnxspec import.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from spec.runner.commands import Command, register

__all__ = [
    "JAX_PINS",
    "PINS",
    "Pin",
    "checkout_root",
    "commands",
    "find_python",
    "minimum_python",
    "parse_requirement",
    "pin_for",
    "run",
    "run_hint",
]


@dataclasses.dataclass(frozen=True)
class Pin:
    """A flax release's known-good jax / jaxlib release and Python (``major.minor``)."""

    jax: str
    python: str
    verified: bool
    """Built and run with the suite (the releases of the committed conformance columns)."""


PINS: dict[str, Pin] = {
    "0.10.0": Pin("0.4.38", "3.11", True),
    "0.10.1": Pin("0.4.38", "3.11", False),
    "0.10.2": Pin("0.4.38", "3.11", False),
    "0.10.3": Pin("0.4.38", "3.11", True),
    "0.10.4": Pin("0.4.38", "3.11", False),
    "0.10.5": Pin("0.5.3", "3.11", False),  # flax 0.10.5 needs jax >= 0.5.1
    "0.10.6": Pin("0.5.3", "3.11", True),
    "0.10.7": Pin("0.6.2", "3.11", False),  # flax 0.10.7 needs jax >= 0.6.0
    "0.11.0": Pin("0.6.2", "3.11", True),
    "0.11.1": Pin("0.6.2", "3.11", False),
    "0.11.2": Pin("0.7.1", "3.11", True),
    "0.12.0": Pin(
        "0.7.1", "3.11", True
    ),  # flax 0.12.0 needs jax >= 0.7.1; jax 0.10.2 fails its import
    "0.12.1": Pin("0.8.1", "3.11", False),  # flax 0.12.1 - 0.12.6 need jax >= 0.8.1
    "0.12.2": Pin("0.8.1", "3.11", False),
    "0.12.3": Pin("0.8.1", "3.11", False),
    "0.12.4": Pin("0.10.2", "3.11", False),
    "0.12.5": Pin("0.10.2", "3.11", False),
    "0.12.6": Pin("0.10.2", "3.11", False),
    "0.12.7": Pin("0.10.2", "3.11", False),  # flax 0.12.7 - 0.12.8 need jax >= 0.10.0
    "0.12.8": Pin("0.10.2", "3.11", True),
    "0.12.9": Pin("0.12.0.1", "3.13", False),  # flax >= 0.12.9 needs Python >= 3.12, jax >= 0.11.1
    "0.12.10": Pin("0.12.0.1", "3.13", False),
    "0.12.11": Pin("0.12.0.1", "3.13", False),
    "0.12.12": Pin("0.12.0.1", "3.13", True),
}
"""flax release -> its jax / jaxlib pin and Python (flax bounds jax from below only)."""

JAX_PINS: dict[str, str] = {flax: pin.jax for flax, pin in PINS.items()}
"""flax release -> jax / jaxlib release (``PINS`` without the Python)."""

_MINIMUM_PYTHON: tuple[tuple[tuple[int, ...], tuple[int, int]], ...] = (
    ((0, 12, 9), (3, 12)),
    ((0, 11, 0), (3, 11)),
    ((0, 0, 0), (3, 10)),
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def minimum_python(flax: str) -> tuple[int, int]:
    """Return the oldest Python flax ``flax`` installs on (its wheels' ``Requires-Python``)."""
    v = _version(flax)
    return next(py for since, py in _MINIMUM_PYTHON if v >= since)


def pin_for(flax: str) -> Pin | None:
    """Return the pin of flax ``flax`` (None for a release the table does not know)."""
    return PINS.get(flax)


def _interpreter_version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except OSError:
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def _pyenv_root() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def find_python(minor: str, *, pyenv_root: Path | None = None) -> str | None:
    """Return a working interpreter of Python ``minor`` (``"3.13"``): this one, the newest pyenv
    install of it, or ``python3.13`` on ``PATH``; None when there is none."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == minor:
        return sys.executable
    root = (pyenv_root or _pyenv_root()) / "versions"
    found = sorted(
        (p for p in root.glob(f"{minor}.*") if re.fullmatch(rf"{re.escape(minor)}\.\d+", p.name)),
        key=lambda p: _version(p.name),
        reverse=True,
    )
    candidates = [
        str(folder / "bin" / "python3")
        for folder in found
        if (folder / "bin" / "python3").is_file()
    ]
    on_path = shutil.which(f"python{minor}")
    if on_path:
        candidates.append(on_path)
    want = tuple(int(x) for x in minor.split("."))
    return next((c for c in candidates if _interpreter_version(c) == want), None)


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


def commands(
    flax: str, jax: str, folder: Path, source: Path, *, python: str, clear: bool, editable: bool
) -> list[list[str]]:
    """Return the commands that build the environment (the constraints file is written first)."""
    venv = [python, "-m", "venv", *(["--clear"] if clear else []), str(folder)]
    pip = [
        str(_bin(folder, "python")),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-compile",
        "-c",
        str(folder / "nnxspec-constraints.txt"),
        f"flax=={flax}",
        f"jax=={jax}",
        f"jaxlib=={jax}",
        *(["-e", str(source)] if editable else [str(source)]),
    ]
    return [venv, pip]


_CHECK = (
    "import json, flax, jax, jaxlib, spec; "
    "print(json.dumps({'flax': flax.__version__, 'jax': jax.__version__, "
    "'jaxlib': jaxlib.__version__, 'spec': spec.__file__}))"
)


def run_hint(flax: str, nnxspec: Path) -> str:
    """Return the command that checks flax ``flax`` with its expectations file, when one ships
    (the path relative to the working folder when it lies inside it)."""
    from spec.targets.expectations import path_for

    expect = path_for("flax", flax)
    if expect is None:
        return f"{nnxspec} check --target flax   (no expectations file ships for flax {flax} yet)"
    try:
        shown = expect.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = expect.resolve()
    return f"{nnxspec} check --target flax --expect {shown}"


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "requirement", metavar="flax==VERSION", help="the flax release, e.g. flax==0.12.8"
    )
    p.add_argument("folder", type=Path, metavar="DIR", help="the environment to create")
    p.add_argument(
        "--jax", metavar="VERSION", help="jax / jaxlib release (default: the known-good pin)"
    )
    p.add_argument(
        "--python",
        help="interpreter for the venv (default: the pin's Python, found as this "
        "interpreter, python3.X on PATH or a pyenv install)",
    )
    p.add_argument(
        "--source",
        type=Path,
        help="nnxspec checkout (or a built nnxspec wheel) to install (default: the running "
        "checkout)",
    )
    p.add_argument("--clear", action="store_true", help="empty DIR first if it exists")
    p.add_argument("--editable", action="store_true", help="install the checkout with pip -e")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")


def run(args: argparse.Namespace) -> int:
    try:
        flax = parse_requirement(args.requirement)
    except ValueError as e:
        print(f"nnxspec env: {e}")
        return 2
    pin = pin_for(flax)
    jax = args.jax or (pin.jax if pin else None)
    if jax is None:
        known = ", ".join(PINS)
        print(
            f"nnxspec env: no known-good jax pin for flax {flax} (pinned: {known}); pass "
            "--jax VERSION"
        )
        return 2
    lowest = minimum_python(flax)
    python = args.python
    if python is None:
        want = pin.python if pin else f"{lowest[0]}.{lowest[1]}"
        python = find_python(want)
        if python is None:
            print(
                f"nnxspec env: flax {flax} wants Python {want}, which is not installed here "
                f"(not this interpreter, not python{want} on PATH, not "
                f"{_pyenv_root()}/versions/{want}.*); "
                "pass --python PATH"
            )
            return 2
    found_py = _interpreter_version(python)
    if found_py is None:
        print(f"nnxspec env: --python {python} is not a working Python interpreter")
        return 2
    if found_py < lowest:
        print(
            f"nnxspec env: flax {flax} installs only on Python >= {lowest[0]}.{lowest[1]}, "
            f"but {python} is Python {found_py[0]}.{found_py[1]}; pass --python PATH"
        )
        return 2
    source = args.source or checkout_root()
    wheel = source is not None and Path(source).suffix == ".whl" and Path(source).is_file()
    if source is None or not (wheel or (Path(source) / "pyproject.toml").is_file()):
        print(
            "nnxspec env: no nnxspec checkout to install (this copy is installed); pass "
            "--source PATH"
        )
        return 2
    folder: Path = args.folder.resolve()
    if (
        folder.exists()
        and any(folder.iterdir())
        and not args.clear
        and not (folder / "pyvenv.cfg").is_file()
    ):
        print(f"nnxspec env: {folder} exists and is not a virtual environment; choose another DIR")
        return 2
    cmds = commands(
        flax,
        jax,
        folder,
        Path(source).resolve(),
        python=python,
        clear=args.clear,
        editable=args.editable,
    )
    constraints = f"flax=={flax}\njax=={jax}\njaxlib=={jax}\n"
    if args.dry_run:
        print(
            f"# {folder / 'nnxspec-constraints.txt'}:\n"
            + "".join(f"#   {line}\n" for line in constraints.splitlines())
        )
        for c in cmds:
            print(shlex.join(c))
        return 0
    start = time.monotonic()
    venv, pip = cmds
    # pip and the check must see the new environment only: a PYTHONPATH naming a checkout (with
    # its nnxspec.egg-info) makes pip believe nnxspec is installed already
    clean = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PIP_USER")
    }
    print("+ " + shlex.join(venv), flush=True)
    if subprocess.call(venv, env=clean) != 0:
        print("nnxspec env: creating the virtual environment failed")
        return 1
    (folder / "nnxspec-constraints.txt").write_text(constraints, encoding="utf-8")
    print("+ " + shlex.join(pip), flush=True)
    if subprocess.call(pip, env=clean) != 0:
        print("nnxspec env: pip failed (see above)")
        return 1
    out = subprocess.run(
        [str(_bin(folder, "python")), "-c", _CHECK],
        capture_output=True,
        text=True,
        env=clean,
        cwd=folder,
    )
    if out.returncode != 0:
        print(f"nnxspec env: the environment does not import flax / jax / nnxspec:\n{out.stderr}")
        return 1
    found = json.loads(out.stdout.strip().splitlines()[-1])
    wrong = [
        f"{k} {found[k]} (wanted {v})"
        for k, v in (("flax", flax), ("jax", jax), ("jaxlib", jax))
        if found[k] != v
    ]
    if not Path(found["spec"]).resolve().is_relative_to(folder) and not args.editable:
        wrong.append(f"nnxspec imported from {found['spec']}, outside the environment")
    if wrong:
        print(f"nnxspec env: wrong versions installed: {', '.join(wrong)}")
        return 1
    record = {
        "flax": flax,
        "jax": jax,
        "jaxlib": found["jaxlib"],
        "source": str(Path(source).resolve()),
        "editable": bool(args.editable),
        "python": python,
        "python_version": ".".join(map(str, found_py)),
        "seconds": round(time.monotonic() - start, 1),
    }
    (folder / "nnxspec-env.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(
        f"nnxspec env: {folder} ready in {record['seconds']} s: flax {flax}, jax {jax}, "
        f"Python {record['python_version']}"
    )
    print(f"  run: {run_hint(flax, _bin(folder, 'nnxspec'))}")
    return 0


register(
    Command(
        name="env",
        help="create a virtual environment with one flax release (and its jax pin) plus nnxspec",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - convenience
    p = argparse.ArgumentParser(prog="nnxspec env")
    _configure(p)
    return run(p.parse_args(argv))
