#!/usr/bin/env bash
# Freshness of the committed conformance results (called from .ci/run).
#
#   1. results/typing.md is what `nnxspec typecheck --section` renders from the recorded typing
#      results, and CONFORMANCE.md is what `nnxspec conformance` generates from results/;
#   2. for each flax release (default: the seed-era 0.10.3 and the newest, 0.12.12 on Python 3.13;
#      .ci/matrix.sh passes every release): rebuild its environment with `nnxspec env flax==V`
#      (the pinned jax and Python; nnxspec from this checkout, built once as a wheel, though every
#      run imports the checkout itself: see below), rerun the `ci`
#      profile with the release's expectation file, run tests/targets inside it and every vector's
#      standalone reproducer (.py), which must exit non-zero (and not with a SyntaxError or ImportError) (the releases side by side, each under
#      a data-size limit of NNXSPEC_FRESH_MEMORY_KB, default 8 GB); then the reference's `ci` run,
#      in this environment;
#   3. fail when any law's status differs from the committed results/<run>/results.json (statuses
#      only: not timings, example counts or counterexamples), or when a step fails.
#
# NNXSPEC_FRESH_UPDATE=1 instead copies the new runs into results/ and regenerates typing.md and
# CONFORMANCE.md (commit them afterwards; run it on a clean checkout).
#
# Environment: PYTHON (an interpreter with nnxspec's dependencies; default .venv/bin/python, else
# python3), NNXSPEC_FRESH_DIR (work folder; default a temporary one, removed afterwards),
# NNXSPEC_FRESH_VERSIONS (default "0.10.3 0.12.12"), NNXSPEC_FRESH_REFERENCE=0 (skip the reference
# run), NNXSPEC_FRESH_JOBS (flax runs side by side, default 2; NNXSPEC_FRESH_SERIAL=1 means 1),
# NNXSPEC_FRESH_ENVS=DIR (reuse DIR/flax-V environments made by `nnxspec env`, e.g. .venvs, instead
# of building them; this checkout is put first on their PYTHONPATH, so the code run is this
# checkout's even when the environment was installed from another one).
# CONFORMANCE.md has a column for the reference and for every results/flax-* folder, oldest release
# first, then the release history (`nnxspec history`) of those folders.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=$ROOT/.venv/bin/python; else PY=python3; fi
fi
VERSIONS=${NNXSPEC_FRESH_VERSIONS:-0.10.3 0.12.12}
JOBS=${NNXSPEC_FRESH_JOBS:-2}
[ "${NNXSPEC_FRESH_SERIAL:-0}" = 1 ] && JOBS=1
ENVS=${NNXSPEC_FRESH_ENVS:-}
[ -n "$ENVS" ] && ENVS=$(cd "$ENVS" && pwd)
UPDATE=${NNXSPEC_FRESH_UPDATE:-0}
if [ -n "${NNXSPEC_FRESH_DIR:-}" ]; then
  WORK=$NNXSPEC_FRESH_DIR; mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/nnxspec-fresh.XXXXXX"); trap 'rm -rf "$WORK"' EXIT
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
start=$(date +%s)
fail=0
say() { echo "[conformance-fresh $(( $(date +%s) - start ))s] $*"; }
nnxspec() { "$PY" -m spec.runner "$@"; }
# the CONFORMANCE.md columns: the reference, then every committed flax release, oldest first
columns() { echo results/reference; ls -d results/flax-* 2>/dev/null | sort -V; }
# Every run in a flax environment imports this checkout first (env PYTHONPATH="$ROOT" below), in a
# built environment (whose nnxspec wheel proves the package installs) as in a reused one.
# One install mode for all runs matters: Hypothesis mixes literal constants of *local* modules (not
# under site-packages) into its draws, so a derandomized ci run of nnxspec imported from a checkout
# (an editable install, as the README's commands make) and of the same nnxspec imported from a
# wheel draw different examples (flax 0.10.3's ERR-10 is found after 458 examples in the first
# and not at all in the second).
env_of() { if [ -n "$ENVS" ] && [ -f "$ENVS/flax-$1/nnxspec-env.json" ]; then echo "$ENVS/flax-$1"; else echo "$WORK/flax-$1"; fi; }

