#!/usr/bin/env bash
# Freshness of the committed flax conformance results (called from .ci/run).
#
# For each flax release of the table: rebuild its environment with `nnxspec env flax==V DIR`
# (the known-good jax pin, nnxspec from this checkout), rerun the `ci` profile with the release's
# expectation file, and fail when any law's status differs from results/flax-V/results.json
# (statuses only: not timings, example counts or counterexamples).  Also runs the flax target's
# own tests inside each environment, and checks that CONFORMANCE.md is what `nnxspec conformance`
# generates from the committed results.  The two releases run side by side.
#
# Environment: PYTHON (an interpreter with nnxspec's dependencies; default .venv/bin/python, else
# python3), NNXSPEC_FRESH_DIR (work folder; default a temporary one, removed afterwards),
# NNXSPEC_FRESH_VERSIONS (default "0.10.3 0.12.8"), NNXSPEC_FRESH_SERIAL=1 (one after the other).
# To refresh the committed results instead, see results/README.md.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
VERSIONS=${NNXSPEC_FRESH_VERSIONS:-0.10.3 0.12.8}
if [ -n "${NNXSPEC_FRESH_DIR:-}" ]; then
  WORK=$NNXSPEC_FRESH_DIR; mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/nnxspec-fresh.XXXXXX"); trap 'rm -rf "$WORK"' EXIT
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
start=$(date +%s)
fail=0

say() { echo "[conformance-fresh $(( $(date +%s) - start ))s] $*"; }

# 1. CONFORMANCE.md is generated from the committed results (cheap, no flax needed).
if ! "$PY" -m spec.runner conformance results/reference results/flax-0.10.3 results/flax-0.12.8 \
     --section results/typing.md --check CONFORMANCE.md; then
  fail=1
fi

# 2. Environments, one at a time (pip builds nnxspec in this checkout's build/ folder).
for v in $VERSIONS; do
  say "building the flax $v environment"
  if ! "$PY" -m spec.runner env "flax==$v" "$WORK/flax-$v" --clear > "$WORK/env-$v.log" 2>&1; then
    tail -30 "$WORK/env-$v.log"; say "FAILED: could not build the flax $v environment"; exit 1
  fi
done

# 3. The ci profile and the target tests in each environment, side by side.
run_one() {
  local v=$1 env="$WORK/flax-$1" out="$WORK/results-flax-$1"
  rm -rf "$out"
  (cd "$WORK" && env -u PYTHONPATH "$env/bin/nnxspec" check --target flax --profile ci \
      --expect "$ROOT/spec/targets/expectations/flax-$v.toml" --report "$out") > "$WORK/check-$v.log" 2>&1
  (cd "$ROOT" && env -u PYTHONPATH "$env/bin/python" -m pytest -q -p no:cacheprovider tests/targets) \
      > "$WORK/tests-$v.log" 2>&1
  echo $? > "$WORK/tests-$v.rc"
}
pids=()
for v in $VERSIONS; do
  say "checking flax $v (ci profile)"
  if [ "${NNXSPEC_FRESH_SERIAL:-0}" = 1 ]; then run_one "$v"; else run_one "$v" & pids+=($!); fi
done
for p in "${pids[@]}"; do wait "$p"; done

# 4. Compare statuses with the committed results.
for v in $VERSIONS; do
  tail -3 "$WORK/check-$v.log"
  if [ ! -f "$WORK/results-flax-$v/results.json" ]; then
    tail -40 "$WORK/check-$v.log"; say "FAILED: flax $v wrote no results"; fail=1; continue
  fi
  if ! "$PY" -m spec.runner conformance --compare "results/flax-$v" "$WORK/results-flax-$v"; then
    say "FAILED: results/flax-$v is stale (regenerate it: see results/README.md)"; fail=1
  fi
  if [ "$(cat "$WORK/tests-$v.rc")" != 0 ]; then
    tail -30 "$WORK/tests-$v.log"; say "FAILED: tests/targets in the flax $v environment"; fail=1
  else
    say "tests/targets in flax $v: $(tail -1 "$WORK/tests-$v.log")"
  fi
done
say "done (exit $fail)"
exit $fail
