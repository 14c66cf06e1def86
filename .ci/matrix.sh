#!/usr/bin/env bash
# The whole flax release matrix (not part of .ci/run, which checks only the seed-era column and the
# newest release): for every release below, build its environment with `nnxspec env` (the pinned
# jax and Python: 3.13 for flax >= 0.12.9), rerun the `ci` profile with its expectations file, the
# target tests and every committed reproducer inside it, and compare the law statuses with
# results/flax-V (see .ci/conformance-fresh.sh, which does the work).
#
#   .ci/matrix.sh                                   # check the committed results of every release
#   NNXSPEC_FRESH_UPDATE=1 .ci/matrix.sh            # rewrite results/flax-* and CONFORMANCE.md
#   NNXSPEC_FRESH_ENVS=.venvs .ci/matrix.sh         # reuse environments built with
#       nnxspec env flax==V .venvs/flax-V --editable --source .
#
# On this 2-core machine it runs two releases side by side (NNXSPEC_FRESH_JOBS=2); budget about
# 5 minutes of ci run per release plus the environment builds (pip downloads on a cold cache).
# Environment: MATRIX_VERSIONS overrides the release list; everything else as conformance-fresh.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MATRIX_VERSIONS=${MATRIX_VERSIONS:-0.10.0 0.10.3 0.10.6 0.11.0 0.11.2 0.12.0 0.12.8 0.12.12}
NNXSPEC_FRESH_VERSIONS=$MATRIX_VERSIONS NNXSPEC_FRESH_REFERENCE=${NNXSPEC_FRESH_REFERENCE:-0} \
  exec bash .ci/conformance-fresh.sh