RUNS=()
[ "${NNXSPEC_FRESH_REFERENCE:-1}" = 1 ] && RUNS+=(reference)
for v in $VERSIONS; do RUNS+=("flax-$v"); done

if [ "$UPDATE" = 1 ] && [ -n "$(git status --porcelain -- spec reference strategies pyproject.toml 2>/dev/null)" ]; then
  say "warning: uncommitted changes in spec/ reference/ strategies/ go into the new results"
fi

# 1. Generated files (cheap, no flax needed).
if [ "$UPDATE" != 1 ]; then
  if ! nnxspec typecheck --section | cmp -s - results/typing.md; then
    say "FAILED: results/typing.md is stale: nnxspec typecheck --section > results/typing.md"; fail=1
  fi
  # shellcheck disable=SC2046
  if ! nnxspec conformance $(columns) --section results/typing.md --check CONFORMANCE.md; then
    fail=1
  fi
fi

# 2. nnxspec as a wheel, then the flax environments side by side.
say "building the nnxspec wheel"
if ! "$PY" -m pip wheel -q --no-deps -w "$WORK/wheel" "$ROOT" > "$WORK/wheel.log" 2>&1; then
  tail -20 "$WORK/wheel.log"; say "FAILED: could not build nnxspec"; exit 1
fi
WHEEL=$(ls "$WORK"/wheel/nnxspec-*.whl | head -1)
pids=()
building=()
for v in $VERSIONS; do
  if [ "$(env_of "$v")" != "$WORK/flax-$v" ]; then say "reusing $(env_of "$v")"; continue; fi
  say "building the flax $v environment"
  nnxspec env "flax==$v" "$WORK/flax-$v" --clear --source "$WHEEL" > "$WORK/env-$v.log" 2>&1 &
  pids+=($!); building+=("$v")
  if [ "${#pids[@]}" -ge "$JOBS" ]; then
    if ! wait "${pids[0]}"; then tail -30 "$WORK/env-${building[0]}.log"; say "FAILED: the flax ${building[0]} environment"; exit 1; fi
    pids=("${pids[@]:1}"); building=("${building[@]:1}")
  fi
done
i=0
for p in "${pids[@]}"; do
  if ! wait "$p"; then tail -30 "$WORK/env-${building[$i]}.log"; say "FAILED: the flax ${building[$i]} environment"; exit 1; fi
  i=$((i + 1))
done
say "environments ready"

