"""``nnxspec bench``: side-by-side timings of the graph operations of several targets.

Times ``split``, ``merge``, ``update``, ``clone``, ``state``, graphdef hashing (a new GraphDef's
first hash, then later hashes of the same one), a jitted ``split(merge(graphdef, state))`` round
trip (first call with tracing, then steady state), and two floors: ``jax.tree_util`` flatten +
unflatten of the same state (C++), and the same written in pure Python.  Shapes: MLP-shaped models
(``mlp-10``, ``mlp-50``), wide graphs of 1k to 256k Variables with 10% sharing (``wide-16k`` ...),
a 100,000-deep chain and a 1,000-node ring.  Each target runs in its own worker process, in its own
environment (``flax@/path/to/venv``), and the workers are sampled round-robin
(``spec.bench.driver``).

Examples::

    nnxspec bench --targets reference,flax --quick
    nnxspec bench --targets reference,flax,flax@.venvs/flax-0.10.3 --json bench.json \\
        --markdown BENCHMARKS.md --plot BENCHMARKS.png --notes spec/bench/changes.md
    nnxspec bench --from-json bench.json --markdown BENCHMARKS.md --plot BENCHMARKS.png

Performance is measured here, never asserted: the exit status is 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from spec.runner.commands import Command, register

__all__ = ["run"]


def _configure(p: argparse.ArgumentParser) -> None:
    from spec.bench.ops import OPS
    from spec.bench.shapes import DEFAULT_SHAPES

    p.add_argument(
        "--targets",
        default="reference,flax",
        help="comma-separated NAME[@VENV_DIR] (default: reference,flax); the first is the "
        "baseline of the ratios",
    )
    p.add_argument("--shapes", help=f"comma-separated shapes (default: {','.join(DEFAULT_SHAPES)})")
    p.add_argument("--ops", help=f"comma-separated operations (default: {','.join(OPS)})")
    p.add_argument(
        "--quick",
        action="store_true",
        help="fewer shapes, rounds and samples: a sanity run of a minute or two",
    )
    p.add_argument(
        "--rounds", type=int, help="round-robin rounds per operation (default 5; quick 2)"
    )
    p.add_argument(
        "--budget",
        type=float,
        help="seconds of samples per target and operation (default 0.5; quick 0.05)",
    )
    p.add_argument(
        "--min-samples",
        type=int,
        help="samples per target and operation, at least (default 3; quick 2)",
    )
    p.add_argument(
        "--max-samples", type=int, help="samples per target and operation, at most (default 60)"
    )
    p.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="what the tables report: the worker's CPU time (default; fair on a shared machine) "
        "or wall time (what a user waits); both are recorded",
    )
    p.add_argument(
        "--gc",
        choices=("enabled", "disabled"),
        default="enabled",
        help="the cyclic garbage collector during samples (gc.collect() runs before each)",
    )
    p.add_argument(
        "--jit-max-leaves",
        type=int,
        default=4096,
        help="skip the jit operations on graphs with more state leaves (default 4096)",
    )
    p.add_argument(
        "--memory-shapes",
        default="mlp-10,wide-16k",
        help="shapes whose split peak memory is measured with tracemalloc (default "
        "mlp-10,wide-16k)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds a worker may take to answer one request (default 1800)",
    )
    p.add_argument(
        "--json", type=Path, metavar="FILE", help="write the results (every sample) as JSON"
    )
    p.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="write the report as Markdown (e.g. BENCHMARKS.md)",
    )
    p.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="draw µs per Variable against size, log-log (needs matplotlib)",
    )
    p.add_argument(
        "--notes",
        type=Path,
        metavar="FILE.md",
        help="Markdown to place in the report after the goals (e.g. spec/bench/changes.md)",
    )
    p.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="render the report from earlier --json results instead of measuring",
    )


def _settings(args: argparse.Namespace) -> object:
    from spec.bench.driver import Settings
    from spec.bench.ops import OPS
    from spec.bench.shapes import DEFAULT_SHAPES, QUICK_SHAPES, parse_shape

    def items(text: str | None) -> tuple[str, ...]:
        return tuple(x.strip() for x in (text or "").split(",") if x.strip())

    shapes = items(args.shapes) or (QUICK_SHAPES if args.quick else DEFAULT_SHAPES)
    for name in shapes:
        parse_shape(name)  # ValueError for an unknown shape
    ops = items(args.ops) or tuple(OPS)
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        raise ValueError(f"unknown operations {unknown}; known: {', '.join(OPS)}")
    quick = args.quick
    return Settings(
        shapes=shapes,
        ops=ops,
        rounds=args.rounds or (2 if quick else 5),
        budget=args.budget if args.budget is not None else (0.05 if quick else 0.5),
        min_samples=args.min_samples or (2 if quick else 3),
        max_samples=args.max_samples or (20 if quick else 60),
        clock=args.clock,
        gc=args.gc,
        jit_max_leaves=args.jit_max_leaves,
        memory_shapes=items(args.memory_shapes),
        timeout=args.timeout,
    )


def _write_outputs(results: dict[str, object], args: argparse.Namespace) -> None:
    from spec.bench import plot as plotting
    from spec.bench.report import markdown

    image: str | None = None
    if args.plot is not None:
        why = plotting.plot(results, args.plot)
        if why is None:
            print(f"nnxspec bench: plot written to {args.plot}")
            base = args.markdown.parent if args.markdown is not None else Path.cwd()
            image = os.path.relpath(args.plot.resolve(), base.resolve())
        else:
            print(f"nnxspec bench: {why}", file=sys.stderr)
    notes = args.notes.read_text(encoding="utf-8") if args.notes is not None else None
    text = markdown(results, plot=image, notes=notes)
    if args.json is not None and args.from_json is None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"nnxspec bench: results written to {args.json}")
    if args.markdown is not None:
        args.markdown.write_text(text, encoding="utf-8")
        print(f"nnxspec bench: report written to {args.markdown}")
    else:
        print(text)


def run(args: argparse.Namespace) -> int:
    from spec.bench.driver import Settings, command_line, parse_targets
    from spec.bench.driver import run as run_bench

    if args.from_json is not None:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
        _write_outputs(results, args)
        return 0
    from spec.target import TargetError, target_spec

    try:
        targets = parse_targets(args.targets)
        for t in targets:
            if t.venv is None:  # a target in another environment is looked up there
                target_spec(t.name)
        settings = _settings(args)
    except (ValueError, TargetError) as e:
        print(f"nnxspec bench: {e}", file=sys.stderr)
        return 2
    assert isinstance(settings, Settings)  # sanity check: _settings builds one
    argv = sys.argv[sys.argv.index("bench") + 1 :] if "bench" in sys.argv else []
    results = run_bench(
        targets, settings, command=command_line(argv), progress=lambda line: print(line, flush=True)
    )
    _write_outputs(results, args)
    return 0


register(
    Command(
        name="bench",
        help="time split / merge / update / clone / state / hashing / jit of several targets side "
        "by side",
        description=__doc__ or "",
        configure=_configure,
        run=run,
    )
)