# 3. The ci runs (and the target tests inside each flax environment).
run_one() {
  local run=$1 out="$WORK/results-$1" v=${1#flax-} envdir
  envdir=$(env_of "${1#flax-}")
  rm -rf "$out"
  if [ "$run" = reference ]; then
    (cd "$WORK" && "$PY" -m spec.runner check --target reference --profile ci --report "$out") \
        > "$WORK/check-$run.log" 2>&1
    return
  fi
  # a memory cap, so a law that runs away fails with MemoryError instead of the OOM killer taking
  # the whole run (flax's traversals of the 100,000-node inputs of the robustness laws)
  (ulimit -d "${NNXSPEC_FRESH_MEMORY_KB:-8000000}"
   cd "$WORK" && env PYTHONPATH="$ROOT" "$envdir/bin/python" -m spec.runner check --target flax --profile ci \
      --expect "$ROOT/spec/targets/expectations/flax-$v.toml" --report "$out") > "$WORK/check-$run.log" 2>&1
  (cd "$WORK" && env PYTHONPATH="$ROOT" "$envdir/bin/python" -m pytest -q -p no:cacheprovider \
      -c "$ROOT/pyproject.toml" --rootdir "$ROOT" "$ROOT/tests/targets") > "$WORK/tests-$run.log" 2>&1
  echo $? > "$WORK/tests-$run.rc"
  # every vector's standalone reproducer must fail on its release (the committed ones; the new
  # ones when updating)
  local vecs="$ROOT/results/$run/vectors" f bad=0
  [ "$UPDATE" = 1 ] && vecs="$out/vectors"
  for f in "$vecs"/*.py; do
    [ -e "$f" ] || continue
    if (ulimit -d "${NNXSPEC_FRESH_MEMORY_KB:-8000000}"; cd "$WORK" && timeout 600 \
        env PYTHONPATH="$ROOT" "$envdir/bin/python" "$f") > "$WORK/repro-$run-$(basename "$f").log" 2>&1; then
      echo "reproducer passed on flax $v (it must fail): $f"; bad=1
    elif grep -qE "^(SyntaxError|IndentationError|ModuleNotFoundError|ImportError)" \
        "$WORK/repro-$run-$(basename "$f").log"; then
      echo "reproducer is broken (it fails before reaching flax): $f"; bad=1
    fi
  done >> "$WORK/repro-$run.log"
  echo $bad > "$WORK/repro-$run.rc"
}
# the flax runs, JOBS side by side, then the reference (its robustness laws need the memory)
pids=()
for run in "${RUNS[@]}"; do
  [ "$run" = reference ] && continue
  say "checking $run (ci profile)"
  run_one "$run" & pids+=($!)
  if [ "${#pids[@]}" -ge "$JOBS" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
if [ "${RUNS[0]}" = reference ]; then say "checking reference (ci profile)"; run_one reference; fi
say "runs done"

# 4. Compare (or update).
for run in "${RUNS[@]}"; do
  echo "--- $run: $(tail -1 "$WORK/check-$run.log")"
  if [ ! -f "$WORK/results-$run/results.json" ]; then
    tail -40 "$WORK/check-$run.log"; say "FAILED: $run wrote no results"; fail=1; continue
  fi
  if [ -f "$WORK/tests-$run.rc" ]; then
    if [ "$(cat "$WORK/tests-$run.rc")" != 0 ]; then
      tail -30 "$WORK/tests-$run.log"; say "FAILED: tests/targets in the $run environment"; fail=1
    else
      say "tests/targets in $run: $(tail -1 "$WORK/tests-$run.log")"
    fi
  fi
  if [ -f "$WORK/repro-$run.rc" ]; then
    if [ "$(cat "$WORK/repro-$run.rc")" != 0 ]; then
      cat "$WORK/repro-$run.log"; say "FAILED: a reproducer of $run passes on its release"; fail=1
    else
      say "every reproducer of $run fails on its release ($(ls "$WORK"/repro-"$run"-*.log 2>/dev/null | wc -l) scripts)"
    fi
  fi
  if [ "$UPDATE" = 1 ]; then
    :  # copied below, once every run has its results
  elif ! nnxspec conformance --compare "results/$run" "$WORK/results-$run"; then
    say "FAILED: results/$run is stale (refresh: NNXSPEC_FRESH_UPDATE=1 .ci/conformance-fresh.sh)"; fail=1
  fi
done
if [ "$UPDATE" = 1 ] && [ "$fail" != 0 ]; then
  say "not updating results/: a step failed"
elif [ "$UPDATE" = 1 ]; then
  for run in "${RUNS[@]}"; do rm -rf "results/$run" && cp -r "$WORK/results-$run" "results/$run"; done
  nnxspec typecheck --section > results/typing.md
  # shellcheck disable=SC2046
  nnxspec conformance $(columns) --section results/typing.md --output CONFORMANCE.md || fail=1
  say "results/ and CONFORMANCE.md updated: review and commit them"
fi
say "done (exit $fail)"
exit $fail
